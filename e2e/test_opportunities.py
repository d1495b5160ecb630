"""Opportunities in a real browser: a company posts a vacancy with the ESCO skill picker and
publishes it; a visitor finds it on the public board; the job seeker applies; the company
sees her anonymised in the pipeline until she shares her profile, then moves her to an
interview."""

import datetime as dt
import re
import time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, BrowserContext, Page, expect

from e2e.conftest import new_context
from e2e.server import LiveSite
from e2e.support import Audit, TotpClock, links, log_in, screenshot, submit
from lavorete.demo.personas import DEMO_PASSWORD, PERSONAS

BY_KEY = {p.key: p for p in PERSONAS}
BACKOFFICE = "/gestione/opportunita/"
BOARD = "/opportunita/"
MY_CANDIDACIES = "/area-personale/candidature/"
PROGRAMME = "Cittadinanza al lavoro"
ESSENTIAL = ("communicate with customers", "use spreadsheets software")
OPTIONAL = "use a warehouse management system"
# What the job seeker's anonymised card must never show before she shares her profile.
HER_IDENTITY = ("Martina", "Esposito", "persona@demo.example.org")


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def pick_skill(page: Page, query: str, label: str) -> None:
    """Type in the skill picker, go down to the option by keyboard, choose it with Enter."""
    search = page.locator('input[name="skill_q"]')
    search.click()
    search.fill("")
    search.press_sequentially(query, delay=20)
    # A label with no Italian name yet is announced "… in inglese".
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(label)}( in \w+)?$"))
    expect(option).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    options = page.get_by_role("option")
    for _ in range(options.count()):
        search.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    search.press("Enter")
    expect(search).to_have_value(label)
    assert page.locator('input[name="skill"]').input_value(), f"{label}: no skill chosen"


def add_skill(page: Page, audit: Audit, query: str, label: str, relation: str, level: str) -> None:
    pick_skill(page, query, label)
    page.select_option('select[name="relation"]', relation)
    page.select_option('select[name="level"]', level)
    submit(page, "skill_q")
    audit.check(page)
    expect(page.locator("main table")).to_contain_text(label)


def post_form(page: Page, action_suffix: str) -> None:
    """Press the button of the (one-button) form whose action ends with `action_suffix`."""
    form = page.locator(f'main form[action$="{action_suffix}"]')
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def more_filters(page: Page) -> None:
    """Open the board's "more filters" (kind, remote, organisation, district) if it is folded."""
    details = page.locator("main form[role=search] details")
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()


