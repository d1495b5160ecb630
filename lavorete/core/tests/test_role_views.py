import pytest
from django.urls import reverse

from lavorete.core.models import AuditEntry, RoleAssignment, User
from lavorete.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_coordinator_grants_a_role_to_a_new_user_who_is_invited(
    client, coordinator, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:role_grant"),
            {
                "email": "referente.nuova@example.org",
                "full_name": "Nora Nuova",
                "role": Role.ORGANISATION_REPRESENTATIVE,
                "scope": f"organisation:{organisation.pk}",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="referente.nuova@example.org")
    assert RoleAssignment.objects.filter(user=user, scope_id=organisation.pk).exists()
    assert len(mailoutbox) == 1


def test_a_wrong_scope_is_explained_and_nothing_is_written(client, coordinator, person):
    client.force_login(coordinator)
    before = (RoleAssignment.objects.count(), AuditEntry.objects.count(), User.objects.count())
    response = client.post(
        reverse("core:role_grant"),
        {"email": person.email, "role": Role.ORGANISATION_REPRESENTATIVE, "scope": "network:0"},
    )
    assert response.status_code == 200
    assert (
        "can&#x27;t be granted" in response.content.decode()
        or "non può" in response.content.decode()
    )
    assert (
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
        User.objects.count(),
    ) == before


def test_revoking_is_post_only_and_for_network_coordinators(client, coordinator, org_rep, operator):
    assignment = RoleAssignment.objects.get(user=org_rep)
    url = reverse("core:role_revoke", args=[assignment.pk])
    client.force_login(operator)
    assert client.post(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 405
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_role_list_queries_do_not_grow_with_rows(
    client, coordinator, org_rep, operator, evaluator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("core:roles"))
    assert response.status_code == 200
    assert org_rep.email in response.content.decode()


def test_audit_and_access_logs_are_for_network_coordinators(client, coordinator, org_rep):
    client.force_login(coordinator)
    assert client.get(reverse("core:audit"), {"q": "role"}).status_code == 200
    assert client.get(reverse("core:access_log")).status_code == 200
    assert client.get(reverse("core:personal_data")).status_code == 200
    client.force_login(org_rep)
    assert client.get(reverse("core:audit")).status_code == 403
