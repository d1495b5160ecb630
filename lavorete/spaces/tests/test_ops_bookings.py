"""The bookings calendar, booking on behalf of a member, cancelling as staff."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.spaces import services
from lavorete.spaces.models import Booking, BookingSeries, BookingStatus
from lavorete.spaces.tests.test_ops_common import (
    MONDAY,
    book,
    form_errors,
    other_manager,
    other_space,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def calendar_url(space):
    return reverse("spaces:booking_calendar", args=[space.pk])


def create_url(space):
    return reverse("spaces:booking_create_manager", args=[space.pk])


def cancel_url(booking):
    return reverse("spaces:booking_cancel_manager", args=[booking.space_id, booking.pk])


def this_monday():
    today = dt.date.today()  # noqa: DTZ011
    return today - dt.timedelta(days=today.weekday())


# --- the calendar ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["space_manager", "coordinator"])
def test_a_week_of_bookings_by_resource_and_day(request, client, who, space, room, pool, person):
    booking = book(room, person)
    cancelled = book(room, person, day=MONDAY + dt.timedelta(days=2), start=14, end=16)
    services.booking_cancel(actor=person, booking=cancelled)
    client.force_login(request.getfixturevalue(who))
    response = client.get(calendar_url(space), {"week": "2030-03-06"})
    assert response.status_code == 200
    context = response.context
    assert context["days"][0] == MONDAY and len(context["days"]) == 7
    assert (context["previous_week"], context["next_week"]) == (
        dt.date(2030, 2, 25),
        dt.date(2030, 3, 11),
    )
    row = next(r for r in context["rows"] if r["resource"] == room)
    assert row["cells"][0] == [booking]
    assert row["cells"][2] == [cancelled]
    html = response.content.decode()
    assert "09:00–11:00" in html and "Paola Persona" in html
    assert "<del>14:00–16:00</del>" in html and "cancelled" in html
    assert "?week=2030-03-11" in html and "?week=2030-02-25" in html


@pytest.mark.parametrize(
    "week", ["garbage", "2030-02-30", "99999-01-01", "9999-12-31", "0001-01-01", "", "2030-03"]
)
def test_a_bad_week_shows_the_current_week(client, space_manager, space, week):
    client.force_login(space_manager)
    response = client.get(calendar_url(space), {"week": week})
    assert response.status_code == 200
    assert response.context["week"] == this_monday()


def test_filter_by_resource(client, space_manager, space, room, pool, person):
    book(room, person)
    book(pool, person)
    client.force_login(space_manager)
    response = client.get(calendar_url(space), {"week": "2030-03-04", "resource": pool.pk})
    assert [r["resource"] for r in response.context["rows"]] == [pool]
    assert [b.resource for b in response.context["rows"][0]["cells"][0]] == [pool]
    # Garbage or another space's resource shows every resource.
    for value in ("x", "99999999999999999999999", "-1"):
        response = client.get(calendar_url(space), {"resource": value})
        assert response.status_code == 200
        assert len(response.context["rows"]) == 2


def test_another_managers_space_is_404(client, space, other_organisation):
    client.force_login(other_manager(other_organisation))
    assert client.get(calendar_url(space)).status_code == 404
    assert client.get(create_url(space)).status_code == 404


# --- booking for a member ------------------------------------------------------------------


def _data(person, room, **extra):
    return {
        "member": person.email,
        "resource": room.pk,
        "day": "2030-03-05",
        "start": "10:00",
        "end": "12:00",
        "idempotency_key": "k1",
        **extra,
    }


def test_booking_for_a_member(client, space_manager, space, room, person):
    client.force_login(space_manager)
    page = client.get(create_url(space))
    assert len(page.context["form"].initial["idempotency_key"]) == 32
    response = client.post(create_url(space), _data(person, room))
    assert response.status_code == 302
    assert response["Location"] == calendar_url(space) + "?week=2030-03-05"
    booking = Booking.objects.get()
    assert (booking.member, booking.resource, booking.created_by) == (person, room, space_manager)
    assert booking.starts_at == dt.datetime(2030, 3, 5, 9, 0, tzinfo=dt.UTC)
    # The same form sent twice books once.
    assert client.post(create_url(space), _data(person, room)).status_code == 302
    assert Booking.objects.count() == 1


def test_booking_refusals_are_explained(client, space_manager, space, room, person):
    book(
        room,
        make_user("altra@example.org", "Alba Altra"),
        day=dt.date(2030, 3, 5),
        start=11,
        end=12,
    )
    client.force_login(space_manager)
    cases = [
        ({}, "already booked"),
        ({"member": "nessuno@example.org"}, "No account has the e-mail address"),
        ({"day": "2030-03-09", "start": "14:00", "end": "15:00"}, "outside the space"),
        ({"day": "2020-03-05"}, "in the past"),
        ({"start": "12:00", "end": "10:00"}, "must end after it starts"),
    ]
    for extra, message in cases:
        response = client.post(create_url(space), _data(person, room, idempotency_key="", **extra))
        assert response.status_code == 200, extra
        assert message in form_errors(response), (extra, form_errors(response))
    assert Booking.objects.count() == 1


def test_a_resource_of_another_space_is_refused(
    client, space_manager, space, person, other_organisation, municipality
):
    foreign = services.resource_create(
        actor=None,
        space=other_space(other_organisation, municipality),
        kind="meeting_room",
        name="Sala Segrate",
    )
    client.force_login(space_manager)
    response = client.post(create_url(space), _data(person, foreign))
    assert response.status_code == 200
    assert "resource" in response.context["form"].errors
    assert not Booking.objects.exists()


def test_a_series_with_conflicts_writes_nothing_and_lists_every_conflict(
    client, space_manager, space, room, person
):
    other = make_user("altra@example.org", "Alba Altra")
    book(room, other, day=dt.date(2030, 3, 4))
    book(room, other, day=dt.date(2030, 3, 18))
    client.force_login(space_manager)
    weekly = {"day": "2030-03-04", "start": "10:00", "end": "12:00", "frequency": "weekly"}
    response = client.post(
        create_url(space), _data(person, room, **weekly, until="2030-04-22", idempotency_key="")
    )
    assert response.status_code == 200
    errors = [
        m for error in response.context["form"].non_field_errors().as_data() for m in error.messages
    ]
    assert "3 of 8 dates" in errors[0]
    listed = " ".join(errors[1:])
    assert "4 Mar 2030" in listed and "18 Mar 2030" in listed
    assert "22 Apr 2030" in listed and "public holidays" in listed  # Easter Monday
    assert len(errors) == 4
    assert Booking.objects.count() == 2
    assert not BookingSeries.objects.exists()
    # Leaving those dates out books the rest.
    response = client.post(
        create_url(space),
        _data(
            person,
            room,
            **weekly,
            until="2030-04-22",
            exceptions="2030-03-04, 2030-03-18,2030-04-22",
            idempotency_key="",
        ),
    )
    assert response.status_code == 302
    series = BookingSeries.objects.get()
    assert series.bookings.count() == 5
    assert series.bookings.filter(created_by=space_manager).count() == 5


def test_a_series_needs_an_end_and_real_exception_dates(client, space_manager, space, room, person):
    client.force_login(space_manager)
    response = client.post(create_url(space), _data(person, room, frequency="daily"))
    assert "until" in response.context["form"].errors
    response = client.post(
        create_url(space),
        _data(person, room, frequency="daily", until="2030-03-01"),
    )
    assert "on or after the first" in form_errors(response)
    response = client.post(
        create_url(space),
        _data(person, room, frequency="daily", until="2030-03-08", exceptions="2030-03-06, domani"),
    )
    assert "Not a date (YYYY-MM-DD): domani." in form_errors(response)
    assert not Booking.objects.exists()


# --- cancelling as staff --------------------------------------------------------------------


def test_cancelling_needs_a_reason(client, space_manager, space, room, person):
    booking = book(room, person)
    client.force_login(space_manager)
    assert client.get(cancel_url(booking)).status_code == 200
    for reason in ("", "   ", "x" * 301, "nul\x00byte"):
        response = client.post(cancel_url(booking), {"reason": reason})
        assert response.status_code == 200, repr(reason)
        assert "reason" in response.context["form"].errors
    assert Booking.objects.get().status == BookingStatus.ACTIVE
    response = client.post(cancel_url(booking), {"reason": "Sala inagibile per un guasto"})
    assert response.status_code == 302
    assert response["Location"] == calendar_url(space) + "?week=2030-03-04"
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancelled_by) == (
        "cancelled",
        "Sala inagibile per un guasto",
        space_manager,
    )
    # A cancelled booking can't be cancelled again.
    assert "already cancelled" in client.get(cancel_url(booking)).content.decode()
    response = client.post(cancel_url(booking), {"reason": "di nuovo"})
    assert "already cancelled" in form_errors(response)


def test_staff_may_cancel_after_the_members_deadline(client, space_manager, space, room, person):
    """The member's deadline (24 hours) doesn't bind staff."""
    from lavorete.spaces.tests.test_ops_common import soon

    booking = book(room, person, day=soon())
    booking.resource.cancellation_hours = 24 * 30
    booking.resource.save()
    client.force_login(space_manager)
    assert client.post(cancel_url(booking), {"reason": "Evento"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_booking_of_another_space_in_the_url_is_404(
    client, space_manager, coordinator, space, person, other_organisation, municipality
):
    elsewhere = other_space(other_organisation, municipality)
    room = services.resource_create(
        actor=None,
        space=elsewhere,
        kind="meeting_room",
        name="Sala Segrate",
        hourly_price=Decimal("10.00"),
    )
    booking = book(room, person)
    url = reverse("spaces:booking_cancel_manager", args=[space.pk, booking.pk])
    client.force_login(coordinator)  # may see both spaces: the mismatch alone is refused
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "prova"}).status_code == 404
    client.force_login(space_manager)
    assert client.get(url).status_code == 404
    assert Booking.objects.get().status == BookingStatus.ACTIVE


def test_the_calendar_marks_closed_days_and_holidays(client, space_manager, space):
    services.closure_add(
        actor=None,
        space=space,
        starts_on=dt.date(2030, 4, 23),
        ends_on=dt.date(2030, 4, 23),
        reason="Inventario",
    )
    client.force_login(space_manager)
    with translation.override("en"):
        response = client.get(calendar_url(space), {"week": "2030-04-22"})
    closed = [h["closed"] for h in response.context["headers"]]
    # Easter Monday, a closure, open, Liberation Day, open, Saturday morning, Sunday closed.
    assert [bool(c) for c in closed] == [True, True, False, True, False, False, True]
    assert closed[0] == "public holiday"