def company_posts_a_vacancy(page: Page, audit: Audit, totp: TotpClock, title: str) -> str:
    """The company's representative posts and publishes a vacancy; its back-office path."""
    log_in(page, audit, BY_KEY["company"], totp)
    audit.visit(page, BACKOFFICE)
    screenshot(page, "opportunities-list")
    page.locator(f'main a[href="{BACKOFFICE}nuova/"]').first.click()
    page.wait_for_load_state()
    assert path_of(page) == f"{BACKOFFICE}nuova/", page.url
    audit.check(page)
    screenshot(page, "opportunities-new")

    organisation = page.locator('select[name="organisation"]')
    if not organisation.input_value():
        organisation.select_option(label="Imballaggi Martesana Srl")
    programme = page.locator('select[name="programme"]')
    labels = programme.locator("option").all_inner_texts()
    if PROGRAMME in labels:
        programme.select_option(label=PROGRAMME)
    page.select_option('select[name="kind"]', "job")
    page.fill('input[name="title"]', title)
    page.fill(
        'textarea[name="description"]',
        "Cerchiamo una persona per l'ufficio spedizioni: accoglie i clienti al telefono, "
        "aggiorna i fogli di calcolo degli ordini e prepara i documenti di trasporto.",
    )
    prefill = page.locator('input[name="prefill_skills"]')
    if prefill.count() and prefill.is_checked():
        page.locator('label[for="id_prefill_skills"]').click()
    page.fill('input[name="municipality"]', "Segrate (MI)")
    page.select_option('select[name="contract_type"]', "determinato")
    page.fill('input[name="weekly_hours"]', "25")
    page.fill('input[name="positions"]', "1")
    closes = dt.datetime.now(ZoneInfo("Europe/Rome")).date() + dt.timedelta(days=45)
    page.fill('input[name="closes_on"]', closes.isoformat())
    submit(page, "title")
    detail = path_of(page)
    assert re.fullmatch(rf"{BACKOFFICE}\d+/", detail), f"not on the new opportunity: {page.url}"
    audit.check(page)
    expect(page.locator("h1")).to_have_text(title)
    screenshot(page, "opportunities-draft")

    # Two essential skills and an optional one, with the picker, by keyboard.
    page.locator(f'main a[href="{detail}competenze/"]').first.click()
    page.wait_for_load_state()
    audit.check(page)
    add_skill(page, audit, "communicate with cust", ESSENTIAL[0], "essential", "2")
    add_skill(page, audit, "spreadsheets software", ESSENTIAL[1], "essential", "2")
    add_skill(page, audit, "warehouse management", OPTIONAL, "optional", "1")
    screenshot(page, "opportunities-skills")

    # A language.
    page.locator(f'main a[href="{detail}lingue/"]').first.click()
    page.wait_for_load_state()
    audit.check(page)
    # (The header has a select named "language" too: the site's language.)
    form = page.locator("main form", has=page.locator('select[name="level"]'))
    form.locator('select[name="language"]').select_option("it")
    form.locator('select[name="level"]').select_option("B1")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()
    audit.check(page)
    expect(page.locator("main table")).to_contain_text("B1")
    screenshot(page, "opportunities-languages")

    # Publish it.
    audit.visit(page, detail)
    post_form(page, "/pubblica/")
    assert path_of(page) == detail, page.url
    audit.check(page)
    board_link = page.locator(f'main a[href^="{BOARD}"]')
    expect(board_link).to_have_count(1)
    screenshot(page, "opportunities-published")

    # The representative finds it on the public board with the filters.
    audit.visit(page, BOARD)
    page.fill('input[name="q"]', title.split()[-1])
    page.select_option('select[name="municipality"]', label="Segrate (MI)")
    more_filters(page)
    page.select_option('select[name="kind"]', "job")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_load_state()
    audit.check(page)
    expect(page.get_by_role("link", name=title)).to_have_count(1)
    # Another kind, same words: it's gone.
    more_filters(page)
    page.select_option('select[name="kind"]', "volunteer")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name=title)).to_have_count(0)
    return detail


