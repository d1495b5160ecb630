from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("territory:municipality_search")


def test_it_returns_matches_as_id_and_label(client: Any, person: Any) -> None:
    client.force_login(person)  # any logged-in user: people choose their municipality too
    response = client.get(URL, {"q": "pioltel"})
    assert response.status_code == 200
    data = response.json()
    assert data[0]["label"] == "Pioltello (MI)"
    assert data[0]["istat_code"] == "015175"
    assert isinstance(data[0]["id"], int)


def test_it_returns_at_most_20_results(client: Any, person: Any) -> None:
    client.force_login(person)
    data = client.get(URL, {"q": "san"}).json()
    assert len(data) == 20
    assert all(set(item) == {"id", "label", "istat_code"} for item in data)


@pytest.mark.parametrize("query", ["", "a", "'*"])
def test_it_returns_nothing_for_too_short_or_meaningless_queries(
    client: Any, person: Any, query: str
) -> None:
    client.force_login(person)
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    assert response.json() == []


def test_it_finds_by_istat_code(client: Any, person: Any) -> None:
    client.force_login(person)
    assert [m["label"] for m in client.get(URL, {"q": "077014"}).json()] == ["Matera (MT)"]


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(URL, {"q": "milano"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_takes_a_fixed_number_of_queries(
    client: Any, person: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(person)
    with django_assert_max_num_queries(4):
        client.get(URL, {"q": "san"})
