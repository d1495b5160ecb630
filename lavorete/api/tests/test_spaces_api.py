"""The coworking API: public spaces and availability, a member's bookings, and bad input."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lavorete.conftest import make_user
from lavorete.core.timeutils import now as utc_now
from lavorete.spaces import services
from lavorete.spaces.calendar import OpeningCalendar
from lavorete.spaces.models import Booking, BookingStatus, GrantStatus

ROME = ZoneInfo("Europe/Rome")
MONDAY = dt.date(2030, 3, 4)
API = "/api/v1"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def post(client, path, body=None, **headers):
    return client.post(
        f"{API}{path}",
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers,
    )


def book_body(resource, day=MONDAY, start="09:00", end="11:00"):
    return {"resource": resource.pk, "date": day.isoformat(), "start": start, "end": end}


def iso(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ROME).isoformat()


@pytest.fixture
def member_client(client, person):
    client.force_login(person)
    return client


@pytest.fixture
def other_space(db, other_organisation, municipality):
    """A second space (green economy, not public) with its own room."""
    from lavorete.territory.models import Municipality

    space = services.space_create(
        actor=None,
        organisation=other_organisation,
        name="Cowo Sondrio",
        municipality=Municipality.objects.get(name="Sondrio"),
        address="Piazza Garibaldi 1",
        theme="green_economy",
        status="active",
        is_public=False,
        opened_on=dt.date(2025, 1, 1),
    )
    services.opening_hours_set(
        actor=None, space=space, rows=[(d, dt.time(8), dt.time(20)) for d in range(5)]
    )
    services.resource_create(
        actor=None, space=space, kind="meeting_room", name="Sala Adda", hourly_price=Decimal("5")
    )
    return space


# --- public: spaces ---------------------------------------------------------------


def test_it_lists_public_spaces_with_their_resource_kinds(client, space, pool, room, laser):
    response = client.get(f"{API}/spaces")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["slug"] == space.slug
    assert item["municipality"] == {
        "istat_code": space.municipality.istat_code,
        "name": "Pioltello",
        "province": "MI",
    }
    assert item["organisation"] == "Cooperativa Sociale Ponte Verde"
    assert item["resource_kinds"] == ["equipment", "hot_desk_pool", "meeting_room"]


def test_it_hides_spaces_that_are_not_public_or_closed(client, space, other_space):
    services.space_update(actor=None, space=space, status="closed")
    assert client.get(f"{API}/spaces").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"theme": "digital"}, True),
        ({"theme": "makers"}, False),
        ({"municipality": "PIOLTELLO_CODE"}, True),
        ({"municipality": "016024"}, False),  # Bergamo: a real code, no space there
        ({"municipality": "nope"}, False),
        ({"resource_kind": "equipment"}, True),
        ({"resource_kind": "private_office"}, False),
        ({"q": "pioltello"}, True),
    ],
)
def test_it_filters_spaces(client, space, laser, query, found):
    if query.get("municipality") == "PIOLTELLO_CODE":
        query = {"municipality": space.municipality.istat_code}
    data = client.get(f"{API}/spaces", query).json()
    assert [s["slug"] for s in data["items"]] == ([space.slug] if found else [])


def test_an_unknown_filter_value_is_422(client, space):
    response = client.get(f"{API}/spaces", {"theme": "astrology"})
    assert response.status_code == 422
    assert "digital" in json.dumps(response.json()["detail"])


def test_the_space_list_takes_a_fixed_number_of_queries(client, space, pool, room, organisation):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/spaces").status_code == 200
        return len(queries)

    one = count_queries()
    for i in range(3):
        extra = services.space_create(
            actor=None,
            organisation=organisation,
            name=f"Cowo {i}",
            municipality=space.municipality,
            address="Via Milano 2",
            theme="social",
            status="active",
            opened_on=dt.date(2025, 1, 1),
        )
        services.resource_create(actor=None, space=extra, kind="fixed_desk", name="Desk")
    assert count_queries() == one


@pytest.mark.parametrize(
    "query", [{"offset": 10**30}, {"limit": 10**30}, {"offset": 2**63, "limit": 2**63}]
)
def test_huge_pages_are_empty_not_errors(member_client, space, room, person, query):
    services.booking_create(
        actor=person,
        member=person,
        resource=room,
        starts_at=dt.datetime(2030, 3, 4, 9, tzinfo=ROME),
        ends_at=dt.datetime(2030, 3, 4, 10, tzinfo=ROME),
    )
    for path in ("/spaces", "/me/bookings"):
        response = member_client.get(f"{API}{path}", query)
        assert response.status_code == 200
        assert response.json()["count"] == 1
        assert len(response.json()["items"]) == (0 if "offset" in query else 1)


def test_a_space_shows_resources_hours_plans_and_tiers(client, space, pool, room, laser):
    services.plan_create(
        actor=None,
        space=space,
        name="Day pass",
        kind="day_pass",
        period="day",
        price=Decimal("12.00"),
        covers=["hot_desk_pool"],
        included_hours=Decimal("8"),
    )
    services.tier_create(
        actor=None, space=space, name="NEET", categories=["neet"], discount_percent=100
    )
    services.closure_add(
        actor=None,
        space=space,
        starts_on=dt.date(2030, 8, 10),
        ends_on=dt.date(2030, 8, 20),
        reason="Summer",
    )
    response = client.get(f"{API}/spaces/{space.slug}")
    assert response.status_code == 200
    data = response.json()
    assert data["time_zone"] == "Europe/Rome"
    assert {"weekday": 5, "opens": "09:00:00", "closes": "13:00:00"} in data["opening_hours"]
    assert len(data["opening_hours"]) == 6
    assert data["closures"] == [
        {"starts_on": "2030-08-10", "ends_on": "2030-08-20", "reason": "Summer"}
    ]
    by_name = {r["name"]: r for r in data["resources"]}
    assert by_name["Open space"]["capacity"] == 3
    assert by_name["Open space"]["hourly_price"] == "2.50"
    assert by_name["Laser cutter"]["qualification"] == "Laser cutter safety"
    assert data["plans"][0]["price"] == "12.00"
    assert data["plans"][0]["currency"] == "EUR"
    assert data["solidarity_tiers"][0]["discount_percent"] == 100


def test_a_hidden_or_unknown_space_is_404(client, other_space):
    assert client.get(f"{API}/spaces/{other_space.slug}").status_code == 404
    assert client.get(f"{API}/spaces/nowhere").status_code == 404


# --- public: availability ------------------------------------------------------------


def availability_url(space, resource_id):
    return f"{API}/spaces/{space.slug}/resources/{resource_id}/availability"


def test_availability_shows_free_and_taken_slots(client, space, room, pool, person):
    member_booking = services.booking_create(
        actor=person,
        member=person,
        resource=pool,
        starts_at=dt.datetime(2030, 3, 4, 9, tzinfo=ROME),
        ends_at=dt.datetime(2030, 3, 4, 10, tzinfo=ROME),
    )
    response = client.get(availability_url(space, pool.pk), {"date": "2030-03-04"})
    assert response.status_code == 200
    data = response.json()
    assert data["closed"] is False
    assert data["resource"]["id"] == pool.pk
    slots = data["slots"]
    assert len(slots) == 24  # 8:00-20:00 in half hours
    assert slots[0] == {
        "starts_at": "2030-03-04T08:00:00+01:00",
        "ends_at": "2030-03-04T08:30:00+01:00",
        "free": 3,
        "total": 3,
    }
    assert slots[2]["free"] == 2  # 9:00, one seat taken
    assert member_booking.status == BookingStatus.ACTIVE


def test_availability_on_a_closed_day_is_empty(client, space, room):
    data = client.get(availability_url(space, room.pk), {"date": "2030-03-03"}).json()
    assert data["closed"] is True
    assert data["slots"] == []


def test_availability_follows_the_daylight_saving_change(client, space, room):
    # Monday after the last Sunday of March 2030: the offset is now +02:00.
    data = client.get(availability_url(space, room.pk), {"date": "2030-04-01"}).json()
    assert data["slots"][0]["starts_at"] == "2030-04-01T08:00:00+02:00"


def test_availability_of_another_spaces_resource_is_404(client, space, room, other_space):
    foreign = other_space.resources.get()
    assert (
        client.get(availability_url(space, foreign.pk), {"date": "2030-03-04"}).status_code == 404
    )
    assert client.get(availability_url(space, 2**70), {"date": "2030-03-04"}).status_code in {
        404,
        422,
    }
    assert (
        client.get(availability_url(other_space, foreign.pk), {"date": "2030-03-04"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "value", ["", "04/03/2030", "2030-02-30", "tomorrow", "99999-01-01", "1066-10-14"]
)
def test_a_malformed_date_is_422_with_a_clear_message(client, space, room, value):
    response = client.get(availability_url(space, room.pk), {"date": value})
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "invalid"
    assert "YYYY-MM-DD" in data["detail"] or "out of range" in data["detail"]


# --- booking -----------------------------------------------------------------------


def test_anonymous_users_cant_book(client, room):
    response = post(client, "/bookings", book_body(room))
    assert response.status_code == 401
    assert not Booking.objects.exists()


def test_a_member_books_with_local_times(member_client, room, person):
    response = post(member_client, "/bookings", book_body(room))
    assert response.status_code == 201, response.json()
    data = response.json()
    booking = Booking.objects.get()
    assert data["id"] == booking.pk
    assert booking.member == person
    assert data["starts_at"] == "2030-03-04T08:00:00Z"
    assert data["minutes"] == 120
    assert data["space"] == room.space.slug
    assert data["resource_name"] == "Sala Martesana"
    assert data["price"] == {
        "currency": "EUR",
        "list_price": "30.00",
        "member_amount": "30.00",
        "funder_amount": "0.00",
        "plan_hours": "0.00",
        "subsidised_hours": "0.00",
        "service_hours_owed": "0.00",
        "tier": None,
        "funder": None,
    }
    assert data["cancellable_until"] == "2030-03-03T08:00:00Z"


def test_a_member_books_with_instants(member_client, room):
    body = {"resource": room.pk, "starts_at": iso(MONDAY, 14), "ends_at": iso(MONDAY, 15, 30)}
    response = post(member_client, "/bookings", body)
    assert response.status_code == 201, response.json()
    assert response.json()["minutes"] == 90
    utc = "2030-03-04T14:30:00+00:00"  # 15:30 in Rome, where the first one ends
    body = {
        "resource": room.pk,
        "starts_at": utc.replace("+00:00", "Z"),
        "ends_at": iso(MONDAY, 17),
    }
    assert post(member_client, "/bookings", body).status_code == 201


def test_a_funded_tier_splits_the_price(member_client, room, person, programme):
    tier = services.tier_create(
        actor=None,
        space=room.space,
        name="Giovani",
        categories=["neet"],
        discount_percent=100,
        funder_programme=programme,
    )
    grant = services.tier_request(member=person, tier=tier, category="neet")
    grant = services.tier_verify(actor=None, grant=grant, method="operator")
    assert grant.status == GrantStatus.VERIFIED
    day = utc_now().astimezone(ROME).date() + dt.timedelta(days=3)
    while day.weekday() >= 5 or OpeningCalendar.for_space(room.space).closed_reason(day):
        day += dt.timedelta(days=1)
    response = post(
        member_client, "/bookings", book_body(room, day=day, start="10:00", end="11:00")
    )
    assert response.status_code == 201, response.json()
    price = response.json()["price"]
    assert price["list_price"] == "15.00"
    assert price["member_amount"] == "0.00"
    assert price["funder_amount"] == "15.00"
    assert price["tier"] == "Giovani"
    assert price["funder"] == programme.name


def test_a_repeated_request_returns_the_same_booking(member_client, room):
    first = post(member_client, "/bookings", book_body(room), **{"Idempotency-Key": "abc-1"})
    again = post(member_client, "/bookings", book_body(room), **{"Idempotency-Key": "abc-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Booking.objects.count() == 1
    other_slot = post(
        member_client,
        "/bookings",
        book_body(room, start="12:00", end="13:00"),
        **{"Idempotency-Key": "abc-1"},
    )
    assert other_slot.status_code == 422
    assert "already used" in other_slot.json()["detail"]
    assert Booking.objects.count() == 1


def test_a_taken_slot_is_409(member_client, room, pool):
    assert post(member_client, "/bookings", book_body(room)).status_code == 201
    other = Client()
    other.force_login(make_user("altra@example.org", "Alba Altra"))
    response = post(other, "/bookings", book_body(room, start="10:00", end="12:00"))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Sala Martesana is already booked for this slot.",
        "code": "taken",
        "messages": ["Sala Martesana is already booked for this slot."],
    }
    for _ in range(3):
        assert post(other, "/bookings", book_body(pool)).status_code == 201
    full = post(member_client, "/bookings", book_body(pool))
    assert full.status_code == 409
    assert full.json()["detail"] == "All seats of Open space are booked for this slot."
    assert Booking.objects.count() == 4


def test_booking_needs_the_csrf_token(room, person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    refused = post(client, "/bookings", book_body(room))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "CSRF check Failed"}
    token = client.get(f"{API}/csrf").json()["csrf_token"]
    assert client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = post(client, "/bookings", book_body(room), **{"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert Booking.objects.count() == 1


def test_over_https_a_client_also_names_the_site_it_comes_from(room, person):
    """Django checks Origin (or else Referer) on HTTPS: a script must send one of them."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    token = client.get(f"{API}/csrf", secure=True).json()["csrf_token"]
    body = json.dumps(book_body(room))
    headers = {"X-CSRFToken": token}
    refused = client.post(
        f"{API}/bookings", body, content_type="application/json", secure=True, headers=headers
    )
    assert refused.status_code == 403
    accepted = client.post(
        f"{API}/bookings",
        body,
        content_type="application/json",
        secure=True,
        headers={**headers, "Origin": "https://testserver"},
    )
    assert accepted.status_code == 201
    assert Booking.objects.count() == 1