def test_a_company_posts_a_vacancy_and_a_job_seeker_applies(
    browser: Browser, live_site: LiveSite, audit: Audit, totp: TotpClock
) -> None:
    title = f"Addetta/o all'ufficio spedizioni {int(time.time())}"
    contexts: list[BrowserContext] = []

    def fresh_page(**options: object) -> Page:
        context = new_context(browser, live_site, audit, **options)
        contexts.append(context)
        return context.new_page()

    try:
        company = fresh_page()
        detail = company_posts_a_vacancy(company, audit, totp, title)
        opportunity_pk = detail.rstrip("/").rsplit("/", 1)[-1]

        # An anonymous visitor: the board, the detail page with its skills, Apply → login.
        visitor = fresh_page()
        audit.visit(visitor, BOARD)
        screenshot(visitor, "board")
        visitor.get_by_role("link", name=title).click()
        visitor.wait_for_load_state()
        board_detail = path_of(visitor)
        assert board_detail == f"{BOARD}{opportunity_pk}/", visitor.url
        audit.check(visitor)
        main = visitor.locator("main")
        for label in (*ESSENTIAL, OPTIONAL):
            expect(main).to_contain_text(label)
        expect(main).to_contain_text("Segrate")
        screenshot(visitor, "board-detail")
        login = visitor.locator('main a[href^="/accounts/login/"]')
        expect(login).to_have_count(1)
        with visitor.expect_navigation():
            login.click()
        assert path_of(visitor) == "/accounts/login/", visitor.url

        # The job seeker logs in from there and is back on the opportunity: she applies.
        visitor.fill('input[name="login"]', BY_KEY["job_seeker"].email)
        visitor.fill('input[name="password"]', DEMO_PASSWORD)
        submit(visitor, "password")
        assert path_of(visitor) == board_detail, f"not back on the opportunity: {visitor.url}"
        audit.check(visitor)
        apply = visitor.locator(f'main a[href="{MY_CANDIDACIES}candidati/{opportunity_pk}/"]')
        expect(apply).to_have_count(1)
        with visitor.expect_navigation():
            apply.click()
        audit.check(visitor)
        screenshot(visitor, "candidacy-apply")
        visitor.fill(
            'textarea[name="message"]',
            "Buongiorno, ho lavorato in segreteria e come commessa: mi piacerebbe conoscervi.",
        )
        submit(visitor, "message")
        assert path_of(visitor) == MY_CANDIDACIES, visitor.url
        audit.check(visitor)
        mine = visitor.locator("main .card", has_text=title)
        expect(mine).to_have_count(1)
        screenshot(visitor, "candidacies-mine")

        # The company: the candidacy in the pipeline, anonymised.
        pipeline = f"/gestione/candidature/opportunita/{opportunity_pk}/"
        audit.visit(company, detail)
        link = company.locator(f'main a[href="{pipeline}"]')
        expect(link).to_have_count(1)
        with company.expect_navigation():
            link.click()
        audit.check(company)
        rows = company.locator("main table tbody tr")
        expect(rows).to_have_count(1)
        text = company.locator("main").inner_text()
        for identity in HER_IDENTITY:
            assert identity not in text, f"{identity!r} on the anonymised pipeline"
        expect(rows.first).to_contain_text("2 / 2")  # both essential skills held
        screenshot(company, "pipeline-anonymised")
        candidacy = next(links(company, "main table tbody a"))
        audit.visit(company, candidacy)
        text = company.locator("main").inner_text()
        for identity in HER_IDENTITY:
            assert identity not in text, f"{identity!r} on the anonymised candidate's page"
        screenshot(company, "pipeline-candidate-anonymised")

        # She shares her profile from her candidacies page (giving the consent if needed).
        share = mine.locator('a[href$="/condividi/"]')
        with visitor.expect_navigation():
            share.click()
        audit.check(visitor)
        screenshot(visitor, "candidacy-share")
        agree = visitor.locator('input[name="agree"]')
        if agree.count():
            visitor.locator('label[for="id_agree"]').click()
        with visitor.expect_navigation():
            visitor.locator('main form button[type="submit"]').click()
        assert path_of(visitor) == MY_CANDIDACIES, visitor.url
        audit.check(visitor)
        expect(mine.locator('a[href$="/condividi/"]')).to_have_count(0)

        # The company now sees who she is, and invites her to an interview.
        audit.visit(company, pipeline)
        expect(company.locator("main table")).to_contain_text("Martina Esposito")
        screenshot(company, "pipeline-shared")
        audit.visit(company, candidacy)
        expect(company.locator("main")).to_contain_text("persona@demo.example.org")
        screenshot(company, "pipeline-candidate-shared")
        step = company.locator('main a[href$="/passo/"]')
        with company.expect_navigation():
            step.click()
        audit.check(company)
        company.select_option('select[name="status"]', "interview")
        company.fill('textarea[name="note"]', "Colloquio martedì alle 10 in sede.")
        submit(company, "status")
        assert path_of(company) == candidacy, company.url
        audit.check(company)
        expect(company.locator("main h1").locator("xpath=..")).to_contain_text(
            re.compile("Colloquio|Interview")
        )
        screenshot(company, "pipeline-interview")

        # And she sees the step in her candidacies.
        audit.visit(visitor, MY_CANDIDACIES)
        expect(mine).to_contain_text(re.compile("Colloquio|Interview"))
    finally:
        for context in contexts:
            context.close()
    audit.assert_clean()
