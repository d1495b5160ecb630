"""The operator gives a person their personal area: the account is created or linked."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from lavorete.conftest import make_user
from lavorete.core.models import User
from lavorete.pathways.services import enrolment_create
from lavorete.people.models import Person
from lavorete.people.services import person_account_invite, person_create


@pytest.fixture
def newcomer(operator, programme, municipality):
    record = person_create(
        actor=operator,
        first_name="Nadia",
        last_name="Nuova",
        email="nadia.nuova@example.org",
        residence=municipality,
    )
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    return record


def test_it_creates_the_account_and_emails_the_invitation(
    operator, newcomer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = person_account_invite(actor=operator, person=newcomer)

    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert user.email == "nadia.nuova@example.org"
    assert not user.has_usable_password()
    assert EmailAddress.objects.filter(user=user, verified=True).exists()
    assert [m.to for m in mail.outbox] == [["nadia.nuova@example.org"]]


def test_it_links_an_existing_account_with_a_verified_address(operator, newcomer):
    existing = make_user("nadia.nuova@example.org", "Nadia")

    assert person_account_invite(actor=operator, person=newcomer) == existing
    newcomer.refresh_from_db()
    assert newcomer.user == existing
    assert mail.outbox == []


def test_it_refuses_an_account_whose_address_is_not_verified(operator, newcomer):
    existing = make_user("nadia.nuova@example.org", "Nadia")
    EmailAddress.objects.filter(user=existing).update(verified=False)

    with pytest.raises(ValidationError, match="non è verificato"):
        person_account_invite(actor=operator, person=newcomer)
    newcomer.refresh_from_db()
    assert newcomer.user is None


def test_it_refuses_a_record_without_email_or_already_linked(operator, newcomer, registered):
    Person.objects.filter(pk=newcomer.pk).update(email="")
    newcomer.refresh_from_db()
    with pytest.raises(ValidationError, match="e-mail"):
        person_account_invite(actor=operator, person=newcomer)
    with pytest.raises(ValidationError, match="ha già"):
        person_account_invite(actor=operator, person=registered)
    assert not User.objects.filter(email="nadia.nuova@example.org").exists()


def test_it_refuses_an_account_that_belongs_to_another_record(operator, newcomer, registered):
    Person.objects.filter(pk=newcomer.pk).update(email=registered.user.email)
    newcomer.refresh_from_db()
    with pytest.raises(ValidationError, match="altra persona"):
        person_account_invite(actor=operator, person=newcomer)


def test_the_tutor_invites_from_the_profile_page(client, operator, newcomer):
    client.force_login(operator)
    page = client.get(reverse("people:person", args=[newcomer.pk])).content.decode()
    assert reverse("people:invite", args=[newcomer.pk]) in page

    response = client.post(reverse("people:invite", args=[newcomer.pk]))

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.user is not None


@pytest.mark.parametrize(
    ("who", "status"), [("other_operator", 404), ("org_rep", 404), ("coordinator", 403)]
)
def test_nobody_else_invites(client, request, newcomer, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("people:invite", args=[newcomer.pk]))
    assert response.status_code == status
    newcomer.refresh_from_db()
    assert newcomer.user is None
