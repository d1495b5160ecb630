"""The entrance kiosk and the iCal feeds (personal and per resource), with their secret tokens."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from icalendar import Calendar

from lavorete.conftest import make_user
from lavorete.core.models import RoleAssignment
from lavorete.core.services import role_revoke
from lavorete.spaces import services
from lavorete.spaces.models import CheckIn
from lavorete.spaces.tests.test_member_helpers import open_weekday, text
from lavorete.spaces.views_member import member_card


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def book(member, resource, day, start=9, end=11):
    starts_at, ends_at = services.local_slot(resource.space, day, dt.time(start), dt.time(end))
    return services.booking_create(
        actor=member, member=member, resource=resource, starts_at=starts_at, ends_at=ends_at
    )


# --- kiosk --------------------------------------------------------------------------------


@pytest.fixture
def kiosk_url(space):
    return reverse("spaces:kiosk", args=[space.slug, space.kiosk_token])


@pytest.fixture
def card(person, space):
    """Paola has a day pass for today, so the kiosk lets her in."""
    plan = services.plan_create(
        actor=None,
        space=space,
        name="Giornaliero",
        kind="day_pass",
        period="day",
        price=Decimal("10.00"),
        covers=["hot_desk_pool"],
    )
    today = dt.datetime.now(tz=space.zone).date()
    services.membership_start(actor=None, member=person, plan=plan, starts_on=today)
    return member_card(person)


def test_the_kiosk_needs_its_secret_token(client, space, kiosk_url):
    assert client.get(kiosk_url).status_code == 200
    wrong = reverse("spaces:kiosk", args=[space.slug, space.kiosk_token[:-1] + "x"])
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, {"card_code": "ABCDEFGH"}).status_code == 404
    other = reverse("spaces:kiosk", args=["nessuno", space.kiosk_token])
    assert client.get(other).status_code == 404
    services.kiosk_token_rotate(actor=None, space=space)
    assert client.get(kiosk_url).status_code == 404


def test_the_kiosk_checks_a_member_in_then_out(client, person, space, kiosk_url, card):
    response = client.post(kiosk_url, {"card_code": card.card_code.lower()})
    assert response.status_code == 200
    html = text(response)
    assert "Welcome, Paola!" in html
    # Nothing else about the member on a screen anybody can see.
    assert "Persona" not in html and person.email not in html
    assert response["Cache-Control"] == "private, no-store"
    checkin = CheckIn.objects.get(member=person)
    assert checkin.via == "kiosk" and checkin.checked_out_at is None
    response = client.post(kiosk_url, {"card_code": card.card_code})
    assert "Goodbye, see you soon!" in text(response)
    assert "Paola" not in text(response)
    checkin.refresh_from_db()
    assert checkin.checked_out_at is not None


def test_the_kiosk_refuses_an_unknown_code(client, space, kiosk_url, card):
    response = client.post(kiosk_url, {"card_code": "ZZZZZZZZ"})
    assert response.status_code == 200
    assert "Unknown card code. Check it, or ask at the front desk." in text(response)
    assert not CheckIn.objects.exists()


def test_the_kiosk_needs_a_booking_or_a_plan(client, space, kiosk_url):
    stranger = make_user("altra@example.org", "Alba Altra")
    response = client.post(kiosk_url, {"card_code": member_card(stranger).card_code})
    assert "no booking or plan for this space today" in text(response)
    assert not CheckIn.objects.exists()


# --- feeds -----------------------------------------------------------------------------------

FEED_URL = re.compile(r'value="(http://testserver/calendario/[^"]+\.ics)"')


def rotate(client, url) -> str:
    response = client.post(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    found = FEED_URL.findall(response.content.decode())
    assert len(found) == 1, "the page shows the new address once"
    return found[0]


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_the_personal_feed_has_the_members_active_bookings_in_utc(
    client, person, space, pool, room
):
    client.force_login(person)
    kept = book(person, room, open_weekday(1))
    cancelled = book(person, pool, open_weekday(2))
    services.booking_cancel(actor=person, booking=cancelled)
    someone_else = make_user("altra@example.org", "Alba Altra")
    book(someone_else, room, open_weekday(3))
    feed_url = rotate(client, reverse("spaces:feed_rotate"))
    client.logout()  # calendar programs have no session
    calendar = parse(client.get(feed_url))
    (event,) = events(calendar)
    assert str(event["uid"]) == f"booking-{kept.pk}@lavorete"
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == kept.starts_at and end == kept.ends_at
    assert start.utcoffset() == dt.timedelta(0)
    assert "Z" in event["dtstart"].to_ical().decode()
    assert str(event["summary"]) == "Sala Martesana at Cowo Pioltello"
    assert "Via Roma 1" in str(event["location"])
    # The UID stays the same on the next refresh.
    again = events(parse(client.get(feed_url)))
    assert [str(e["uid"]) for e in again] == [str(event["uid"])]


def test_rotating_the_address_stops_the_old_one(client, person):
    client.force_login(person)
    first = rotate(client, reverse("spaces:feed_rotate"))
    second = rotate(client, reverse("spaces:feed_rotate"))
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert "You already have a calendar address." in text(client.get(reverse("spaces:my_bookings")))


def test_an_unknown_token_is_404(client, db):
    assert client.get(reverse("spaces:feed", args=["not-a-token"])).status_code == 404


def test_a_disabled_owner_s_feed_stops(client, person):
    token = services.feed_rotate(owner=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(reverse("spaces:feed", args=[token])).status_code == 404


def test_the_resource_feed_names_members_only_while_the_owner_may_see_them(
    client, person, space_manager, space, room
):
    booking = book(person, room, open_weekday(1))
    client.force_login(space_manager)
    url = reverse("spaces:resource_feed_rotate", args=[room.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "shows the members' names" in page.content.decode()
    feed_url = rotate(client, url)
    client.logout()
    (event,) = events(parse(client.get(feed_url)))
    assert str(event["summary"]) == "Paola Persona"
    assert str(event["uid"]) == f"booking-{booking.pk}@lavorete"
    # The manager leaves: the address still works, without names.
    role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=space_manager))
    (event,) = events(parse(client.get(feed_url)))
    assert str(event["summary"]) == "Booked"


def test_the_resource_feed_is_for_the_space_staff_only(client, person, outsider, room):
    url = reverse("spaces:resource_feed_rotate", args=[room.pk])
    for user in (person, outsider):
        client.force_login(user)
        assert client.post(url).status_code == 403
        assert client.get(url).status_code == 403
    assert not room.feeds.exists()
