"""Pathways in a real browser: an operator takes a person in, finds them in the caseload,
opens their file, adds a case note, records a service and moves them to the next stage."""

import time
from urllib.parse import urlsplit

from playwright.sync_api import Page

from e2e.support import Audit, TotpClock, links, log_in, screenshot, submit
from lavorete.demo.personas import PERSONAS

BY_KEY = {p.key: p for p in PERSONAS}
CASELOAD = "/gestione/percorsi/"


def _choose_first(page: Page, name: str) -> None:
    """Pick the first real option of a select, unless one is already chosen."""
    select = page.locator(f'select[name="{name}"]')
    if select.input_value():
        return
    values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    assert values, f"no choice for {name}"
    select.select_option(values[0])


def test_an_operator_follows_a_person(page: Page, audit: Audit, totp: TotpClock) -> None:
    log_in(page, audit, BY_KEY["operator"], totp)
    audit.visit(page, CASELOAD)
    screenshot(page, "pathways-caseload")

    # Take a new person in: registered and enrolled at the programme's first stage.
    surname = f"Prova{int(time.time())}"
    audit.visit(page, f"{CASELOAD}accogli/")
    page.fill('input[name="first_name"]', "Elena")
    page.fill('input[name="last_name"]', surname)
    _choose_first(page, "programme")
    page.locator('label[for="id_consent_programme"]').click()
    submit(page, "last_name")
    person_file = urlsplit(page.url).path
    assert person_file.startswith(f"{CASELOAD}persone/"), page.url
    audit.check(page)

    # Find them in the caseload and open their file.
    audit.visit(page, f"{CASELOAD}?q={surname}")
    found = [p for p in links(page, "main table a") if p.startswith(f"{CASELOAD}persone/")]
    assert found == [person_file], found
    audit.visit(page, found[0])
    assert page.locator("h1").inner_text().strip() == f"Elena {surname}"

    # A case note.
    audit.visit(page, f"{person_file}nota/")
    _choose_first(page, "enrolment")
    page.fill('textarea[name="text"]', "Primo colloquio: motivata, cerca lavoro in logistica.")
    submit(page, "text")
    assert urlsplit(page.url).path == person_file, page.url
    assert "logistica" in page.locator("#timeline").inner_text()
    audit.check(page)

    # An individual service (today, one hour, attended).
    audit.visit(page, f"{person_file}servizio/")
    _choose_first(page, "enrolment")
    page.select_option('select[name="kind"]', "orientation")
    submit(page, "kind")
    assert urlsplit(page.url).path == person_file, page.url
    audit.check(page)

    # Move to the second stage of the pathway.
    audit.visit(page, f"{person_file}sposta/")
    _choose_first(page, "enrolment")
    options = page.locator('select[name="to_stage"] option')
    second = next(
        options.nth(i).get_attribute("value")
        for i in range(options.count())
        if "— 2. " in options.nth(i).inner_text()
    )
    page.select_option('select[name="to_stage"]', second)
    page.fill('textarea[name="reason"]', "Accoglienza conclusa")
    submit(page, "reason")
    assert urlsplit(page.url).path == person_file, page.url
    assert page.locator('[aria-current="step"]').inner_text().startswith("2.")
    audit.check(page)
    screenshot(page, "pathways-person-file")
    audit.assert_clean()
