"""What the browser tests check on every page, and how a persona logs in.

`Audit` watches every page a test opens and collects problems instead of
stopping at the first one, so a failing test lists everything wrong at once:
axe-core violations of impact "serious" or "critical", Content Security
Policy violations, console errors and uncaught exceptions, failing
subresources (a missing stylesheet, icon or font), server errors, and links
on the page that answer 4xx/5xx.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response

from lavorete.demo.personas import DEMO_PASSWORD, Persona

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
FAILING_IMPACTS = frozenset({"serious", "critical"})
# Enough for every menu, list and detail link of the demo; a page with more is
# sampled rather than slowing the suite down.
MAX_LINKS_PER_TEST = 250

# Reports CSP violations to the test through a binding: init scripts and
# bindings are injected by the browser itself, so the page's CSP does not block them.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__lvCspViolation({
    directive: e.violatedDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample,
  });
});
"""

_axe = Axe()


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class AxeFinding:
    page: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        targets = "; ".join(self.targets[:8])
        more = f" (+{len(self.targets) - 8} more)" if len(self.targets) > 8 else ""
        return f"axe {self.rule} [{self.impact}] on {self.page}: {self.help} -> {targets}{more}"


@dataclass
class Audit:
    """Problems found by one test, and every axe finding of the session (for the report)."""

    origin: str
    session_findings: list[AxeFinding]
    problems: list[str] = field(default_factory=list)
    checked_links: set[str] = field(default_factory=set)
    visited: list[str] = field(default_factory=list)

    # --- watching -------------------------------------------------------------

    def watch(self, context: BrowserContext) -> None:
        """Report CSP violations, console errors and failing requests of every page of `context`."""
        context.expose_binding("__lvCspViolation", self._on_csp_violation)
        context.add_init_script(_CSP_LISTENER)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)

    def _watch_page(self, page: Page) -> None:
        page.on("console", lambda msg: self._on_console(page, msg))
        page.on(
            "pageerror",
            lambda exc: self.problems.append(f"JS error on {self._path(page.url)}: {exc}"),
        )
        page.on("response", lambda response: self._on_response(page, response))
        page.on("requestfailed", lambda request: self._on_request_failed(page, request))

    def _on_csp_violation(self, source: dict[str, Any], report: dict[str, Any]) -> None:
        page = self._path(source["page"].url)
        self.problems.append(
            f"CSP violation on {page}: {report['directive']} blocked {report['blocked']!r} "
            f"(source {self._path(report['source'] or '?')}:{report['line']})"
        )

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        # Failed loads are reported with their URL and status by _on_response, CSP
        # violations with their source by _on_csp_violation.
        text = message.text
        if (
            message.type == "error"
            and not text.startswith("Failed to load resource")
            and "Content Security Policy" not in text
        ):
            self.problems.append(f"console error on {self._path(page.url)}: {_shorten(text)}")

    def _on_response(self, page: Page, response: Response) -> None:
        if not self._same_origin(response.url):
            return
        if response.request.is_navigation_request():
            # Expected 4xx pages are asserted by the tests; a 5xx is never expected.
            if response.status >= 500:
                self.problems.append(f"HTTP {response.status} for page {self._path(response.url)}")
        elif response.status >= 400:
            self.problems.append(
                f"HTTP {response.status} for {self._path(response.url)} "
                f"(loaded by {self._path(page.url)})"
            )

    def _on_request_failed(self, page: Page, request: Request) -> None:
        # ERR_ABORTED: a navigation superseded by the next one (e.g. an auto-submitted form).
        if self._same_origin(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(
                f"request failed: {self._path(request.url)} ({request.failure}) "
                f"on {self._path(page.url)}"
            )

    # --- visiting -------------------------------------------------------------

    def visit(self, page: Page, path: str, *, expect_status: int = 200) -> Response:
        """Open `path`, assert its status, then check the page."""
        response = page.goto(path)
        assert response is not None, f"no response for {path}"
        assert response.status == expect_status, (
            f"{path} answered {response.status}, expected {expect_status}"
        )
        self.check(page)
        return response

    def check(self, page: Page) -> None:
        """Run axe on the page as it is now, and check its links."""
        page.wait_for_load_state("load")
        path = self._path(page.url)
        self.visited.append(path)
        results = _axe.run(page, options={"resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            finding = AxeFinding(
                page=path,
                rule=violation["id"],
                impact=violation.get("impact") or "",
                help=violation["help"],
                targets=[" ".join(map(str, node["target"])) for node in violation["nodes"]],
            )
            self.session_findings.append(finding)
            if finding.impact in FAILING_IMPACTS:
                self.problems.append(str(finding))
        self.check_links(page)

    def check_links(self, page: Page) -> None:
        """Follow every same-origin link of the page (GET, the session's cookies) once per test."""
        hrefs: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        here = urldefrag(page.url).url
        for href in hrefs:
            url = urldefrag(href).url
            # Links to the page itself (skip links, anchors) were checked by loading it.
            if url == here or not self._same_origin(url) or url in self.checked_links:
                continue
            if len(self.checked_links) >= MAX_LINKS_PER_TEST:
                return
            self.checked_links.add(url)
            response = page.request.get(url, max_redirects=5, fail_on_status_code=False)
            if response.status >= 400:
                self.problems.append(
                    f"broken link on {self._path(page.url)}: {self._path(url)} -> {response.status}"
                )
            response.dispose()

    def assert_clean(self) -> None:
        """Fail with every problem found so far, if any."""
        if self.problems:
            problems = list(dict.fromkeys(self.problems))
            self.problems.clear()
            raise AssertionError(
                f"{len(problems)} problem(s) in the pages visited:\n  - " + "\n  - ".join(problems)
            )

    # --- helpers --------------------------------------------------------------

    def _same_origin(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url == self.origin

    def _path(self, url: str) -> str:
        if not self._same_origin(url):
            return url
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def write_axe_report(findings: list[AxeFinding]) -> Path:
    """All axe findings of the session, every impact, for humans: artifacts/axe-report.json."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "axe-report.json"
    path.write_text(json.dumps([f.__dict__ for f in findings], indent=2, ensure_ascii=False))
    return path


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under artifacts/, for humans to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class TotpClock:
    """The codes a persona's authenticator app shows, never reusing one (the server refuses reuse)."""

    # Don't submit a code this close to the end of its period: it could expire on the way.
    MARGIN_SECONDS = 3.0

    def __init__(self) -> None:
        self._used: set[tuple[str, int]] = set()

    def code(self, persona: Persona) -> str:
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        secret = persona.totp_secret
        assert secret, f"{persona.key} has no TOTP secret"
        while True:
            now = time.time()
            counter, elapsed = divmod(now, 30)
            remaining = 30 - elapsed
            if (persona.email, int(counter)) in self._used or remaining < self.MARGIN_SECONDS:
                time.sleep(remaining + 0.1)
                continue
            self._used.add((persona.email, int(counter)))
            return format_hotp_value(hotp_value(secret, int(counter)))


def submit(page: Page, field_name: str) -> Response | None:
    """Click the submit button of the form holding the field `field_name`, and wait for the result."""
    form = page.locator("form", has=page.locator(f'[name="{field_name}"]'))
    button = form.locator('button[type="submit"], input[type="submit"]').first
    with page.expect_navigation() as navigation:
        button.click()
    return navigation.value


def log_in(page: Page, audit: Audit, persona: Persona, totp: TotpClock) -> None:
    """Log in through the real forms: e-mail and password, then the TOTP code for staff."""
    audit.visit(page, "/accounts/login/")
    page.fill('input[name="login"]', persona.email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    submit(page, "password")
    if persona.staff:
        assert urlsplit(page.url).path == "/accounts/2fa/authenticate/", (
            f"{persona.key} is staff: expected the TOTP step, got {page.url}"
        )
        audit.check(page)
        page.fill('input[name="code"]', totp.code(persona))
        submit(page, "code")
    assert not urlsplit(page.url).path.startswith("/accounts/"), (
        f"{persona.key} did not get past the login forms: still on {page.url}"
    )
    audit.check(page)


def log_out(page: Page, audit: Audit) -> None:
    """Log out with the header's button, as a user would."""
    form = page.locator('form[action="/accounts/logout/"]')
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    audit.check(page)


def links(page: Page, selector: str) -> Iterator[str]:
    """The same-origin paths of the links matching `selector`, in page order, once each."""
    hrefs: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.href)")
    here = urlsplit(page.url).netloc
    seen: set[str] = set()
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path
        if parts.netloc == here and path not in seen:
            seen.add(path)
            yield path
