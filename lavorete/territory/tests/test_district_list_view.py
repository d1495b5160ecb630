from typing import Any

import pytest
from django.urls import reverse

from lavorete.territory.models import District
from lavorete.territory.services import district_create
from lavorete.territory.tests.conftest import municipalities

pytestmark = pytest.mark.django_db

URL = reverse("territory:district_list")


@pytest.mark.parametrize("persona", ["coordinator", "operator", "space_manager"])
def test_staff_holding_view_territory_see_districts(
    client: Any, request: Any, district: District, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert list(response.context["districts"]) == [district]
    assert "Ambito Est Milano" in response.content.decode()


def test_only_a_network_coordinator_is_offered_the_new_district_button(
    client: Any, coordinator: Any, operator: Any
) -> None:
    create_url = reverse("territory:district_create")
    client.force_login(coordinator)
    assert create_url in client.get(URL).content.decode()
    client.force_login(operator)
    assert create_url not in client.get(URL).content.decode()


@pytest.mark.parametrize("persona", ["person", "org_rep"])
def test_users_without_view_territory_are_refused(client: Any, request: Any, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_list_takes_a_fixed_number_of_queries(
    client: Any, coordinator: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        district_create(
            actor=None,
            name=f"Ambito {n}",
            municipalities=municipalities("Bergamo", "Alzano Lombardo"),
        )
    client.force_login(coordinator)
    client.get(URL)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(response.context["districts"]) == 8
    assert all(d.municipality_count == 2 for d in response.context["districts"])
