"""Matching in a real browser: the job seeker's matches with their reasons and her skill gaps;
the operator's matches of her people, one person's matches and a proposal the person then
finds; the coordinator's matching policy; the company's anonymised candidates and an
invitation."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from e2e.conftest import new_context
from e2e.server import LiveSite
from e2e.support import Audit, TotpClock, log_in, screenshot
from lavorete.demo.personas import PERSONAS

BY_KEY = {p.key: p for p in PERSONAS}
MY_AREA = "/area-personale/"
MY_MATCHES = "/area-personale/abbinamenti/"
MY_GAPS = "/area-personale/abbinamenti/competenze-mancanti/"
MY_CANDIDACIES = "/area-personale/candidature/"
MATCHES = "/gestione/abbinamenti/"
CASELOAD = "/gestione/percorsi/"
POLICIES = "/gestione/abbinamenti/criteri/"
# The demo's Segrate internship: she has 4 of its 5 essential skills, not web analytics.
INTERNSHIP = "Tirocinio: racconto digitale delle botteghe di quartiere"
MISSING = "web analytics"
HER_NAME = "Martina Esposito"
PROGRAMME = "Cittadinanza al lavoro"
COMPANY_VACANCY = "Addetta/o all'ufficio clienti"
FOUR_OF_FIVE = re.compile(r"\b4 (of|di|su) 5\b")
PHONE: ViewportSize = {"width": 390, "height": 844}


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def follow(page: Page, audit: Audit, link: str) -> None:
    """Click the link of `main` to `link` (a path), as a user would, and check the page."""
    with page.expect_navigation():
        page.locator(f'main a[href="{link}"]').first.click()
    assert path_of(page) == link, page.url
    audit.check(page)


def assert_fits(page: Page, what: str) -> None:
    """Nothing in the page's content is wider than the screen, except inside a box that
    scrolls sideways by design (a table, the tabs)."""
    overflow = page.evaluate(
        """() => {
          const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
          const inScroller = e => {
            for (let a = e.parentElement; a && a.tagName !== 'MAIN'; a = a.parentElement) {
              if (scrolls(a)) return true;
            }
            return false;
          };
          return [...document.querySelectorAll('main *')]
            .filter(e => !inScroller(e))
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className);
        }"""
    )
    assert not overflow, f"{what} is wider than a {PHONE['width']} px screen: {overflow}"


def test_a_job_seeker_sees_her_matches_and_what_she_lacks(page: Page, audit: Audit) -> None:
    log_in(page, audit, BY_KEY["job_seeker"], TotpClock())
    assert path_of(page) == MY_AREA, page.url
    follow(page, audit, MY_MATCHES)
    screenshot(page, "matching-my-matches")

    # The Segrate internship, with its reasons: 4 of 5 essential skills, the missing one named.
    card = page.locator("main .card", has=page.get_by_role("heading", name=INTERNSHIP))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(FOUR_OF_FIVE)
    expect(card).to_contain_text(MISSING)
    expect(card).to_contain_text(re.compile(r"\d+\s?%"))
    expect(card.locator('a[href^="/opportunita/"]')).to_have_count(1)
    # Apply, or where her candidacy stands when she already has one (an operator's proposal).
    apply = card.locator(f'a[href^="{MY_CANDIDACIES}candidati/"]')
    expect(apply.or_(card.locator(".badge.bg-secondary"))).to_have_count(1)
    headings = page.locator("main .card h2").all_inner_texts()
    scores = [int(m.group(1)) for h in headings if (m := re.search(r"(\d+)\s?%", h))]
    assert scores == sorted(scores, reverse=True), f"matches not best first: {scores}"

    # Her skill gaps: what her best matches ask and she lacks, web analytics among the first.
    follow(page, audit, MY_GAPS)
    gaps = page.locator("main table tbody tr")
    expect(gaps.first).to_be_visible()
    first_rows = gaps.locator("th").all_inner_texts()[:5]
    assert MISSING in [t.strip() for t in first_rows], first_rows
    screenshot(page, "matching-my-gaps")

    # On a phone: the cards fit the screen.
    page.set_viewport_size(PHONE)
    page.goto(MY_MATCHES)
    expect(card).to_contain_text(MISSING)
    assert_fits(page, "My matches")
    screenshot(page, "matching-my-matches-phone")
    audit.assert_clean()


def _option_starting_with(page: Page, select: str, text: str) -> str:
    values: list[str] = page.locator(f"{select} option").evaluate_all(
        "(os, t) => os.filter(o => o.textContent.trim().startsWith(t)).map(o => o.value)", text
    )
    assert values, f"no option of {select} starts with {text!r}"
    return values[0]


def test_an_operator_finds_a_person_among_the_matches_of_her_people(
    page: Page, audit: Audit, totp: TotpClock
) -> None:
    log_in(page, audit, BY_KEY["operator"], totp)
    audit.visit(page, MATCHES)
    screenshot(page, "matching-caseload")
    # Her people, by surname, a page at a time: on to Martina's.
    her = page.get_by_role("link", name=HER_NAME, exact=True)
    for _ in range(40):
        if her.count():
            break
        following = page.locator(".pagination a.page-link").last
        assert following.count(), f"{HER_NAME} is not among the operator's people"
        with page.expect_navigation():
            following.click()
        audit.check(page)
    row = page.locator("main table tbody tr", has=her)
    expect(row.locator(f'a[href^="{MATCHES}opportunita/"]').first).to_be_visible()
    with page.expect_navigation():
        her.click()
    assert re.fullmatch(rf"{MATCHES}persone/\d+/", path_of(page)), page.url
    audit.check(page)
    audit.assert_clean()


def test_an_operator_proposes_a_match_and_the_coordinator_tunes_a_policy(
    browser: Browser, live_site: LiveSite, audit: Audit, totp: TotpClock
) -> None:
    contexts: list[BrowserContext] = []

    def fresh_page() -> Page:
        context = new_context(browser, live_site, audit)
        contexts.append(context)
        return context.new_page()

    try:
        # The operator finds Martina in her caseload and opens her matching opportunities.
        operator = fresh_page()
        log_in(operator, audit, BY_KEY["operator"], totp)
        audit.visit(operator, f"{CASELOAD}?q=Esposito")
        with operator.expect_navigation():
            operator.get_by_role("link", name=HER_NAME, exact=True).first.click()
        audit.check(operator)
        to_matches = operator.locator(f'main a[href^="{MATCHES}persone/"]')
        expect(to_matches).to_have_count(1)
        with operator.expect_navigation():
            to_matches.click()
        person_matches = path_of(operator)
        assert re.fullmatch(rf"{MATCHES}persone/\d+/", person_matches), operator.url
        audit.check(operator)
        expect(operator.locator("main .lead")).to_contain_text(HER_NAME)
        card = operator.locator("main .card", has=operator.get_by_role("heading", name=INTERNSHIP))
        expect(card).to_contain_text(FOUR_OF_FIVE)
        expect(card).to_contain_text(MISSING)
        screenshot(operator, "matching-person")

        # She proposes the internship, with a word on why.
        form = operator.locator("main form", has=operator.locator('select[name="opportunity"]'))
        value = _option_starting_with(operator, 'main select[name="opportunity"]', INTERNSHIP)
        form.locator('select[name="opportunity"]').select_option(value)
        form.locator('textarea[name="message"]').fill(
            "Racconti già bene i negozi online: qui impari anche a misurare cosa funziona."
        )
        with operator.expect_navigation():
            form.locator('button[type="submit"]').click()
        assert path_of(operator) == person_matches, operator.url
        audit.check(operator)
        expect(operator.locator("main .alert-success")).to_have_count(1)
        expect(card).to_contain_text(re.compile("Proposed|Propost"))

        # Martina finds the proposal among her candidacies, waiting for her answer.
        seeker = fresh_page()
        log_in(seeker, audit, BY_KEY["job_seeker"], totp)
        audit.visit(seeker, MY_CANDIDACIES)
        proposal = seeker.locator("main .card", has_text=INTERNSHIP)
        expect(proposal).to_have_count(1)
        expect(proposal.locator(f'a[href^="{MY_CANDIDACIES}candidati/"]')).to_have_count(1)
        screenshot(seeker, "matching-proposal-received")

        # The coordinator gives the optional skills more weight in the programme's policy.
        coordinator = fresh_page()
        log_in(coordinator, audit, BY_KEY["coordinator"], totp)
        audit.visit(coordinator, POLICIES)
        screenshot(coordinator, "matching-policies")
        row = coordinator.locator("main table tbody tr", has_text=PROGRAMME)
        edit = row.locator(f'a[href^="{POLICIES}"]')
        with coordinator.expect_navigation():
            edit.click()
        audit.check(coordinator)
        screenshot(coordinator, "matching-policy")
        coordinator.fill('input[name="optional"]', "0.35")
        neet = coordinator.locator('input[name="priority_categories"][value="neet"]')
        if not neet.is_checked():
            coordinator.locator(f'label[for="{neet.get_attribute("id")}"]').click()
        expect(neet).to_be_checked()
        coordinator.fill('input[name="priority_bonus"]', "0.05")
        with coordinator.expect_navigation():
            coordinator.locator("main form button[type=submit]").click()
        assert path_of(coordinator) == POLICIES, f"policy not saved: {coordinator.url}"
        audit.check(coordinator)
        expect(row).to_contain_text(re.compile(r"0[,.]35"))
        expect(row).to_contain_text(re.compile(r"\+0[,.]05"))
    finally:
        for context in contexts:
            context.close()
    audit.assert_clean()


def test_a_company_sees_anonymised_candidates_and_invites_one(
    page: Page, audit: Audit, totp: TotpClock
) -> None:
    log_in(page, audit, BY_KEY["company"], totp)
    audit.visit(page, "/gestione/opportunita/")
    vacancy = page.get_by_role("link", name=COMPANY_VACANCY, exact=True)
    with page.expect_navigation():
        vacancy.click()
    audit.check(page)
    pk = path_of(page).rstrip("/").rsplit("/", 1)[-1]
    candidates = f"{MATCHES}opportunita/{pk}/"
    link = page.locator(f'main a[href="{candidates}"]')
    if link.count():
        follow(page, audit, candidates)
    else:
        # No link for the company on its opportunity's page yet (/tmp/review_d.md, C #20).
        audit.visit(page, candidates)
    screenshot(page, "matching-company-candidates")

    table = page.locator("main table")
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    codes = [c.strip() for c in rows.locator("th").all_inner_texts()]
    assert codes and all(re.fullmatch(r"[A-Z]-[0-9A-F]{6,}", c) for c in codes), codes
    text = page.locator("main").inner_text()
    assert HER_NAME not in text and "@" not in text, "a name or an e-mail on anonymised candidates"
    assert not page.locator('main a[href*="/persone/"]').count(), "a link to a person's page"

    # She invites the first: the operator will propose it; the company still learns nothing.
    first = rows.first
    with page.expect_navigation():
        first.locator("button[type=submit]").click()
    assert path_of(page) == candidates, page.url
    audit.check(page)
    expect(page.locator("main .alert-danger")).to_have_count(0)
    screenshot(page, "matching-company-invited")
    audit.assert_clean()
