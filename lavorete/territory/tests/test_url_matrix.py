"""Every territory URL against every persona: who gets in, who is refused."""

from typing import Any

import pytest
from django.urls import reverse

from lavorete.territory import urls
from lavorete.territory.models import District

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, LOGIN = 200, 403, 302

# url name -> expected status for each persona (GET).
MATRIX: dict[str, dict[str, int]] = {
    "municipality_list": {
        "coordinator": OK,
        "operator": OK,
        "space_manager": OK,
        "evaluator": FORBIDDEN,
        "org_rep": FORBIDDEN,
        "person": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "municipality_search": {
        "coordinator": OK,
        "operator": OK,
        "space_manager": OK,
        "evaluator": OK,
        "org_rep": OK,
        "person": OK,
        "anonymous": LOGIN,
    },
    "district_list": {
        "coordinator": OK,
        "operator": OK,
        "space_manager": OK,
        "evaluator": FORBIDDEN,
        "org_rep": FORBIDDEN,
        "person": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "district_detail": {
        "coordinator": OK,
        "operator": OK,
        "space_manager": OK,
        "evaluator": FORBIDDEN,
        "org_rep": FORBIDDEN,
        "person": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "district_create": {
        "coordinator": OK,
        "operator": FORBIDDEN,
        "space_manager": FORBIDDEN,
        "evaluator": FORBIDDEN,
        "org_rep": FORBIDDEN,
        "person": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "district_update": {
        "coordinator": OK,
        "operator": FORBIDDEN,
        "space_manager": FORBIDDEN,
        "evaluator": FORBIDDEN,
        "org_rep": FORBIDDEN,
        "person": FORBIDDEN,
        "anonymous": LOGIN,
    },
}


def test_the_matrix_covers_every_url() -> None:
    assert set(MATRIX) == {p.name for p in urls.urlpatterns}


def url_for(name: str, district: District) -> str:
    if name in {"district_detail", "district_update"}:
        return reverse(f"territory:{name}", args=[district.pk])
    return reverse(f"territory:{name}")


@pytest.mark.parametrize(
    ("name", "persona", "expected"),
    [(name, persona, status) for name, row in MATRIX.items() for persona, status in row.items()],
)
def test_url_answers_each_persona_as_expected(
    client: Any, request: Any, district: District, name: str, persona: str, expected: int
) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(url_for(name, district), {"q": "pioltello"})
    assert response.status_code == expected
    if expected == LOGIN:
        assert reverse("account_login") in response["Location"]


def test_the_menu_shows_territory_pages_to_those_who_may_see_them(
    client: Any, coordinator: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(reverse("territory:district_list"))
    menu_urls = [item["url"] for item in response.context["backoffice_menu"]]
    assert reverse("territory:municipality_list") in menu_urls
    assert reverse("territory:district_list") in menu_urls
