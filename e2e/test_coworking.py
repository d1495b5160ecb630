"""The coworking network in a real browser: a member books a room, a manager runs a space."""

import datetime as dt
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import Page

from e2e.support import Audit, TotpClock, links, log_in, screenshot
from lavorete.demo.personas import PERSONAS
from lavorete.spaces.calendar import is_public_holiday

BY_KEY = {p.key: p for p in PERSONAS}


def next_working_day(after_days: int = 8) -> dt.date:
    day = dt.datetime.now(tz=ZoneInfo("Europe/Rome")).date() + dt.timedelta(days=after_days)
    while day.weekday() >= 5 or is_public_holiday(day):
        day += dt.timedelta(days=1)
    return day


def test_anyone_finds_the_network_and_a_space(page: Page, audit: Audit) -> None:
    audit.visit(page, "/spazi/")
    spaces = [p for p in links(page, "main a") if p.startswith("/spazi/") and p.count("/") == 3]
    assert len(spaces) >= 10, f"the network page lists too few spaces: {spaces}"
    screenshot(page, "coworking-network")
    audit.visit(page, spaces[0])
    assert page.locator("h1").count() == 1
    screenshot(page, "coworking-space")
    audit.check_links(page)
    audit.assert_clean()


def test_a_member_books_a_meeting_room_and_sees_it(
    page: Page, audit: Audit, totp: TotpClock
) -> None:
    log_in(page, audit, BY_KEY["member"], totp)
    audit.visit(page, "/spazi/")
    space = next(p for p in links(page, "main a") if p.startswith("/spazi/") and p.count("/") == 3)
    audit.visit(page, f"{space}prenota/")
    rooms = page.locator('select[name="resource"] option')
    labels = rooms.all_inner_texts()
    values = [rooms.nth(i).get_attribute("value") for i in range(rooms.count())]
    choice = next(
        (v for v, label in zip(values, labels, strict=True) if v and "Sala" in label),
        next(v for v in values if v),
    )
    page.select_option('select[name="resource"]', choice)
    page.fill('input[name="day"]', next_working_day().isoformat())
    page.get_by_role("button", name="Mostra la disponibilità").click()
    page.wait_for_load_state()
    audit.check(page)
    page.get_by_role("link", name="Scegli").first.click()
    page.wait_for_load_state()
    audit.check(page)
    page.get_by_role("button", name="Vedi il prezzo").click()
    page.wait_for_load_state()
    audit.check(page)
    screenshot(page, "coworking-quote")
    page.get_by_role("button", name="Conferma la prenotazione").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/spazi/mie-prenotazioni/", page.url
    audit.check(page)
    screenshot(page, "coworking-my-bookings")
    audit.assert_clean()


def test_a_space_manager_runs_their_space(page: Page, audit: Audit, totp: TotpClock) -> None:
    log_in(page, audit, BY_KEY["space_manager"], totp)
    audit.visit(page, "/gestione/spazi/")
    dashboards = [p for p in links(page, "main a") if re.fullmatch(r"/gestione/spazi/\d+/", p)]
    assert dashboards, "the space manager sees no space"
    audit.visit(page, dashboards[0])
    screenshot(page, "coworking-dashboard")
    pages = [
        p
        for p in links(page, "main a")
        if p.startswith(dashboards[0]) and p != dashboards[0] and "esporta" not in p
    ]
    assert len(pages) >= 8, f"the dashboard links to too few pages: {pages}"
    for path in pages:
        audit.visit(page, path)
        if "occupazione" in path:
            screenshot(page, "coworking-occupancy")
    audit.assert_clean()
