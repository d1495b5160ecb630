"""Every write of the coworking network, one atomic transaction each, audited inside it.

Prices, plan allowances and solidarity tiers
--------------------------------------------
* A booking is covered by the member's membership whose plan covers the
  resource's kind in that space (or network-wide) on the booking's day. A plan
  with unlimited hours covers it at no charge; a plan with included hours uses
  them first and the rest is charged at the resource's hourly price.
* Without a covering plan the resource's hourly price applies; a resource
  without an hourly price can only be booked with a plan.
* A verified, unexpired solidarity tier of the space discounts what the member
  pays. If the tier names a funder, the funder pays the discount; a cap in
  hours limits the subsidised hours (what is left of the cap is used, never
  more), a cap in seats limits how many people hold the tier at once. A tier
  may ask for community-service hours for each hour used.
* Monthly plans are charged per calendar month; a membership that starts,
  ends or changes plan during a month pays pro rata for its days, and its
  included hours are prorated the same way (rounded down to the half hour).
  Changing plan ends the old membership the day before the change and starts
  the new one on the day of the change: hours already used stay with the old
  plan, the new plan's prorated hours are available from the change on.
"""

import datetime as dt
import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record, diff, snapshot
from lavorete.core.money import to_money
from lavorete.core.servicekit import (
    integrity_as_validation,
    reject_unknown,
    strip_strings,
    validate,
)
from lavorete.core.timeutils import now as utc_now
from lavorete.spaces.calendar import (
    OpeningCalendar,
    aware,
    aware_end,
    forget_calendar,
    month_end,
    month_start,
)
from lavorete.spaces.models import (
    Booking,
    BookingSeries,
    BookingStatus,
    CalendarFeed,
    CapKind,
    Charge,
    CheckIn,
    Closure,
    Frequency,
    GrantStatus,
    Member,
    Membership,
    OpeningHours,
    Plan,
    PlanPeriod,
    Qualification,
    QualificationGrant,
    Resource,
    ServiceHours,
    SolidarityTier,
    Space,
    SpacePhoto,
    TierGrant,
    Unit,
    VerificationMethod,
    new_token,
)

SPACE_FIELDS = (
    "organisation",
    "name",
    "slug",
    "municipality",
    "address",
    "postcode",
    "theme",
    "summary",
    "description",
    "accessibility",
    "email",
    "phone",
    "time_zone",
    "status",
    "is_public",
    "closed_on_public_holidays",
    "opened_on",
    "setup_months",
    "rampup_months",
    "target_occupancy",
)
RESOURCE_FIELDS = (
    "kind",
    "name",
    "description",
    "capacity",
    "qualification",
    "hourly_price",
    "slot_minutes",
    "cancellation_hours",
    "is_active",
)
PLAN_FIELDS = (
    "name",
    "kind",
    "description",
    "period",
    "price",
    "covers",
    "included_hours",
    "network_wide",
    "is_active",
)
TIER_FIELDS = (
    "name",
    "description",
    "categories",
    "discount_percent",
    "validity_months",
    "funder_organisation",
    "funder_programme",
    "cap_kind",
    "cap",
    "service_hours_per_hour",
    "is_active",
)
HALF_HOUR = Decimal("0.5")
MAX_RECURRENCES = 366


# --- helpers ---------------------------------------------------------------------


def _create(actor: Any, instance: models.Model, action: str, fields: Iterable[str]) -> None:
    with integrity_as_validation():
        validate(instance)
        instance.save()
    audit_record(actor=actor, action=action, target=instance, changes=snapshot(instance, fields))


def _update(
    actor: Any,
    model: type[models.Model],
    pk: Any,
    action: str,
    allowed: tuple[str, ...],
    fields: dict[str, Any],
) -> Any:
    reject_unknown(fields, allowed)
    strip_strings(fields)
    current = model._default_manager.select_for_update().get(pk=pk)
    before = snapshot(current, allowed)
    for key, value in fields.items():
        setattr(current, key, value)
    with integrity_as_validation():
        validate(current)
        changes = diff(before, snapshot(current, allowed))
        if changes:
            current.save()
            audit_record(actor=actor, action=action, target=current, changes=changes)
    return current


def _forget_calendar_now_and_on_commit(space: Space) -> None:
    # Now, so this transaction's own later reads see the change; on commit, so
    # a booking that cached the old calendar in the meantime doesn't keep it.
    forget_calendar(space)
    transaction.on_commit(lambda: forget_calendar(space))


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = month_end(dt.date(year, month, 1)).day
    return dt.date(year, month, min(day.day, last))


# --- spaces ----------------------------------------------------------------------


def space_create(*, actor: Any, **fields: Any) -> Space:
    """Open a space in the network (it starts in set-up unless told otherwise)."""
    reject_unknown(fields, SPACE_FIELDS)
    strip_strings(fields)
    if not fields.get("slug"):
        fields["slug"] = slugify(fields.get("name") or "")[:80]
    space = Space(**fields)
    with transaction.atomic():
        _create(actor, space, "space.create", SPACE_FIELDS)
    return space


def space_update(*, actor: Any, space: Space, **fields: Any) -> Space:
    with transaction.atomic():
        return _update(actor, Space, space.pk, "space.update", SPACE_FIELDS, fields)


