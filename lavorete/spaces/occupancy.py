"""Occupancy of spaces against their target curve: booked seat-minutes over open seat-minutes.

A report covers some spaces, a range of local days, a granularity (day, ISO
week starting on Monday, calendar month) and a breakdown (by space or by
resource). For each line:

* booked minutes: the minutes of the active bookings, summed in SQL by space or
  resource and by period of `Booking.local_date` (the day in the space's own
  time zone), so the same query works on SQLite and PostgreSQL;
* capacity minutes: for every day from the start of the space's set-up, the
  minutes the space is open (closures and, where the space closes on them,
  Italian public holidays count 0; daylight-saving days have their real
  length) times the active units of the bookable resources (a pool of 3 seats
  counts 3);
* occupancy %: booked over capacity, one decimal; none when nothing was open;
* target %: the space's target curve (`Space.target_on`) averaged over the days
  the space is open in the period; gap = occupancy - target, from the rounded
  figures so the table adds up;
* people: distinct members plus distinct guests checked in (by
  `CheckIn.local_date`); on resource lines, the members checked in against a
  booking of that resource.

Totals across lines sum minutes and capacity; their target is weighted by
capacity. The work is a handful of aggregate queries whatever the range: the
open minutes of each weekday are computed once per space and only exceptional
days (closures, holidays, daylight-saving changes) go through the calendar.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from lavorete.spaces.calendar import OpeningCalendar, is_public_holiday, month_end
from lavorete.spaces.models import Booking, BookingStatus, CheckIn, Resource, Space

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)
REFERENCE_MONDAY = dt.date(2001, 1, 8)


class Granularity(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class Breakdown(models.TextChoices):
    SPACE = "space", _("By space")
    RESOURCE = "resource", _("By resource")


# --- periods -----------------------------------------------------------------------


def period_start(day: dt.date, granularity: str) -> dt.date:
    """The first day of the period containing `day` (ISO weeks start on Monday)."""
    if granularity == Granularity.MONTH:
        return day.replace(day=1)
    if granularity == Granularity.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day


def period_last(start: dt.date, granularity: str) -> dt.date:
    """The last day of the period starting on `start`."""
    if granularity == Granularity.MONTH:
        return month_end(start)
    if granularity == Granularity.WEEK:
        return start + dt.timedelta(days=6)
    return start


def periods(first: dt.date, last: dt.date, granularity: str) -> list[tuple[dt.date, dt.date]]:
    """The periods covering [first, last], each clipped to the range."""
    result = []
    start = period_start(first, granularity)
    while start <= last:
        end = period_last(start, granularity)
        result.append((max(start, first), min(end, last)))
        start = end + dt.timedelta(days=1)
    return result


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first day of the month eleven months ago to today: the reports' default range."""
    start = today.replace(day=1)
    for _month in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, today


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is nothing."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def _one_decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(ONE_DECIMAL, ROUND_HALF_UP)


