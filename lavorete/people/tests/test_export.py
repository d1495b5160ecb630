"""person_export_data: everything about the person, from the inventory (Art. 15/20)."""

import json

import pytest

from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.core.personal_data import fields_of
from lavorete.people.gdpr import ExportScope, export_scope_for, person_export, person_export_data
from lavorete.people.models import Person
from lavorete.people.permissions import log_person_read
from lavorete.people.tests.privacy_support import VALUES, full_person


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


def test_it_exports_every_inventory_field_of_the_record(zenobia):
    data = person_export_data(zenobia)
    assert set(fields_of(Person)) <= set(data["person"])
    assert data["person"]["tax_code"] == VALUES["tax_code"]
    assert data["person"]["residence"].startswith("Segrate")
    assert data["person"]["cv"].endswith(".pdf")
    assert "migrant" in data["person"]["categories"]


def test_it_exports_languages_skills_with_esco_labels_and_consents_with_their_text(zenobia):
    data = person_export_data(zenobia)
    assert {row["language"] for row in data["languages"]} == {"it", "en"}
    assert data["skills"][0]["skill_labels"] == {"en": "carve wood"}
    programme_consent = next(c for c in data["consents"] if c["text_version"] == "2026-11")
    assert programme_consent["text"]


def test_it_exports_the_pathway_with_everything_in_it(zenobia):
    data = person_export_data(zenobia)
    (enrolment,) = data["enrolments"]
    assert enrolment["programme"] == "Cittadinanza al lavoro"
    assert VALUES["transition_reason"] in [t["reason"] for t in enrolment["transitions"]]
    assert enrolment["services"][0]["service"]["title"] == "Laboratorio di progettazione"
    assert enrolment["goals"][0]["person_comment"] == VALUES["goal_comment"]
    outcome = enrolment["outcomes"][0]
    assert outcome["employer_name"] == VALUES["employer_name"]
    assert outcome["follow_ups"][0]["note"] == VALUES["follow_up_note"]
    assert enrolment["case_notes"][0]["text"] == VALUES["case_note"]
    assert data["referrals"][0]["reason"] == VALUES["referral_reason"]
    assert data["special_category_data"]["health_notes"] == VALUES["health_notes"]


def test_it_exports_the_account_and_its_coworking_records(zenobia):
    account = person_export_data(zenobia)["account"]
    assert account["email"] == VALUES["email"]
    linked = account["linked_records"]
    assert {"spaces.booking", "spaces.tiergrant", "spaces.checkin", "spaces.servicehours"} <= set(
        linked
    )
    assert any(r["statement"] == VALUES["tier_statement"] for r in linked["spaces.tiergrant"])
    assert any(r.get("guest_name") == VALUES["guest_name"] for r in linked["spaces.checkin"])


def test_it_exports_who_read_the_file(zenobia, operator):
    log_person_read(operator, zenobia, ["first_name"], purpose="Colloquio")
    (row,) = person_export_data(zenobia)["access_log"]
    assert row["who"] == operator.email
    assert row["who_name"] == operator.full_name
    assert row["fields"] == ["first_name"]
    assert row["purpose"] == "Colloquio"


def test_a_staff_export_leaves_out_what_the_staff_member_may_not_read(zenobia, coordinator):
    scope = export_scope_for(coordinator, zenobia)
    assert scope == ExportScope(special_category=False, case_notes_programmes=frozenset())
    data = person_export_data(zenobia, scope)
    assert "special_category_data" not in data
    assert "case_notes" not in data["enrolments"][0]
    assert "cat_disability" not in data["enrolments"][0]
    assert data["omitted"] == ["case_notes", "special_category_data"]
    text = json.dumps(data)
    assert VALUES["health_notes"] not in text
    assert VALUES["case_note"] not in text


def test_the_tutor_export_scope_has_the_notes_of_their_programme(zenobia, operator, programme):
    scope = export_scope_for(operator, zenobia)
    assert scope.case_notes_programmes == frozenset({programme.pk})
    assert scope.special_category is False


def test_every_export_is_audited_and_a_staff_export_is_in_the_access_log(zenobia, coordinator):
    person_export(actor=coordinator, person=zenobia, fmt="json")
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.changes["by"] == "staff"
    assert PersonalDataAccess.objects.filter(
        subject_id=str(zenobia.pk), actor=coordinator, fields=["export"]
    ).exists()
    person_export(actor=zenobia.user, person=zenobia, fmt="json")
    assert AuditEntry.objects.filter(action="person.export", changes__by="self").count() == 1


def test_it_refuses_an_unknown_format(zenobia, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        person_export(actor=coordinator, person=zenobia, fmt="xml")
    assert not AuditEntry.objects.filter(action="person.export").exists()
