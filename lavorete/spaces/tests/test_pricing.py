"""Plans, allowances, solidarity tiers and who pays for each seat-hour."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.network.services import organisation_create
from lavorete.spaces import services
from lavorete.spaces.models import Charge

MONDAY = dt.date(2030, 3, 4)
D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def book(member, resource, day=MONDAY, start=9, end=11):
    starts_at, ends_at = services.local_slot(resource.space, day, dt.time(start), dt.time(end))
    return services.booking_create(
        actor=member, member=member, resource=resource, starts_at=starts_at, ends_at=ends_at
    )


def plan(space, **kw):
    values = {
        "name": "Piano",
        "kind": "monthly_hot_desk",
        "period": "month",
        "price": D("100.00"),
        "covers": ["hot_desk_pool"],
    }
    values.update(kw)
    return services.plan_create(actor=None, space=space, **values)


def tier(space, **kw):
    values = {"name": "Solidale", "categories": ["neet", "unemployed"], "discount_percent": 50}
    values.update(kw)
    return services.tier_create(actor=None, space=space, **values)


def verified(member, tier_, manager, today=dt.date(2030, 1, 10)):
    grant = services.tier_request(member=member, tier=tier_, category=tier_.categories[0])
    return services.tier_verify(actor=manager, grant=grant, method="operator", today=today)


@pytest.fixture
def funder(municipality):
    return organisation_create(
        actor=None,
        name="Fondazione Comunitaria",
        kind="foundation",
        legal_form="foundation",
        municipality=municipality,
    )


# --- without and with a plan ----------------------------------------------------------------


def test_pay_per_use_at_the_hourly_price(room, person):
    booking = book(person, room)
    assert (booking.list_price, booking.member_amount, booking.funder_amount) == (
        D("30.00"),
        D("30.00"),
        D("0.00"),
    )
    assert booking.membership is None and booking.tier is None


def test_a_plan_only_resource_needs_a_plan(space, person):
    office = services.resource_create(
        actor=None, space=space, kind="private_office", name="Ufficio 1", capacity=4
    )
    with pytest.raises(ValidationError) as exc:
        book(person, office)
    assert "only with a plan" in " ".join(exc.value.messages)
    services.membership_start(
        actor=None,
        member=person,
        plan=plan(space, name="Ufficio", kind="office", covers=["private_office"], price=D("400")),
        starts_on=dt.date(2030, 3, 1),
    )
    assert book(person, office).member_amount == D("0.00")


def test_an_unlimited_plan_covers_its_resources(pool, room, person):
    membership = services.membership_start(
        actor=None, member=person, plan=plan(pool.space), starts_on=dt.date(2030, 3, 1)
    )
    desk = book(person, pool)
    assert desk.membership == membership
    assert (desk.plan_hours, desk.member_amount) == (D("2.00"), D("0.00"))
    # The hot-desk plan doesn't cover the meeting room.
    assert book(person, room).member_amount == D("30.00")
    # The first month is charged in full: the membership covers all of March.
    charge = Charge.objects.get(membership=membership)
    assert (charge.list_price, charge.member_amount) == (D("100.00"), D("100.00"))


def test_a_bundle_of_hours_is_used_then_the_rest_is_paid(room, person):
    bundle = plan(
        room.space,
        name="10 ore sala",
        kind="room_hours",
        covers=["meeting_room"],
        included_hours=D("10"),
        price=D("90"),
    )
    # Starting on 17 March (15 of 31 days): 10 h x 15/31 = 4.84 -> 4.5 h this month.
    membership = services.membership_start(
        actor=None, member=person, plan=bundle, starts_on=dt.date(2030, 3, 17)
    )
    assert services.allowance_hours(membership, dt.date(2030, 3, 18)) == D("4.5")
    assert Charge.objects.get(membership=membership).list_price == D("43.55")  # 90 x 15/31
    first = book(person, room, day=dt.date(2030, 3, 18), start=9, end=12)
    assert (first.plan_hours, first.member_amount) == (D("3.00"), D("0.00"))
    second = book(person, room, day=dt.date(2030, 3, 19), start=9, end=12)
    assert (second.plan_hours, second.member_amount) == (D("1.50"), D("22.50"))
    # April: a fresh, full allowance.
    april = book(person, room, day=dt.date(2030, 4, 2), start=9, end=12)
    assert april.plan_hours == D("3.00")
    # Cancelling gives the hours back.
    services.booking_cancel(actor=person, booking=first, now=first.starts_at - dt.timedelta(days=2))
    assert services.used_hours(membership, dt.date(2030, 3, 18)) == D("1.50")


def test_changing_plan_mid_month_is_pro_rata(room, person):
    small = plan(
        room.space,
        name="4 ore",
        kind="room_hours",
        covers=["meeting_room"],
        included_hours=D("4"),
        price=D("31"),
    )
    large = plan(
        room.space,
        name="20 ore",
        kind="room_hours",
        covers=["meeting_room"],
        included_hours=D("20"),
        price=D("155"),
    )
    old = services.membership_start(
        actor=None, member=person, plan=small, starts_on=dt.date(2030, 3, 1)
    )
    used = book(person, room, day=dt.date(2030, 3, 5), start=9, end=11)
    assert used.plan_hours == D("2.00")
    new = services.membership_change_plan(
        actor=None, membership=old, plan=large, on_day=dt.date(2030, 3, 17)
    )
    old.refresh_from_db()
    assert old.ends_on == dt.date(2030, 3, 16)
    # 16 days of the small plan, 15 of the large one.
    assert Charge.objects.get(membership=old).list_price == D("16.00")
    assert Charge.objects.get(membership=new).list_price == D("75.00")
    # Hours already used stay with the old plan; the new one has 20 x 15/31 = 9.5 h.
    assert services.allowance_hours(new, dt.date(2030, 3, 20)) == D("9.5")
    after = book(person, room, day=dt.date(2030, 3, 20), start=9, end=13)
    assert after.membership == new and after.plan_hours == D("4.00")
    with pytest.raises(ValidationError):
        services.membership_change_plan(
            actor=None, membership=new, plan=large, on_day=dt.date(2030, 3, 25)
        )


def test_a_plan_change_is_refused_when_later_bookings_use_the_old_plan(room, person):
    small = plan(room.space, name="4 ore", covers=["meeting_room"], included_hours=D("4"))
    large = plan(room.space, name="20 ore", covers=["meeting_room"], included_hours=D("20"))
    old = services.membership_start(
        actor=None, member=person, plan=small, starts_on=dt.date(2030, 3, 1)
    )
    book(person, room, day=dt.date(2030, 3, 20))
    with pytest.raises(ValidationError):
        services.membership_change_plan(
            actor=None, membership=old, plan=large, on_day=dt.date(2030, 3, 17)
        )
    assert not Charge.objects.filter(membership__plan=large).exists()


def test_a_network_wide_plan_works_in_another_space(pool, person, organisation, municipality):
    wide = plan(pool.space, name="Rete", network_wide=True)
    services.membership_start(actor=None, member=person, plan=wide, starts_on=dt.date(2030, 3, 1))
    other_space = services.space_create(
        actor=None,
        organisation=organisation,
        name="Cowo Segrate",
        municipality=municipality,
        address="Via Verdi 2",
        theme="social",
        status="active",
        opened_on=dt.date(2025, 1, 1),
    )
    services.opening_hours_set(actor=None, space=other_space, rows=[(0, dt.time(9), dt.time(18))])
    other_pool = services.resource_create(
        actor=None,
        space=other_space,
        kind="hot_desk_pool",
        name="Open space",
        capacity=5,
        hourly_price=D("3"),
    )
    assert book(person, other_pool).member_amount == D("0.00")
    local = plan(pool.space, name="Solo qui")
    other = make_user("altra@example.org")
    services.membership_start(actor=None, member=other, plan=local, starts_on=dt.date(2030, 3, 1))
    assert book(other, other_pool).member_amount == D("6.00")


# --- solidarity tiers ---------------------------------------------------------------------


def test_a_tier_applies_only_once_verified(room, person, space_manager, funder):
    funded = tier(room.space, funder_organisation=funder)
    grant = services.tier_request(member=person, tier=funded, category="neet")
    assert book(person, room).member_amount == D("30.00")
    services.tier_verify(actor=space_manager, grant=grant, method="operator", today=MONDAY)
    booking = book(person, room, start=14, end=16)
    assert (booking.list_price, booking.member_amount, booking.funder_amount) == (
        D("30.00"),
        D("15.00"),
        D("15.00"),
    )
    assert booking.tier == funded and booking.funder_organisation == funder


def test_a_tier_expires(room, person, space_manager):
    free = tier(room.space, discount_percent=100, validity_months=1)
    grant = verified(person, free, space_manager, today=dt.date(2030, 1, 10))
    assert grant.expires_on == dt.date(2030, 2, 10)
    assert book(person, room).member_amount == D("30.00")


def test_a_tier_without_funder_is_a_discount_the_space_gives(room, person, space_manager):
    verified(person, tier(room.space), space_manager, today=MONDAY)
    booking = book(person, room)
    assert (booking.member_amount, booking.funder_amount) == (D("15.00"), D("0.00"))


def test_a_cap_in_hours_is_never_exceeded(room, person, space_manager, funder):
    capped = tier(
        room.space, funder_organisation=funder, cap_kind="hours", cap=3, discount_percent=100
    )
    verified(person, capped, space_manager, today=MONDAY)
    first = book(person, room, start=9, end=11)
    assert (first.subsidised_hours, first.member_amount, first.funder_amount) == (
        D("2.00"),
        D("0.00"),
        D("30.00"),
    )
    second = book(person, room, start=14, end=16)  # one subsidised hour left
    assert (second.subsidised_hours, second.member_amount, second.funder_amount) == (
        D("1.00"),
        D("15.00"),
        D("15.00"),
    )
    third = book(person, room, start=17, end=18)
    assert (third.subsidised_hours, third.member_amount, third.tier) == (D("0"), D("15.00"), None)


def test_a_cap_in_seats_limits_verifications(space, person, space_manager, funder):
    capped = tier(space, funder_organisation=funder, cap_kind="seats", cap=1)
    verified(person, capped, space_manager)
    other = make_user("altra@example.org")
    grant = services.tier_request(member=other, tier=capped, category="neet")
    with pytest.raises(ValidationError) as exc:
        services.tier_verify(
            actor=space_manager, grant=grant, method="operator", today=dt.date(2030, 1, 10)
        )
    assert "All 1 funded seats" in " ".join(exc.value.messages)


def test_verification_needs_a_method_and_a_document_to_check(space, person, space_manager):
    open_tier = tier(space)
    grant = services.tier_request(member=person, tier=open_tier, category="neet")
    with pytest.raises(ValidationError):
        services.tier_verify(actor=space_manager, grant=grant, method="")
    with pytest.raises(ValidationError):
        services.tier_verify(actor=space_manager, grant=grant, method="document")
    with pytest.raises(ValidationError):
        services.tier_reject(actor=space_manager, grant=grant, note="  ")
    with pytest.raises(ValidationError):
        services.tier_request(member=person, tier=open_tier, category="neet")  # already waiting
    with pytest.raises(ValidationError):
        services.tier_request(member=make_user("b@example.org"), tier=open_tier, category="over_50")
    evidence = SimpleUploadedFile("did.pdf", b"%PDF-1.4 dichiarazione", "application/pdf")
    other = services.tier_request(
        member=make_user("c@example.org"), tier=open_tier, category="unemployed", evidence=evidence
    )
    assert (
        services.tier_verify(actor=space_manager, grant=other, method="document").method
        == "document"
    )


def test_a_membership_under_a_funded_tier_splits_its_charge(pool, person, space_manager, funder):
    free_seat = tier(pool.space, discount_percent=100, funder_organisation=funder)
    grant = verified(person, free_seat, space_manager, today=dt.date(2030, 3, 1))
    membership = services.membership_start(
        actor=None,
        member=person,
        plan=plan(pool.space),
        starts_on=dt.date(2030, 3, 1),
        tier_grant=grant,
    )
    charge = Charge.objects.get(membership=membership)
    assert (charge.list_price, charge.member_amount, charge.funder_amount) == (
        D("100.00"),
        D("0.00"),
        D("100.00"),
    )
    assert charge.funder_organisation == funder
    # Next month's charge, by the monthly run (idempotent).
    assert services.memberships_charge_month(month=dt.date(2030, 4, 1)) == 1
    assert services.memberships_charge_month(month=dt.date(2030, 4, 1)) == 1
    assert Charge.objects.filter(membership=membership).count() == 2


def test_community_service_hours_are_owed_and_given(room, person, space_manager):
    service_tier = tier(room.space, discount_percent=100, service_hours_per_hour=D("0.5"))
    verified(person, service_tier, space_manager, today=MONDAY)
    booking = book(person, room, start=9, end=13)
    assert booking.service_hours_owed == D("2.00")
    services.service_hours_record(
        actor=space_manager,
        member=person,
        space=room.space,
        day=dt.date(2026, 1, 10),
        hours=D("1.5"),
        description="Accoglienza alla fiera del lavoro",
    )
    assert services.service_hours_balance(person) == {
        "owed": D("2.00"),
        "given": D("1.50"),
        "balance": D("0.50"),
    }
    with pytest.raises(ValidationError):
        services.service_hours_record(
            actor=space_manager,
            member=person,
            space=room.space,
            day=dt.date(2026, 1, 10),
            hours=D("0"),
            description="x",
        )
