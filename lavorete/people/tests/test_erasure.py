"""person_erase: anonymisation that keeps the programme's figures true."""

import os

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError

from lavorete.core.audit import audit_record
from lavorete.core.models import AuditEntry, User
from lavorete.pathways.models import CaseNote, Enrolment, FollowUp, Goal, Outcome, StageTransition
from lavorete.people.gdpr import person_erase
from lavorete.people.models import Consent, Person, PersonLanguage, PersonSkill, SpecialCategoryData
from lavorete.people.tests.privacy_support import VALUES, full_person, log_in


@pytest.fixture
def zenobia(settings, tmp_path, programme, other_programme, operator, space, room):
    settings.MEDIA_ROOT = str(tmp_path)
    return full_person(
        programme=programme,
        other_programme=other_programme,
        operator=operator,
        space=space,
        room=room,
    )


def _erase(person, actor, capture):
    with capture(execute=True):
        return person_erase(actor=actor, person=person, reason="request")


def test_it_empties_the_record_and_deletes_what_is_only_about_the_person(
    zenobia, coordinator, django_capture_on_commit_callbacks
):
    cv_path = zenobia.cv.path
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    person = Person.objects.get(pk=zenobia.pk)
    assert person.anonymised_at is not None
    for name in ("first_name", "last_name", "email", "phone", "tax_code", "address"):
        assert getattr(person, name) == ""
    assert person.birth_date is None
    assert person.residence_id is None
    assert person.user_id is None
    assert not person.cv
    assert not os.path.exists(cv_path)
    assert str(person) == f"Persona anonimizzata {person.pk}"
    for model in (SpecialCategoryData, PersonLanguage, PersonSkill, Consent):
        assert not model.objects.filter(person=person).exists()
    assert not CaseNote.objects.filter(enrolment__person=person).exists()


def test_it_keeps_what_the_programme_figures_count(
    zenobia, coordinator, django_capture_on_commit_callbacks
):
    enrolment = Enrolment.objects.get(person=zenobia)
    before = Enrolment.objects.filter(pk=enrolment.pk).values().get()
    outcome = Outcome.objects.filter(enrolment=enrolment).values(
        "kind", "contract_type", "start_date", "weekly_hours", "employer_id"
    )
    outcome_before = list(outcome)
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    assert Enrolment.objects.filter(pk=enrolment.pk).values().get() == before
    assert list(outcome) == outcome_before
    assert FollowUp.objects.get(outcome__enrolment=enrolment).still_in_work is True
    assert FollowUp.objects.get(outcome__enrolment=enrolment).note == ""
    goal = Goal.objects.get(enrolment=enrolment)
    assert (goal.title, goal.description, goal.person_comment) == ("", "", "")
    assert set(
        StageTransition.objects.filter(enrolment=enrolment).values_list("reason", flat=True)
    ) == {""}


def test_it_closes_the_account(client, zenobia, coordinator, django_capture_on_commit_callbacks):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = zenobia.user
    TOTP.activate(user, generate_totp_secret())
    log_in(client, VALUES["email"])
    assert Session.objects.exists()
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    user = User.objects.get(pk=user.pk)
    assert user.email == f"erased-{user.pk}@invalid"
    assert user.full_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all()
    )
    # The old session no longer opens the personal area.
    assert client.get("/area-personale/i-miei-dati/").status_code == 302


def test_it_keeps_the_coworking_accounting(
    zenobia, coordinator, django_capture_on_commit_callbacks
):
    from lavorete.spaces.models import Booking, CheckIn, ServiceHours, TierGrant

    user = zenobia.user
    bookings = list(
        Booking.objects.filter(member=user).values_list("pk", "member_amount", "status")
    )
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    assert (
        list(Booking.objects.filter(member=user).values_list("pk", "member_amount", "status"))
        == bookings
    )
    assert set(Booking.objects.filter(member=user).values_list("cancel_reason", flat=True)) == {""}
    grant = TierGrant.objects.get(member=user)
    assert (grant.statement, grant.evidence.name) == ("", "")
    assert CheckIn.objects.get(host=user).guest_name == "-"
    assert ServiceHours.objects.get(member=user).hours == 2


def test_it_neutralises_log_labels_that_named_the_person(
    zenobia, coordinator, operator, registered, django_capture_on_commit_callbacks
):
    goal = Goal.objects.get(enrolment__person=zenobia)
    audit_record(actor=operator, action="goal.update", target=goal, changes={"title": goal.title})
    elsewhere = audit_record(
        actor=operator,
        action="organisation.note",
        target=registered,
        changes={"contact": VALUES["email"], "other": "Paola"},
    )
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="goal.update")
    assert entry.target_label == f"goal #{goal.pk}"
    assert entry.changes == {"title": "-"}
    elsewhere.refresh_from_db()
    # Another record's entry loses the erased person's e-mail, and only that.
    assert elsewhere.changes == {"contact": "-", "other": "Paola"}
    assert elsewhere.target_label == f"person #{registered.pk}"


def test_it_leaves_other_people_alone(
    zenobia, registered, coordinator, django_capture_on_commit_callbacks
):
    before = Person.objects.filter(pk=registered.pk).values().get()
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    assert Person.objects.filter(pk=registered.pk).values().get() == before
    assert User.objects.get(pk=registered.user_id).email == "persona@example.org"


def test_it_audits_the_erasure_with_counts_and_no_values(
    zenobia, coordinator, django_capture_on_commit_callbacks
):
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="person.erase")
    assert entry.actor == coordinator
    assert entry.changes["deleted"]["languages"] == 2
    assert entry.changes["deleted"]["consents"] == 2
    assert entry.changes["reason"] == "request"
    assert entry.changes["account"] is True


def test_it_refuses_to_erase_twice(zenobia, coordinator, django_capture_on_commit_callbacks):
    _erase(zenobia, coordinator, django_capture_on_commit_callbacks)
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        person_erase(actor=coordinator, person=zenobia, reason="request")
    assert AuditEntry.objects.count() == count


def test_it_refuses_an_unknown_reason_and_writes_nothing(zenobia, coordinator):
    with pytest.raises(ValidationError):
        person_erase(actor=coordinator, person=zenobia, reason="because")
    assert Person.objects.get(pk=zenobia.pk).first_name == VALUES["first_name"]


def test_uploads_stay_if_the_transaction_does_not_commit(
    zenobia, coordinator, django_capture_on_commit_callbacks
):
    cv_path = zenobia.cv.path
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        person_erase(actor=coordinator, person=zenobia, reason="request")
    assert os.path.exists(cv_path)
    assert len(callbacks) == 1


def test_a_person_without_an_account_is_erased_and_the_account_left_alone(
    registered, person, coordinator, django_capture_on_commit_callbacks
):
    Person.objects.filter(pk=registered.pk).update(user=None)
    registered.refresh_from_db()
    _erase(registered, coordinator, django_capture_on_commit_callbacks)
    registered.refresh_from_db()
    assert registered.anonymised_at is not None
    person.refresh_from_db()
    assert (person.email, person.is_active) == ("persona@example.org", True)
