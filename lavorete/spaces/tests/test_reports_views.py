"""The occupancy pages and exports, as the space manager and the coordinator use them."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lavorete.spaces import services
from lavorete.spaces.models import Booking

LONG_AGO = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
APRIL = {"first": "2026-04-01", "last": "2026-04-30", "granularity": "month"}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def book(member, resource, day, start, end):
    starts_at, ends_at = services.local_slot(resource.space, day, dt.time(start), dt.time(end))
    return services.booking_create(
        actor=member,
        member=member,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        now=LONG_AGO,
    )


@pytest.fixture
def booked(space, pool, room, person):
    """Cowo Pioltello in April 2026: 21 weekdays of 12 hours and 3 Saturday mornings
    of 4 hours (Easter Monday and 25 April are closed), for 3 seats and a room."""
    book(person, pool, dt.date(2026, 4, 1), 9, 13)
    book(person, room, dt.date(2026, 4, 2), 10, 12)
    return space


@pytest.fixture
def other_space(other_organisation, municipality):
    space = services.space_create(
        actor=None,
        organisation=other_organisation,
        name="Altro Cowo",
        municipality=municipality,
        address="Via Altra 3",
        theme="social",
        status="active",
        opened_on=dt.date(2025, 1, 1),
    )
    services.opening_hours_set(
        actor=None, space=space, rows=[(d, dt.time(9), dt.time(17)) for d in range(5)]
    )
    services.resource_create(
        actor=None, space=space, kind="fixed_desk", name="Scrivania", hourly_price=Decimal(1)
    )
    return space


APRIL_CAPACITY_HOURS = (21 * 12 + 3 * 4) * 4  # three seats and a room


def test_the_space_page_shows_the_chart_and_the_figures(client, space_manager, booked):
    client.force_login(space_manager)
    page = client.get(reverse("spaces:occupancy", args=[booked.pk]), APRIL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="img"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert "Occupancy from 04/01/2026 to 04/30/2026" in html
    assert "Figures of the chart" in html
    line = page.context["report"].total
    assert line.booked_minutes == 6 * 60
    assert line.capacity_hours == APRIL_CAPACITY_HOURS
    assert line.occupancy == Decimal("0.6")  # 6 / 1056 hours
    assert "0.6%" in html
    # Strict CSP: nothing inline.
    main = html.split('id="main-content"', 1)[-1]
    assert " style=" not in main and "<script" not in main


def test_by_resource_lists_each_resource_and_the_period_totals(
    client, space_manager, booked, pool, room, laser
):
    client.force_login(space_manager)
    page = client.get(
        reverse("spaces:occupancy", args=[booked.pk]), {**APRIL, "breakdown": "resource"}
    )
    rows = page.context["rows"]
    names = [line.resource_name for _label, line in rows]
    assert names == ["Laser cutter", "Open space", "Sala Martesana", "", ""]
    pool_line = rows[1][1]
    assert pool_line.capacity_hours == (21 * 12 + 3 * 4) * 3
    assert pool_line.booked_hours == 4
    assert "All resources" in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"first": "2026-02-30", "last": "yesterday", "granularity": "year", "breakdown": "x"},
        {"first": "0001-01-01", "last": "9999-12-31"},
        {"first": "2026-05-01", "last": "2026-04-01"},
        {"first": "1999-12-31"},
        {"first": ["2026-01-01", "2026-02-01"], "granularity": "\x00"},
        {"first": "9" * 40, "last": "-1e309"},
    ],
)
def test_garbage_filters_fall_back_to_the_defaults_with_a_message(
    client, space_manager, booked, query
):
    client.force_login(space_manager)
    page = client.get(reverse("spaces:occupancy", args=[booked.pk]), query, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "alert-warning" in html
    report = page.context["report"]
    assert report.granularity == "month"
    assert (report.last - report.first).days <= 366


def test_daily_figures_over_a_long_range_are_shown_by_week(client, space_manager, booked):
    client.force_login(space_manager)
    page = client.get(
        reverse("spaces:occupancy", args=[booked.pk]),
        {"first": "2026-01-01", "last": "2026-06-30", "granularity": "day"},
    )
    assert page.context["report"].granularity == "week"
    assert "shown by week" in page.content.decode()
    page = client.get(
        reverse("spaces:occupancy", args=[booked.pk]),
        {"first": "2026-04-01", "last": "2026-04-30", "granularity": "day"},
    )
    assert page.context["report"].granularity == "day"
    assert len(page.context["report"].lines) == 30


def test_csv_export_has_the_rows_of_the_page(client, space_manager, booked):
    client.force_login(space_manager)
    response = client.get(
        reverse("spaces:occupancy_export", args=[booked.pk, "csv"]),
        {**APRIL, "granularity": "week"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Period",
        "From",
        "To",
        "Space",
        "Booked hours",
        "Open seat-hours",
        "Occupancy (%)",
        "Target (%)",
        "Gap (points)",
        "People checked in",
    ]
    assert [r[1] for r in rows[1:]] == [
        "2026-04-01",
        "2026-04-06",
        "2026-04-13",
        "2026-04-20",
        "2026-04-27",
        "2026-04-01",
    ]
    first_week = rows[1]
    assert first_week[3] == "Cowo Pioltello"
    assert first_week[4] == "6.00"
    total = rows[-1]
    assert total[3] == "Total"
    assert Decimal(total[5]) == APRIL_CAPACITY_HOURS
    assert total[6] == "0.6"


def test_xlsx_export_by_resource_has_numbers(client, space_manager, booked, pool, room):
    client.force_login(space_manager)
    response = client.get(
        reverse("spaces:occupancy_export", args=[booked.pk, "xlsx"]),
        {**APRIL, "breakdown": "resource"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][4] == "Resource"
    by_resource = {row[4]: row for row in rows[1:]}
    assert by_resource["Open space"][5] == 4
    assert by_resource["Sala Martesana"][5] == 2
    assert rows[-1][3] == "Total"
    assert rows[-1][7] == Decimal("0.6") or rows[-1][7] == pytest.approx(0.6)


def test_an_unknown_export_format_is_404(client, space_manager, booked):
    client.force_login(space_manager)
    assert (
        client.get(reverse("spaces:occupancy_export", args=[booked.pk, "pdf"])).status_code == 404
    )
    assert client.get(reverse("spaces:occupancy_network_export", args=["ods"])).status_code == 404


def test_a_space_outside_the_managers_scope_is_404(client, space_manager, other_space):
    client.force_login(space_manager)
    assert client.get(reverse("spaces:occupancy", args=[other_space.pk])).status_code == 404
    url = reverse("spaces:occupancy_export", args=[other_space.pk, "csv"])
    assert client.get(url).status_code == 404


def test_the_network_page_shows_the_spaces_each_user_may_see(
    client, space_manager, coordinator, booked, other_space
):
    client.force_login(coordinator)
    page = client.get(reverse("spaces:occupancy_network"), APRIL)
    assert [line.space_name for line, _m in page.context["rows"]] == [
        "Altro Cowo",
        "Cowo Pioltello",
    ]
    assert page.context["whole_network"] is True
    html = page.content.decode()
    assert "Network occupancy" in html and 'role="img"' in html
    total = page.context["report"].total
    assert total.booked_minutes == 360
    assert total.capacity_hours == APRIL_CAPACITY_HOURS + 21 * 8

    client.force_login(space_manager)
    page = client.get(reverse("spaces:occupancy_network"), APRIL)
    assert [line.space_name for line, _m in page.context["rows"]] == ["Cowo Pioltello"]
    assert "Occupancy of your spaces" in page.content.decode()


def test_the_network_export_has_a_row_per_space_the_periods_and_the_total(
    client, coordinator, booked, other_space
):
    client.force_login(coordinator)
    response = client.get(
        reverse("spaces:occupancy_network_export", args=["csv"]),
        {"first": "2026-03-01", "last": "2026-04-30"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[3] for r in rows[1:]] == ["Altro Cowo", "Cowo Pioltello", "Total", "Total", "Total"]
    assert [r[0] for r in rows[3:5]] == ["March 2026", "April 2026"]
    assert rows[-1][4] == "6.00"


def test_the_network_page_runs_the_same_queries_for_more_spaces(
    client, coordinator, booked, other_space, organisation, municipality
):
    client.force_login(coordinator)
    url = reverse("spaces:occupancy_network")
    client.get(url)  # warm up the session and the caches
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for i in range(3):
        services.space_create(
            actor=None,
            organisation=organisation,
            name=f"Nuovo {i}",
            municipality=municipality,
            address="Via Nuova",
            theme="digital",
            opened_on=dt.date(2026, 1, 1),
        )
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(two)


def test_the_dashboard_chart_tag_draws_for_staff_only(space_manager, person, booked):
    template = Template("{% load occupancy %}{% occupancy_chart space %}")
    request = RequestFactory().get("/")
    request.user = space_manager
    html = template.render(Context({"space": booked, "request": request}))
    assert 'role="img"' in html
    assert len(re.findall(r"<rect x=", html)) == 12  # twelve monthly bars
    assert "Occupancy of Cowo Pioltello in the last twelve months" in html
    assert "<caption>Figures of the chart" in html
    request.user = person
    assert template.render(Context({"space": booked, "request": request})).strip() == ""


def test_get_changes_nothing(client, space_manager, booked):
    client.force_login(space_manager)
    before = Booking.objects.count()
    client.get(reverse("spaces:occupancy", args=[booked.pk]), APRIL)
    client.get(reverse("spaces:occupancy_export", args=[booked.pk, "csv"]), APRIL)
    assert Booking.objects.count() == before
    assert client.post(reverse("spaces:occupancy", args=[booked.pk])).status_code == 405
