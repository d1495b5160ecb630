"""iCal feeds of bookings: a member's own, or a resource's for the staff who run it.

A feed is reached by a secret address whose token is stored only as a hash
(CalendarFeed.token_hash). Times are written in UTC, so calendar programs need
no time-zone definitions; each booking keeps the same UID for its whole life,
so a program that refreshes the feed updates an event instead of duplicating it.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from lavorete.core.permissions import has_perm
from lavorete.spaces.models import Booking, BookingStatus, CalendarFeed, Resource
from lavorete.spaces.selectors import member_bookings
from lavorete.spaces.services import token_hash

UID_DOMAIN = "lavorete"
REFRESH = dt.timedelta(hours=1)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed a secret token opens, or None (unknown, rotated, or its owner disabled)."""
    if not token or len(token) > 200:
        return None
    feed = (
        CalendarFeed.objects.select_related("owner", "resource__space")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if feed is None or not feed.owner.is_active:
        return None
    return feed


def booking_uid(booking: Booking) -> str:
    """The event's UID: one per booking, whatever feed shows it."""
    return f"booking-{booking.pk}@{UID_DOMAIN}"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Lavorete//Coworking bookings//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _event(booking: Booking, summary: str) -> Event:
    space = booking.space
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("dtstamp", booking.created_at.astimezone(dt.UTC))
    event.add("dtstart", booking.starts_at.astimezone(dt.UTC))
    event.add("dtend", booking.ends_at.astimezone(dt.UTC))
    event.add("summary", summary)
    event.add("location", f"{space.name}, {space.address}, {space.municipality.name}")
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _render(calendar: Calendar, events: Iterable[Event]) -> bytes:
    for event in events:
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def personal_calendar(owner: object) -> bytes:
    """The owner's active bookings, in every space of the network."""
    bookings = (
        member_bookings(owner, upcoming=False)
        .filter(status=BookingStatus.ACTIVE)
        .select_related("space__municipality")
        .order_by("starts_at")
    )
    calendar = _calendar(_("My coworking bookings"))
    return _render(
        calendar,
        (
            _event(b, _("%(resource)s at %(space)s") % {"resource": b.resource, "space": b.space})
            for b in bookings.iterator(chunk_size=500)
        ),
    )


def resource_calendar(feed: CalendarFeed, resource: Resource) -> bytes:
    """A resource's active bookings; member names only while the owner may still see members."""
    show_names = has_perm(feed.owner, "spaces.view_members", resource)
    bookings = (
        Booking.objects.filter(resource=resource, status=BookingStatus.ACTIVE)
        .select_related("member", "space__municipality")
        .order_by("starts_at")
    )
    calendar = _calendar(f"{resource.name} – {resource.space.name}")
    booked = _("Booked")
    return _render(
        calendar,
        (
            _event(b, str(b.member) if show_names else booked)
            for b in bookings.iterator(chunk_size=500)
        ),
    )


def calendar_for(feed: CalendarFeed) -> bytes:
    """The feed's content: the owner's bookings, or its resource's."""
    if feed.resource is None:
        return personal_calendar(feed.owner)
    return resource_calendar(feed, feed.resource)
