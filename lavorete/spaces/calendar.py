"""Opening days and hours of a space, in its own time zone, and slot arithmetic.

Everything here is pure: it reads a space's opening hours and closures (loaded
once) and answers in aware datetimes, so daylight-saving changes are handled by
zoneinfo and not by hand.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache

UTC = dt.UTC
CACHE_SECONDS = 60


def _cache_key(space: object) -> str:
    return "spaces:calendar:%s:%s:%s" % (  # noqa: UP031
        space.pk,  # type: ignore[attr-defined]
        space.time_zone,  # type: ignore[attr-defined]
        int(space.closed_on_public_holidays),  # type: ignore[attr-defined]
    )


def forget_calendar(space: object) -> None:
    """Drop a space's cached calendar after its hours or closures change."""
    cache.delete(_cache_key(space))


@lru_cache(maxsize=64)
def _italian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("IT", years=year).keys())


def is_public_holiday(day: dt.date) -> bool:
    """An Italian national public holiday (Easter Monday included)."""
    return day in _italian_holidays(day.year)


def aware(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime | None:
    """The instant (in UTC) a wall clock in `zone` shows `time` on `day`, or None if it never does.

    On the day clocks go forward (last Sunday of March in Europe/Rome) 02:00-02:59
    doesn't exist; on the day they go back, 02:00-02:59 happens twice and the
    first one is meant.
    """
    moment = dt.datetime.combine(day, time, tzinfo=zone).replace(fold=0)
    back = moment.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    # In UTC: Python compares and subtracts datetimes sharing one tzinfo by wall
    # clock, which is wrong across a daylight-saving change.
    return moment.astimezone(UTC)


def aware_end(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime | None:
    """Like `aware`, where 00:00 as an end means the following midnight."""
    if time == dt.time(0, 0):
        return aware(day + dt.timedelta(days=1), time, zone)
    return aware(day, time, zone)


@dataclass(frozen=True)
class OpeningCalendar:
    """A space's week, closures and holiday rule, loaded once."""

    zone: ZoneInfo
    week: dict[int, tuple[tuple[dt.time, dt.time], ...]]
    closures: tuple[tuple[dt.date, dt.date], ...]
    closed_on_public_holidays: bool

    @classmethod
    def for_space(cls, space: object) -> "OpeningCalendar":
        """The space's calendar, from the cache when a booking asked for it lately.

        Each booking needs it: caching saves two queries per booking. The
        services that change hours or closures call `forget_calendar`; the
        time zone and the holiday rule are part of the key. With several app
        servers, use a shared cache (CACHE_URL=redis://…) so a change is seen
        everywhere at once; a per-process cache sees it within CACHE_SECONDS.
        """
        key = _cache_key(space)
        found = cache.get(key)
        if isinstance(found, cls):
            return found
        calendar = cls.load(space)
        cache.set(key, calendar, CACHE_SECONDS)
        return calendar

    @classmethod
    def load(cls, space: object) -> "OpeningCalendar":
        week: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for row in space.opening_hours.all():  # type: ignore[attr-defined]
            week.setdefault(row.weekday, []).append((row.opens, row.closes))
        closures = tuple(
            (c.starts_on, c.ends_on)
            for c in space.closures.all()  # type: ignore[attr-defined]
        )
        return cls(
            zone=ZoneInfo(space.time_zone),  # type: ignore[attr-defined]
            week={k: tuple(sorted(v)) for k, v in week.items()},
            closures=closures,
            closed_on_public_holidays=space.closed_on_public_holidays,  # type: ignore[attr-defined]
        )

    def closed_reason(self, day: dt.date) -> str | None:
        """Why the space is closed on `day` (a code), or None when it opens."""
        if any(start <= day <= end for start, end in self.closures):
            return "closure"
        if self.closed_on_public_holidays and is_public_holiday(day):
            return "holiday"
        if not self.week.get(day.weekday()):
            return "weekday"
        return None

    def intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The opening intervals of `day` as aware instants (empty when closed)."""
        if self.closed_reason(day):
            return []
        result = []
        for opens, closes in self.week.get(day.weekday(), ()):
            start = aware(day, opens, self.zone)
            end = aware(day, closes, self.zone)
            # An edge inside a skipped hour moves to the next existing minute.
            start = start or _next_existing(day, opens, self.zone)
            end = end or _next_existing(day, closes, self.zone)
            if closes == dt.time(23, 59):  # open until midnight
                end = end + dt.timedelta(minutes=1)
            if start < end:
                result.append((start, end))
        return result

    def open_minutes(self, day: dt.date) -> int:
        """Real minutes open on `day` (a daylight-saving day may have 60 more or fewer)."""
        return sum(int((end - start).total_seconds()) // 60 for start, end in self.intervals(day))

    def contains(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Do [start, end) fall inside one opening interval of the day they start on?"""
        day = start.astimezone(self.zone).date()
        return any(o <= start and end <= c for o, c in self.intervals(day))


def _next_existing(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    moment = dt.datetime.combine(day, time)
    for _ in range(180):
        moment += dt.timedelta(minutes=1)
        found = aware(moment.date(), moment.time(), zone)
        if found:
            return found
    raise ValueError("No existing local time found")  # pragma: no cover


def days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