# --- lines of a report ---------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the report: a space or resource (or the total) over a period (or the range)."""

    first: dt.date
    last: dt.date
    space_id: int | None
    space_name: str
    resource_id: int | None
    resource_name: str
    booked_minutes: int
    capacity_minutes: int
    target: Decimal | None
    people: int

    @property
    def occupancy(self) -> Decimal | None:
        return percent(self.booked_minutes, self.capacity_minutes)

    @property
    def gap(self) -> Decimal | None:
        if self.occupancy is None or self.target is None:
            return None
        return self.occupancy - self.target

    @property
    def booked_hours(self) -> Decimal:
        return (Decimal(self.booked_minutes) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def capacity_hours(self) -> Decimal:
        return (Decimal(self.capacity_minutes) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def label(self) -> str:
        if self.resource_id is not None:
            return f"{self.space_name} · {self.resource_name}"
        return self.space_name


@dataclass
class _Cell:
    """What adds up for one key (space or resource) in one period."""

    booked: int = 0
    capacity: int = 0
    open_days: int = 0
    target_sum: Decimal = Decimal(0)

    @property
    def target(self) -> Decimal | None:
        return self.target_sum / self.open_days if self.open_days else None


@dataclass
class _Weighted:
    """Totals across keys: minutes add up, the target is weighted by capacity."""

    booked: int = 0
    capacity: int = 0
    weighted_target: Decimal = Decimal(0)
    open_days: int = 0
    target_sum: Decimal = Decimal(0)

    def add(self, cell: _Cell) -> None:
        self.booked += cell.booked
        self.capacity += cell.capacity
        self.open_days += cell.open_days
        self.target_sum += cell.target_sum
        if cell.target is not None:
            self.weighted_target += cell.target * cell.capacity

    @property
    def target(self) -> Decimal | None:
        if self.capacity:
            return self.weighted_target / self.capacity
        # Nothing bookable anywhere: the plain average of the open days, if any.
        return self.target_sum / self.open_days if self.open_days else None


@dataclass(frozen=True)
class Key:
    space_id: int
    space_name: str
    resource_id: int | None = None
    resource_name: str = ""


@dataclass(frozen=True)
class OccupancyReport:
    first: dt.date
    last: dt.date
    granularity: str
    breakdown: str
    periods: list[tuple[dt.date, dt.date]]
    lines: list[Line]  # every key over every period, key by key
    keys: list[Line]  # every key over the whole range
    totals: list[Line]  # every period, all keys together
    total: Line  # all keys over the whole range
    units: dict[int, int] = field(default_factory=dict)  # key id -> active units

    @property
    def by_key(self) -> dict[Any, list[Line]]:
        result: dict[Any, list[Line]] = defaultdict(list)
        for line in self.lines:
            result[line.resource_id or line.space_id].append(line)
        return dict(result)


# --- capacity ------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _clock_change_days(zone_name: str, first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Days in [first, last] on which the clocks of `zone_name` go forward or back."""
    zone = ZoneInfo(zone_name)
    result = set()
    day = first
    while day <= last:
        if _is_clock_change(day, zone):
            result.add(day)
        day += dt.timedelta(days=1)
    return frozenset(result)


@lru_cache(maxsize=32)
def _holidays_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    day, result = first, set()
    while day <= last:
        if is_public_holiday(day):
            result.add(day)
        day += dt.timedelta(days=1)
    return frozenset(result)


def _is_clock_change(day: dt.date, zone: ZoneInfo) -> bool:
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start.utcoffset() != end.utcoffset()


def _weekly_minutes(calendar: OpeningCalendar) -> dict[int, int]:
    """Open minutes of each weekday on an ordinary day (no closure, holiday or clock change)."""
    ordinary = dataclasses.replace(calendar, closures=(), closed_on_public_holidays=False)
    result = {}
    for weekday in range(7):
        day = REFERENCE_MONDAY + dt.timedelta(days=weekday)
        while _is_clock_change(day, calendar.zone):
            day += dt.timedelta(days=7)
        result[weekday] = ordinary.open_minutes(day)
    return result


def open_minutes_by_day(space: Space, first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """The minutes `space` is open on each day of [first, last] that it opens at all.

    Ordinary days take their weekday's minutes, computed once; closures,
    public holidays and daylight-saving days ask the opening calendar. Before
    its set-up started (`opened_on`) the space didn't exist: no capacity.
    """
    first = max(first, space.opened_on)
    calendar = OpeningCalendar.for_space(space)
    weekly = _weekly_minutes(calendar)
    exceptional = set(_clock_change_days(space.time_zone, first, last))
    if calendar.closed_on_public_holidays:
        exceptional |= _holidays_between(first, last)
    for start, end in calendar.closures:
        day = max(start, first)
        while day <= min(end, last):
            exceptional.add(day)
            day += dt.timedelta(days=1)
    result = {}
    day = first
    while day <= last:
        minutes = calendar.open_minutes(day) if day in exceptional else weekly.get(day.weekday(), 0)
        if minutes > 0:
            result[day] = minutes
        day += dt.timedelta(days=1)
    return result


def _targets(space: Space, days: Iterable[dt.date]) -> dict[dt.date, Decimal]:
    """The target on each day; the curve only grows, so once it reaches the target it stays."""
    result = {}
    reached = False
    for day in sorted(days):
        if reached:
            result[day] = space.target_occupancy
            continue
        value = space.target_on(day)
        result[day] = value
        reached = value == space.target_occupancy and day >= space.opened_on
    return result


# --- the report ----------------------------------------------------------------------


def _trunc(granularity: str) -> Any:
    if granularity == Granularity.MONTH:
        return TruncMonth("local_date")
    if granularity == Granularity.WEEK:
        return TruncWeek("local_date")
    return models.F("local_date")


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _prepare_spaces(spaces: Iterable[Space] | models.QuerySet[Space]) -> list[Space]:
    if isinstance(spaces, models.QuerySet):
        return list(spaces.prefetch_related("opening_hours", "closures"))
    items = list(spaces)
    models.prefetch_related_objects(items, "opening_hours", "closures")
    return items


def occupancy_report(
    spaces: Iterable[Space] | models.QuerySet[Space],
    first: dt.date,
    last: dt.date,
    *,
    granularity: str = Granularity.MONTH,
    breakdown: str = Breakdown.SPACE,
) -> OccupancyReport:
    """Booked against open seat-minutes and the target, per space or resource and period."""
    if granularity not in Granularity.values:
        raise ValueError(f"Unknown granularity {granularity!r}")
    if breakdown not in Breakdown.values:
        raise ValueError(f"Unknown breakdown {breakdown!r}")
    if last < first:
        raise ValueError("The range ends before it starts.")
    space_list = _prepare_spaces(spaces)
    space_ids = [s.pk for s in space_list]
    span = periods(first, last, granularity)
    index = {start: i for i, (start, _end) in enumerate(span)}
    by_resource = breakdown == Breakdown.RESOURCE

    resources = list(
        Resource.objects.filter(space_id__in=space_ids, is_active=True)
        .annotate(active_units=Count("units", filter=Q(units__is_active=True)))
        .order_by("space_id", "kind", "name")
        .values_list("pk", "space_id", "name", "active_units")
    )
    units_of_space: dict[int, int] = defaultdict(int)
    resources_of_space: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for pk, space_id, name, count in resources:
        units_of_space[space_id] += count
        resources_of_space[space_id].append((pk, name, count))

    # Capacity and target per space and period.
    keys: list[Key] = []
    cells: dict[tuple[int, int], _Cell] = {}  # (key id, period index) -> cell
    units: dict[int, int] = {}
    for space in space_list:
        open_minutes = open_minutes_by_day(space, first, last)
        targets = _targets(space, open_minutes)
        per_period = [_Cell() for _ in span]
        for day, minutes in open_minutes.items():
            cell = per_period[index[max(period_start(day, granularity), first)]]
            cell.capacity += minutes  # open minutes for now, times units below
            cell.open_days += 1
            cell.target_sum += targets[day]
        if by_resource:
            for pk, name, count in resources_of_space[space.pk]:
                keys.append(Key(space.pk, space.name, pk, name))
                units[pk] = count
                for i, cell in enumerate(per_period):
                    cells[(pk, i)] = _Cell(
                        0, cell.capacity * count, cell.open_days, cell.target_sum
                    )
        else:
            keys.append(Key(space.pk, space.name))
            units[space.pk] = units_of_space[space.pk]
            for i, cell in enumerate(per_period):
                cell.capacity *= units_of_space[space.pk]
                cells[(space.pk, i)] = cell

    # Booked minutes: one aggregate query.
    key_field = "resource_id" if by_resource else "space_id"
    booked = (
        Booking.objects.filter(
            space_id__in=space_ids,
            status=BookingStatus.ACTIVE,
            local_date__gte=first,
            local_date__lte=last,
        )
        .annotate(period=_trunc(granularity))
        .values(key_field, "period")
        .annotate(minutes=Sum("minutes"))
        .order_by()
        .values_list(key_field, "period", "minutes")
    )
    for key_id, period, minutes in booked:
        at = index.get(max(_as_date(period), first))
        if at is not None and (key_id, at) in cells:
            cells[(key_id, at)].booked += minutes

    people = _people(space_ids, first, last, granularity, by_resource, index)
    return _assemble(first, last, granularity, breakdown, span, keys, cells, people, units)


def _people_query(
    space_ids: Sequence[int], first: dt.date, last: dt.date, by_resource: bool
) -> models.QuerySet[CheckIn]:
    qs = CheckIn.objects.filter(
        space_id__in=space_ids, local_date__gte=first, local_date__lte=last
    ).order_by()
    if by_resource:
        qs = qs.filter(booking__isnull=False)
    return qs


def _count_people(qs: models.QuerySet[CheckIn], group: Sequence[str]) -> list[tuple[Any, ...]]:
    aggregates = {
        "members": Count("member_id", distinct=True),
        "guests": Count("guest_name", distinct=True, filter=Q(member__isnull=True)),
    }
    if not group:
        row = qs.aggregate(**aggregates)
        return [(row["members"] + row["guests"],)]
    rows = qs.values(*group).annotate(**aggregates).values_list(*group, "members", "guests")
    return [(*row[:-2], row[-2] + row[-1]) for row in rows]


@dataclass(frozen=True)
class _People:
    cells: dict[tuple[int, int], int]
    keys: dict[int, int]
    periods: dict[int, int]
    total: int


def _people(
    space_ids: Sequence[int],
    first: dt.date,
    last: dt.date,
    granularity: str,
    by_resource: bool,
    index: dict[dt.date, int],
) -> _People:
    """People checked in, distinct within each cell, key, period and overall."""
    qs = _people_query(space_ids, first, last, by_resource).annotate(period=_trunc(granularity))
    key = "booking__resource_id" if by_resource else "space_id"
    cells: dict[tuple[int, int], int] = {}
    periods_count: dict[int, int] = {}
    for key_id, period, count in _count_people(qs, [key, "period"]):
        i = index.get(max(_as_date(period), first))
        if i is not None:
            cells[(key_id, i)] = count
    for period, count in _count_people(qs, ["period"]):
        i = index.get(max(_as_date(period), first))
        if i is not None:
            periods_count[i] = count
    keys = dict(_count_people(qs, [key]))
    total = _count_people(qs, [])[0][0]
    return _People(cells, keys, periods_count, total)


def _line(
    first: dt.date,
    last: dt.date,
    key: Key | None,
    booked: int,
    capacity: int,
    target: Decimal | None,
    people: int,
    total_label: str = "",
) -> Line:
    return Line(
        first=first,
        last=last,
        space_id=key.space_id if key else None,
        space_name=key.space_name if key else total_label,
        resource_id=key.resource_id if key else None,
        resource_name=key.resource_name if key else "",
        booked_minutes=booked,
        capacity_minutes=capacity,
        target=_one_decimal(target),
        people=people,
    )


def _assemble(
    first: dt.date,
    last: dt.date,
    granularity: str,
    breakdown: str,
    span: list[tuple[dt.date, dt.date]],
    keys: list[Key],
    cells: dict[tuple[int, int], _Cell],
    people: _People,
    units: dict[int, int],
) -> OccupancyReport:
    total_label = str(_("Total"))
    lines, key_lines = [], []
    per_period = [_Weighted() for _ in span]
    overall = _Weighted()
    for key in keys:
        key_id = key.resource_id if key.resource_id is not None else key.space_id
        whole = _Cell()
        for i, (start, end) in enumerate(span):
            cell = cells[(key_id, i)]
            lines.append(
                _line(
                    start,
                    end,
                    key,
                    cell.booked,
                    cell.capacity,
                    cell.target,
                    people.cells.get((key_id, i), 0),
                )
            )
            whole.booked += cell.booked
            whole.capacity += cell.capacity
            whole.open_days += cell.open_days
            whole.target_sum += cell.target_sum
            per_period[i].add(cell)
            overall.add(cell)
        key_lines.append(
            _line(
                first,
                last,
                key,
                whole.booked,
                whole.capacity,
                whole.target,
                people.keys.get(key_id, 0),
            )
        )
    totals = [
        _line(
            start,
            end,
            None,
            acc.booked,
            acc.capacity,
            acc.target,
            people.periods.get(i, 0),
            total_label,
        )
        for i, ((start, end), acc) in enumerate(zip(span, per_period, strict=True))
    ]
    total = _line(
        first,
        last,
        None,
        overall.booked,
        overall.capacity,
        overall.target,
        people.total,
        total_label,
    )
    return OccupancyReport(
        first=first,
        last=last,
        granularity=granularity,
        breakdown=breakdown,
        periods=span,
        lines=lines,
        keys=key_lines,
        totals=totals,
        total=total,
        units=units,
    )


def network_report(
    spaces: Iterable[Space] | models.QuerySet[Space],
    first: dt.date,
    last: dt.date,
    granularity: str = Granularity.MONTH,
) -> OccupancyReport:
    """The whole network (or the given spaces): one line per space, and totals by period."""
    return occupancy_report(spaces, first, last, granularity=granularity, breakdown=Breakdown.SPACE)


# --- the chart -----------------------------------------------------------------------


def period_label(first: dt.date, last: dt.date, granularity: str, *, short: bool = False) -> str:
    """How a period reads in tables ("novembre 2026", "3/11/26 to 9/11/26") and on the axis."""
    if granularity == Granularity.MONTH:
        return date_format(first, "M y" if short else "YEAR_MONTH_FORMAT")
    if short or first == last:
        return date_format(first, "j/n" if short else "SHORT_DATE_FORMAT")
    return f"{date_format(first, 'SHORT_DATE_FORMAT')} – {date_format(last, 'SHORT_DATE_FORMAT')}"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class Chart:
    """Geometry of the occupancy chart (an SVG drawn by a template): bars and the target line."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    bars: list[Bar]
    target_path: str
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    lines: list[Line]
    granularity: str

    @property
    def latest(self) -> Line | None:
        """The last period that had anything open, for the chart's description."""
        return next((line for line in reversed(self.lines) if line.capacity_minutes), None)

    @property
    def latest_label(self) -> str:
        latest = self.latest
        return "" if latest is None else period_label(latest.first, latest.last, self.granularity)

    @property
    def rows(self) -> list[tuple[str, Line]]:
        """Each period's label and figures, for the table beside the chart."""
        return [(bar.label, line) for bar, line in zip(self.bars, self.lines, strict=True)]


CHART_WIDTH, CHART_HEIGHT = 720, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 12, 36


def chart(lines: Sequence[Line], granularity: str) -> Chart:
    """Bars for occupancy and a line for the target, one slot per period, 0-100% (or more)."""
    plot_w = CHART_WIDTH - _LEFT - _RIGHT
    plot_h = CHART_HEIGHT - _TOP - _BOTTOM
    highest = max(
        [
            Decimal(100),
            *(line.occupancy or 0 for line in lines),
            *(line.target or 0 for line in lines),
        ]
    )
    top = int((highest + 24) // 25 * 25)
    slot = plot_w / max(len(lines), 1)
    bar_w = max(slot * 0.6, 1.0)

    def y_of(value: Decimal) -> float:
        return round(_TOP + plot_h - float(value) / top * plot_h, 1)

    bars, path, pen_down = [], [], False
    every = max(1, -(-len(lines) // 12))  # at most about 12 labels under the axis
    x_labels = []
    for i, line in enumerate(lines):
        centre = _LEFT + slot * i + slot / 2
        value = line.occupancy
        y = y_of(value or Decimal(0))
        bars.append(
            Bar(
                x=round(centre - bar_w / 2, 1),
                y=y,
                width=round(bar_w, 1),
                height=round(_TOP + plot_h - y, 1),
                label=period_label(line.first, line.last, granularity),
                value=value,
            )
        )
        if line.target is None:
            pen_down = False
        else:
            # A step across the period's slot: the target is an average over the period.
            left, right = round(centre - slot / 2, 1), round(centre + slot / 2, 1)
            path.append(f"{'L' if pen_down else 'M'}{left} {y_of(line.target)} H{right}")
            pen_down = True
        if i % every == 0:
            x_labels.append(
                (round(centre, 1), period_label(line.first, line.last, granularity, short=True))
            )
    ticks = [(y_of(Decimal(v)), f"{v}%") for v in range(0, top + 1, 25)]
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=_LEFT,
        plot_right=CHART_WIDTH - _RIGHT,
        plot_top=_TOP,
        plot_bottom=_TOP + plot_h,
        bars=bars,
        target_path=" ".join(path),
        y_ticks=ticks,
        x_labels=x_labels,
        lines=list(lines),
        granularity=granularity,
    )
