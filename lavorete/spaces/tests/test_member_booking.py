"""Booking through the member's pages: availability, quote, confirmation, refusals, series."""

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from lavorete.conftest import make_user
from lavorete.spaces import services
from lavorete.spaces.models import Booking, BookingSeries, BookingStatus
from lavorete.spaces.tests.test_member_helpers import hidden_inputs, open_weekday, text
from lavorete.territory.models import Municipality


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def member(client, person):
    client.force_login(person)
    return person


def book_url(space, **query):
    return reverse("spaces:book", args=[space.slug]), query


def quote_page(client, resource, day, start, end, **extra):
    url = reverse("spaces:book", args=[resource.space.slug])
    query = {"resource": resource.pk, "day": day.isoformat(), "start": start, "end": end, **extra}
    return client.get(url, query)


def confirm(client, page):
    """Submit the confirmation form exactly as the page shows it."""
    url = reverse("spaces:book", args=[page.context["space"].slug])
    return client.post(url, hidden_inputs(page))


def test_the_first_step_asks_what_and_when(client, member, space, pool, room):
    page = client.get(reverse("spaces:book", args=[space.slug]))
    assert page.status_code == 200
    html = text(page)
    assert "Open space (Hot-desk pool)" in html and "Sala Martesana (Meeting room)" in html
    assert 'name="day"' in html


def test_the_day_shows_free_seats_in_local_time(client, member, space, pool):
    day = open_weekday(0)
    other = make_user("altra@example.org", "Alba Altra")
    starts_at, ends_at = services.local_slot(space, day, dt.time(9), dt.time(10))
    services.booking_create(
        actor=other, member=other, resource=pool, starts_at=starts_at, ends_at=ends_at
    )
    page = client.get(
        reverse("spaces:book", args=[space.slug]), {"resource": pool.pk, "day": day.isoformat()}
    )
    assert page.status_code == 200
    html = text(page)
    # Opening at 08:00 local time, whatever UTC offset the day has.
    assert '<th scope="row">08:00–08:30</th> <td>3 of 3 seats free</td>' in html
    assert '<th scope="row">09:00–09:30</th> <td>2 of 3 seats free</td>' in html
    assert "19:30–20:00" in html and "20:00–20:30" not in html


def test_a_closed_day_says_why(client, member, space, room):
    sunday = open_weekday(6)
    page = client.get(
        reverse("spaces:book", args=[space.slug]), {"resource": room.pk, "day": sunday.isoformat()}
    )
    assert "closed on that day of the week" in text(page)


def test_the_quote_shows_the_price_and_writes_nothing(client, member, space, pool):
    day = open_weekday(1)
    page = quote_page(client, pool, day, "09:00", "11:00")
    assert page.status_code == 200
    html = text(page)
    assert "No plan covers this booking" in html
    assert 'You pay</dt><dd class="col-sm-7 fw-bold">€ 5.00' in html
    assert len(hidden_inputs(page)["idempotency_key"]) >= 16
    assert not Booking.objects.exists()


def test_confirming_books_once_even_when_submitted_twice(client, member, space, pool):
    # A pool has seats to spare: only the idempotency key stops a second booking.
    day = open_weekday(2)
    page = quote_page(client, pool, day, "10:00", "12:00")
    first = confirm(client, page)
    assert first.status_code == 302
    assert first.url == reverse("spaces:my_bookings")
    again = confirm(client, page)
    assert again.status_code == 302
    booking = Booking.objects.get()
    assert booking.member == member
    assert booking.member_amount == Decimal("5.00")
    assert booking.local_date == day
    mine = client.get(reverse("spaces:my_bookings"))
    assert "Open space" in text(mine)
    assert "Booked: Open space at Cowo Pioltello." in text(mine)


def test_a_slot_taken_meanwhile_is_refused_clearly(client, member, space, room):
    day = open_weekday(3)
    page = quote_page(client, room, day, "10:00", "12:00")
    other = make_user("altra@example.org", "Alba Altra")
    starts_at, ends_at = services.local_slot(space, day, dt.time(11), dt.time(13))
    services.booking_create(
        actor=other, member=other, resource=room, starts_at=starts_at, ends_at=ends_at
    )
    refused = confirm(client, page)
    assert refused.status_code == 409
    assert "Sala Martesana is already booked for this slot." in unescape(text(refused))
    assert "Nothing was booked" in text(refused)
    assert not Booking.objects.filter(member=member).exists()


