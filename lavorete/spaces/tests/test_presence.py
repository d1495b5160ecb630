"""Front-desk and kiosk check-in, guests, calendar-feed tokens."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.spaces import services
from lavorete.spaces.models import CalendarFeed, CheckIn, Member

NOON = dt.datetime(2030, 3, 4, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_front_desk_check_in_and_out(space, person, space_manager):
    checkin = services.checkin_member(actor=space_manager, space=space, member=person, at=NOON)
    assert checkin.local_date == dt.date(2030, 3, 4)
    with pytest.raises(ValidationError) as exc:
        services.checkin_member(actor=space_manager, space=space, member=person, at=NOON)
    assert "already checked in" in " ".join(exc.value.messages)
    out = services.checkout(actor=space_manager, checkin=checkin, at=NOON + dt.timedelta(hours=3))
    assert out.checked_out_at == NOON + dt.timedelta(hours=3)
    with pytest.raises(ValidationError):
        services.checkout(actor=space_manager, checkin=checkin)


def test_the_kiosk_needs_a_booking_or_a_plan(room, person):
    card = Member.objects.create(user=person)
    with pytest.raises(ValidationError) as exc:
        services.kiosk_toggle(space=room.space, card_code=card.card_code, at=NOON)
    assert "no booking or plan" in " ".join(exc.value.messages)
    starts_at, ends_at = services.local_slot(
        room.space, dt.date(2030, 3, 4), dt.time(9), dt.time(17)
    )
    booking = services.booking_create(
        actor=person,
        member=person,
        resource=room,
        starts_at=starts_at,
        ends_at=ends_at,
        now=dt.datetime(2030, 3, 1, tzinfo=dt.UTC),
    )
    came = services.kiosk_toggle(space=room.space, card_code=card.card_code.lower(), at=NOON)
    assert came.booking == booking and came.via == "kiosk" and came.checked_out_at is None
    left = services.kiosk_toggle(
        space=room.space, card_code=card.card_code, at=NOON + dt.timedelta(hours=1)
    )
    assert left.pk == came.pk and left.checked_out_at is not None
    with pytest.raises(ValidationError):
        services.kiosk_toggle(space=room.space, card_code="NOPE1234", at=NOON)


def test_guests_come_with_a_present_host_and_leave_with_them(space, person):
    with pytest.raises(ValidationError) as exc:
        services.guest_checkin(host=person, space=space, guest_name="Gino Ospite", at=NOON)
    assert "Check in yourself" in " ".join(exc.value.messages)
    mine = services.checkin_member(actor=None, space=space, member=person, at=NOON)
    guest = services.guest_checkin(host=person, space=space, guest_name="Gino Ospite", at=NOON)
    with pytest.raises(ValidationError):
        services.guest_checkin(host=person, space=space, guest_name="   ", at=NOON)
    services.checkout(actor=person, checkin=mine, at=NOON + dt.timedelta(hours=2))
    guest.refresh_from_db()
    assert guest.checked_out_at == NOON + dt.timedelta(hours=2)
    assert CheckIn.objects.filter(checked_out_at__isnull=True).count() == 0


def test_a_rotated_feed_token_replaces_the_old_one(room, person):
    first = services.feed_rotate(owner=person)
    assert CalendarFeed.objects.get(owner=person).token_hash == services.token_hash(first)
    second = services.feed_rotate(owner=person)
    assert first != second
    assert not CalendarFeed.objects.filter(token_hash=services.token_hash(first)).exists()
    services.feed_rotate(owner=person, resource=room)
    assert CalendarFeed.objects.filter(owner=person).count() == 2


def test_kiosk_token_rotation(space, space_manager):
    before = space.kiosk_token
    services.kiosk_token_rotate(actor=space_manager, space=space)
    assert space.kiosk_token != before


def test_removing_seats_in_use_is_refused(pool, person):
    starts_at, ends_at = services.local_slot(
        pool.space, dt.date(2030, 3, 4), dt.time(9), dt.time(10)
    )
    for member in (person, make_user("b@example.org"), make_user("c@example.org")):
        services.booking_create(
            actor=member, member=member, resource=pool, starts_at=starts_at, ends_at=ends_at
        )
    with pytest.raises(ValidationError) as exc:
        services.resource_update(actor=None, resource=pool, capacity=1)
    assert "future bookings" in " ".join(exc.value.messages)
    pool.refresh_from_db()
    assert pool.capacity == 3
    services.resource_update(actor=None, resource=pool, capacity=5)
    assert pool.units.filter(is_active=True).count() == 5


def test_a_space_can_not_take_a_reserved_address(organisation, municipality):
    with pytest.raises(ValidationError) as exc:
        services.space_create(
            actor=None,
            organisation=organisation,
            name="Il mio piano",
            slug="il-mio-piano",
            municipality=municipality,
            address="Via Roma 1",
            theme="digital",
            opened_on=dt.date(2026, 1, 1),
        )
    assert "reserved" in " ".join(exc.value.messages)