def opening_hours_set(
    *, actor: Any, space: Space, rows: Iterable[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the week's opening hours; intervals of one day must not overlap."""
    items = [OpeningHours(space=space, weekday=w, opens=o, closes=c) for w, o, c in rows]
    errors: list[str] = []
    for item in items:
        try:
            item.full_clean(exclude=["space"])
        except ValidationError as exc:
            errors.extend(exc.messages)
    by_day: dict[int, list[OpeningHours]] = {}
    for item in items:
        by_day.setdefault(item.weekday, []).append(item)
    for day_items in by_day.values():
        day_items.sort(key=lambda i: i.opens)
        for a, b in itertools.pairwise(day_items):
            if b.opens < a.closes:
                errors.append(
                    _("Opening hours on %(day)s overlap.") % {"day": a.get_weekday_display()}
                )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = [str(h) for h in space.opening_hours.all()]
        space.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(items)
        _forget_calendar_now_and_on_commit(space)
        audit_record(
            actor=actor,
            action="space.opening_hours",
            target=space,
            changes={"opening_hours": [before, [str(i) for i in items]]},
        )
    return items


def closure_add(
    *, actor: Any, space: Space, starts_on: dt.date, ends_on: dt.date, reason: str
) -> Closure:
    closure = Closure(
        space=space, starts_on=starts_on, ends_on=ends_on, reason=(reason or "").strip()
    )
    with transaction.atomic():
        _create(actor, closure, "space.closure_add", ("starts_on", "ends_on", "reason"))
        _forget_calendar_now_and_on_commit(space)
    return closure


def closure_remove(*, actor: Any, closure: Closure) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="space.closure_remove",
            target=closure.space,
            changes={"closure": [str(closure), None]},
        )
        space = closure.space
        closure.delete()
        _forget_calendar_now_and_on_commit(space)


def photo_add(*, actor: Any, space: Space, image: Any, alt_text: str) -> SpacePhoto:
    photo = SpacePhoto(space=space, image=image, alt_text=(alt_text or "").strip())
    photo.position = space.photos.count()
    with transaction.atomic():
        _create(actor, photo, "space.photo_add", ("alt_text",))
    return photo


def photo_remove(*, actor: Any, photo: SpacePhoto) -> None:
    name = photo.image.name
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="space.photo_remove",
            target=photo.space,
            changes={"photo": [photo.alt_text, None]},
        )
        photo.delete()
        if name:
            transaction.on_commit(lambda: photo.image.storage.delete(name))


# --- resources and qualifications ------------------------------------------------


def _sync_units(resource: Resource) -> None:
    """One unit per bookable seat; removing seats is refused while they hold future bookings."""
    wanted = resource.bookable_units if resource.is_active else 0
    units = list(resource.units.all())
    existing = {u.number: u for u in units}
    for number in range(1, wanted + 1):
        unit = existing.get(number)
        if unit is None:
            Unit.objects.create(resource=resource, number=number)
        elif not unit.is_active:
            unit.is_active = True
            unit.save(update_fields=["is_active"])
    surplus = [u for u in units if u.number > wanted and u.is_active]
    if surplus:
        busy = Booking.objects.filter(
            unit__in=surplus, status=BookingStatus.ACTIVE, ends_at__gt=utc_now()
        ).count()
        if busy:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)d future bookings use the seats you are removing: "
                        "cancel or move them first."
                    )
                    % {"count": busy}
                }
            )
        Unit.objects.filter(pk__in=[u.pk for u in surplus]).update(is_active=False)


def resource_create(*, actor: Any, space: Space, **fields: Any) -> Resource:
    reject_unknown(fields, RESOURCE_FIELDS)
    strip_strings(fields)
    resource = Resource(space=space, **fields)
    _check_qualification_space(resource)
    with transaction.atomic():
        _create(actor, resource, "resource.create", RESOURCE_FIELDS)
        _sync_units(resource)
    return resource


def resource_update(*, actor: Any, resource: Resource, **fields: Any) -> Resource:
    with transaction.atomic():
        current: Resource = _update(
            actor, Resource, resource.pk, "resource.update", RESOURCE_FIELDS, fields
        )
        _check_qualification_space(current)
        _sync_units(current)
    return current


def _check_qualification_space(resource: Resource) -> None:
    qualification = resource.qualification
    if qualification is not None and qualification.space_id != resource.space_id:
        raise ValidationError({"qualification": _("Choose a qualification of this space.")})


def qualification_create(
    *,
    actor: Any,
    space: Space,
    name: str,
    description: str = "",
    validity_months: int | None = None,
) -> Qualification:
    qualification = Qualification(
        space=space,
        name=(name or "").strip(),
        description=(description or "").strip(),
        validity_months=validity_months,
    )
    with transaction.atomic():
        _create(actor, qualification, "qualification.create", ("name", "validity_months"))
    return qualification


def qualification_grant(
    *,
    actor: Any,
    qualification: Qualification,
    member: Any,
    granted_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    source: str = "",
) -> QualificationGrant:
    """Qualify a member to use equipment; it expires after the qualification's validity."""
    granted_on = granted_on or utc_now().date()
    if expires_on is None and qualification.validity_months:
        expires_on = _add_months(granted_on, qualification.validity_months)
    grant = QualificationGrant(
        qualification=qualification,
        member=member,
        granted_on=granted_on,
        expires_on=expires_on,
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
        source=(source or "").strip(),
    )
    with transaction.atomic():
        _create(actor, grant, "qualification.grant", ("member", "granted_on", "expires_on"))
    return grant


def qualification_revoke(*, actor: Any, grant: QualificationGrant) -> QualificationGrant:
    with transaction.atomic():
        current = QualificationGrant.objects.select_for_update().get(pk=grant.pk)
        if current.revoked_at is None:
            current.revoked_at = utc_now()
            current.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action="qualification.revoke", target=current)
    return current


def has_valid_qualification(member: Any, qualification_id: int, day: dt.date) -> bool:
    return any(
        g.is_valid_on(day)
        for g in QualificationGrant.objects.filter(qualification_id=qualification_id, member=member)
    )


# --- plans, tiers, memberships ---------------------------------------------------


def plan_create(*, actor: Any, space: Space, **fields: Any) -> Plan:
    reject_unknown(fields, PLAN_FIELDS)
    strip_strings(fields)
    plan = Plan(space=space, **fields)
    with transaction.atomic():
        _create(actor, plan, "plan.create", PLAN_FIELDS)
    return plan


def plan_update(*, actor: Any, plan: Plan, **fields: Any) -> Plan:
    with transaction.atomic():
        return _update(actor, Plan, plan.pk, "plan.update", PLAN_FIELDS, fields)


