"""The public site as an anonymous visitor sees it: pages, language, login errors, CSP."""

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import new_context
from e2e.server import LiveSite
from e2e.support import Audit, links, screenshot, submit
from lavorete.demo.personas import persona

LANGUAGE_SELECT = "#language-select"
PROGRAMMES_LINK = '#main-nav a[href="/programmi/"]'
LOGOUT_FORM = 'form[action="/accounts/logout/"]'
FORM_ERRORS = '[role="alert"], .alert-danger, .errorlist, .lv-errorlist, .invalid-feedback'


def test_visitor_reads_every_page_of_the_main_menu_and_footer(page: Page, audit: Audit) -> None:
    audit.visit(page, "/")
    screenshot(page, "home")
    pages = [*links(page, "#main-nav a"), *links(page, "#footer a")]
    assert "/programmi/" in pages
    for path in dict.fromkeys(pages):
        if path != "/":
            # The back office is not in an anonymous visitor's menu; if it were, it redirects.
            audit.visit(page, path)
    audit.assert_clean()


def test_back_office_sends_a_visitor_to_the_login(page: Page, audit: Audit) -> None:
    audit.visit(page, "/gestione/")
    assert urlsplit(page.url).path == "/accounts/login/"
    assert "next=/gestione/" in page.url
    audit.assert_clean()


def test_a_wrong_password_is_refused_with_an_error(page: Page, audit: Audit) -> None:
    audit.visit(page, "/accounts/login/")
    screenshot(page, "login")
    page.fill('input[name="login"]', persona("job_seeker").email)
    page.fill('input[name="password"]', "not-the-demo-password-1")
    submit(page, "password")

    assert urlsplit(page.url).path == "/accounts/login/"
    error = page.locator(FORM_ERRORS).first
    expect(error).to_be_visible()
    assert error.inner_text().strip(), "the error box is empty"
    assert page.locator(LOGOUT_FORM).count() == 0, "logged in with a wrong password"
    audit.check(page)
    audit.assert_clean()


def test_visitor_switches_language_and_back(page: Page, audit: Audit) -> None:
    audit.visit(page, "/programmi/")
    assert page.get_attribute("html", "lang") == "it"
    assert page.inner_text(PROGRAMMES_LINK).strip() == "Programmi"

    with page.expect_navigation():
        page.select_option(LANGUAGE_SELECT, "en")  # submits itself (core/lavorete.js)
    audit.check(page)
    assert page.get_attribute("html", "lang") == "en"
    assert urlsplit(page.url).path == "/programmi/", "the switch should stay on the same page"
    assert page.inner_text(PROGRAMMES_LINK).strip() == "Programmes"

    with page.expect_navigation():
        page.select_option(LANGUAGE_SELECT, "it")
    audit.check(page)
    assert page.get_attribute("html", "lang") == "it"
    assert page.inner_text(PROGRAMMES_LINK).strip() == "Programmi"
    audit.assert_clean()


def test_language_switch_works_without_javascript(
    browser: Browser, live_site: LiveSite, audit: Audit
) -> None:
    context = new_context(browser, live_site, audit, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.select_option(LANGUAGE_SELECT, "en")
        submit(page, "language")  # the <noscript> button
        assert page.get_attribute("html", "lang") == "en"
        assert page.inner_text(PROGRAMMES_LINK).strip() == "Programmes"
    finally:
        context.close()
    audit.assert_clean()


def test_home_page_breaks_no_content_security_policy(page: Page, audit: Audit) -> None:
    response = audit.visit(page, "/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, f"no strict script-src in {policy!r}"
    assert "unsafe-inline" not in policy
    page.wait_for_load_state("networkidle")
    csp = [
        p for p in audit.problems if p.startswith(("CSP violation", "console error", "JS error"))
    ]
    assert not csp, "\n".join(csp)
    audit.assert_clean()


def test_the_audit_catches_an_inline_script(page: Page, audit: Audit) -> None:
    """The CSP watch itself works: an injected inline script is reported, not run."""
    audit.visit(page, "/")
    page.wait_for_load_state("networkidle")
    before = len(audit.problems)  # the site's own, reported by the other tests
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.lvInlineRan = true;";
          document.head.appendChild(s);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.lvInlineRan === undefined"), "an inline script ran"
    caught = audit.problems[before:]
    assert any(p.startswith("CSP violation on /: script-src") for p in caught), caught
    audit.problems.clear()


def test_the_audit_catches_an_accessibility_violation(page: Page, audit: Audit) -> None:
    """The axe check itself works: an input without a label is reported."""
    audit.visit(page, "/")
    before = len(audit.problems)  # the site's own, reported by the other tests
    page.evaluate(
        """() => {
          const input = document.createElement("input");
          input.type = "text";
          document.querySelector("main").appendChild(input);
        }"""
    )
    audit.check(page)
    caught = audit.problems[before:]
    assert any(p.startswith("axe label [critical] on /:") for p in caught), caught
    audit.problems.clear()
