"""The ESCO skills search in a real browser."""

from playwright.sync_api import Page

from e2e.support import Audit, screenshot


def test_a_visitor_finds_a_skill_despite_a_typo(page: Page, audit: Audit) -> None:
    audit.visit(page, "/competenze/")
    page.fill('input[name="q"]', "javscript")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_load_state()
    audit.check(page)
    assert "JavaScript" in page.inner_text("main")
    screenshot(page, "skills-search")
    audit.assert_clean()
