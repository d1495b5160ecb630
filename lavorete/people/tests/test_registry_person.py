"""Registering and changing a person: every refusal reported, nothing saved on error."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lavorete.core.models import AuditEntry
from lavorete.people.models import Person
from lavorete.people.services import person_create, person_self_update, person_update

pytestmark = pytest.mark.django_db


def test_it_registers_a_person_and_audits_field_names_only(operator, municipality):
    person = person_create(
        actor=operator,
        first_name="Mario",
        last_name="Inventato",
        tax_code=" rssmra80a01f205x ",
        residence=municipality,
    )
    assert person.tax_code == "RSSMRA80A01F205X"
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.changes == {"fields": ["first_name", "last_name", "residence", "tax_code"]}
    assert "Mario" not in str(entry.changes) and "Mario" not in entry.target_label


def test_it_refuses_an_invalid_codice_fiscale(operator):
    with pytest.raises(ValidationError) as caught:
        person_create(actor=operator, last_name="Inventato", tax_code="RSSMRA80A01F205Y")
    assert "tax_code" in caught.value.error_dict
    assert not Person.objects.exists()


def test_it_refuses_a_future_birth_date(operator):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        person_create(actor=operator, last_name="Inventato", birth_date=tomorrow)
    assert caught.value.error_dict["birth_date"][0].code == "future"
    assert not Person.objects.exists()


def test_it_reports_every_error_at_once(operator):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        person_create(actor=operator, tax_code="XX", birth_date=tomorrow)
    assert {"tax_code", "birth_date", "last_name"} <= set(caught.value.error_dict)


def test_it_refuses_a_codice_fiscale_already_registered(operator, registered):
    with pytest.raises(ValidationError) as caught:
        person_create(actor=operator, last_name="Doppia", tax_code=registered.tax_code)
    assert "tax_code" in caught.value.error_dict
    assert Person.objects.count() == 1


def test_a_person_updates_their_own_contacts_and_availability(registered):
    person_self_update(
        person=registered, phone="+39 333 111 2222", hours_per_week=20, driving_licence=True
    )
    registered.refresh_from_db()
    assert registered.hours_per_week == 20
    entry = AuditEntry.objects.get(action="person.self_update")
    assert entry.changes == {"fields": ["driving_licence", "hours_per_week", "phone"]}
    assert entry.actor == registered.user


@pytest.mark.parametrize("field", ["first_name", "tax_code", "birth_date", "is_neet", "residence"])
def test_it_refuses_self_changes_to_identity_and_declared_categories(registered, field):
    with pytest.raises(ValidationError) as caught:
        person_self_update(person=registered, **{field: "x"})
    assert caught.value.error_dict[field][0].code == "not_self_editable"
    registered.refresh_from_db()
    assert registered.first_name == "Paola"


def test_it_refuses_a_self_declared_status_date_in_the_future(registered):
    with pytest.raises(ValidationError):
        person_self_update(
            person=registered, employment_status_since=timezone.localdate() + dt.timedelta(days=3)
        )
    registered.refresh_from_db()
    assert registered.employment_status_since == dt.date(2024, 3, 1)


def test_it_refuses_more_hours_than_a_week_has(registered):
    with pytest.raises(ValidationError) as caught:
        person_update(actor=None, person=registered, hours_per_week=200)
    assert "hours_per_week" in caught.value.error_dict
