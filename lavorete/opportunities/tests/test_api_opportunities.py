"""The opportunities API: the public board, and posting and publishing for staff."""

import json
from typing import Any

import pytest
from django.test import Client

from lavorete.opportunities import services
from lavorete.opportunities.models import Opportunity, OpportunityStatus

pytestmark = pytest.mark.django_db

API = "/api/v1"


def post(client: Any, path: str, body: Any = None, **headers: Any) -> Any:
    return client.post(
        f"{API}{path}",
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers=headers,
    )


def body(organisation: Any, esco_skills: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "organisation": organisation.pk,
        "kind": "job",
        "title": "Addetta alle vendite",
        "municipality": "015205",  # Segrate
        "contract_type": "determinato",
        "weekly_hours": 30,
        "essential": [{"uri": esco_skills["customer_service"].uri, "level": 2}],
        "languages": [{"code": "it", "level": "B1"}],
        **extra,
    }


def test_the_list_is_the_public_board(client: Any, opportunity: Any, organisation: Any) -> None:
    services.opportunity_create(
        actor=None, organisation=organisation, kind="volunteer", title="Bozza", is_remote=True
    )
    data = client.get(f"{API}/opportunities").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["title"] == opportunity.title
    assert item["municipality"]["name"] == "Segrate"
    assert item["url"] == f"/opportunita/{opportunity.pk}/"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("kind=internship", 1),
        ("kind=job", 0),
        ("municipality=015205", 1),
        ("municipality=999999", 0),
        ("district=nowhere", 0),
        ("remote=true", 0),
        ("q=analisi%20web", 1),
        ("q=%00", 1),
        ("organisation=9999999999999999999", 0),
        ("organisation=x", None),
    ],
)
def test_the_list_filters(client: Any, opportunity: Any, query: str, count: int | None) -> None:
    response = client.get(f"{API}/opportunities?{query}")
    if count is None:
        assert response.status_code == 422
    else:
        assert response.json()["count"] == count


def test_one_open_opportunity_with_its_skills_and_languages(client: Any, opportunity: Any) -> None:
    data = client.get(f"{API}/opportunities/{opportunity.pk}?lang=en").json()
    assert {s["label"] for s in data["essential"]} == {
        "tell brand stories",
        "manage social media",
        "web analytics",
        "product photography",
    }
    assert [s["label"] for s in data["optional"]] == ["customer service"]
    assert data["languages"] == [{"code": "it", "level": "B1"}]
    assert data["programme"] == "Cittadinanza al lavoro"


def test_anything_not_open_is_404(client: Any, opportunity: Any) -> None:
    services.opportunity_close(actor=None, opportunity=opportunity)
    assert client.get(f"{API}/opportunities/{opportunity.pk}").status_code == 404
    assert client.get(f"{API}/opportunities/{2**70}").status_code in (404, 422)


def test_a_representative_posts_and_publishes(
    client: Any, org_rep: Any, organisation: Any, esco_skills: dict[str, Any]
) -> None:
    client.force_login(org_rep)
    created = post(client, "/opportunities", body(organisation, esco_skills))
    assert created.status_code == 201, created.content
    made = Opportunity.objects.get()
    assert created.json()["status"] == "draft"
    assert made.created_by == org_rep
    assert made.skills.get().level == 2
    published = post(client, f"/opportunities/{made.pk}/publish")
    assert published.status_code == 200
    made.refresh_from_db()
    assert made.status == OpportunityStatus.OPEN
    again = post(client, f"/opportunities/{made.pk}/publish")
    assert again.status_code == 422


def test_invalid_input_is_422_with_every_message(
    client: Any, org_rep: Any, organisation: Any, esco_skills: dict[str, Any]
) -> None:
    client.force_login(org_rep)
    bad = body(
        organisation,
        esco_skills,
        contract_type="tirocinio",
        weekly_hours=90,
        essential=[{"uri": "http://data.europa.eu/esco/skill/nope", "level": 1}],
    )
    response = post(client, "/opportunities", bad)
    assert response.status_code == 422
    assert len(response.json()["messages"]) == 3
    assert "http://data.europa.eu/esco/skill/nope" in response.json()["detail"]
    for broken in ({"municipality": "000000"}, {"programme": 2**70}, {"title": "a\x00"}):
        assert (
            post(
                client, "/opportunities", {**body(organisation, esco_skills), **broken}
            ).status_code
            == 422
        )
    assert post(client, "/opportunities", {"title": 3}).status_code == 422
    assert not Opportunity.objects.exists()


def test_outsiders_get_404_and_visitors_401(
    client: Any,
    outsider: Any,
    person: Any,
    organisation: Any,
    opportunity: Any,
    esco_skills: dict[str, Any],
) -> None:
    assert post(client, "/opportunities", body(organisation, esco_skills)).status_code == 401
    assert post(client, f"/opportunities/{opportunity.pk}/publish").status_code == 401
    for user in (outsider, person):
        client.force_login(user)
        assert post(client, "/opportunities", body(organisation, esco_skills)).status_code == 404
        assert post(client, f"/opportunities/{opportunity.pk}/publish").status_code == 404
    assert Opportunity.objects.count() == 1


def test_writes_need_the_csrf_token(
    org_rep: Any, organisation: Any, esco_skills: dict[str, Any]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org_rep)
    assert post(client, "/opportunities", body(organisation, esco_skills)).status_code == 403
    token = client.get(f"{API}/csrf").json()["csrf_token"]
    created = post(
        client, "/opportunities", body(organisation, esco_skills), **{"X-CSRFToken": token}
    )
    assert created.status_code == 201
