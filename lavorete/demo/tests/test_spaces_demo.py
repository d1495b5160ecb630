"""The demo's coworking network: it builds, it is idempotent, and its year of bookings is one the
booking service could have written, with occupancy that means something."""

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from lavorete.core.models import AuditEntry, RoleAssignment, User
from lavorete.core.roles import Role, ScopeKind
from lavorete.demo.personas import persona
from lavorete.spaces import services
from lavorete.spaces.calendar import OpeningCalendar
from lavorete.spaces.models import (
    Booking,
    BookingStatus,
    CapKind,
    CheckIn,
    GrantStatus,
    Membership,
    QualificationGrant,
    SolidarityTier,
    Space,
    TierGrant,
)
from lavorete.spaces.occupancy import network_report, occupancy_report
from lavorete.spaces.selectors import verification_queue

pytestmark = pytest.mark.django_db

SONDRIO = "la-piastra-sondrio"


def test_the_coworking_network_of_the_seeds_is_there(demo):
    assert Space.objects.count() == 12
    assert Space.objects.filter(municipality__province__abbreviation="BG").count() == 8
    for town in ("Sondrio", "Cinisello Balsamo", "Matera"):
        assert Space.objects.filter(municipality__name=town).exists(), town
    makers = Space.objects.get(slug="makerslab-nord-milano")
    laser = makers.resources.get(qualification__isnull=False)
    assert laser.kind == "equipment"
    assert QualificationGrant.objects.filter(qualification=laser.qualification).count() >= 5
    members = User.objects.filter(email__endswith="@membri.example.org").count()
    assert 140 <= members <= 170
    assert Membership.objects.filter(plan__network_wide=True).exists()
    assert TierGrant.objects.filter(status=GrantStatus.VERIFIED).count() >= 10
    assert TierGrant.objects.filter(status=GrantStatus.REQUESTED).count() >= 3
    assert SolidarityTier.objects.filter(service_hours_per_hour__gt=0).exists()
    assert SolidarityTier.objects.filter(funder_programme__isnull=False).exists()


def test_the_personas_run_a_space_and_use_one(demo):
    manager = User.objects.get(email=persona("space_manager").email)
    grants = RoleAssignment.objects.filter(user=manager)
    assert list(grants.values_list("role", "scope_kind")) == [(Role.SPACE_MANAGER, ScopeKind.SPACE)]
    assert Space.objects.get(pk=grants.get().scope_id).slug == "coworking-il-telaio"
    coworker = User.objects.get(email=persona("member").email)
    assert Membership.objects.filter(member=coworker).exists()
    assert Booking.objects.filter(member=coworker, status=BookingStatus.ACTIVE).count() >= 10
    assert TierGrant.objects.filter(member=coworker, status=GrantStatus.REQUESTED).exists()
    # The operator's programme pays for the seat the job seeker asks for: it's in their queue.
    seeker = User.objects.get(email=persona("job_seeker").email)
    operator = User.objects.get(email=persona("operator").email)
    assert verification_queue(operator).filter(member=seeker).exists()
    assert not verification_queue(manager).filter(member=seeker).exists()


def test_running_the_demo_again_changes_nothing(demo):
    before = (Booking.objects.count(), CheckIn.objects.count(), AuditEntry.objects.count())
    call_command("demo", verbosity=0)
    assert (Booking.objects.count(), CheckIn.objects.count(), AuditEntry.objects.count()) == before


def test_the_year_of_bookings_is_one_the_service_could_have_written(demo):
    today = timezone.localdate()
    bookings = [
        SimpleNamespace(**row)
        for row in Booking.objects.values(
            "pk",
            "space_id",
            "resource_id",
            "member_id",
            "starts_at",
            "ends_at",
            "local_date",
            "minutes",
            "status",
            "tier_id",
            "list_price",
            "member_amount",
            "funder_amount",
            "funder_organisation_id",
            "funder_programme_id",
            "unit_id",
            unit_resource=F("unit__resource_id"),
            resource_space=F("resource__space_id"),
            step=F("resource__slot_minutes"),
            qualification=F("resource__qualification_id"),
        )
    ]
    assert len(bookings) > 10000
    assert min(b.local_date for b in bookings) <= today - dt.timedelta(days=360)
    assert max(b.local_date for b in bookings) >= today + dt.timedelta(days=7)
    calendars = {s.pk: OpeningCalendar.for_space(s) for s in Space.objects.all()}
    opening = {}
    by_unit = defaultdict(list)
    for b in bookings:
        local = b.starts_at.astimezone(calendars[b.space_id].zone)
        assert b.local_date == local.date()
        assert b.minutes == (b.ends_at - b.starts_at).total_seconds() // 60
        key = (b.space_id, b.local_date)
        if key not in opening:
            opening[key] = calendars[b.space_id].intervals(b.local_date)
        assert any(o <= b.starts_at and b.ends_at <= c for o, c in opening[key]), b.pk
        assert (local.hour * 60 + local.minute) % b.step == 0
        assert b.unit_resource == b.resource_id
        assert b.space_id == b.resource_space
        if b.tier_id is None:
            assert b.list_price == b.member_amount + b.funder_amount
        if b.funder_amount:
            assert b.funder_organisation_id or b.funder_programme_id
        if b.status == BookingStatus.ACTIVE:
            by_unit[b.unit_id].append((b.starts_at, b.ends_at))
    for intervals in by_unit.values():
        intervals.sort()
        for (_s1, e1), (s2, _e2) in itertools.pairwise(intervals):
            assert e1 <= s2, "two active bookings of one unit overlap"
    # Equipment that needs a qualification was used only by qualified members.
    grants = defaultdict(list)
    for grant in QualificationGrant.objects.all():
        grants[(grant.qualification_id, grant.member_id)].append(grant)
    machine_uses = [b for b in bookings if b.qualification]
    assert machine_uses
    for b in machine_uses:
        held = grants[(b.qualification, b.member_id)]
        assert any(g.is_valid_on(b.local_date) for g in held), b.pk


