"""Reads of the coworking network, filtered by what the user may see."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from lavorete.core.permissions import scope_access
from lavorete.core.roles import ScopeKind
from lavorete.spaces.calendar import OpeningCalendar
from lavorete.spaces.models import (
    Booking,
    BookingStatus,
    CheckIn,
    GrantStatus,
    Membership,
    QualificationGrant,
    Resource,
    ServiceHours,
    SolidarityTier,
    Space,
    SpaceStatus,
    TierGrant,
)


def spaces_for_user(user: Any, perm: str = "spaces.view_space") -> QuerySet[Space]:
    """The spaces where `user` holds `perm` (directly, or through the managing organisation)."""
    access = scope_access(user, perm)
    qs = Space.objects.select_related("organisation", "municipality")
    if access.everywhere:
        return qs
    return qs.filter(
        Q(pk__in=access.of(ScopeKind.SPACE))
        | Q(organisation_id__in=access.of(ScopeKind.ORGANISATION))
    )


def public_spaces(
    *, theme: str = "", municipality: Any = None, resource_kind: str = "", q: str = ""
) -> QuerySet[Space]:
    """Spaces on the public network page, with optional filters."""
    qs = (
        Space.objects.filter(is_public=True)
        .exclude(status=SpaceStatus.CLOSED)
        .select_related("municipality__province", "organisation")
        .prefetch_related(
            Prefetch("resources", queryset=Resource.objects.filter(is_active=True)), "photos"
        )
    )
    if theme:
        qs = qs.filter(theme=theme)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if resource_kind:
        qs = qs.filter(resources__kind=resource_kind, resources__is_active=True).distinct()
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(summary__icontains=q) | Q(municipality__name__icontains=q)
        )
    return qs.order_by("name")


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    free: int
    total: int

    @property
    def is_free(self) -> bool:
        return self.free > 0


def availability(
    resource: Resource, day: dt.date, *, step_minutes: int | None = None
) -> list[Slot]:
    """The day's slots of a resource inside opening hours, with how many units are free."""
    calendar = OpeningCalendar.for_space(resource.space)
    step = dt.timedelta(minutes=step_minutes or max(resource.slot_minutes, 30))
    total = resource.units.filter(is_active=True).count()
    intervals = calendar.intervals(day)
    if not intervals or not total:
        return []
    bookings = list(
        Booking.objects.filter(
            resource=resource,
            status=BookingStatus.ACTIVE,
            starts_at__lt=intervals[-1][1],
            ends_at__gt=intervals[0][0],
        ).values_list("starts_at", "ends_at")
    )
    slots = []
    for opens, closes in intervals:
        start = opens
        while start + step <= closes:
            end = start + step
            busy = sum(1 for s, e in bookings if s < end and e > start)
            slots.append(Slot(start, end, max(0, total - busy), total))
            start = end
    return slots


def member_bookings(
    user: Any, *, upcoming: bool = True, now: dt.datetime | None = None
) -> QuerySet[Booking]:
    from lavorete.core.timeutils import now as utc_now

    qs = Booking.objects.filter(member=user).select_related("resource", "space", "tier")
    if upcoming:
        return qs.filter(ends_at__gte=now or utc_now(), status=BookingStatus.ACTIVE).order_by(
            "starts_at"
        )
    return qs.order_by("-starts_at")


def member_memberships(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(member=user).select_related("plan__space", "tier_grant__tier")


def member_tier_grants(user: Any) -> QuerySet[TierGrant]:
    return TierGrant.objects.filter(member=user).select_related("tier__space")


def space_bookings(space: Space, first: dt.date, last: dt.date) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(space=space, local_date__gte=first, local_date__lte=last)
        .select_related("resource", "member", "unit")
        .order_by("starts_at")
    )


def verification_queue(user: Any) -> QuerySet[TierGrant]:
    """Tier requests waiting for the user: in the spaces they run or the programmes that fund them."""
    access = scope_access(user, "spaces.verify_tier")
    qs = TierGrant.objects.filter(status=GrantStatus.REQUESTED).select_related(
        "tier__space", "member"
    )
    if access.everywhere:
        return qs.order_by("requested_at")
    return qs.filter(
        Q(tier__space_id__in=access.of(ScopeKind.SPACE))
        | Q(tier__space__organisation_id__in=access.of(ScopeKind.ORGANISATION))
        | Q(tier__funder_programme_id__in=access.of(ScopeKind.PROGRAMME))
    ).order_by("requested_at")


