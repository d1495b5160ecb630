"""The coworking network in the JSON API: spaces, availability, a member's bookings.

Public endpoints show what the public pages show. Booking endpoints use the
session (like every authenticated endpoint): a POST also needs the CSRF token,
sent back in the X-CSRFToken header — `GET /api/v1/csrf` hands one out and sets
its cookie; over HTTPS Django also wants an Origin (or Referer) header naming
the site, as a browser sends. Writes go through `lavorete.spaces.services`, so the API refuses
exactly what the pages refuse: a slot someone else holds is 409 with
`"code": "taken"`, anything else wrong with a request is 422 with every message.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from lavorete.api.schemas import ErrorOut
from lavorete.core.money import CURRENCY, to_money
from lavorete.core.timeutils import now as utc_now
from lavorete.spaces import services
from lavorete.spaces.calendar import OpeningCalendar
from lavorete.spaces.models import (
    Booking,
    Closure,
    Plan,
    Resource,
    ResourceKind,
    SolidarityTier,
    Space,
    Theme,
)
from lavorete.spaces.permissions import get_own_booking, get_public_space
from lavorete.spaces.selectors import availability, member_bookings, public_spaces
from lavorete.territory.models import Municipality

# Instants far from today are refused before any arithmetic can overflow.
MIN_YEAR, MAX_YEAR = 2000, 2200
MAX_ROWS = 2**31

# --- schemas ---------------------------------------------------------------------


class ProblemOut(ErrorOut):
    code: str = Field(description='"taken" when the slot is already booked, else "invalid".')
    messages: list[str] = Field(description="Every reason the request was refused.")


class MunicipalityRef(Schema):
    istat_code: str
    name: str
    province: str


class SpaceOut(Schema):
    slug: str
    name: str
    theme: str
    status: str
    summary: str
    address: str
    postcode: str
    municipality: MunicipalityRef
    organisation: str
    resource_kinds: list[str]


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 is Monday, 6 is Sunday.")
    opens: dt.time
    closes: dt.time


class ClosureOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    reason: str


class ResourceOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    capacity: int
    hourly_price: Decimal | None
    slot_minutes: int
    cancellation_hours: int
    qualification: str | None


class PlanOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    period: str
    price: Decimal
    currency: str
    covers: list[str]
    included_hours: Decimal | None = Field(description="Null means unlimited use.")
    network_wide: bool


class TierOut(Schema):
    id: int
    name: str
    description: str
    categories: list[str]
    discount_percent: int


class SpaceDetailOut(SpaceOut):
    description: str
    accessibility: str
    email: str
    phone: str
    time_zone: str
    opening_hours: list[OpeningHoursOut]
    closures: list[ClosureOut] = Field(description="Closures that are not over yet.")
    resources: list[ResourceOut]
    plans: list[PlanOut]
    solidarity_tiers: list[TierOut]


class SlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int = Field(description="Units free for the whole slot (seats of a pool).")
    total: int


class AvailabilityOut(Schema):
    resource: ResourceOut
    date: dt.date
    time_zone: str
    closed: bool
    slots: list[SlotOut]


class BookingIn(Schema):
    resource: int = Field(description="The resource's id (see the space's detail).")
    starts_at: str = Field(
        "",
        description="ISO 8601 with its UTC offset, e.g. 2030-03-04T09:00:00+01:00.",
        json_schema_extra={"format": "date-time"},
    )
    ends_at: str = Field("", json_schema_extra={"format": "date-time"})
    date: str = Field(
        "",
        description="Instead of starts_at/ends_at: the day (YYYY-MM-DD) in the space's time zone…",
        json_schema_extra={"format": "date"},
    )
    start: str = Field("", description="…and the local start time (HH:MM)…")
    end: str = Field("", description="…and the local end time (HH:MM; 00:00 is midnight).")


class CancelIn(Schema):
    reason: str = ""


class PriceOut(Schema):
    currency: str
    list_price: Decimal
    member_amount: Decimal = Field(description="What the member pays.")
    funder_amount: Decimal = Field(description="What the tier's funder pays.")
    plan_hours: Decimal = Field(description="Hours taken from the plan's allowance.")
    subsidised_hours: Decimal
    service_hours_owed: Decimal
    tier: str | None
    funder: str | None


class BookingOut(Schema):
    id: int
    status: str
    space: str = Field(description="The space's slug.")
    space_name: str
    resource: int
    resource_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    local_date: dt.date
    minutes: int
    price: PriceOut
    cancellable_until: dt.datetime = Field(description="The member can cancel until then.")
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    cancel_reason: str


class CsrfOut(Schema):
    csrf_token: str


# --- helpers ---------------------------------------------------------------------


class _Mapped:
    """A queryset the paginator slices and counts, turned into dicts one page at a time."""

    def __init__(self, queryset: QuerySet[Any], to_dict: Callable[[Any], dict[str, Any]]):
        self.queryset = queryset
        self.to_dict = to_dict

    def count(self) -> int:
        return self.queryset.count()

    def all(self) -> "_Mapped":
        return self

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        # ?offset=10**30 must not reach SQL, where it overflows a bigint.
        start, stop = (min(n, MAX_ROWS) if n is not None else None for n in (page.start, page.stop))
        return [self.to_dict(item) for item in self.queryset[start:stop]]


def _problem(messages: list[str], code: str = "invalid") -> dict[str, Any]:
    return {"detail": " ".join(messages), "code": code, "messages": messages}


def _space(space: Space) -> dict[str, Any]:
    return {
        "slug": space.slug,
        "name": space.name,
        "theme": space.theme,
        "status": space.status,
        "summary": space.summary,
        "address": space.address,
        "postcode": space.postcode,
        "municipality": {
            "istat_code": space.municipality.istat_code,
            "name": space.municipality.name,
            "province": space.municipality.province.abbreviation,
        },
        "organisation": space.organisation.name,
        "resource_kinds": sorted({r.kind for r in space.resources.all()}),
    }


def _resource(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "kind": resource.kind,
        "name": resource.name,
        "description": resource.description,
        "capacity": resource.capacity,
        "hourly_price": resource.hourly_price,
        "slot_minutes": resource.slot_minutes,
        "cancellation_hours": resource.cancellation_hours,
        "qualification": resource.qualification.name if resource.qualification else None,
    }


def _two_places(hours: Decimal) -> Decimal:
    return Decimal(hours).quantize(Decimal("0.01"))


def _booking(booking: Booking) -> dict[str, Any]:
    funder = booking.funder_programme or booking.funder_organisation
    return {
        "id": booking.pk,
        "status": booking.status,
        "space": booking.space.slug,
        "space_name": booking.space.name,
        "resource": booking.resource_id,
        "resource_name": booking.resource.name,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "local_date": booking.local_date,
        "minutes": booking.minutes,
        "price": {
            "currency": CURRENCY,
            # Quantized like the columns, so a fresh booking reads as it will when reloaded.
            "list_price": to_money(booking.list_price),
            "member_amount": to_money(booking.member_amount),
            "funder_amount": to_money(booking.funder_amount),
            "plan_hours": _two_places(booking.plan_hours),
            "subsidised_hours": _two_places(booking.subsidised_hours),
            "service_hours_owed": _two_places(booking.service_hours_owed),
            "tier": booking.tier.name if booking.tier else None,
            "funder": funder.name if funder else None,
        },
        "cancellable_until": booking.starts_at
        - dt.timedelta(hours=booking.resource.cancellation_hours),
        "created_at": booking.created_at,
        "cancelled_at": booking.cancelled_at,
        "cancel_reason": booking.cancel_reason,
    }


def _booking_queryset() -> QuerySet[Booking]:
    return Booking.objects.select_related(
        "space", "resource", "tier", "funder_programme", "funder_organisation"
    )


def _parse_date(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("Give the date as YYYY-MM-DD, e.g. 2030-03-04.")) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError(_("That date is out of range."))
    return day


def _parse_time(value: str, field: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("Give %(field)s as a local time HH:MM, e.g. 09:30.") % {"field": field}
        ) from None


def _parse_instant(value: str, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        moment = None
    if moment is None or len(value.strip()) < len("2030-03-04T09:00"):
        raise ValidationError(
            _("Give %(field)s in ISO 8601 with its UTC offset, e.g. 2030-03-04T09:00:00+01:00.")
            % {"field": field}
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            _(
                "%(field)s has no UTC offset: add one (e.g. +01:00), or send date, start and end in the space's local time."
            )
            % {"field": field}
        )
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ValidationError(_("That date is out of range."))
    if moment.second or moment.microsecond:
        raise ValidationError(_("Give times in whole minutes."))
    return moment


def _slot(payload: BookingIn, resource: Resource) -> tuple[dt.datetime, dt.datetime]:
    """The instants a booking request asks for, in either of its two forms."""
    absolute = bool(payload.starts_at or payload.ends_at)
    local = bool(payload.date or payload.start or payload.end)
    if absolute == local:
        raise ValidationError(
            _("Send either starts_at and ends_at, or date, start and end (local time).")
        )
    if absolute:
        errors = []
        instants = []
        for value, field in ((payload.starts_at, "starts_at"), (payload.ends_at, "ends_at")):
            try:
                instants.append(_parse_instant(value, field))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return instants[0], instants[1]
    errors = []
    day = start = end = None
    try:
        day = _parse_date(payload.date)
    except ValidationError as exc:
        errors.extend(exc.messages)
    try:
        start = _parse_time(payload.start, "start")
    except ValidationError as exc:
        errors.extend(exc.messages)
    try:
        end = _parse_time(payload.end, "end")
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors or day is None or start is None or end is None:
        raise ValidationError(errors)
    return services.local_slot(resource.space, day, start, end)


def _no_nul(value: str) -> str:
    """A filter without NUL characters, which PostgreSQL can't compare."""
    return value.replace("\x00", "")


