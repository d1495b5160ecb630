import pytest
from django.urls import reverse

from lavorete.conftest import PASSWORD, grant, make_user, totp_code
from lavorete.core.roles import Role

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_a_person_logs_in_with_email_and_password(client, person):
    response = login(client, "Persona@Example.org")
    assert response.status_code == 302
    assert client.get(reverse("portal:me")).status_code == 200


def test_staff_log_in_with_a_totp_code(client, coordinator):
    response = login(client, coordinator.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not logged in until the second factor is given.
    assert client.get(reverse("core:dashboard")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # wrong code: the form again
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(coordinator)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_staff_without_totp_must_set_it_up_before_anything_else(client):
    user = grant(make_user("nuovo.operatore@example.org"), Role.COORDINATOR)
    assert login(client, user.email).status_code == 302
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("portal:home"))["Location"] == reverse("mfa_activate_totp")
    # The set-up page stays reachable (allauth first asks for the password again),
    # and once TOTP is active the way is open.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    from lavorete.core.services import mfa_totp_activate

    mfa_totp_activate(actor=user, user=user, secret="JBSWY3DPEHPK3PXP")
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_people_without_a_staff_role_are_not_forced_to_use_totp(client, person, org_rep):
    for user in (person, org_rep):
        client.force_login(user)
        assert client.get(reverse("portal:me")).status_code == 200


def test_repeated_failures_lock_the_login_for_a_while_only(client, person, settings):
    import datetime as dt

    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, person.email, "wrong-password")
    response = login(client, person.email)
    assert response.status_code == 429
    assert (
        "Too many failed attempts" in response.content.decode()
        or "Troppi" in response.content.decode()
    )
    # Another address is not locked out: the lockout can't shut the person out everywhere.
    other = login(client, person.email, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302

    # After the cool-off the same address can try again.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    client.logout()
    assert login(client, person.email).status_code == 302


def test_account_emails_leave_through_the_task_queue_signed_by_the_site(client, person, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": person.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "Lavorete" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_the_database_task_backend_and_worker_deliver_queued_email(
    settings, person, mailoutbox, monkeypatch
):
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    # The worker drops connections between tasks; inside the test's transaction
    # that would close the very connection the test is using.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    from django_tasks_db.models import DBTaskResult

    from lavorete.core.tasks import send_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_email.enqueue(subject="Prova", body="Corpo", to=[person.email])
    assert DBTaskResult.objects.count() == 1
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Prova"
