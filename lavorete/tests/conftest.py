"""Fixtures shared by the cross-cutting tests: one object of each kind, and every persona."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lavorete.core.models import RoleAssignment


@pytest.fixture
def objects(db, organisation, programme, coordinator):

    from lavorete.network.services import (
        agreement_create,
        contact_create,
        organisation_create,
        programme_partner_add,
    )
    from lavorete.territory.models import District, Municipality
    from lavorete.territory.services import district_create

    partner_org = organisation_create(
        actor=None,
        name="Fondazione Esempio",
        kind="foundation",
        legal_form="foundation",
        municipality=Municipality.objects.get(name="Segrate"),
    )
    contact = contact_create(
        actor=None, organisation=organisation, first_name="Ada", last_name="Esempio"
    )
    agreement = agreement_create(
        actor=None,
        title="Protocollo di prova",
        date_signed=dt.date(2026, 1, 10),
        signatories=[organisation, partner_org],
        document=SimpleUploadedFile("protocollo.pdf", b"%PDF-1.4\n% test\n", "application/pdf"),
    )
    partner = programme_partner_add(
        actor=None, programme=programme, organisation=partner_org, role="funder"
    )
    district = district_create(
        actor=None,
        name="Ambito di prova",
        slug="ambito-di-prova",
        description="",
        municipalities=list(Municipality.objects.filter(name__in=["Pioltello", "Segrate"])),
    )
    assert isinstance(district, District)
    return {
        "organisation": organisation,
        "programme": programme,
        "contact": contact,
        "agreement": agreement,
        "partner": partner,
        "district": district,
        "assignment": RoleAssignment.objects.get(user=coordinator),
    }


@pytest.fixture
def personas(request, person, org_rep, outsider, space_manager, operator, evaluator, coordinator):
    return {
        "anonymous": None,
        "person": person,
        "org_rep": org_rep,
        "outsider": outsider,
        "space_manager": space_manager,
        "operator": operator,
        "evaluator": evaluator,
        "coordinator": coordinator,
    }