def _refuse_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_("The request contains a null character, which isn't allowed."))


def _public_space(slug: str) -> Space:
    if "\x00" in slug:
        raise Http404
    return get_public_space(slug)


_RESOURCE_SQL = """
SELECT r.* FROM spaces_resource r JOIN spaces_space s ON s.id = r.space_id
WHERE r.id = %s AND s.is_public
"""
_SPACE_SQL = "SELECT * FROM spaces_space WHERE id = %s"


def _bookable_resource(pk: int) -> Resource | None:
    """A resource of a space on the public network, or None.

    Loaded whole with its space, which the booking service then uses as it is.
    Plain SQL through raw(): every booking request runs it, and building the
    ORM query cost several times more than running it.
    """
    if not 0 < pk < 2**63:  # beyond a bigint: no such row, and no database error
        return None
    resource = next(iter(Resource.objects.raw(_RESOURCE_SQL, [pk])), None)
    if resource is None:
        return None
    resource.space = next(iter(Space.objects.raw(_SPACE_SQL, [resource.space_id])))
    return resource


# --- public ----------------------------------------------------------------------

public = Router(tags=["coworking"])


@public.get("/csrf", response=CsrfOut, summary="A CSRF token for the session's POST requests")
def csrf_token(request: HttpRequest) -> dict[str, str]:
    """Also sets the csrftoken cookie; send the token back in the X-CSRFToken header."""
    return {"csrf_token": get_token(request)}


