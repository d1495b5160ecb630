import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lavorete.core.models import AuditEntry
from lavorete.network.models import PartnerRole, Programme, ProgrammePartner
from lavorete.network.services import (
    programme_create,
    programme_partner_add,
    programme_partner_remove,
    programme_update,
)

pytestmark = pytest.mark.django_db


def test_it_creates_a_programme_with_its_lead_as_partner(
    coordinator: Any, organisation: Any, municipality: Any
) -> None:
    programme = programme_create(
        actor=coordinator,
        name="Giovani al Lavoro — Città più",
        lead_organisation=organisation,
        municipalities=[municipality, municipality],
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    assert programme.slug == "giovani-al-lavoro-citta-piu"
    assert list(programme.municipalities.all()) == [municipality]
    lead = ProgrammePartner.objects.get(programme=programme)
    assert (lead.organisation, lead.role) == (organisation, PartnerRole.LEAD)
    assert AuditEntry.objects.filter(action="programme.create", actor=coordinator).exists()


def test_slugs_are_made_unique(organisation: Any) -> None:
    first = programme_create(actor=None, name="Lavoro Insieme", lead_organisation=organisation)
    second = programme_create(actor=None, name="Lavoro insieme", lead_organisation=organisation)
    assert (first.slug, second.slug) == ("lavoro-insieme", "lavoro-insieme-2")


def test_a_chosen_slug_already_taken_is_refused(organisation: Any, programme: Programme) -> None:
    with pytest.raises(ValidationError) as excinfo:
        programme_create(
            actor=None, name="Altro", lead_organisation=organisation, slug=programme.slug
        )
    assert "slug" in excinfo.value.message_dict


def test_it_rejects_an_end_before_the_start(organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        programme_create(
            actor=None,
            name="Al contrario",
            lead_organisation=organisation,
            start_date=datetime.date(2025, 6, 1),
            end_date=datetime.date(2025, 5, 31),
        )
    assert "end_date" in excinfo.value.message_dict
    assert not Programme.objects.filter(name="Al contrario").exists()
    assert not ProgrammePartner.objects.exists()


def test_the_database_refuses_an_end_before_the_start(programme: Programme) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(
            start_date=datetime.date(2025, 6, 1), end_date=datetime.date(2025, 1, 1)
        )


def test_it_rejects_an_unknown_status(organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        programme_create(actor=None, name="X", lead_organisation=organisation, status="paused")
    assert "status" in excinfo.value.message_dict


def test_it_updates_and_moves_the_lead(
    coordinator: Any, programme: Programme, other_organisation: Any
) -> None:
    programme_update(
        actor=coordinator,
        programme=programme,
        status="active",
        lead_organisation=other_organisation,
        slug="",
    )
    programme.refresh_from_db()
    assert programme.status == "active"
    assert programme.slug == "cittadinanza-al-lavoro"
    lead = ProgrammePartner.objects.get(programme=programme, role=PartnerRole.LEAD)
    assert lead.organisation == other_organisation
    entry = AuditEntry.objects.get(action="programme.update")
    assert set(entry.changes) == {"status", "lead_organisation"}


def test_a_refused_update_changes_nothing(programme: Programme) -> None:
    with pytest.raises(ValidationError):
        programme_update(
            actor=None,
            programme=programme,
            name="Nuovo nome",
            start_date=datetime.date(2025, 6, 1),
            end_date=datetime.date(2025, 1, 1),
        )
    programme.refresh_from_db()
    assert programme.name == "Cittadinanza al lavoro"


def test_it_adds_and_removes_a_partner(
    coordinator: Any, programme: Programme, other_organisation: Any
) -> None:
    partner = programme_partner_add(
        actor=coordinator, programme=programme, organisation=other_organisation, role="funder"
    )
    assert AuditEntry.objects.filter(action="programme.partner_add").exists()
    with pytest.raises(ValidationError):
        programme_partner_add(
            actor=coordinator, programme=programme, organisation=other_organisation, role="funder"
        )
    programme_partner_remove(actor=coordinator, partner=partner)
    assert not ProgrammePartner.objects.filter(pk=partner.pk).exists()
    assert AuditEntry.objects.filter(action="programme.partner_remove").exists()


def test_the_lead_role_is_not_added_or_removed_as_a_partner(
    programme: Programme, other_organisation: Any
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        programme_partner_add(
            actor=None, programme=programme, organisation=other_organisation, role="lead"
        )
    assert "role" in excinfo.value.message_dict
    lead = ProgrammePartner.objects.get(programme=programme, role=PartnerRole.LEAD)
    with pytest.raises(ValidationError):
        programme_partner_remove(actor=None, partner=lead)
    assert ProgrammePartner.objects.filter(pk=lead.pk).exists()
