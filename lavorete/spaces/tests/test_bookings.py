"""Booking rules, through the services, as a member and a manager meet them."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.core.models import AuditEntry
from lavorete.spaces import services
from lavorete.spaces.models import Booking, BookingSeries, BookingStatus, Unit

ROME = ZoneInfo("Europe/Rome")
MONDAY = dt.date(2030, 3, 4)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def slot(space, day, start, end):
    return services.local_slot(space, day, dt.time(*start), dt.time(*end))


def book(member, resource, day=MONDAY, start=(9,), end=(11,), **kw):
    starts_at, ends_at = slot(resource.space, day, start, end)
    return services.booking_create(
        actor=member, member=member, resource=resource, starts_at=starts_at, ends_at=ends_at, **kw
    )


def messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- overlap and capacity ------------------------------------------------------------


def test_a_room_is_booked_once_per_slot(room, person):
    booking = book(person, room)
    assert booking.status == BookingStatus.ACTIVE
    assert booking.minutes == 120
    assert booking.local_date == MONDAY
    other = make_user("altra@example.org", "Alba Altra")
    with pytest.raises(services.SlotTakenError) as exc:
        book(other, room, start=(10,), end=(12,))
    assert "already booked" in messages(exc)
    # Touching slots are fine: [9, 11) and [11, 12) don't overlap.
    book(other, room, start=(11,), end=(12,))
    assert Booking.objects.filter(resource=room).count() == 2


def test_a_pool_takes_as_many_bookings_as_seats(pool, person):
    for _ in range(3):
        book(person, pool)
    with pytest.raises(services.SlotTakenError) as exc:
        book(person, pool)
    assert "All seats" in messages(exc)
    assert Booking.objects.filter(resource=pool).values("unit").distinct().count() == 3


def test_a_cancelled_booking_frees_the_slot(room, person):
    booking = book(person, room)
    services.booking_cancel(
        actor=person, booking=booking, now=booking.starts_at - dt.timedelta(days=2)
    )
    assert book(person, room).pk != booking.pk


def test_the_database_refuses_overlaps_on_postgresql(room, person):
    """The exclusion constraint holds even for a write that skips the service."""
    if connection.vendor != "postgresql":
        pytest.skip("Exclusion constraints exist on PostgreSQL; SQLite relies on the write lock.")
    first = book(person, room)
    unit = Unit.objects.get(resource=room)
    duplicate = Booking(
        unit=unit,
        resource=room,
        space=room.space,
        member=person,
        starts_at=first.starts_at + dt.timedelta(minutes=30),
        ends_at=first.ends_at + dt.timedelta(minutes=30),
        local_date=MONDAY,
        minutes=120,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # A cancelled booking doesn't count.
    Booking.objects.filter(pk=first.pk).update(
        status=BookingStatus.CANCELLED, cancelled_at=first.starts_at
    )
    duplicate.save()


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "message"),
    [
        (dt.date(2020, 3, 2), (9,), (10,), "in the past"),
        (MONDAY, (6,), (8,), "outside the space's opening hours"),
        (MONDAY, (19,), (21,), "outside the space's opening hours"),
        (MONDAY, (10,), (10,), "must end after it starts"),
        (MONDAY, (11,), (10,), "must end after it starts"),
        (MONDAY, (9, 10), (10,), "steps of 30 minutes"),
        (dt.date(2030, 3, 10), (9,), (10,), "outside the space's opening hours"),  # Sunday
        (dt.date(2030, 4, 25), (9,), (10,), "public holidays"),  # Liberation Day
    ],
)
def test_bad_slots_are_refused_with_a_message_and_nothing_written(
    room, person, day, start, end, message
):
    before = Booking.objects.count()
    with pytest.raises(ValidationError) as exc:
        book(person, room, day=day, start=start, end=end)
    assert message in messages(exc)
    assert Booking.objects.count() == before


def test_closures_are_refused(room, person):
    services.closure_add(
        actor=None, space=room.space, starts_on=MONDAY, ends_on=MONDAY, reason="Inventario"
    )
    with pytest.raises(ValidationError) as exc:
        book(person, room)
    assert "closed on that day" in messages(exc)


def test_equipment_needs_a_valid_qualification(laser, person, space_manager):
    with pytest.raises(ValidationError) as exc:
        book(person, laser)
    assert "needs the qualification" in messages(exc)
    qualification = laser.qualification
    grant = services.qualification_grant(
        actor=space_manager,
        qualification=qualification,
        member=person,
        granted_on=dt.date(2029, 1, 1),
    )
    assert grant.expires_on == dt.date(2030, 1, 1)  # 12 months: expired by the booking day
    with pytest.raises(ValidationError):
        book(person, laser)
    services.qualification_grant(
        actor=space_manager,
        qualification=qualification,
        member=person,
        granted_on=dt.date(2030, 1, 15),
    )
    assert book(person, laser).resource == laser


def test_a_booking_can_not_span_midnight(space, person):
    resource = services.resource_create(
        actor=None, space=space, kind="meeting_room", name="Sala notte", hourly_price=Decimal("1")
    )
    start = dt.datetime(2030, 3, 4, 19, tzinfo=ROME)
    with pytest.raises(ValidationError) as exc:
        services.booking_create(
            actor=person,
            member=person,
            resource=resource,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=6),
        )
    assert "same day" in messages(exc)


def test_naive_times_are_refused(room, person):
    with pytest.raises(ValidationError):
        services.booking_create(
            actor=person,
            member=person,
            resource=room,
            starts_at=dt.datetime(2030, 3, 4, 9),  # noqa: DTZ001 - naive on purpose
            ends_at=dt.datetime(2030, 3, 4, 10),  # noqa: DTZ001
        )


# --- idempotency -----------------------------------------------------------------------


def test_a_repeated_request_creates_one_booking(room, person):
    first = book(person, room, idempotency_key="form-123")
    again = book(person, room, idempotency_key="form-123")
    assert again.pk == first.pk
    assert Booking.objects.count() == 1
    assert AuditEntry.objects.filter(action="booking.create").count() == 1


def test_a_reused_key_for_another_slot_is_refused(room, person):
    book(person, room, idempotency_key="form-123")
    with pytest.raises(ValidationError) as exc:
        book(person, room, start=(14,), end=(15,), idempotency_key="form-123")
    assert "different booking" in messages(exc)


def test_keys_belong_to_one_member(room, person):
    other = make_user("altra@example.org")
    book(person, room, idempotency_key="same")
    with pytest.raises(services.SlotTakenError):
        book(other, room, idempotency_key="same")


# --- daylight saving -----------------------------------------------------------------


@pytest.fixture
def round_the_clock(space):
    """A resource of a space open 24 hours on Sundays and with no holiday closing."""
    services.space_update(actor=None, space=space, closed_on_public_holidays=False)
    services.opening_hours_set(actor=None, space=space, rows=[(6, dt.time(0), dt.time(23, 59))])
    return services.resource_create(
        actor=None,
        space=space,
        kind="meeting_room",
        name="Sala h24",
        hourly_price=Decimal("6"),
        slot_minutes=60,
    )


def test_the_night_clocks_go_forward(round_the_clock, person):
    day = dt.date(2026, 3, 29)  # last Sunday of March: 02:00 -> 03:00
    with pytest.raises(ValidationError) as exc:
        services.local_slot(round_the_clock.space, day, dt.time(2, 30), dt.time(4))
    assert "doesn't exist" in messages(exc)
    starts_at, ends_at = services.local_slot(round_the_clock.space, day, dt.time(1), dt.time(4))
    booking = services.booking_create(
        actor=person,
        member=person,
        resource=round_the_clock,
        starts_at=starts_at,
        ends_at=ends_at,
        now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    assert booking.minutes == 120  # three wall-clock hours, two real ones
    assert booking.list_price == Decimal("12.00")
    assert booking.starts_at == dt.datetime(2026, 3, 29, 0, 0, tzinfo=dt.UTC)


def test_the_night_clocks_go_back(round_the_clock, person):
    day = dt.date(2026, 10, 25)  # last Sunday of October: 03:00 -> 02:00
    starts_at, ends_at = services.local_slot(round_the_clock.space, day, dt.time(1), dt.time(4))
    booking = services.booking_create(
        actor=person,
        member=person,
        resource=round_the_clock,
        starts_at=starts_at,
        ends_at=ends_at,
        now=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
    )
    assert booking.minutes == 240  # three wall-clock hours, four real ones
    assert booking.local_date == day
    # A booking starting in the repeated hour overlaps the one above.
    other = make_user("altra@example.org")
    with pytest.raises(services.SlotTakenError):
        services.booking_create(
            actor=other,
            member=other,
            resource=round_the_clock,
            starts_at=dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC),  # 02:00 CET, second time
            ends_at=dt.datetime(2026, 10, 25, 2, 0, tzinfo=dt.UTC),
            now=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        )


def test_weekly_series_across_the_change_keeps_local_time(room, person):
    series = services.booking_series_create(
        actor=person,
        member=person,
        resource=room,
        frequency="weekly",
        first_day=dt.date(2030, 3, 18),
        last_day=dt.date(2030, 4, 8),
        start=dt.time(9),
        end=dt.time(10),
        now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    bookings = list(series.bookings.order_by("starts_at"))
    assert [b.starts_at.astimezone(ROME).time() for b in bookings] == [dt.time(9)] * 4
    # 08:00 UTC in winter time, 07:00 UTC after 31 March 2030.
    assert [b.starts_at.hour for b in bookings] == [8, 8, 7, 7]


# --- recurring bookings -----------------------------------------------------------------


def test_a_series_is_all_or_nothing_and_reports_every_conflict(room, person):
    other = make_user("altra@example.org")
    book(other, room, day=dt.date(2030, 3, 6))
    book(other, room, day=dt.date(2030, 3, 8), start=(10,), end=(12,))
    with pytest.raises(ValidationError) as exc:
        services.booking_series_create(
            actor=person,
            member=person,
            resource=room,
            frequency="daily",
            first_day=MONDAY,
            last_day=dt.date(2030, 3, 10),
            start=dt.time(9),
            end=dt.time(11),
        )
    text = messages(exc)
    assert "Nothing was booked" in text
    assert "6 Mar 2030" in text and "8 Mar 2030" in text  # both conflicts
    assert "10 Mar 2030" in text  # Sunday: closed
    assert BookingSeries.objects.count() == 0
    assert Booking.objects.filter(member=person).count() == 0


def test_a_series_skips_its_exceptions(room, person):
    series = services.booking_series_create(
        actor=person,
        member=person,
        resource=room,
        frequency="daily",
        first_day=MONDAY,
        last_day=dt.date(2030, 3, 8),
        start=dt.time(9),
        end=dt.time(11),
        exceptions=[dt.date(2030, 3, 6)],
        idempotency_key="series-1",
    )
    assert series.bookings.count() == 4
    again = services.booking_series_create(
        actor=person,
        member=person,
        resource=room,
        frequency="daily",
        first_day=MONDAY,
        last_day=dt.date(2030, 3, 8),
        start=dt.time(9),
        end=dt.time(11),
        idempotency_key="series-1",
    )
    assert again.pk == series.pk
    assert Booking.objects.count() == 4


# --- cancellation -------------------------------------------------------------------------


def test_members_cancel_before_the_deadline_managers_any_time(room, person, space_manager):
    booking = book(person, room)
    late = booking.starts_at - dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as exc:
        services.booking_cancel(actor=person, booking=booking, now=late)
    assert "24 hours before" in messages(exc)
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=space_manager, booking=booking, as_manager=True, now=late)
    cancelled = services.booking_cancel(
        actor=space_manager, booking=booking, reason="Sala allagata", as_manager=True, now=late
    )
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancel_reason == "Sala allagata"
    assert cancelled.cancelled_by == space_manager
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=person, booking=cancelled, now=late)


def test_a_member_can_not_cancel_someone_elses_booking(room, person):
    booking = book(person, room)
    other = make_user("altra@example.org")
    with pytest.raises(ValidationError):
        services.booking_cancel(
            actor=other, booking=booking, now=booking.starts_at - dt.timedelta(days=3)
        )