def test_allowances_and_caps_are_never_exceeded(demo):
    active = Booking.objects.filter(status=BookingStatus.ACTIVE)
    for membership in Membership.objects.filter(plan__included_hours__isnull=False):
        used: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
        for b in active.filter(membership=membership):
            used[(b.local_date.year, b.local_date.month)] += b.plan_hours
        for (year, month), hours in used.items():
            allowance = services.allowance_hours(membership, dt.date(year, month, 1))
            assert allowance is not None
            assert hours <= allowance
    for tier in SolidarityTier.objects.filter(cap_kind=CapKind.HOURS):
        taken = active.filter(tier=tier).aggregate(t=Sum("subsidised_hours"))["t"] or 0
        assert tier.cap is not None
        assert taken <= tier.cap


def test_bookings_whose_price_depends_on_nothing_else_match_a_fresh_quote(demo):
    """Plans without an hour allowance and tiers without an hours cap price a booking alone."""
    sample = (
        Booking.objects.filter(status=BookingStatus.ACTIVE)
        .filter(Q(membership__isnull=True) | Q(membership__plan__included_hours__isnull=True))
        .exclude(tier__cap_kind=CapKind.HOURS)
        .select_related("resource__space", "member")
        .order_by("pk")
    )
    checked = 0
    for b in sample[::97][:60]:
        best = services.valid_tier_grant(b.member, b.space, b.local_date)
        if best is not None and best.tier.cap_kind == CapKind.HOURS:
            continue  # priced against the cap as it stood then
        priced = services.quote(b.member, b.resource, b.starts_at, b.ends_at)
        assert (
            priced.membership,
            priced.plan_hours,
            priced.list_price,
            priced.member_amount,
            priced.funder_amount,
            priced.tier,
            priced.service_hours_owed,
        ) == (
            b.membership,
            b.plan_hours,
            b.list_price,
            b.member_amount,
            b.funder_amount,
            b.tier,
            b.service_hours_owed,
        ), b.pk
        checked += 1
    assert checked >= 30


def test_check_ins_follow_the_bookings(demo):
    assert CheckIn.objects.count() > 5000
    assert CheckIn.objects.filter(member__isnull=True).exists()  # guests
    assert not CheckIn.objects.filter(checked_in_at__gt=timezone.now()).exists()
    open_ones = CheckIn.objects.filter(checked_out_at__isnull=True, member__isnull=False)
    assert not open_ones.values("space", "member").annotate(n=Count("pk")).filter(n__gt=1)


def test_the_occupancy_report_over_the_demo_means_something(demo):
    today = timezone.localdate()
    first = today.replace(day=1) - dt.timedelta(days=330)
    report = network_report(Space.objects.all(), first.replace(day=1), today)
    assert report.total.booked_minutes > 0
    assert report.total.occupancy is not None
    assert Decimal("20") < report.total.occupancy < Decimal("90")
    assert report.total.people > 100
    by_space = {line.space_name: line for line in report.keys}
    assert all(line.booked_minutes > 0 for line in by_space.values())


def test_the_sondrio_coworking_ramps_up_towards_its_target(demo):
    sondrio = Space.objects.get(slug=SONDRIO)
    assert (sondrio.setup_months, sondrio.rampup_months, sondrio.target_occupancy) == (
        2,
        10,
        Decimal("100"),
    )
    today = timezone.localdate()
    report = occupancy_report([sondrio], sondrio.opened_on, today)
    months = report.lines
    assert len(months) >= 6
    targets = [line.target for line in months if line.target is not None]
    assert targets[0] == 0 and targets[1] == 0  # set-up
    assert targets == sorted(targets) and targets[-1] > targets[2] > 0
    assert months[0].booked_minutes == 0
    used = [line.occupancy or Decimal(0) for line in months[2:-1]]
    assert used[-1] > used[0] * 2, used