@pytest.fixture
def private_room(other_space):
    return other_space.resources.get()


BAD_BODIES: dict[str, tuple[Any, str]] = {
    "unknown resource": (
        {"resource": 999_999, "date": "2030-03-04", "start": "09:00", "end": "10:00"},
        "no such resource",
    ),
    "resource of a hidden space": ("PRIVATE", "no such resource"),
    "huge resource id": (
        {"resource": 2**70, "date": "2030-03-04", "start": "09:00", "end": "10:00"},
        "",
    ),
    "resource not a number": (
        {"resource": "abc", "date": "2030-03-04", "start": "09:00", "end": "10:00"},
        "",
    ),
    "no body fields": ({}, ""),
    "past slot": ({"date": "2024-03-04", "start": "09:00", "end": "10:00"}, "in the past"),
    "malformed date": ({"date": "04/03/2030", "start": "09:00", "end": "10:00"}, "YYYY-MM-DD"),
    "impossible date": ({"date": "2030-02-30", "start": "09:00", "end": "10:00"}, "YYYY-MM-DD"),
    "date far away": ({"date": "9999-12-31", "start": "09:00", "end": "10:00"}, "out of range"),
    "malformed time": ({"date": "2030-03-04", "start": "9h", "end": "25:00"}, "HH:MM"),
    "zero length": (
        {"date": "2030-03-04", "start": "09:00", "end": "09:00"},
        "end after it starts",
    ),
    "negative length": (
        {"date": "2030-03-04", "start": "11:00", "end": "09:00"},
        "end after it starts",
    ),
    "outside opening hours": (
        {"date": "2030-03-04", "start": "19:00", "end": "21:00"},
        "opening hours",
    ),
    "closed day": ({"date": "2030-03-03", "start": "09:00", "end": "10:00"}, "opening hours"),
    "off the booking step": (
        {"date": "2030-03-04", "start": "09:10", "end": "10:00"},
        "steps of 30",
    ),
    "a time the clocks skip": (
        {"date": "2030-03-31", "start": "02:30", "end": "03:30"},
        "clocks go forward",
    ),
    "naive instants": (
        {"starts_at": "2030-03-04T09:00:00", "ends_at": "2030-03-04T10:00:00"},
        "no UTC offset",
    ),
    "malformed instant": (
        {"starts_at": "monday 9am", "ends_at": "2030-03-04T10:00:00+01:00"},
        "ISO 8601",
    ),
    "seconds": (
        {"starts_at": "2030-03-04T09:00:30+01:00", "ends_at": "2030-03-04T10:00:00+01:00"},
        "whole minutes",
    ),
    "instant far away": (
        {"starts_at": "9999-12-31T23:00:00-12:00", "ends_at": "9999-12-31T23:30:00-12:00"},
        "out of range",
    ),
    "both forms": (
        {
            "starts_at": "2030-03-04T09:00:00+01:00",
            "ends_at": "2030-03-04T10:00:00+01:00",
            "date": "2030-03-04",
        },
        "either",
    ),
    "neither form": ({}, "either"),
    "half of a form": ({"starts_at": "2030-03-04T09:00:00+01:00"}, "ISO 8601"),
    "across midnight": (
        {"starts_at": "2030-03-04T19:00:00+01:00", "ends_at": "2030-03-05T09:00:00+01:00"},
        "same day",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_booking_requests_are_refused_with_a_message(member_client, room, private_room, case):
    body, message = BAD_BODIES[case]
    if body == "PRIVATE":
        body = {"resource": private_room.pk, "date": "2030-03-04", "start": "09:00", "end": "10:00"}
    elif case != "no body fields":
        body = {"resource": room.pk, **body}
    response = post(member_client, "/bookings", body, **{"Idempotency-Key": case})
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail
    assert message.lower() in json.dumps(detail).lower()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/spaces?q=a%00b", 200),
        ("/spaces?municipality=01%0075", 200),
        ("/spaces/cowo%00pioltello", 404),
        ("/spaces/cowo%00pioltello/resources/1/availability?date=2030-03-04", 404),
    ],
)
def test_null_characters_in_reads_are_not_server_errors(client, space, path, status):
    assert client.get(f"{API}{path}").status_code == status


