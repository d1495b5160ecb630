"""The people registry in a real browser: an operator adds a skill with the skill picker."""

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import new_context
from e2e.server import LiveSite
from e2e.support import Audit, TotpClock, log_in, screenshot, submit
from lavorete.demo.personas import PERSONAS

BY_KEY = {p.key: p for p in PERSONAS}
SKILL = "use different communication channels"


def job_seekers_record(browser: Browser, live_site: LiveSite, audit: Audit, totp: TotpClock) -> int:
    """The number of the job seeker's record, as her own API answer gives it."""
    context = new_context(browser, live_site, audit)
    try:
        page = context.new_page()
        log_in(page, audit, BY_KEY["job_seeker"], totp)
        response = page.request.get("/api/v1/me/profile")
        assert response.ok, f"/api/v1/me/profile answered {response.status}"
        return int(response.json()["id"])
    finally:
        context.close()


def test_an_operator_adds_a_skill_with_the_picker(
    browser: Browser, live_site: LiveSite, page: Page, audit: Audit, totp: TotpClock
) -> None:
    person_pk = job_seekers_record(browser, live_site, audit, totp)
    log_in(page, audit, BY_KEY["operator"], totp)
    audit.visit(page, f"/gestione/persone/{person_pk}/competenze/")
    search = page.locator('input[name="skill_q"]')
    search.click()
    search.press_sequentially("communication channels", delay=20)
    option = page.get_by_role("option", name=SKILL)
    expect(option).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    # Keyboard: down to the option, Enter chooses it (and doesn't submit the form).
    options = page.get_by_role("option")
    for _ in range(options.count()):
        search.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    search.press("Enter")
    expect(search).to_have_value(SKILL)
    assert page.locator('input[name="skill"]').input_value()
    page.select_option('select[name="level"]', "3")
    page.select_option('select[name="evidence"]', "assessed")
    audit.check(page)
    screenshot(page, "people-skill-picker")
    submit(page, "skill_q")
    audit.check(page)
    table = page.locator("main table")
    expect(table).to_contain_text(SKILL)
    row = table.locator("tr", has_text=SKILL)
    expect(row).to_contain_text("3")
    screenshot(page, "people-skills")
    audit.assert_clean()
