"""Time is aware and stored in UTC; each place has its own time zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

DEFAULT_TZ = "Europe/Rome"


def now() -> dt.datetime:
    """The current aware time in UTC."""
    return timezone.now()


def local(moment: dt.datetime, tz_name: str = DEFAULT_TZ) -> dt.datetime:
    """`moment` seen in the time zone `tz_name`."""
    if timezone.is_naive(moment):
        raise ValueError("Naive datetimes are not accepted.")
    return moment.astimezone(ZoneInfo(tz_name))


def make_local(day: dt.date, time: dt.time, tz_name: str = DEFAULT_TZ) -> dt.datetime:
    """An aware datetime for a wall-clock `day` and `time` in `tz_name`."""
    return dt.datetime.combine(day, time, tzinfo=ZoneInfo(tz_name))