def resource_counts(space: Space) -> dict[str, int]:
    return dict(
        space.resources.filter(is_active=True)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )


# --- set-up pages ----------------------------------------------------------------


@dataclass(frozen=True)
class SpaceToday:
    bookings: int
    present: int
    pending_requests: int


def space_today(space: Space, day: dt.date) -> SpaceToday:
    """A space's day at a glance: active bookings, people inside now, tier requests waiting."""
    return SpaceToday(
        bookings=Booking.objects.filter(
            space=space, local_date=day, status=BookingStatus.ACTIVE
        ).count(),
        present=CheckIn.objects.filter(space=space, checked_out_at__isnull=True).count(),
        pending_requests=TierGrant.objects.filter(
            tier__space=space, status=GrantStatus.REQUESTED
        ).count(),
    )


def space_resources(space: Space) -> QuerySet[Resource]:
    """A space's resources with `units_active`, the seats or units that can be booked."""
    return (
        space.resources.select_related("qualification")
        .annotate(units_active=Count("units", filter=Q(units__is_active=True)))
        .order_by("kind", "name")
    )


def space_tiers(space: Space, day: dt.date) -> QuerySet[SolidarityTier]:
    """A space's solidarity tiers with `seats_held` on `day` and `hours_used` (subsidised)."""
    hours = (
        Booking.objects.filter(tier=OuterRef("pk"), status=BookingStatus.ACTIVE)
        .values("tier")
        .annotate(total=Sum("subsidised_hours"))
        .values("total")
    )
    seats = (
        TierGrant.objects.filter(
            tier=OuterRef("pk"),
            status=GrantStatus.VERIFIED,
            valid_from__lte=day,
            expires_on__gte=day,
        )
        .values("tier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    decimal = DecimalField(max_digits=10, decimal_places=2)
    return (
        SolidarityTier.objects.filter(space=space)
        .select_related("funder_organisation", "funder_programme")
        .annotate(
            seats_held=Coalesce(Subquery(seats), Value(0)),
            hours_used=Coalesce(
                Subquery(hours, output_field=decimal), Value(0), output_field=decimal
            ),
        )
        .order_by("name")
    )


def qualification_holders(qualification: Any) -> QuerySet[QualificationGrant]:
    """Everybody granted a qualification, newest first (revoked and expired included)."""
    return (
        QualificationGrant.objects.filter(qualification=qualification)
        .select_related("member", "granted_by")
        .order_by("-granted_on", "-pk")
    )


# --- running a space: members and front desk --------------------------------------


def space_members(
    space: Space, *, query: str = "", plan: Any = None, today: dt.date | None = None
) -> QuerySet[Any]:
    """People with a membership, a booking, a tier request or a check-in at the space.

    `plan` keeps those holding that plan today or from a later day; `query` matches
    name or e-mail.
    """
    from django.contrib.auth import get_user_model

    related = (
        Q(pk__in=Membership.objects.filter(plan__space=space).values("member_id"))
        | Q(pk__in=Booking.objects.filter(space=space).values("member_id"))
        | Q(pk__in=TierGrant.objects.filter(tier__space=space).values("member_id"))
        | Q(pk__in=CheckIn.objects.filter(space=space, member__isnull=False).values("member_id"))
    )
    qs = get_user_model().objects.filter(related)
    if query:
        qs = qs.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    if plan is not None:
        day = today or dt.datetime.now(tz=space.zone).date()
        holding = Membership.objects.filter(plan=plan).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
        qs = qs.filter(pk__in=holding.values("member_id"))
    return qs.order_by("full_name", "email", "pk")


def space_member(space: Space, user_pk: Any) -> Any:
    """One person related to the space (see space_members), or None."""
    try:
        return space_members(space).filter(pk=int(user_pk)).first()
    except (ValueError, TypeError, OverflowError):
        return None


@dataclass(frozen=True)
class MemberRow:
    """A line of the member list: current plans, tiers and community-service hours."""

    member: Any
    memberships: list[Membership]
    tier_grants: list[TierGrant]
    hours_owed: Decimal
    hours_given: Decimal

    @property
    def hours_balance(self) -> Decimal:
        return self.hours_owed - self.hours_given


def member_rows(space: Space, members: list[Any], today: dt.date) -> list[MemberRow]:
    """Plans, tiers and hours balances (as services.service_hours_balance) of a page of members.

    Four queries whatever the number of members.
    """
    ids = [m.pk for m in members]
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(member_id__in=ids, plan__space=space)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("plan")
        .order_by("starts_on")
    ):
        memberships.setdefault(membership.member_id, []).append(membership)
    grants: dict[int, list[TierGrant]] = {}
    for grant in (
        TierGrant.objects.filter(member_id__in=ids, tier__space=space)
        .filter(
            Q(status=GrantStatus.REQUESTED) | Q(status=GrantStatus.VERIFIED, expires_on__gte=today)
        )
        .select_related("tier")
        .order_by("requested_at")
    ):
        grants.setdefault(grant.member_id, []).append(grant)
    owed = dict(
        Booking.objects.filter(member_id__in=ids, space=space, status=BookingStatus.ACTIVE)
        .values_list("member_id")
        .annotate(total=Sum("service_hours_owed"))
        .values_list("member_id", "total")
    )
    given = dict(
        ServiceHours.objects.filter(member_id__in=ids, space=space)
        .values_list("member_id")
        .annotate(total=Sum("hours"))
        .values_list("member_id", "total")
    )
    zero = Decimal("0")
    return [
        MemberRow(
            member=m,
            memberships=memberships.get(m.pk, []),
            tier_grants=grants.get(m.pk, []),
            hours_owed=owed.get(m.pk) or zero,
            hours_given=given.get(m.pk) or zero,
        )
        for m in members
    ]


@dataclass(frozen=True)
class MemberRecord:
    """Everything a space's staff see about one member there."""

    memberships: QuerySet[Membership]
    tier_grants: QuerySet[TierGrant]
    qualifications: QuerySet[QualificationGrant]
    bookings: QuerySet[Booking]
    checkins: QuerySet[CheckIn]
    service_hours: QuerySet[ServiceHours]


def member_record(space: Space, member: Any, *, limit: int = 50) -> MemberRecord:
    """A member's memberships (with charges), tiers, qualifications, latest bookings,
    check-ins and community-service hours at the space."""
    return MemberRecord(
        memberships=Membership.objects.filter(member=member, plan__space=space)
        .select_related("plan", "tier_grant__tier")
        .prefetch_related("charges")
        .order_by("-starts_on", "-pk"),
        tier_grants=TierGrant.objects.filter(member=member, tier__space=space)
        .select_related("tier")
        .order_by("-requested_at"),
        qualifications=QualificationGrant.objects.filter(
            member=member, qualification__space=space
        ).select_related("qualification"),
        bookings=Booking.objects.filter(member=member, space=space)
        .select_related("resource")
        .order_by("-starts_at")[:limit],
        checkins=CheckIn.objects.filter(member=member, space=space).order_by("-checked_in_at")[
            :limit
        ],
        service_hours=ServiceHours.objects.filter(member=member, space=space)
        .select_related("recorded_by")
        .order_by("-day", "-pk")[:limit],
    )


def verified_tier_grants(space: Space, member: Any = None) -> QuerySet[TierGrant]:
    """Verified tier grants of the space (optionally one member's), to attach to a membership."""
    qs = TierGrant.objects.filter(tier__space=space, status=GrantStatus.VERIFIED).select_related(
        "tier", "member"
    )
    if member is not None:
        qs = qs.filter(member=member)
    return qs.order_by("member__full_name", "member__email", "tier__name")


def present_now(space: Space) -> QuerySet[CheckIn]:
    """Who is in the space now: open check-ins of members and guests, first in first."""
    return (
        CheckIn.objects.filter(space=space, checked_out_at__isnull=True)
        .select_related("member", "host")
        .order_by("checked_in_at", "pk")
    )
