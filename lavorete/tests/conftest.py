"""Fixtures shared by the cross-cutting tests: one object of each kind, and every persona."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lavorete.core.models import RoleAssignment


@pytest.fixture
def objects(
    db,
    organisation,
    programme,
    coordinator,
    person,
    space,
    pool,
    room,
    laser,
    registered,
    enrolment,
):

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
    coworking = _coworking_objects(space, pool, room, laser, programme, person)
    return {
        **coworking,
        "organisation": organisation,
        "programme": programme,
        "registered": registered,
        "enrolment": enrolment,
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


def _coworking_objects(space, pool, room, laser, programme, person):
    """A plan, a programme-funded tier with a pending request, a membership, a booking, a check-in."""
    from decimal import Decimal

    from lavorete.spaces import services
    from lavorete.spaces.models import Qualification

    plan = services.plan_create(
        actor=None,
        space=space,
        name="Postazione mensile",
        kind="monthly_hot_desk",
        period="month",
        price=Decimal("120.00"),
        covers=["hot_desk_pool"],
    )
    tier = services.tier_create(
        actor=None,
        space=space,
        name="Giovani NEET",
        categories=["neet", "under_30"],
        discount_percent=100,
        funder_programme=programme,
        cap_kind="seats",
        cap=10,
    )
    tier_grant = services.tier_request(member=person, tier=tier, category="neet")
    membership = services.membership_start(
        actor=None, member=person, plan=plan, starts_on=dt.date(2026, 1, 1)
    )
    starts_at, ends_at = services.local_slot(space, dt.date(2030, 3, 4), dt.time(9), dt.time(11))
    booking = services.booking_create(
        actor=person, member=person, resource=room, starts_at=starts_at, ends_at=ends_at
    )
    checkin = services.checkin_member(actor=None, space=space, member=person)
    return {
        "space": space,
        "pool": pool,
        "room": room,
        "laser": laser,
        "qualification": Qualification.objects.get(space=space),
        "plan": plan,
        "tier": tier,
        "tier_grant": tier_grant,
        "membership": membership,
        "booking": booking,
        "checkin": checkin,
    }
