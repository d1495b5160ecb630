"""The occupancy report on hand-built spaces whose figures can be worked out on paper."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.spaces import services
from lavorete.spaces.occupancy import (
    Breakdown,
    Granularity,
    chart,
    network_report,
    occupancy_report,
    open_minutes_by_day,
    periods,
)

APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def book(member, resource, day, start, end, **kw):
    starts_at, ends_at = services.local_slot(resource.space, day, dt.time(*start), dt.time(*end))
    return services.booking_create(
        actor=member,
        member=member,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        now=LONG_AGO,
        **kw,
    )


@pytest.fixture
def office_space(organisation, municipality):
    """Mon-Fri 9-18, closed on public holidays and on 14-15 April 2026; target ramps to 80%.

    April 2026 has 22 weekdays; Easter Monday (6th) and the closure leave 19
    open days of 540 minutes.
    """
    space = services.space_create(
        actor=None,
        organisation=organisation,
        name="Cowo Esempio",
        municipality=municipality,
        address="Via Verdi 2",
        theme="digital",
        status="active",
        opened_on=dt.date(2026, 1, 1),
        setup_months=1,
        rampup_months=4,
        target_occupancy=D("80"),
    )
    services.opening_hours_set(
        actor=None, space=space, rows=[(d, dt.time(9), dt.time(18)) for d in range(5)]
    )
    services.closure_add(
        actor=None,
        space=space,
        starts_on=dt.date(2026, 4, 14),
        ends_on=dt.date(2026, 4, 15),
        reason="Lavori",
    )
    return space


@pytest.fixture
def desks(office_space):
    return services.resource_create(
        actor=None,
        space=office_space,
        kind="hot_desk_pool",
        name="Open space",
        capacity=2,
        hourly_price=D("2.00"),
    )


@pytest.fixture
def meeting_room(office_space):
    return services.resource_create(
        actor=None,
        space=office_space,
        kind="meeting_room",
        name="Sala Adda",
        capacity=6,
        hourly_price=D("10.00"),
    )


@pytest.fixture
def april_bookings(person, desks, meeting_room):
    other = make_user("altro@example.org", "Aldo Altro")
    book(person, desks, dt.date(2026, 4, 1), (9,), (13,))
    book(other, desks, dt.date(2026, 4, 1), (9,), (13,))
    book(person, desks, dt.date(2026, 4, 20), (10,), (12,))
    book(person, meeting_room, dt.date(2026, 4, 2), (9,), (11,))
    book(other, meeting_room, dt.date(2026, 4, 30), (14,), (18,))
    cancelled = book(other, meeting_room, dt.date(2026, 4, 29), (9,), (18,))
    services.booking_cancel(actor=other, booking=cancelled, now=LONG_AGO)
    book(person, meeting_room, dt.date(2026, 5, 4), (9,), (18,))  # outside April
    return other


def open_days(space, first, last):
    return sorted(open_minutes_by_day(space, first, last))


# --- capacity ------------------------------------------------------------------------


def test_closures_holidays_and_weekends_have_no_capacity(office_space):
    minutes = open_minutes_by_day(office_space, *APRIL)
    assert len(minutes) == 19
    assert set(minutes.values()) == {540}
    for closed in ("2026-04-04", "2026-04-05", "2026-04-06", "2026-04-14", "2026-04-15"):
        assert dt.date.fromisoformat(closed) not in minutes


def test_a_space_has_no_capacity_before_its_set_up_started(office_space, desks):
    minutes = open_minutes_by_day(office_space, dt.date(2025, 12, 1), dt.date(2026, 1, 31))
    assert min(minutes) == dt.date(2026, 1, 2)  # opened on New Year's Day, a holiday
    report = occupancy_report([office_space], dt.date(2025, 12, 1), dt.date(2026, 1, 31))
    december, january = report.lines
    assert (december.capacity_minutes, december.target, december.occupancy) == (0, None, None)
    assert january.capacity_minutes == len(minutes) * 540 * 2  # two seats
    assert january.target == D("0.0")  # in set-up


@pytest.fixture
def round_the_clock(organisation, municipality):
    """Open every day round the clock (closing at 23:59 means midnight), holidays too."""
    space = services.space_create(
        actor=None,
        organisation=organisation,
        name="Sempre Aperto",
        municipality=municipality,
        address="Via Lunga 24",
        theme="makers",
        status="active",
        closed_on_public_holidays=False,
        opened_on=dt.date(2025, 1, 1),
        target_occupancy=D("90"),
    )
    services.opening_hours_set(
        actor=None, space=space, rows=[(d, dt.time(0), dt.time(23, 59)) for d in range(7)]
    )
    services.resource_create(
        actor=None, space=space, kind="fixed_desk", name="Banco 1", hourly_price=D("1.00")
    )
    return space


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2026, 3, 28), 24),
        (dt.date(2026, 3, 29), 23),  # clocks go forward: a 23-hour day
        (dt.date(2026, 3, 30), 24),
        (dt.date(2026, 10, 24), 24),
        (dt.date(2026, 10, 25), 25),  # clocks go back: a 25-hour day
        (dt.date(2026, 10, 26), 24),
    ],
)
def test_daylight_saving_days_have_their_real_length(round_the_clock, day, hours):
    report = occupancy_report(
        [round_the_clock], day, day, granularity=Granularity.DAY, breakdown=Breakdown.RESOURCE
    )
    assert report.total.capacity_minutes == hours * 60


def test_a_month_with_a_clock_change_counts_the_missing_hour(round_the_clock, person):
    desk = round_the_clock.resources.get()
    # 01:00-04:00 on the night the clocks go forward lasts two real hours.
    booking = book(person, desk, dt.date(2026, 3, 29), (1,), (4,))
    assert booking.minutes == 120
    march = occupancy_report([round_the_clock], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march.total.capacity_minutes == 31 * 1440 - 60
    assert march.total.booked_minutes == 120
    october = occupancy_report([round_the_clock], dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert october.total.capacity_minutes == 31 * 1440 + 60


# --- booked minutes, occupancy, target ---------------------------------------------------


def test_by_space_a_month_adds_up_to_the_paper_figures(office_space, april_bookings):
    report = occupancy_report([office_space], *APRIL)
    (line,) = report.lines
    assert (line.first, line.last) == APRIL
    assert line.booked_minutes == 240 + 240 + 120 + 120 + 240
    assert line.capacity_minutes == 19 * 540 * 3  # two seats and a room
    assert line.occupancy == D("3.1")  # 960 / 30780 = 3.119%
    # The target on each open day, averaged: the ramp runs from 1 Feb to 1 June.
    targets = [office_space.target_on(d) for d in open_days(office_space, *APRIL)]
    assert line.target == (sum(targets) / len(targets)).quantize(D("0.1"))
    assert D("40") < line.target < D("60")
    assert line.gap == line.occupancy - line.target
    assert report.total.booked_minutes == 960


def test_by_resource_each_resource_has_its_own_capacity(
    office_space, desks, meeting_room, april_bookings
):
    report = occupancy_report([office_space], *APRIL, breakdown=Breakdown.RESOURCE)
    by_name = {line.resource_name: line for line in report.keys}
    assert set(by_name) == {"Open space", "Sala Adda"}
    assert by_name["Open space"].booked_minutes == 600
    assert by_name["Open space"].capacity_minutes == 19 * 540 * 2
    assert by_name["Open space"].occupancy == D("2.9")  # 600 / 20520
    assert by_name["Sala Adda"].booked_minutes == 360
    assert by_name["Sala Adda"].capacity_minutes == 19 * 540
    assert by_name["Sala Adda"].occupancy == D("3.5")  # 360 / 10260
    # The resources add up to the space.
    by_space = occupancy_report([office_space], *APRIL)
    assert report.total.booked_minutes == by_space.total.booked_minutes
    assert report.total.capacity_minutes == by_space.total.capacity_minutes
    assert report.total.target == by_space.total.target


def test_weeks_start_on_monday_and_are_clipped_to_the_range(office_space, april_bookings):
    report = occupancy_report([office_space], *APRIL, granularity=Granularity.WEEK)
    assert [(line.first.isoformat(), line.last.isoformat()) for line in report.lines] == [
        ("2026-04-01", "2026-04-05"),
        ("2026-04-06", "2026-04-12"),
        ("2026-04-13", "2026-04-19"),
        ("2026-04-20", "2026-04-26"),
        ("2026-04-27", "2026-04-30"),
    ]
    capacity = [line.capacity_minutes // (540 * 3) for line in report.lines]
    assert capacity == [3, 4, 3, 5, 4]  # Easter Monday, then the closure
    assert [line.booked_minutes for line in report.lines] == [600, 0, 0, 120, 240]
    assert sum(line.capacity_minutes for line in report.lines) == report.total.capacity_minutes


def test_days_and_months_across_a_range(office_space, april_bookings):
    days = occupancy_report(
        [office_space], dt.date(2026, 4, 1), dt.date(2026, 4, 7), granularity=Granularity.DAY
    )
    assert len(days.lines) == 7
    first = days.lines[0]
    assert first.booked_minutes == 480
    assert first.occupancy == percent_of(480, 540 * 3)
    assert days.lines[5].capacity_minutes == 0  # Easter Monday
    assert days.lines[5].occupancy is None
    assert days.lines[5].target is None
    months = occupancy_report([office_space], dt.date(2026, 3, 15), dt.date(2026, 5, 31))
    assert [(line.first, line.last) for line in months.lines] == [
        (dt.date(2026, 3, 15), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 31)),
    ]
    assert [line.booked_minutes for line in months.lines] == [0, 960, 540]


def percent_of(part, whole):
    return (D(part) * 100 / D(whole)).quantize(D("0.1"))


def test_people_are_distinct_members_and_guests(office_space, april_bookings, person):
    other = april_bookings
    at = dt.datetime(2026, 4, 1, 8, tzinfo=dt.UTC)
    first = services.checkin_member(actor=None, space=office_space, member=person, at=at)
    services.guest_checkin(host=person, space=office_space, guest_name="Ospite Uno", at=at)
    services.checkin_member(actor=None, space=office_space, member=other, at=at)
    services.checkout(actor=None, checkin=first, at=at + dt.timedelta(hours=1))
    services.checkin_member(
        actor=None, space=office_space, member=person, at=at + dt.timedelta(days=1)
    )
    report = occupancy_report([office_space], *APRIL, granularity=Granularity.WEEK)
    assert report.lines[0].people == 3  # two members (one came twice) and a guest
    assert report.total.people == 3
    assert report.lines[1].people == 0
    by_resource = occupancy_report([office_space], *APRIL, breakdown=Breakdown.RESOURCE)
    # Both members checked in on the day of a desk booking; the guest had no booking.
    assert {line.resource_name: line.people for line in by_resource.keys} == {
        "Open space": 2,
        "Sala Adda": 1,
    }


# --- the network -----------------------------------------------------------------------


def test_network_totals_add_minutes_and_weight_the_target_by_capacity(
    office_space, april_bookings, round_the_clock, person
):
    desk = round_the_clock.resources.get()
    book(person, desk, dt.date(2026, 4, 10), (8,), (20,))
    report = network_report([office_space, round_the_clock], *APRIL)
    assert [line.space_name for line in report.keys] == ["Cowo Esempio", "Sempre Aperto"]
    office, clock = report.keys
    assert clock.capacity_minutes == 30 * 1440
    assert clock.target == D("90.0")
    assert report.total.booked_minutes == 960 + 720
    assert report.total.capacity_minutes == office.capacity_minutes + clock.capacity_minutes
    assert report.total.occupancy == percent_of(960 + 720, report.total.capacity_minutes)
    office_target = report.lines[0].target  # one month, so the line is the key
    assert office_target is not None
    office_exact = sum(office_space.target_on(d) for d in open_days(office_space, *APRIL)) / D(19)
    weighted = (office_exact * office.capacity_minutes + 90 * clock.capacity_minutes) / (
        office.capacity_minutes + clock.capacity_minutes
    )
    assert report.total.target == weighted.quantize(D("0.1"))
    assert report.total.target != ((office_target + D(90)) / 2).quantize(D("0.1"))
    assert report.totals[0].booked_minutes == report.total.booked_minutes


def test_a_space_without_resources_has_no_occupancy(organisation, municipality):
    space = services.space_create(
        actor=None,
        organisation=organisation,
        name="Vuoto",
        municipality=municipality,
        address="Via Vuota 1",
        theme="social",
        opened_on=dt.date(2026, 1, 1),
    )
    services.opening_hours_set(actor=None, space=space, rows=[(0, dt.time(9), dt.time(12))])
    report = network_report([space], *APRIL)
    assert report.total.capacity_minutes == 0
    assert report.total.occupancy is None
    assert report.total.target == D("70.0")  # the plain average of the open days


def test_the_yearly_report_is_a_handful_of_queries_whatever_the_range(
    office_space, april_bookings, round_the_clock
):
    from lavorete.spaces.models import Space

    spaces = Space.objects.all()
    with CaptureQueriesContext(connection) as month:
        network_report(spaces, *APRIL)
    with CaptureQueriesContext(connection) as year:
        network_report(spaces, dt.date(2026, 1, 1), dt.date(2026, 12, 31), Granularity.DAY)
    assert len(year) == len(month) <= 9


def test_unknown_granularity_or_breakdown_is_refused(office_space):
    with pytest.raises(ValueError, match="granularity"):
        occupancy_report([office_space], *APRIL, granularity="year")
    with pytest.raises(ValueError, match="breakdown"):
        occupancy_report([office_space], *APRIL, breakdown="floor")
    with pytest.raises(ValueError, match="ends before"):
        occupancy_report([office_space], APRIL[1], APRIL[0])


def test_periods_cover_the_range_exactly():
    span = periods(dt.date(2025, 12, 31), dt.date(2026, 1, 5), Granularity.WEEK)
    assert span == [
        (dt.date(2025, 12, 31), dt.date(2026, 1, 4)),
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5)),
    ]
    assert len(periods(dt.date(2026, 1, 1), dt.date(2026, 12, 31), Granularity.MONTH)) == 12


# --- the chart -----------------------------------------------------------------------


def test_the_chart_draws_a_bar_per_period_and_breaks_the_target_line_where_closed(
    office_space, april_bookings
):
    report = occupancy_report(
        [office_space], dt.date(2026, 4, 3), dt.date(2026, 4, 7), granularity=Granularity.DAY
    )
    drawn = chart(report.totals, Granularity.DAY)
    assert len(drawn.bars) == 5
    # 3 April open, 4-6 closed (weekend, Easter Monday), 7 April open: two pieces of line.
    assert drawn.target_path.count("M") == 2
    assert drawn.target_path.count("L") == 0
    assert all(bar.y + bar.height == drawn.plot_bottom for bar in drawn.bars)
    assert drawn.y_ticks[-1][1] == "100%"
    assert drawn.latest is report.totals[-1]
