from typing import Any

import pytest
from django.urls import reverse

from lavorete.territory.models import District
from lavorete.territory.services import district_update
from lavorete.territory.tests.conftest import municipalities

pytestmark = pytest.mark.django_db


def url(district: District) -> str:
    return reverse("territory:district_detail", args=[district.pk])


@pytest.mark.parametrize("persona", ["coordinator", "operator"])
def test_it_shows_the_district_and_its_municipalities(
    client: Any, request: Any, district: District, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url(district))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ambito Est Milano" in content
    assert "015175" in content
    assert "Segrate" in content


def test_the_edit_link_is_only_for_a_network_coordinator(
    client: Any, district: District, coordinator: Any, operator: Any
) -> None:
    edit_url = reverse("territory:district_update", args=[district.pk])
    client.force_login(coordinator)
    assert edit_url in client.get(url(district)).content.decode()
    client.force_login(operator)
    assert edit_url not in client.get(url(district)).content.decode()


def test_an_unknown_district_is_404(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("territory:district_detail", args=[987654])).status_code == 404


@pytest.mark.parametrize("persona", ["person", "outsider"])
def test_users_without_view_territory_are_refused(
    client: Any, request: Any, district: District, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(district)).status_code == 403


def test_anonymous_is_sent_to_login(client: Any, district: District) -> None:
    response = client.get(url(district))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_page_takes_a_fixed_number_of_queries(
    client: Any, coordinator: Any, district: District, django_assert_max_num_queries: Any
) -> None:
    district_update(
        actor=None,
        district=district,
        municipalities=municipalities(
            "Pioltello", "Segrate", "Cinisello Balsamo", "Bergamo", "Bologna", "Matera"
        ),
    )
    client.force_login(coordinator)
    client.get(url(district))
    with django_assert_max_num_queries(6):
        response = client.get(url(district))
    assert len(response.context["municipalities"]) == 6