def tier_create(*, actor: Any, space: Space, **fields: Any) -> SolidarityTier:
    reject_unknown(fields, TIER_FIELDS)
    strip_strings(fields)
    tier = SolidarityTier(space=space, **fields)
    with transaction.atomic():
        _create(actor, tier, "tier.create", TIER_FIELDS)
    return tier


def tier_update(*, actor: Any, tier: SolidarityTier, **fields: Any) -> SolidarityTier:
    with transaction.atomic():
        return _update(actor, SolidarityTier, tier.pk, "tier.update", TIER_FIELDS, fields)


def tier_request(
    *,
    member: Any,
    tier: SolidarityTier,
    category: str,
    statement: str = "",
    evidence: Any = None,
) -> TierGrant:
    """A member asks for a solidarity tier; it applies only once verified."""
    if not tier.is_active:
        raise ValidationError(_("This solidarity tier is not open to requests."))
    if category not in tier.categories:
        raise ValidationError({"category": _("This tier is not open to that category.")})
    if TierGrant.objects.filter(tier=tier, member=member, status=GrantStatus.REQUESTED).exists():
        raise ValidationError(_("You already have a request waiting for this tier."))
    grant = TierGrant(
        tier=tier,
        member=member,
        category=category,
        statement=(statement or "").strip(),
        evidence=evidence or "",
    )
    with transaction.atomic():
        _create(member, grant, "tier.request", ("category",))
    return grant


def _held_seats(tier: SolidarityTier, day: dt.date) -> int:
    return TierGrant.objects.filter(
        tier=tier, status=GrantStatus.VERIFIED, valid_from__lte=day, expires_on__gte=day
    ).count()


def tier_verify(
    *, actor: Any, grant: TierGrant, method: str, note: str = "", today: dt.date | None = None
) -> TierGrant:
    """Verify a request: the tier applies from today until its validity runs out.

    A tier with a cap in seats refuses a verification that would exceed it; the
    tier row is locked so two verifications can't both take the last seat.
    """
    today = today or utc_now().date()
    if method not in VerificationMethod.values:
        raise ValidationError({"method": _("Say how the eligibility was verified.")})
    if method == VerificationMethod.DOCUMENT and not grant.evidence:
        raise ValidationError(
            {"method": _("There is no document to check: confirm as an operator instead.")}
        )
    with transaction.atomic():
        tier = SolidarityTier.objects.select_for_update().get(pk=grant.tier_id)
        current = TierGrant.objects.select_for_update().get(pk=grant.pk)
        if current.status != GrantStatus.REQUESTED:
            raise ValidationError(_("This request has already been decided."))
        if (
            tier.cap_kind == CapKind.SEATS
            and tier.cap is not None
            and _held_seats(tier, today) >= tier.cap
        ):
            raise ValidationError(
                _("All %(cap)d funded seats of this tier are taken.") % {"cap": tier.cap}
            )
        current.status = GrantStatus.VERIFIED
        current.method = method
        current.decision_note = (note or "").strip()
        current.decided_at = utc_now()
        current.decided_by = actor
        current.valid_from = today
        current.expires_on = _add_months(today, tier.validity_months)
        current.save()
        audit_record(
            actor=actor,
            action="tier.verify",
            target=current,
            changes={"method": method, "expires_on": current.expires_on},
        )
    return current


def tier_reject(*, actor: Any, grant: TierGrant, note: str) -> TierGrant:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the request is rejected.")})
    with transaction.atomic():
        current = TierGrant.objects.select_for_update().get(pk=grant.pk)
        if current.status != GrantStatus.REQUESTED:
            raise ValidationError(_("This request has already been decided."))
        current.status = GrantStatus.REJECTED
        current.decision_note = note
        current.decided_at = utc_now()
        current.decided_by = actor
        current.save()
        audit_record(actor=actor, action="tier.reject", target=current)
    return current


def tier_revoke(*, actor: Any, grant: TierGrant, note: str) -> TierGrant:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the tier is revoked.")})
    with transaction.atomic():
        current = TierGrant.objects.select_for_update().get(pk=grant.pk)
        if current.status != GrantStatus.VERIFIED:
            raise ValidationError(_("Only a verified tier can be revoked."))
        current.status = GrantStatus.REVOKED
        current.decision_note = note
        current.expires_on = max(current.valid_from or utc_now().date(), utc_now().date())
        current.save()
        audit_record(actor=actor, action="tier.revoke", target=current)
    return current


# The lookups every booking makes, in plain SQL: building these queries with the
# ORM cost several times more CPU than running them (bench/bookings.py). Each
# returns ids, or model instances through raw() (which applies the fields'
# converters); the rules stay in Python below.
_TIER_GRANT_SQL = """
SELECT g.id FROM spaces_tiergrant g
JOIN spaces_solidaritytier t ON t.id = g.tier_id
WHERE g.member_id = %s AND g.status = %s AND t.space_id = %s
  AND g.valid_from <= %s AND g.expires_on >= %s
ORDER BY t.discount_percent DESC, g.id
LIMIT 1
"""
_MEMBERSHIPS_SQL = """
SELECT m.* FROM spaces_membership m
JOIN spaces_plan p ON p.id = m.plan_id
WHERE m.member_id = %s AND m.starts_on <= %s AND (m.ends_on IS NULL OR m.ends_on >= %s)
  AND (p.space_id = %s OR p.network_wide)
"""
_PLANS_SQL = "SELECT * FROM spaces_plan WHERE id IN ({})"


def valid_tier_grant(member: Any, space: Space, day: dt.date) -> TierGrant | None:
    """The member's verified tier in this space on `day` (the most generous one)."""
    on = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(_TIER_GRANT_SQL, [member.pk, GrantStatus.VERIFIED.value, space.pk, on, on])
        row = cursor.fetchone()
    if row is None:  # the usual case
        return None
    return TierGrant.objects.select_related("tier").get(pk=row[0])


def _period_of(plan: Plan, day: dt.date) -> tuple[dt.date, dt.date]:
    if plan.period == PlanPeriod.DAY:
        return day, day
    return month_start(day), month_end(day)


