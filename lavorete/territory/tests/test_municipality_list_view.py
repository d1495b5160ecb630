from typing import Any

import pytest
from django.urls import reverse

from lavorete.territory.models import Province, Region

pytestmark = pytest.mark.django_db

URL = reverse("territory:municipality_list")


@pytest.mark.parametrize("persona", ["coordinator", "operator", "space_manager"])
def test_staff_holding_view_territory_see_the_list(client: Any, request: Any, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["paginator"].count > 7800
    assert len(response.context["municipalities"]) == 50


@pytest.mark.parametrize("persona", ["person", "org_rep"])
def test_users_without_view_territory_are_refused(client: Any, request: Any, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_searches_by_name_and_shows_province_region_and_coordinates(
    client: Any, operator: Any
) -> None:
    client.force_login(operator)
    response = client.get(URL, {"q": "pioltello"})
    assert [m.istat_code for m in response.context["municipalities"]] == ["015175"]
    content = response.content.decode()
    assert "Pioltello" in content
    assert "Milano (MI)" in content
    assert "Lombardia" in content


def test_it_searches_by_istat_code(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(URL, {"q": "016188"})
    assert [m.name for m in response.context["municipalities"]] == ["San Giovanni Bianco"]


def test_it_filters_by_region_and_province(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    basilicata = Region.objects.get(name="Basilicata")
    response = client.get(URL, {"region": basilicata.pk})
    regions = {m.province.region.name for m in response.context["municipalities"]}
    assert regions == {"Basilicata"}
    sondrio = Province.objects.get(abbreviation="SO")
    response = client.get(URL, {"province": sondrio.pk, "q": "sondrio"})
    assert [m.name for m in response.context["municipalities"]] == ["Sondrio"]


def test_a_bad_filter_value_shows_an_error_not_a_500(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(URL, {"region": "not-a-region", "q": "bergamo"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors["region"]
    assert response.context["municipalities"][0].name == "Bergamo"


def test_paging_keeps_the_filters(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    response = client.get(URL, {"q": "san", "page": 2})
    assert response.status_code == 200
    assert "q=san" in response.content.decode()
    assert client.get(URL, {"page": 9999}).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(
    client: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(coordinator)
    client.get(URL)  # warm the session and grants
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"q": "san"})
    assert len(response.context["municipalities"]) == 50