@public.get("/spaces", response=list[SpaceOut], summary="Spaces of the network")
@paginate(LimitOffsetPagination)
def list_spaces(
    request: HttpRequest,
    theme: Theme | None = None,
    municipality: str = Query("", description="ISTAT code of the municipality, e.g. 015175."),
    resource_kind: ResourceKind | None = None,
    q: str = "",
) -> Any:
    found = None
    if municipality:
        code = _no_nul(municipality).strip()[:6]
        found = Municipality.objects.filter(istat_code=code).first()
        if found is None:
            return []
    spaces = public_spaces(
        theme=theme or "",
        municipality=found,
        resource_kind=resource_kind or "",
        q=_no_nul(q).strip()[:100],
    )
    return _Mapped(spaces, _space)


@public.get(
    "/spaces/{slug}",
    response={200: SpaceDetailOut, 404: ErrorOut},
    summary="One space: resources, opening hours, plans and solidarity tiers",
)
def get_space(request: HttpRequest, slug: str) -> Any:
    space = _public_space(slug)
    today = utc_now().astimezone(space.zone).date()
    space = (
        Space.objects.select_related("organisation", "municipality__province")
        .prefetch_related(
            Prefetch(
                "resources",
                queryset=Resource.objects.filter(is_active=True).select_related("qualification"),
            ),
            "opening_hours",
            Prefetch("closures", queryset=Closure.objects.filter(ends_on__gte=today)),
            Prefetch("plans", queryset=Plan.objects.filter(is_active=True)),
            Prefetch("tiers", queryset=SolidarityTier.objects.filter(is_active=True)),
        )
        .get(pk=space.pk)
    )
    return {
        **_space(space),
        "description": space.description,
        "accessibility": space.accessibility,
        "email": space.email,
        "phone": space.phone,
        "time_zone": space.time_zone,
        "opening_hours": [
            {"weekday": h.weekday, "opens": h.opens, "closes": h.closes}
            for h in space.opening_hours.all()
        ],
        "closures": [
            {"starts_on": c.starts_on, "ends_on": c.ends_on, "reason": c.reason}
            for c in space.closures.all()
        ],
        "resources": [_resource(r) for r in space.resources.all()],
        "plans": [
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "description": p.description,
                "period": p.period,
                "price": p.price,
                "currency": CURRENCY,
                "covers": p.covers,
                "included_hours": p.included_hours,
                "network_wide": p.network_wide,
            }
            for p in space.plans.all()
        ],
        "solidarity_tiers": [
            {
                "id": t.pk,
                "name": t.name,
                "description": t.description,
                "categories": t.categories,
                "discount_percent": t.discount_percent,
            }
            for t in space.tiers.all()
        ],
    }


