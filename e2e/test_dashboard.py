"""The programme dashboard in a real browser: charts drawn without scripts, figures readable,
small counts hidden, exports offered; axe finds nothing serious."""

import re

from playwright.sync_api import Page

from e2e.support import Audit, TotpClock, links, log_in, screenshot
from lavorete.demo.personas import PERSONAS

BY_KEY = {p.key: p for p in PERSONAS}
INDEX = "/gestione/cruscotto-programmi/"


def test_a_coordinator_reads_a_programmes_dashboard(
    page: Page, audit: Audit, totp: TotpClock
) -> None:
    log_in(page, audit, BY_KEY["coordinator"], totp)
    audit.visit(page, INDEX)
    screenshot(page, "dashboard-index")
    dashboards = [p for p in links(page, "main a") if re.fullmatch(rf"{INDEX}\d+/", p)]
    assert dashboards, "the coordinator sees no programme dashboard"
    audit.visit(page, dashboards[0])
    screenshot(page, "dashboard-programme")
    charts = page.locator("svg.lv-chart")
    assert charts.count() >= 3
    assert charts.first.get_attribute("role") == "img"
    assert page.locator("table caption").count() >= 5
    for cell in page.locator("main td.text-end").all_inner_texts():
        assert not re.fullmatch(r"[1-4]", cell.strip()), f"a small count is shown: {cell}"
    assert page.get_by_role("link", name="Esporta CSV").count() == 1
    audit.check_links(page)
    audit.assert_clean()


def test_an_operator_sees_only_their_programmes(page: Page, audit: Audit, totp: TotpClock) -> None:
    log_in(page, audit, BY_KEY["operator"], totp)
    audit.visit(page, INDEX)
    dashboards = [p for p in links(page, "main a") if re.fullmatch(rf"{INDEX}\d+/", p)]
    assert dashboards, "the operator sees no programme dashboard"
    audit.visit(page, dashboards[0])
    audit.assert_clean()
