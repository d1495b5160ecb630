"""Helpers shared by the members' page tests (no tests here): future open days, page text."""

import datetime as dt
import re

from lavorete.core.timeutils import now
from lavorete.spaces.calendar import is_public_holiday


def open_weekday(weekday: int = 0, *, weeks_ahead: int = 2) -> dt.date:
    """A future day of the given weekday, at least `weeks_ahead` weeks away, not a holiday."""
    day = now().date() + dt.timedelta(weeks=weeks_ahead)
    while day.weekday() != weekday or is_public_holiday(day):
        day += dt.timedelta(days=1)
    return day


def text(response) -> str:
    """The page's text with whitespace collapsed and tags kept (for simple assertions)."""
    return " ".join(response.content.decode().split())


def hidden_inputs(response) -> dict[str, str]:
    """The hidden inputs of the page's first POST form (the header's language form aside)."""
    html = response.content.decode().split('id="main-content"', 1)[1]
    form = html.split('method="post"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
