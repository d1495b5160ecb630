"""The programme dashboard pages: who may see them, what they show, and what they never show."""

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import grant, make_user
from lavorete.core.roles import Role, ScopeKind
from lavorete.pathways.models import ProgrammeTarget
from lavorete.pathways.tests.dashboard_support import (
    enrol,
    move,
    record_outcome,
    stage,
)
from lavorete.territory.models import Municipality

NUMBER_CELL = re.compile(r'<td class="text-end[^"]*">(\d+)</td>')
SVG_NUMBER = re.compile(r">(\d+)</text>")


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def figures_built(
    db: Any, programme: Any, operator: Any, municipality: Any, registered: Any
) -> Any:
    """Paola (the `registered` persona) and 8 more in Pioltello, 3 in Segrate; some moved,
    two placed; a target of 400 people."""
    segrate = Municipality.objects.get(name="Segrate")
    pioltello = [enrol(programme, actor=operator, residence=municipality) for _ in range(8)]
    for _ in range(3):
        enrol(programme, actor=operator, residence=segrate, gender="male")
    orientation = stage(programme, "orientation")
    for enrolment in pioltello[:6]:
        move(enrolment, orientation)
    record_outcome(pioltello[0], "job", dt.date(2026, 3, 2), "indeterminato")
    record_outcome(pioltello[1], "job", dt.date(2026, 4, 1), "tirocinio")
    ProgrammeTarget.objects.create(programme=programme, kind="reached", value=400)
    return programme


def url(name: str, programme: Any, **extra: Any) -> str:
    return reverse(f"programme_dashboard:{name}", kwargs={"pk": programme.pk, **extra})


@pytest.mark.parametrize("persona", ["coordinator", "operator", "evaluator"])
def test_the_programmes_people_see_its_dashboard(
    client: Any, request: Any, figures_built: Any, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url("programme", figures_built))
    assert response.status_code == 200
    assert "People reached" in response.content.decode()


def test_a_fund_administrator_of_the_programme_sees_it(client: Any, figures_built: Any) -> None:
    admin = make_user("fondi@example.org", "Fabio Fondi", mfa=True)
    grant(admin, Role.FUND_ADMIN, ScopeKind.PROGRAMME, figures_built.pk)
    client.force_login(admin)
    assert client.get(url("programme", figures_built)).status_code == 200
    index = client.get(reverse("programme_dashboard:index"))
    assert figures_built.name in index.content.decode()


def test_an_operator_of_another_programme_gets_404(
    client: Any, figures_built: Any, other_operator: Any
) -> None:
    client.force_login(other_operator)
    assert client.get(url("programme", figures_built)).status_code == 404
    assert client.get(url("export", figures_built, fmt="csv")).status_code == 404
    index = client.get(reverse("programme_dashboard:index"))
    assert index.status_code == 200
    assert figures_built.name not in index.content.decode()


@pytest.mark.parametrize("persona", ["person", "org_rep", "outsider", "space_manager"])
def test_it_refuses_who_holds_no_dashboard_anywhere(
    client: Any, request: Any, figures_built: Any, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programme_dashboard:index")).status_code == 403
    assert client.get(url("programme", figures_built)).status_code == 403


def test_an_unknown_programme_is_404(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("programme_dashboard:programme", kwargs={"pk": 999999}))
    assert response.status_code == 404


def test_it_shows_no_count_from_one_to_four(
    client: Any, coordinator: Any, figures_built: Any
) -> None:
    client.force_login(coordinator)
    html = client.get(url("programme", figures_built)).content.decode()
    numbers = [int(n) for n in NUMBER_CELL.findall(html) + SVG_NUMBER.findall(html)]
    assert numbers, "the page shows figures"
    assert 12 in numbers  # people reached
    assert all(n == 0 or n >= 5 for n in numbers)
    assert re.search(r"Segrate</th><td class=\"text-end\">&lt;5</td>", html)
    # Pioltello's 9 would give Segrate's 3 away (12 - 9): hidden too.
    assert re.search(r"Pioltello</th><td class=\"text-end\">n.d.</td>", html)


def test_it_shows_no_personal_data(
    client: Any, coordinator: Any, figures_built: Any, registered: Any
) -> None:
    client.force_login(coordinator)
    html = client.get(url("programme", figures_built)).content.decode()
    names = [registered.first_name, registered.last_name, "Inventato"]
    for value in [*names, registered.tax_code, registered.email, "1998"]:
        assert not re.search(rf"\b{re.escape(value)}\b", html), value


def test_the_charts_are_inline_svg_with_a_text_alternative(
    client: Any, coordinator: Any, figures_built: Any
) -> None:
    client.force_login(coordinator)
    html = client.get(url("programme", figures_built)).content.decode()
    assert html.count('<svg class="lv-chart"') >= 4
    assert 'aria-labelledby="chart-municipalities-title chart-municipalities-desc"' in html
    assert "<caption>People reached by municipality of residence at intake</caption>" in html
    assert " style=" not in html
    assert "<script>" not in html


def test_the_index_lists_reached_against_target(
    client: Any, operator: Any, figures_built: Any, other_programme: Any
) -> None:
    client.force_login(operator)
    html = client.get(reverse("programme_dashboard:index")).content.decode()
    assert url("programme", figures_built) in html
    assert other_programme.name not in html
    assert '<td class="text-end">12</td>' in html
    assert '<td class="text-end">400</td>' in html
    assert "3%" in html


def _queries(client: Any, address: str, *, cold: bool = True) -> int:
    client.get(address)  # warm the caches: grants, session, stages
    if cold:
        cache.delete_many(list(_figures_keys()))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def _figures_keys() -> list[str]:
    """The cached figures' keys (locmem cache: its keys can be listed)."""
    store = getattr(cache, "_cache", {})
    return [k.split(":", 2)[-1] for k in store if "programme-figures" in k]


def test_the_pages_take_the_same_queries_for_3_and_30_people(
    client: Any, coordinator: Any, programme: Any, operator: Any, municipality: Any
) -> None:
    client.force_login(coordinator)
    for _ in range(3):
        enrol(programme, actor=operator, residence=municipality)
    page, index = url("programme", programme), reverse("programme_dashboard:index")
    few = (_queries(client, page), _queries(client, index))
    lab = stage(programme, "project_lab")
    segrate = Municipality.objects.get(name="Segrate")
    for i in range(27):
        enrolment = enrol(programme, actor=operator, residence=[municipality, segrate][i % 2])
        move(enrolment, lab)
        if i % 3 == 0:
            record_outcome(enrolment, "job", dt.date(2026, 2, 1), "tirocinio")
    assert (_queries(client, page), _queries(client, index)) == few


def test_a_repeat_view_reads_the_figures_from_the_cache(
    client: Any, coordinator: Any, figures_built: Any
) -> None:
    client.force_login(coordinator)
    page = url("programme", figures_built)
    cold = _queries(client, page)
    # Cached: only the version check (the last audit entry) is left of the figures' queries.
    assert _queries(client, page, cold=False) == cold - 6


def test_a_write_shows_on_the_next_view(
    client: Any, coordinator: Any, figures_built: Any, operator: Any, municipality: Any
) -> None:
    client.force_login(coordinator)
    page = url("programme", figures_built)
    assert '<span class="lv-figure-number">12</span>' in client.get(page).content.decode()
    enrol(figures_built, actor=operator, residence=municipality)
    assert '<span class="lv-figure-number">13</span>' in client.get(page).content.decode()
