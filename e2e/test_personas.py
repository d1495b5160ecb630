"""Each demo persona logs in through the real forms and uses the pages their role offers."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from e2e.support import Audit, TotpClock, links, log_in, log_out, screenshot
from lavorete.demo.personas import PERSONAS, Persona

BACKOFFICE = "/gestione/"
PERSONAL_AREA = "/area-personale/"
PUBLIC_PAGES = ["/", "/programmi/"]
# The coordinator sees the whole network: these must all be in their menu.
COORDINATOR_PAGES = [
    "/gestione/organizzazioni/",
    "/gestione/programmi/",
    "/gestione/accordi/",
    "/gestione/territorio/comuni/",
    "/gestione/ruoli/",
    "/gestione/registro/",
]
MAIN_NAV = "#main-nav a"
SIDEBAR = ".lv-sidebar a"
LOGOUT_FORM = 'form[action="/accounts/logout/"]'


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.key)
def test_persona_logs_in_uses_their_pages_and_logs_out(
    page: Page, audit: Audit, totp: TotpClock, persona: Persona
) -> None:
    log_in(page, audit, persona, totp)
    first_name = persona.full_name.split()[0]
    assert first_name in page.inner_text("header"), (
        f"{persona.full_name}'s name is not in the header of {page.url}"
    )

    nav = list(links(page, MAIN_NAV))
    missing_public = [path for path in PUBLIC_PAGES if path not in nav]
    assert not missing_public, f"main navigation lacks {missing_public}: it has {nav}"
    visited = {urlsplit(page.url).path}
    # The other public pages are the anonymous visitor's test: not repeated for each persona.
    for path in [*PUBLIC_PAGES, PERSONAL_AREA]:
        if path not in visited:
            audit.visit(page, path)
            visited.add(path)

    if BACKOFFICE in nav:
        visit_back_office(page, audit, persona, visited)
    else:
        assert not persona.staff, f"{persona.key} is staff but has no back-office link"
        audit.visit(page, BACKOFFICE, expect_status=403)

    log_out(page, audit)
    assert page.locator(LOGOUT_FORM).count() == 0, "still logged in after logging out"
    assert first_name not in page.inner_text("header")
    audit.assert_clean()


def visit_back_office(page: Page, audit: Audit, persona: Persona, visited: set[str]) -> None:
    """The dashboard, then every entry of the sidebar menu (the coordinator's must be complete)."""
    audit.visit(page, BACKOFFICE)
    is_coordinator = persona.key == "coordinator"
    if is_coordinator:
        screenshot(page, "backoffice-dashboard")
    menu = list(links(page, SIDEBAR))
    assert menu, f"{persona.key}: the back-office sidebar has no links"
    expected = COORDINATOR_PAGES if is_coordinator else []
    audit.problems.extend(
        f"{persona.key}: {path} is missing from the back-office menu {menu}"
        for path in expected
        if path not in menu
    )
    for path in dict.fromkeys([*menu, *expected]):
        if path not in visited and path != BACKOFFICE:
            audit.visit(page, path)
            visited.add(path)