@public.get(
    "/spaces/{slug}/resources/{resource_id}/availability",
    response={200: AvailabilityOut, 404: ErrorOut, 422: ProblemOut},
    summary="A resource's slots on one day, with how many units are free",
)
def resource_availability(
    request: HttpRequest,
    slug: str,
    resource_id: int,
    date: str = Query("", description="The day in the space's time zone, YYYY-MM-DD."),
) -> Any:
    space = _public_space(slug)
    resource = (
        Resource.objects.select_related("space", "qualification")
        .filter(pk=resource_id, space=space, is_active=True)
        .first()
    )
    if resource is None:
        raise Http404
    try:
        day = _parse_date(date)
    except ValidationError as exc:
        return 422, _problem(exc.messages)
    slots = availability(resource, day)
    zone = space.zone
    return {
        "resource": _resource(resource),
        "date": day,
        "time_zone": space.time_zone,
        "closed": OpeningCalendar.for_space(space).closed_reason(day) is not None,
        "slots": [
            {
                "starts_at": s.starts_at.astimezone(zone),
                "ends_at": s.ends_at.astimezone(zone),
                "free": s.free,
                "total": s.total,
            }
            for s in slots
        ],
    }


# --- the member's bookings -------------------------------------------------------

member = Router(tags=["coworking: my bookings"], auth=django_auth)


@member.post(
    "/bookings",
    response={200: BookingOut, 201: BookingOut, 409: ProblemOut, 422: ProblemOut},
    summary="Book a slot (201; 200 when the Idempotency-Key was already used for it)",
)
def create_booking(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        description="Any unique string: repeating the request with it returns the same booking.",
    ),
) -> Any:
    user = request.user
    resource = _bookable_resource(payload.resource)
    if resource is None:
        return 422, _problem([_("There is no such resource on the network.")])
    try:
        _refuse_nul(idempotency_key)
        starts_at, ends_at = _slot(payload, resource)
        booking = services.booking_create(
            actor=user,
            member=user,
            resource=resource,
            starts_at=starts_at,
            ends_at=ends_at,
            idempotency_key=idempotency_key,
        )
    except services.SlotTakenError as exc:
        return 409, _problem(exc.messages, code="taken")
    except ValidationError as exc:
        return 422, _problem(exc.messages)
    if getattr(booking, "replayed", False):
        return 200, _booking(_booking_queryset().get(pk=booking.pk))
    return 201, _booking(booking)  # fresh from the service, its relations already loaded


@member.get("/me/bookings", response=list[BookingOut], summary="My bookings")
@paginate(LimitOffsetPagination)
def my_bookings(request: HttpRequest, upcoming: bool = True) -> Any:
    """Upcoming active bookings first by start, or (upcoming=false) every booking, latest first."""
    bookings = member_bookings(request.user, upcoming=upcoming).select_related(
        "funder_programme", "funder_organisation"
    )
    return _Mapped(bookings, _booking)


@member.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, 404: ErrorOut, 422: ProblemOut},
    summary="Cancel my booking (before the resource's deadline)",
)
def cancel_booking(request: HttpRequest, booking_id: int, payload: CancelIn | None = None) -> Any:
    booking = get_own_booking(request.user, booking_id)
    reason = payload.reason if payload else ""
    try:
        _refuse_nul(reason)
        services.booking_cancel(actor=request.user, booking=booking, reason=reason)
    except ValidationError as exc:
        return 422, _problem(exc.messages)
    return _booking(_booking_queryset().get(pk=booking.pk))