def test_null_characters_in_writes_are_refused(member_client, room):
    refused = post(member_client, "/bookings", book_body(room), **{"Idempotency-Key": "a\x00b"})
    assert refused.status_code == 422
    assert "null character" in refused.json()["detail"]
    assert not Booking.objects.exists()
    booking_id = post(member_client, "/bookings", book_body(room)).json()["id"]
    response = post(member_client, f"/bookings/{booking_id}/cancel", {"reason": "a\x00b"})
    assert response.status_code == 422
    assert Booking.objects.get().status == BookingStatus.ACTIVE


def test_malformed_json_is_refused(member_client, room):
    response = member_client.post(
        f"{API}/bookings", data="{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert not Booking.objects.exists()


def test_equipment_needs_a_valid_qualification(member_client, laser, person):
    body = book_body(laser, start="09:00", end="10:00")
    refused = post(member_client, "/bookings", body)
    assert refused.status_code == 422
    assert "Laser cutter safety" in refused.json()["detail"]
    assert not Booking.objects.exists()
    services.qualification_grant(
        actor=None, qualification=laser.qualification, member=person, granted_on=dt.date(2030, 1, 1)
    )
    assert post(member_client, "/bookings", body).status_code == 201


def test_a_long_idempotency_key_is_refused(member_client, room):
    response = post(member_client, "/bookings", book_body(room), **{"Idempotency-Key": "k" * 101})
    assert response.status_code == 422
    assert "too long" in response.json()["detail"]
    assert not Booking.objects.exists()


def test_get_on_write_endpoints_changes_nothing(member_client, room):
    assert member_client.get(f"{API}/bookings").status_code == 405
    someone = make_user("altra@example.org")
    booking = services.booking_create(
        actor=someone,
        member=someone,
        resource=room,
        starts_at=dt.datetime(2030, 3, 4, 9, tzinfo=ROME),
        ends_at=dt.datetime(2030, 3, 4, 10, tzinfo=ROME),
    )
    assert member_client.get(f"{API}/bookings/{booking.pk}/cancel").status_code == 405
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE


# --- my bookings and cancelling ---------------------------------------------------------


def test_my_bookings_lists_only_mine(member_client, person, room, pool):
    mine = services.booking_create(
        actor=person,
        member=person,
        resource=room,
        starts_at=dt.datetime(2030, 3, 4, 9, tzinfo=ROME),
        ends_at=dt.datetime(2030, 3, 4, 10, tzinfo=ROME),
    )
    someone = make_user("altra@example.org")
    services.booking_create(
        actor=someone,
        member=someone,
        resource=pool,
        starts_at=dt.datetime(2030, 3, 4, 9, tzinfo=ROME),
        ends_at=dt.datetime(2030, 3, 4, 10, tzinfo=ROME),
    )
    data = member_client.get(f"{API}/me/bookings").json()
    assert [b["id"] for b in data["items"]] == [mine.pk]
    services.booking_cancel(actor=person, booking=mine)
    assert member_client.get(f"{API}/me/bookings").json()["count"] == 0
    everything = member_client.get(f"{API}/me/bookings", {"upcoming": "false"}).json()
    assert [(b["id"], b["status"]) for b in everything["items"]] == [(mine.pk, "cancelled")]


def test_my_bookings_takes_a_fixed_number_of_queries(member_client, person, room, pool, programme):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(f"{API}/me/bookings").status_code == 200
        return len(queries)

    count_queries()  # warm the caches (session, role grants) first

    for hour in (9, 10):
        services.booking_create(
            actor=person,
            member=person,
            resource=room,
            starts_at=dt.datetime(2030, 3, 4, hour, tzinfo=ROME),
            ends_at=dt.datetime(2030, 3, 4, hour + 1, tzinfo=ROME),
        )
    two = count_queries()
    for hour in (11, 12, 13):
        services.booking_create(
            actor=person,
            member=person,
            resource=pool,
            starts_at=dt.datetime(2030, 3, 4, hour, tzinfo=ROME),
            ends_at=dt.datetime(2030, 3, 4, hour + 1, tzinfo=ROME),
        )
    assert count_queries() == two


def test_my_bookings_needs_a_login(client):
    assert client.get(f"{API}/me/bookings").status_code == 401


def test_a_member_cancels_their_booking(member_client, room):
    booking_id = post(member_client, "/bookings", book_body(room)).json()["id"]
    response = post(member_client, f"/bookings/{booking_id}/cancel", {"reason": "Sick"})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "cancelled"
    assert data["cancel_reason"] == "Sick"
    again = post(member_client, f"/bookings/{booking_id}/cancel")
    assert again.status_code == 422
    assert "already cancelled" in again.json()["detail"]
    # The slot is free again.
    assert post(member_client, "/bookings", book_body(room)).status_code == 201


def test_a_member_cant_cancel_someone_elses_booking(member_client, room):
    someone = make_user("altra@example.org")
    booking = services.booking_create(
        actor=someone,
        member=someone,
        resource=room,
        starts_at=dt.datetime(2030, 3, 4, 9, tzinfo=ROME),
        ends_at=dt.datetime(2030, 3, 4, 10, tzinfo=ROME),
    )
    for booking_id in (booking.pk, 999_999, 2**70):
        response = post(member_client, f"/bookings/{booking_id}/cancel")
        assert response.status_code in {404, 422}
    assert post(member_client, f"/bookings/{booking.pk}/cancel").status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE


def test_cancelling_after_the_deadline_is_422(member_client, room, person):
    booking = services.booking_create(
        actor=person,
        member=person,
        resource=room,
        starts_at=dt.datetime(2025, 3, 3, 9, tzinfo=ROME),
        ends_at=dt.datetime(2025, 3, 3, 10, tzinfo=ROME),
        now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
    )
    response = post(member_client, f"/bookings/{booking.pk}/cancel", {"reason": "late"})
    assert response.status_code == 422
    assert "24 hours before the start" in response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE


def test_a_long_cancel_reason_is_422(member_client, room):
    booking_id = post(member_client, "/bookings", book_body(room)).json()["id"]
    response = post(member_client, f"/bookings/{booking_id}/cancel", {"reason": "x" * 301})
    assert response.status_code == 422
    assert Booking.objects.get().status == BookingStatus.ACTIVE
