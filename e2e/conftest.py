"""Fixtures of the browser tests: one demo server per session, Chromium, and the page audit.

Run with `.venv/bin/pytest e2e` (separately from the unit tests). The
session starts a server process on a throw-away database built by
`manage.py migrate` and `manage.py demo` (see e2e/server.py for why a
process and not pytest-django's live_server), on SQLite, or on a fresh
PostgreSQL database `<name>_e2e` when DATABASE_URL points to PostgreSQL.

Chromium is the system one (/usr/bin/chromium, or the path in CHROMIUM); Playwright
never downloads a browser. Without it the suite is skipped, unless
REQUIRE_BROWSER=1, when its absence is an error.

Every page a test opens is audited (e2e/support.py); screenshots, the server
log and every axe finding (all impacts) go to e2e/artifacts/.
"""

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from e2e import server
from e2e.support import ARTIFACTS, Audit, AxeFinding, TotpClock, write_axe_report

CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).resolve().parent

_AUDIT = pytest.StashKey[Audit]()
_SITE = pytest.StashKey[server.LiveSite]()
_LOG_OFFSET = pytest.StashKey[int]()
_CALL_PASSED = pytest.StashKey[bool]()
# Access-log lines of successful requests: noise in a failure report.
_QUIET_LOG_LINE = re.compile(r"^[23]\d\d [A-Z]+ ")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    missing = (
        f"Chromium not found at {CHROMIUM} (install the distribution's chromium package, "
        "or set CHROMIUM to its path)"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"{missing}; REQUIRE_BROWSER=1 makes this an error")
    message = f"{missing}: browser tests skipped"
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Record whether the test passed; on failure, add its pending problems and server log."""
    report = yield
    if report.when != "call":
        return report
    item.stash[_CALL_PASSED] = report.passed
    audit = item.stash.get(_AUDIT, None)
    site = item.stash.get(_SITE, None)
    if report.failed and audit is not None and site is not None:
        if audit.problems:
            pending = "\n".join(dict.fromkeys(audit.problems))
            report.sections.append(("problems found in the pages before the failure", pending))
        offset = item.stash.get(_LOG_OFFSET, 0)
        log = "\n".join(
            line for line in site.log_since(offset).splitlines() if not _QUIET_LOG_LINE.match(line)
        )
        if log.strip():
            report.sections.append(("server log during the test", log))
    return report


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.LiveSite]:
    """The demo, served by gunicorn from a throw-away database, for the whole session."""
    ARTIFACTS.mkdir(exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # one server per xdist worker
    log = ARTIFACTS / (f"server-{worker}.log" if worker else "server.log")
    site = server.start(tmp_path_factory.mktemp("e2e-site"), log)
    yield site
    server.stop(site)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_findings() -> Iterator[list[AxeFinding]]:
    findings: list[AxeFinding] = []
    yield findings
    write_axe_report(findings)


@pytest.fixture(scope="session")
def totp() -> TotpClock:
    return TotpClock()


@pytest.fixture
def audit(
    request: pytest.FixtureRequest, live_site: server.LiveSite, axe_findings: list[AxeFinding]
) -> Iterator[Audit]:
    """This test's audit; a test that passes while problems are pending fails at teardown."""
    audit = Audit(origin=live_site.url, session_findings=axe_findings)
    request.node.stash[_AUDIT] = audit
    request.node.stash[_SITE] = live_site
    request.node.stash[_LOG_OFFSET] = live_site.log_size()
    yield audit
    if request.node.stash.get(_CALL_PASSED, False):
        audit.assert_clean()


def new_context(
    browser: Browser, live_site: server.LiveSite, audit: Audit, **options: object
) -> BrowserContext:
    """A fresh browser profile on the demo site, Italian, desktop-sized, watched by `audit`."""
    context = browser.new_context(
        base_url=live_site.url,
        locale="it-IT",
        timezone_id="Europe/Rome",
        viewport={"width": 1280, "height": 900},
        **options,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)
    audit.watch(context)
    return context


@pytest.fixture
def context(browser: Browser, live_site: server.LiveSite, audit: Audit) -> Iterator[BrowserContext]:
    context = new_context(browser, live_site, audit)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