def test_a_taken_slot_is_refused_already_at_the_quote(client, member, space, room):
    day = open_weekday(3)
    other = make_user("altra@example.org", "Alba Altra")
    starts_at, ends_at = services.local_slot(space, day, dt.time(11), dt.time(13))
    services.booking_create(
        actor=other, member=other, resource=room, starts_at=starts_at, ends_at=ends_at
    )
    page = quote_page(client, room, day, "10:00", "12:00")
    assert "already booked" in text(page)
    assert "idempotency_key" not in page.content.decode()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("06:00", "08:30", "outside the space&#x27;s opening hours"),
        ("19:00", "21:00", "outside the space&#x27;s opening hours"),
        ("09:10", "10:10", "steps of 30 minutes"),
        ("11:00", "10:00", "The end must be after the start."),
        ("nine", "ten", "Enter a valid time."),
    ],
)
def test_an_impossible_slot_gets_a_clear_message(client, member, space, room, start, end, message):
    day = open_weekday(1)
    page = quote_page(client, room, day, start, end)
    assert page.status_code == 200
    assert message in text(page)
    assert "idempotency_key" not in page.content.decode()
    # The confirmation refuses it just the same.
    posted = client.post(
        reverse("spaces:book", args=[space.slug]),
        {
            "resource": room.pk,
            "day": day.isoformat(),
            "start": start,
            "end": end,
            "idempotency_key": "k" * 20,
        },
    )
    assert posted.status_code == 200
    assert message in text(posted)
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2020-03-02", "This day is in the past"),
        ("2026-02-30", "Enter a valid date."),
        ("yesterday", "Enter a valid date."),
        ("9999-12-31", "within the next five years"),
    ],
)
def test_a_bad_day_gets_a_clear_message(client, member, space, room, day, message):
    page = client.get(reverse("spaces:book", args=[space.slug]), {"resource": room.pk, "day": day})
    assert page.status_code == 200
    assert message in text(page)
    posted = client.post(
        reverse("spaces:book", args=[space.slug]),
        {
            "resource": room.pk,
            "day": day,
            "start": "09:00",
            "end": "10:00",
            "idempotency_key": "k" * 20,
        },
    )
    assert posted.status_code == 200
    assert message in text(posted)
    assert not Booking.objects.exists()


def test_a_resource_of_another_space_is_refused(client, member, space, room, organisation):
    elsewhere = services.space_create(
        actor=None,
        organisation=organisation,
        name="Altro spazio",
        municipality=Municipality.objects.get(name="Segrate"),
        address="Via Verdi 2",
        theme="social",
        status="active",
        opened_on=dt.date(2026, 1, 1),
    )
    foreign = services.resource_create(
        actor=None, space=elsewhere, kind="meeting_room", name="Sala", hourly_price=Decimal("1")
    )
    day = open_weekday(1)
    for resource in (foreign.pk, "99999999999999999999999", "abc"):
        page = client.get(
            reverse("spaces:book", args=[space.slug]), {"resource": resource, "day": day}
        )
        assert page.status_code == 200
        assert "Select a valid choice" in text(page)


def test_equipment_needs_the_qualification(client, member, space, laser):
    page = quote_page(client, laser, open_weekday(1), "09:00", "10:00")
    assert "needs the qualification “Laser cutter safety”" in unescape(text(page))


def test_a_network_wide_plan_of_another_space_covers_the_booking(
    client, member, space, room, organisation
):
    hub = services.space_create(
        actor=None,
        organisation=organisation,
        name="Hub Segrate",
        municipality=Municipality.objects.get(name="Segrate"),
        address="Via Verdi 2",
        theme="digital",
        status="active",
        opened_on=dt.date(2026, 1, 1),
    )
    plan = services.plan_create(
        actor=None,
        space=hub,
        name="Rete illimitata",
        kind="monthly_hot_desk",
        period="month",
        price=Decimal("150.00"),
        covers=["hot_desk_pool", "meeting_room"],
        network_wide=True,
    )
    services.membership_start(actor=None, member=member, plan=plan, starts_on=dt.date(2026, 1, 1))
    page = quote_page(client, room, open_weekday(1), "09:00", "11:00")
    html = text(page)
    assert "Rete illimitata: 2.00 hours from its allowance" in html
    assert "A network-wide plan of Hub Segrate, valid here too." in html
    assert "€ 0.00" in html
    confirm(client, page)
    assert Booking.objects.filter(membership__plan=plan).count() == 1