def _covered_span(membership: Membership, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    start = max(first, membership.starts_on)
    end = min(last, membership.ends_on) if membership.ends_on else last
    return start, end


def prorated_share(membership: Membership, day: dt.date) -> Decimal:
    """The share of the period containing `day` that the membership covers (0..1)."""
    first, last = _period_of(membership.plan, day)
    start, end = _covered_span(membership, first, last)
    if end < start:
        return Decimal("0")
    return Decimal((end - start).days + 1) / Decimal((last - first).days + 1)


def allowance_hours(membership: Membership, day: dt.date) -> Decimal | None:
    """Included hours of the period containing `day`, prorated; None is unlimited."""
    included = membership.plan.included_hours
    if included is None:
        return None
    hours = included * prorated_share(membership, day)
    return (hours / HALF_HOUR).to_integral_value(rounding=ROUND_DOWN) * HALF_HOUR


def used_hours(membership: Membership, day: dt.date) -> Decimal:
    first, last = _period_of(membership.plan, day)
    total = Booking.objects.filter(
        membership=membership,
        status=BookingStatus.ACTIVE,
        local_date__gte=first,
        local_date__lte=last,
    ).aggregate(total=Sum("plan_hours"))["total"]
    return total or Decimal("0")


def _split(
    list_price: Decimal, grant: TierGrant | None, share: Decimal = Decimal("1")
) -> dict[str, Any]:
    """Who pays `list_price`: the member, and the tier's funder for the discount."""
    result: dict[str, Any] = {
        "list_price": to_money(list_price),
        "member_amount": to_money(list_price),
        "funder_amount": Decimal("0.00"),
        "tier": None,
        "funder_organisation": None,
        "funder_programme": None,
    }
    if grant is None or share <= 0:
        return result
    tier = grant.tier
    discount = to_money(list_price * Decimal(tier.discount_percent) / 100 * share)
    result["member_amount"] = to_money(list_price - discount)
    result["tier"] = tier
    if tier.funder_organisation_id or tier.funder_programme_id:
        result["funder_amount"] = discount
        result["funder_organisation"] = tier.funder_organisation
        result["funder_programme"] = tier.funder_programme
    return result


def _charge(membership: Membership, day: dt.date) -> Charge:
    first, last = _period_of(membership.plan, day)
    share = prorated_share(membership, day)
    list_price = to_money(membership.plan.price * share)
    grant = (
        membership.tier_grant
        if membership.tier_grant and membership.tier_grant.is_valid_on(day)
        else None
    )
    split = _split(list_price, grant)
    start, end = _covered_span(membership, first, last)
    charge, _created = Charge.objects.update_or_create(
        membership=membership,
        period_start=first,
        defaults={"period_end": last, "note": f"{start:%Y-%m-%d}–{end:%Y-%m-%d}", **split},
    )
    return charge


def membership_start(
    *,
    actor: Any,
    member: Any,
    plan: Plan,
    starts_on: dt.date,
    tier_grant: TierGrant | None = None,
) -> Membership:
    """Give a member a plan from `starts_on` and charge its first period."""
    if not plan.is_active:
        raise ValidationError({"plan": _("This plan is no longer on sale.")})
    if tier_grant is not None and (
        tier_grant.member_id != member.pk
        or tier_grant.tier.space_id != plan.space_id
        or not tier_grant.is_valid_on(starts_on)
    ):
        raise ValidationError(
            {"tier_grant": _("This solidarity tier is not valid for the member here.")}
        )
    ends_on = starts_on if plan.period == PlanPeriod.DAY else None
    with transaction.atomic():
        overlapping = Membership.objects.filter(member=member, plan__space=plan.space).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        )
        if (
            plan.period == PlanPeriod.MONTH
            and overlapping.filter(plan__period=PlanPeriod.MONTH).exists()
        ):
            raise ValidationError(
                _("The member already has a monthly plan in this space: change it instead.")
            )
        membership = Membership(
            member=member,
            plan=plan,
            starts_on=starts_on,
            ends_on=ends_on,
            tier_grant=tier_grant,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _create(
            actor, membership, "membership.start", ("member", "plan", "starts_on", "tier_grant")
        )
        Member.objects.get_or_create(user=member)
        _charge(membership, starts_on)
    return membership


def membership_end(*, actor: Any, membership: Membership, last_day: dt.date) -> Membership:
    """End a membership after `last_day`; its period's charge becomes pro rata."""
    with transaction.atomic():
        current = (
            Membership.objects.select_for_update().select_related("plan").get(pk=membership.pk)
        )
        if last_day < current.starts_on:
            raise ValidationError(_("A membership can't end before it starts."))
        if current.ends_on is not None and current.ends_on <= last_day:
            raise ValidationError(_("This membership already ends by then."))
        if Booking.objects.filter(
            membership=current, status=BookingStatus.ACTIVE, local_date__gt=last_day
        ).exists():
            raise ValidationError(
                _("Bookings after %(day)s use this plan: cancel them or keep the plan.")
                % {"day": date_format(last_day)}
            )
        current.ends_on = last_day
        current.save(update_fields=["ends_on"])
        Charge.objects.filter(membership=current, period_start__gt=last_day).delete()
        _charge(current, last_day)
        audit_record(
            actor=actor, action="membership.end", target=current, changes={"ends_on": last_day}
        )
    return current


def membership_change_plan(
    *, actor: Any, membership: Membership, plan: Plan, on_day: dt.date
) -> Membership:
    """Move a member to another plan from `on_day` (see the module's rules)."""
    if plan.pk == membership.plan_id:
        raise ValidationError({"plan": _("The member already has this plan.")})
    if plan.period != PlanPeriod.MONTH or membership.plan.period != PlanPeriod.MONTH:
        raise ValidationError({"plan": _("Only monthly plans can be changed during a period.")})
    if on_day <= membership.starts_on:
        raise ValidationError(_("A plan can change only after the membership has started."))
    with transaction.atomic():
        old = membership_end(
            actor=actor, membership=membership, last_day=on_day - dt.timedelta(days=1)
        )
        new = Membership(
            member=old.member,
            plan=plan,
            starts_on=on_day,
            tier_grant=old.tier_grant
            if old.tier_grant and old.tier_grant.tier.space_id == plan.space_id
            else None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _create(actor, new, "membership.change_plan", ("member", "plan", "starts_on"))
        _charge(new, on_day)
    return new


def memberships_charge_month(*, month: dt.date) -> int:
    """Charge every membership that covers some day of `month` (idempotent)."""
    first, last = month_start(month), month_end(month)
    count = 0
    memberships = (
        Membership.objects.filter(plan__period=PlanPeriod.MONTH, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("plan", "tier_grant__tier")
    )
    with transaction.atomic():
        for membership in memberships:
            day = max(first, membership.starts_on)
            _charge(membership, day)
            count += 1
    return count


def covering_membership(member: Any, resource: Resource, day: dt.date) -> Membership | None:
    """The member's membership that covers this resource on `day`, if any."""
    on = connection.ops.adapt_datefield_value(day)
    candidates = list(
        Membership.objects.raw(_MEMBERSHIPS_SQL, [member.pk, on, on, resource.space_id])
    )
    if not candidates:
        return None
    ids = sorted({m.plan_id for m in candidates})
    plans = {
        p.pk: p for p in Plan.objects.raw(_PLANS_SQL.format(", ".join(["%s"] * len(ids))), ids)
    }
    for membership in candidates:
        membership.plan = plans[membership.plan_id]
    covering = [m for m in candidates if resource.kind in m.plan.covers]
    # Unlimited plans first, then the one with most hours.
    covering.sort(key=lambda m: (m.plan.included_hours is not None, -(m.plan.included_hours or 0)))
    return covering[0] if covering else None


# --- bookings --------------------------------------------------------------------


class SlotTakenError(ValidationError):
    """The slot is already booked (or the pool is full)."""


@dataclass(frozen=True)
class Quote:
    membership: Membership | None
    plan_hours: Decimal
    list_price: Decimal
    member_amount: Decimal
    funder_amount: Decimal
    tier: SolidarityTier | None
    funder_organisation: Any
    funder_programme: Any
    subsidised_hours: Decimal
    service_hours_owed: Decimal


def _slot_errors(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    calendar: OpeningCalendar,
    now: dt.datetime,
) -> list[str]:
    """Everything wrong with a requested slot, as messages for the member."""
    errors: list[str] = []
    if start.tzinfo is None or end.tzinfo is None:
        return [_("Times must include a time zone.")]
    if end <= start:
        return [_("The booking must end after it starts.")]
    if start < now:
        errors.append(_("This slot is in the past."))
    if not resource.is_active:
        errors.append(_("This resource can't be booked at the moment."))
    if resource.space.status == "closed":
        errors.append(_("This space is closed."))
    local_start = start.astimezone(calendar.zone)
    local_end = end.astimezone(calendar.zone)
    if local_start.date() != (local_end - dt.timedelta(microseconds=1)).date():
        errors.append(_("A booking must start and end on the same day."))
    step = resource.slot_minutes
    minutes = int((end - start).total_seconds() // 60)
    if (local_start.hour * 60 + local_start.minute) % step or local_start.second or minutes % step:
        errors.append(
            _("Bookings of this resource start and last in steps of %(step)d minutes.")
            % {"step": step}
        )
    if not errors or errors == [_("This slot is in the past.")]:
        reason = calendar.closed_reason(local_start.date())
        if reason == "closure":
            errors.append(_("The space is closed on that day."))
        elif reason == "holiday":
            errors.append(_("The space is closed on public holidays."))
        elif reason == "weekday" or not calendar.contains(start, end):
            errors.append(_("This slot is outside the space's opening hours."))
    return errors


def local_slot(
    space: Space, day: dt.date, start: dt.time, end: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """Aware instants for a slot given in the space's wall-clock time."""
    zone = space.zone
    starts_at = aware(day, start, zone)
    ends_at = aware_end(day, end, zone)
    if starts_at is None or ends_at is None:
        raise ValidationError(
            _("That time doesn't exist on %(day)s: the clocks go forward.")
            % {"day": date_format(day)}
        )
    return starts_at, ends_at


def quote(
    member: Any, resource: Resource, start: dt.datetime, end: dt.datetime, *, lock: bool = False
) -> Quote:
    """What a booking costs and who pays; with `lock`, the rows that bound it are locked."""
    day = start.astimezone(resource.space.zone).date()
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    minutes = int((end - start).total_seconds() // 60)
    hours = _hours(minutes)
    membership = covering_membership(member, resource, day)
    plan_hours = Decimal("0")
    if membership is not None:
        if lock:
            Membership.objects.select_for_update().filter(pk=membership.pk).first()
        allowance = allowance_hours(membership, day)
        if allowance is None:
            plan_hours = hours
        else:
            plan_hours = max(Decimal("0"), min(hours, allowance - used_hours(membership, day)))
    paid_hours = hours - plan_hours
    if paid_hours > 0 and resource.hourly_price is None:
        if membership is not None:
            raise ValidationError(
                _(
                    "Your plan's hours for this period are used up and this resource can't be paid by the hour."
                )
            )
        raise ValidationError(_("This resource can be booked only with a plan that covers it."))
    list_price = to_money((resource.hourly_price or Decimal("0")) * paid_hours)
    grant = valid_tier_grant(member, resource.space, day)
    subsidised = Decimal("0")
    if grant is not None:
        subsidised = hours
        tier = grant.tier
        if lock:
            tier = SolidarityTier.objects.select_for_update().get(pk=tier.pk)
        if tier.cap_kind == CapKind.HOURS and tier.cap is not None:
            taken = Booking.objects.filter(tier=tier, status=BookingStatus.ACTIVE).aggregate(
                total=Sum("subsidised_hours")
            )["total"] or Decimal("0")
            subsidised = max(Decimal("0"), min(hours, Decimal(tier.cap) - taken))
    share = subsidised / hours if hours else Decimal("0")
    split = _split(list_price, grant if subsidised > 0 else None, share)
    service = Decimal("0")
    if split["tier"] is not None:
        service = (split["tier"].service_hours_per_hour * subsidised).quantize(Decimal("0.01"))
    return Quote(
        membership=membership,
        plan_hours=plan_hours,
        subsidised_hours=subsidised if split["tier"] is not None else Decimal("0"),
        service_hours_owed=service,
        **split,
    )


# Overridable in tests: runs between the overlap check and the insert.
_before_insert: Callable[[], None] = lambda: None  # noqa: E731


_FREE_UNIT_SQL = """
SELECT u.id, u.number FROM spaces_unit u
WHERE u.resource_id = %s AND u.is_active
  AND NOT EXISTS (
    SELECT 1 FROM spaces_booking b
    WHERE b.unit_id = u.id AND b.status = %s AND b.starts_at < %s AND b.ends_at > %s
  )
ORDER BY u.number LIMIT 1
"""


def _free_unit(resource: Resource, start: dt.datetime, end: dt.datetime) -> Unit | None:
    """The lowest-numbered unit free for [start, end), or None.

    Plain SQL: this runs for every booking, and building the ORM query cost
    more than running it.
    """
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _FREE_UNIT_SQL,
            [
                resource.pk,
                BookingStatus.ACTIVE.value,
                ops.adapt_datetimefield_value(end),
                ops.adapt_datetimefield_value(start),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return Unit(id=row[0], number=row[1], resource=resource, is_active=True)


def _taken_message(resource: Resource) -> str:
    if resource.is_pool:
        return _("All seats of %(name)s are booked for this slot.") % {"name": resource.name}
    return _("%(name)s is already booked for this slot.") % {"name": resource.name}


def _replay(
    member: Any, key: str, resource: Resource, start: dt.datetime, end: dt.datetime
) -> Booking | None:
    """The booking a repeated request (same idempotency key) already created."""
    if not key:
        return None
    existing = Booking.objects.filter(member=member, idempotency_key=key).first()
    if existing is None:
        return None
    if (
        existing.resource_id != resource.pk
        or existing.starts_at != start
        or existing.ends_at != end
    ):
        raise ValidationError(
            _("This request key was already used for a different booking."), code="idempotency"
        )
    existing.replayed = True  # type: ignore[attr-defined]  # the API answers a replay with 200
    return existing


def _check_member_may_book(member: Any, resource: Resource, day: dt.date) -> list[str]:
    errors = []
    if resource.qualification_id and not has_valid_qualification(
        member, resource.qualification_id, day
    ):
        errors.append(
            _("Using %(name)s needs the qualification “%(qualification)s”, valid on that day.")
            % {"name": resource.name, "qualification": str(resource.qualification)}
        )
    return errors


def booking_problems(
    *,
    member: Any,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> list[str]:
    """Why booking_create would refuse this slot now (empty if it wouldn't); writes nothing."""
    resource = Resource.objects.select_related("space", "qualification").get(pk=resource.pk)
    calendar = OpeningCalendar.for_space(resource.space)
    errors = _slot_errors(resource, starts_at, ends_at, calendar, now or utc_now())
    if not errors:
        errors = _check_member_may_book(
            member, resource, starts_at.astimezone(calendar.zone).date()
        )
    if not errors and _free_unit(resource, starts_at, ends_at) is None:
        errors = [_taken_message(resource)]
    return errors


def booking_create(
    *,
    actor: Any,
    member: Any,
    resource: Resource,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    idempotency_key: str = "",
    series: BookingSeries | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a slot of a resource for a member, or say clearly why not.

    A pool books one free seat; other resources book the whole resource. The
    overlap guard is the database's exclusion constraint on PostgreSQL and the
    IMMEDIATE write lock on SQLite; either way a lost race becomes SlotTakenError.
    """
    key = (idempotency_key or "").strip()
    if len(key) > 100:
        raise ValidationError(_("The request key is too long (100 characters at most)."))
    now = now or utc_now()
    if starts_at.tzinfo is not None and ends_at.tzinfo is not None:
        # Work in UTC: datetimes sharing a tzinfo subtract by wall clock, wrong across DST.
        starts_at, ends_at = starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)
    resource = _loaded(resource)
    calendar = OpeningCalendar.for_space(resource.space)
    errors = _slot_errors(resource, starts_at, ends_at, calendar, now)
    if not errors:
        errors = _check_member_may_book(
            member, resource, starts_at.astimezone(calendar.zone).date()
        )
    if errors:
        # A repeated request is answered with what the first one made, even if
        # its slot can't be booked any more (it has started, say).
        replay = _replay(member, key, resource, starts_at, ends_at)
        if replay is not None:
            return replay
        raise ValidationError(errors)
    # A repeated request is rare: it is recognised when it fails (its slot is
    # taken by itself, or its key is), not looked up before every booking.
    for _attempt in range(max(3, resource.bookable_units + 1)):
        try:
            with transaction.atomic():
                booking = _insert_booking(
                    actor, member, resource, starts_at, ends_at, key, series, calendar
                )
                audit_record(
                    actor=actor,
                    action="booking.create",
                    target=booking,
                    changes={
                        "member": member.pk,
                        "starts_at": starts_at,
                        "ends_at": ends_at,
                        "member_amount": booking.member_amount,
                        "funder_amount": booking.funder_amount,
                    },
                )
            return booking
        except SlotTakenError:
            # The slot may be held by the request this one repeats.
            replay = _replay(member, key, resource, starts_at, ends_at)
            if replay is not None:
                return replay
            raise
        except IntegrityError:
            # Another request won the unit (or this key) at the same moment; the
            # transaction was rolled back as a whole, so trying again is safe.
            replay = _replay(member, key, resource, starts_at, ends_at)
            if replay is not None:
                return replay
            if not resource.is_pool:
                break
    raise SlotTakenError(_taken_message(resource), code="taken")


def _loaded(resource: Resource) -> Resource:
    """The resource with its space and qualification, reloaded unless the caller loaded them."""
    ready = (
        Resource.space.is_cached(resource)
        and not resource.get_deferred_fields()
        and not resource.space.get_deferred_fields()
        and (resource.qualification_id is None or Resource.qualification.is_cached(resource))
    )
    if ready:
        return resource
    return Resource.objects.select_related("space", "qualification").get(pk=resource.pk)


def _insert_booking(
    actor: Any,
    member: Any,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    key: str,
    series: BookingSeries | None,
    calendar: OpeningCalendar,
) -> Booking:
    unit = _free_unit(resource, start, end)
    if unit is None:
        raise SlotTakenError(_taken_message(resource), code="taken")
    priced = quote(member, resource, start, end, lock=True)
    _before_insert()
    booking = Booking(
        unit=unit,
        resource=resource,
        space=resource.space,
        member=member,
        starts_at=start,
        ends_at=end,
        local_date=start.astimezone(calendar.zone).date(),
        minutes=int((end - start).total_seconds() // 60),
        series=series,
        idempotency_key=key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        membership=priced.membership,
        plan_hours=priced.plan_hours,
        list_price=priced.list_price,
        member_amount=priced.member_amount,
        funder_amount=priced.funder_amount,
        tier=priced.tier,
        funder_organisation=priced.funder_organisation,
        funder_programme=priced.funder_programme,
        subsidised_hours=priced.subsidised_hours,
        service_hours_owed=priced.service_hours_owed,
    )
    # No savepoint of its own: the caller's transaction (one per attempt) is
    # rolled back whole when the database refuses the row.
    booking.save(force_insert=True)
    return booking


def _occurrences(
    frequency: str, first_day: dt.date, last_day: dt.date, exceptions: Iterable[dt.date]
) -> list[dt.date]:
    step = dt.timedelta(days=1 if frequency == Frequency.DAILY else 7)
    skip = set(exceptions)
    result = []
    day = first_day
    while day <= last_day:
        if day not in skip:
            result.append(day)
        day += step
    return result


def booking_series_create(
    *,
    actor: Any,
    member: Any,
    resource: Resource,
    frequency: str,
    first_day: dt.date,
    last_day: dt.date,
    start: dt.time,
    end: dt.time,
    exceptions: Iterable[dt.date] = (),
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> BookingSeries:
    """Book a recurring slot: every occurrence, or none, with every conflict reported."""
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = BookingSeries.objects.filter(member=member, idempotency_key=key).first()
        if existing is not None:
            return existing
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose daily or weekly.")})
    if last_day < first_day:
        raise ValidationError({"last_day": _("The last day must be on or after the first.")})
    exceptions = sorted(set(exceptions))
    days_list = _occurrences(frequency, first_day, last_day, exceptions)
    if not days_list:
        raise ValidationError(_("No occurrence is left once the exceptions are removed."))
    if len(days_list) > MAX_RECURRENCES:
        raise ValidationError(
            _("A series can hold at most %(max)d bookings.") % {"max": MAX_RECURRENCES}
        )
    space = resource.space
    conflicts: list[str] = []
    try:
        with transaction.atomic():
            series = BookingSeries.objects.create(
                resource=resource,
                member=member,
                frequency=frequency,
                first_day=first_day,
                last_day=last_day,
                starts_at=start,
                ends_at=end,
                exceptions=[d.isoformat() for d in exceptions],
                idempotency_key=key,
            )
            for day in days_list:
                try:
                    starts_at, ends_at = local_slot(space, day, start, end)
                    booking_create(
                        actor=actor,
                        member=member,
                        resource=resource,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        series=series,
                        now=now,
                    )
                except ValidationError as exc:
                    label = date_format(day, "D j M Y")
                    conflicts.extend(f"{label}: {message}" for message in exc.messages)
            if conflicts:
                raise _SeriesRefusedError
            audit_record(
                actor=actor,
                action="booking.series_create",
                target=series,
                changes={"occurrences": len(days_list), "resource": resource.pk},
            )
    except _SeriesRefusedError:
        raise ValidationError(
            [
                _("Nothing was booked: %(count)d of %(total)d dates can't be booked.")
                % {"count": len({c.split(":")[0] for c in conflicts}), "total": len(days_list)},
                *conflicts,
            ]
        ) from None
    except IntegrityError:
        if key:
            existing = BookingSeries.objects.filter(member=member, idempotency_key=key).first()
            if existing is not None:
                return existing
        raise ValidationError(
            _("This series conflicts with one saved at the same moment.")
        ) from None
    return series


class _SeriesRefusedError(Exception):
    pass


def booking_cancel(
    *,
    actor: Any,
    booking: Booking,
    reason: str = "",
    as_manager: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel a booking: the member before the resource's deadline, a manager any time with a reason."""
    now = now or utc_now()
    reason = (reason or "").strip()
    if as_manager and not reason:
        raise ValidationError(
            {"reason": _("Say why the booking is cancelled; the member will see it.")}
        )
    if len(reason) > 300:
        raise ValidationError({"reason": _("The reason is too long (300 characters at most).")})
    with transaction.atomic():
        current = Booking.objects.select_for_update().select_related("resource").get(pk=booking.pk)
        if current.status != BookingStatus.ACTIVE:
            raise ValidationError(_("This booking is already cancelled."))
        if not as_manager:
            if current.member_id != getattr(actor, "pk", None):
                raise ValidationError(_("You can cancel only your own bookings."))
            deadline = current.starts_at - dt.timedelta(hours=current.resource.cancellation_hours)
            if now > deadline:
                raise ValidationError(
                    _(
                        "Bookings of %(name)s can be cancelled up to %(hours)d hours before the start; ask the space's staff."
                    )
                    % {"name": current.resource.name, "hours": current.resource.cancellation_hours}
                )
        current.status = BookingStatus.CANCELLED
        current.cancelled_at = now
        current.cancelled_by = actor
        current.cancel_reason = reason
        current.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
        audit_record(
            actor=actor,
            action="booking.cancel",
            target=current,
            changes={"reason": reason, "by_manager": as_manager},
        )
    return current


# --- check-in, guests, community service -----------------------------------------


def _open_checkin(space: Space, member: Any) -> CheckIn | None:
    return CheckIn.objects.filter(space=space, member=member, checked_out_at__isnull=True).first()


def _todays_booking(space: Space, member: Any, at: dt.datetime) -> Booking | None:
    day = at.astimezone(space.zone).date()
    return (
        Booking.objects.filter(
            space=space, member=member, status=BookingStatus.ACTIVE, local_date=day
        )
        .order_by("starts_at")
        .first()
    )


def checkin_member(
    *, actor: Any, space: Space, member: Any, via: str = "desk", at: dt.datetime | None = None
) -> CheckIn:
    """Sign a member in at the front desk or the kiosk."""
    at = at or utc_now()
    with transaction.atomic():
        if _open_checkin(space, member):
            raise ValidationError(_("%(name)s is already checked in.") % {"name": _display(member)})
        checkin = CheckIn(
            space=space,
            member=member,
            booking=_todays_booking(space, member, at),
            checked_in_at=at,
            local_date=at.astimezone(space.zone).date(),
            via=via,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        try:
            with transaction.atomic():
                checkin.save()
        except IntegrityError:
            raise ValidationError(
                _("%(name)s is already checked in.") % {"name": _display(member)}
            ) from None
        audit_record(actor=actor, action="checkin.in", target=checkin, changes={"via": via})
    return checkin


def checkout(*, actor: Any, checkin: CheckIn, at: dt.datetime | None = None) -> CheckIn:
    at = at or utc_now()
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if current.checked_out_at is not None:
            raise ValidationError(_("Already checked out."))
        current.checked_out_at = max(at, current.checked_in_at)
        current.save(update_fields=["checked_out_at"])
        # A member's guests leave with them.
        if current.member_id:
            CheckIn.objects.filter(
                space=current.space, host_id=current.member_id, checked_out_at__isnull=True
            ).update(checked_out_at=current.checked_out_at)
        audit_record(actor=actor, action="checkin.out", target=current)
    return current


def kiosk_toggle(*, space: Space, card_code: str, at: dt.datetime | None = None) -> CheckIn:
    """At the kiosk a member types their card code: in if out, out if in."""
    at = at or utc_now()
    code = (card_code or "").strip().upper().replace(" ", "")
    card = Member.objects.select_related("user").filter(card_code=code).first() if code else None
    if card is None or not card.user.is_active:
        raise ValidationError(_("Unknown card code. Check it, or ask at the front desk."))
    member = card.user
    open_checkin = _open_checkin(space, member)
    if open_checkin is not None:
        return checkout(actor=None, checkin=open_checkin, at=at)
    day = at.astimezone(space.zone).date()
    has_booking = _todays_booking(space, member, at) is not None
    has_plan = (
        Membership.objects.filter(member=member, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .filter(Q(plan__space=space) | Q(plan__network_wide=True))
        .exists()
    )
    if not (has_booking or has_plan):
        raise ValidationError(
            _("You have no booking or plan for this space today: please ask at the front desk.")
        )
    return checkin_member(actor=None, space=space, member=member, via="kiosk", at=at)


def guest_checkin(
    *, host: Any, space: Space, guest_name: str, at: dt.datetime | None = None, actor: Any = None
) -> CheckIn:
    """A member signs a guest in; the host must be checked in at the space."""
    at = at or utc_now()
    name = (guest_name or "").strip()
    if not name:
        raise ValidationError({"guest_name": _("Give the guest's name.")})
    if len(name) > 200:
        raise ValidationError({"guest_name": _("The name is too long.")})
    if _open_checkin(space, host) is None:
        raise ValidationError(_("Check in yourself before signing in a guest."))
    with transaction.atomic():
        checkin = CheckIn.objects.create(
            space=space,
            guest_name=name,
            host=host,
            checked_in_at=at,
            local_date=at.astimezone(space.zone).date(),
            via="member" if actor is None else "desk",
            recorded_by=actor or host,
        )
        audit_record(actor=actor or host, action="checkin.guest", target=checkin)
    return checkin


def service_hours_record(
    *, actor: Any, member: Any, space: Space, day: dt.date, hours: Decimal, description: str
) -> ServiceHours:
    """Record community-service hours a member gave (the time bank settles them later)."""
    entry = ServiceHours(
        member=member,
        space=space,
        day=day,
        hours=hours,
        description=(description or "").strip(),
        recorded_by=actor,
    )
    if day > utc_now().date():
        raise ValidationError({"day": _("Hours can be recorded only once given.")})
    with transaction.atomic():
        _create(actor, entry, "service_hours.record", ("member", "day", "hours", "description"))
    return entry


def service_hours_balance(member: Any, space: Space | None = None) -> dict[str, Decimal]:
    bookings = Booking.objects.filter(member=member, status=BookingStatus.ACTIVE)
    given = ServiceHours.objects.filter(member=member)
    if space is not None:
        bookings = bookings.filter(space=space)
        given = given.filter(space=space)
    owed = bookings.aggregate(t=Sum("service_hours_owed"))["t"] or Decimal("0")
    done = given.aggregate(t=Sum("hours"))["t"] or Decimal("0")
    return {"owed": owed, "given": done, "balance": owed - done}


# --- calendar feeds ---------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_rotate(*, owner: Any, resource: Resource | None = None) -> str:
    """A new secret address for a calendar feed; the old one stops working at once."""
    token = new_token()
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            owner=owner, resource=resource, defaults={"token_hash": token_hash(token)}
        )
        audit_record(
            actor=owner,
            action="calendar_feed.rotate",
            target=resource or owner,
            changes={"resource": resource.pk if resource else None},
        )
    return token


def kiosk_token_rotate(*, actor: Any, space: Space) -> Space:
    with transaction.atomic():
        Space.objects.filter(pk=space.pk).update(kiosk_token=new_token())
        audit_record(actor=actor, action="space.kiosk_rotate", target=space)
    space.refresh_from_db(fields=["kiosk_token"])
    return space


def _display(user: Any) -> str:
    full = getattr(user, "full_name", "") or (
        f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
    )
    return full or getattr(user, "email", "")
