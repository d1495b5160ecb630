from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry
from lavorete.core.personal_data import fields_of, inventory
from lavorete.network.models import Contact
from lavorete.network.services import contact_create, contact_delete, contact_update

pytestmark = pytest.mark.django_db


def test_it_adds_a_contact_and_audits_fields_not_values(
    coordinator: Any, organisation: Any
) -> None:
    contact = contact_create(
        actor=coordinator,
        organisation=organisation,
        first_name=" Lia ",
        last_name="Esempio",
        email="lia.esempio@example.org",
    )
    assert contact.first_name == "Lia"
    entry = AuditEntry.objects.get(action="contact.create")
    assert entry.changes["fields"] == ["email", "first_name", "last_name"]
    assert "lia.esempio@example.org" not in str(entry.changes)


def test_it_rejects_a_contact_without_a_name(organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        contact_create(actor=None, organisation=organisation, first_name="", last_name="Solo")
    assert "first_name" in excinfo.value.message_dict
    assert not Contact.objects.exists()
    assert not AuditEntry.objects.filter(action="contact.create").exists()


def test_it_rejects_a_bad_email(organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        contact_create(
            actor=None, organisation=organisation, first_name="A", last_name="B", email="not-mail"
        )
    assert "email" in excinfo.value.message_dict
    assert not Contact.objects.exists()


def test_a_new_main_contact_replaces_the_old_one(organisation: Any, contact: Contact) -> None:
    newcomer = contact_create(
        actor=None,
        organisation=organisation,
        first_name="Nuovo",
        last_name="Referente",
        is_primary=True,
    )
    contact.refresh_from_db()
    assert newcomer.is_primary
    assert not contact.is_primary


def test_it_updates_a_contact(coordinator: Any, contact: Contact) -> None:
    contact_update(actor=coordinator, contact=contact, job_title="Direttrice", phone="")
    contact.refresh_from_db()
    assert contact.job_title == "Direttrice"
    assert contact.phone == ""
    entry = AuditEntry.objects.get(action="contact.update")
    assert entry.changes["fields"] == ["job_title", "phone"]
    assert "Direttrice" not in str(entry.changes)


def test_a_refused_update_changes_nothing(contact: Contact) -> None:
    with pytest.raises(ValidationError):
        contact_update(actor=None, contact=contact, last_name="", job_title="Altro")
    contact.refresh_from_db()
    assert contact.last_name == "Inventata"
    assert contact.job_title == "Responsabile inserimenti"


def test_it_deletes_a_contact(coordinator: Any, contact: Contact) -> None:
    contact_delete(actor=coordinator, contact=contact)
    assert not Contact.objects.exists()
    assert AuditEntry.objects.filter(action="contact.delete", target_id=str(contact.pk)).exists()


def test_contact_fields_are_in_the_personal_data_inventory() -> None:
    assert set(fields_of(Contact)) == {
        "first_name",
        "last_name",
        "job_title",
        "email",
        "phone",
        "notes",
    }
    entry = next(f for f in inventory() if f.model == "network.contact")
    assert entry.legal_basis == "legitimate_interest"
    assert "two years" in str(entry.retention)