def test_a_funded_tier_shows_who_pays_and_the_service_hours(
    client, member, space, pool, programme, operator
):
    tier = services.tier_create(
        actor=None,
        space=space,
        name="Giovani NEET",
        categories=["neet"],
        discount_percent=100,
        funder_programme=programme,
        service_hours_per_hour=Decimal("0.50"),
    )
    grant = services.tier_request(member=member, tier=tier, category="neet")
    services.tier_verify(actor=operator, grant=grant, method="operator")
    page = quote_page(client, pool, open_weekday(1), "09:00", "11:00")
    html = text(page)
    assert 'You pay</dt><dd class="col-sm-7 fw-bold">€ 0.00' in html
    assert 'Paid by Cittadinanza al lavoro</dt><dd class="col-sm-7">€ 5.00' in html
    assert 'Community-service hours you will owe</dt><dd class="col-sm-7">1.00' in html
    confirm(client, page)
    booking = Booking.objects.get()
    assert booking.funder_programme == programme
    assert booking.service_hours_owed == Decimal("1.00")


def test_a_weekly_series_is_all_or_nothing_and_lists_every_conflict(client, member, space, room):
    first = open_weekday(0, weeks_ahead=3)
    other = make_user("altra@example.org", "Alba Altra")
    taken = [first + dt.timedelta(weeks=1), first + dt.timedelta(weeks=3)]
    for day in taken:
        starts_at, ends_at = services.local_slot(space, day, dt.time(9), dt.time(10))
        services.booking_create(
            actor=other, member=other, resource=room, starts_at=starts_at, ends_at=ends_at
        )
    until = first + dt.timedelta(weeks=4)
    page = quote_page(
        client, room, first, "09:00", "10:00", repeat="weekly", until=until.isoformat()
    )
    assert "Every week" in text(page)
    refused = confirm(client, page)
    assert refused.status_code == 200
    html = unescape(text(refused))
    assert "Nothing was booked: 2 of 5 dates can't be booked." in html
    assert html.count("Sala Martesana is already booked for this slot.") == 2
    assert not Booking.objects.filter(member=member).exists()
    assert not BookingSeries.objects.exists()
    # Leaving the taken days out, the rest is booked in one go.
    exceptions = ", ".join(d.strftime("%d/%m/%Y") for d in taken)
    page = quote_page(
        client,
        room,
        first,
        "09:00",
        "10:00",
        repeat="weekly",
        until=until.isoformat(),
        exceptions=exceptions,
    )
    booked = confirm(client, page)
    assert booked.status_code == 302
    mine = Booking.objects.filter(member=member, status=BookingStatus.ACTIVE)
    assert sorted(b.local_date for b in mine) == [
        first,
        first + dt.timedelta(weeks=2),
        first + dt.timedelta(weeks=4),
    ]
    # A second submit of the same confirmation books nothing more.
    confirm(client, page)
    assert mine.count() == 3


def test_a_series_needs_an_end_and_real_dates(client, member, space, room):
    day = open_weekday(0)
    page = quote_page(client, room, day, "09:00", "10:00", repeat="daily")
    assert "Say until when the booking repeats." in text(page)
    page = quote_page(
        client,
        room,
        day,
        "09:00",
        "10:00",
        repeat="daily",
        until=(day + dt.timedelta(days=3)).isoformat(),
        exceptions="31/02/2030, soon",
    )
    assert "These are not dates: 31/02/2030, soon." in text(page)


def test_booking_needs_a_login(client, space):
    response = client.get(reverse("spaces:book", args=[space.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def next_spring_forward() -> dt.date:
    """The next last Sunday of March (clocks go forward in Europe/Rome), not Easter Sunday."""
    from lavorete.core.timeutils import now
    from lavorete.spaces.calendar import is_public_holiday

    year = now().year
    while True:
        day = dt.date(year, 3, 31)
        while day.weekday() != 6:
            day -= dt.timedelta(days=1)
        if day > now().date() and not is_public_holiday(day):
            return day
        year += 1


def test_the_day_clocks_go_forward_has_an_hour_less(client, member, space, pool):
    services.opening_hours_set(
        actor=None, space=space, rows=[(6, dt.time(1), dt.time(5))]
    )  # open on Sunday night, for once
    day = next_spring_forward()
    page = client.get(
        reverse("spaces:book", args=[space.slug]), {"resource": pool.pk, "day": day.isoformat()}
    )
    html = text(page)
    assert "01:30–03:00" in html  # half an hour of real time
    assert "02:00–02:30" not in html
    page = quote_page(client, pool, day, "01:00", "04:00")
    assert "(2.00 hours)" in text(page)
    assert "€ 5.00" in text(page)
    page = quote_page(client, pool, day, "02:30", "04:00")
    assert "That time doesn&#x27;t exist on" in text(page)
