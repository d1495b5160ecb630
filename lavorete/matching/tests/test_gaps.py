"""Skill gaps of an area: what open opportunities ask for against what local people have."""

from typing import Any

import pytest
from django.urls import reverse

from lavorete.core.suppression import CellState
from lavorete.matching import services
from lavorete.matching.tests import test_services as shared
from lavorete.territory.models import Municipality

pytestmark = pytest.mark.django_db

matched = shared.matched


@pytest.fixture
def area(
    operator: Any,
    programme: Any,
    organisation: Any,
    esco_skills: dict[str, Any],
    matched: Any,
    opportunity: Any,
) -> list[int]:
    """The Martesana district (Pioltello and Segrate): Paola and ten more who tell stories (one
    without consent), and a second opportunity in Segrate asking for storytelling and web
    analytics."""
    from lavorete.territory.services import district_create

    for i in range(10):
        shared.make_person(
            operator,
            programme,
            f"Narratore{i}",
            esco_skills,
            {"storytelling": 2},
            consent=i != 9,
            municipality="Segrate",
        )
    shared.make_opportunity(
        organisation,
        programme,
        esco_skills,
        {"storytelling": 1, "web_analytics": 1},
        title="Contenuti e analisi",
    )
    both = list(Municipality.objects.filter(name__in=["Pioltello", "Segrate"]))
    district_create(
        actor=None,
        name="Ambito della Martesana",
        slug="martesana",
        description="",
        municipalities=both,
    )
    return [m.pk for m in both]


def test_gaps_rank_the_skills_asked_most_and_held_least(area: list[int]) -> None:
    result = services.area_skill_gaps(municipalities=area)
    assert str(result.people) == "10"  # nine storytellers and Paola; the tenth didn't agree
    assert result.opportunities == 2
    rows = {gap.label: gap for gap in result.gaps}
    assert result.gaps[0].label == "analisi web"  # asked twice, held by nobody
    assert rows["analisi web"].demand == 2 and str(rows["analisi web"].holders) == "0"
    assert rows["raccontare storie di marca"].holders.value == 10
    assert rows["raccontare storie di marca"].share == 1.0


def test_small_counts_of_people_are_hidden(area: list[int]) -> None:
    result = services.area_skill_gaps(municipalities=area)
    rows = {gap.label: gap for gap in result.gaps}
    # Only Paola photographs products: one person is never shown, nor her share.
    photography = rows["fotografia di prodotto"]
    assert photography.holders.state == CellState.SMALL and str(photography.holders) == "<5"
    assert photography.share is None


def test_an_area_without_opportunities_has_no_gaps(area: list[int]) -> None:
    milano = Municipality.objects.get(name="Milano")
    result = services.area_skill_gaps(municipalities=[milano])
    assert result.gaps == [] and result.opportunities == 0


def test_remote_opportunities_count_when_asked(
    area: list[int], organisation: Any, programme: Any, esco_skills: dict[str, Any]
) -> None:
    from lavorete.opportunities.services import opportunity_create, opportunity_publish

    opportunity_publish(
        actor=None,
        opportunity=opportunity_create(
            actor=None,
            organisation=organisation,
            programme=programme,
            kind="job",
            title="Da casa",
            is_remote=True,
            essential=[(esco_skills["customer_service"], 1)],
        ),
    )
    milano = Municipality.objects.get(name="Milano")
    assert services.area_skill_gaps(municipalities=[milano]).gaps == []
    remote = services.area_skill_gaps(municipalities=[milano], include_remote=True)
    assert [gap.label for gap in remote.gaps] == ["assistenza ai clienti"]


def test_the_gaps_page_and_its_csv(client: Any, operator: Any, area: list[int]) -> None:
    client.force_login(operator)
    # The operator's programme works in Pioltello: Pioltello, and the district holding it.
    html = client.get(reverse("matching:gaps")).content.decode()
    assert "Ambito della Martesana" in html and "Pioltello" in html and "analisi web" in html
    pioltello = Municipality.objects.get(name="Pioltello")
    response = client.get(reverse("matching:gaps_export"), {"area": f"m{pioltello.pk}"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    # No opportunity is located in Pioltello itself.
    assert "Pioltello" in text and "analisi web" not in text
    from lavorete.territory.models import District

    district = District.objects.get(slug="martesana")
    response = client.get(reverse("matching:gaps_export"), {"area": f"d{district.pk}"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Ambito della Martesana")
    assert lines[2].startswith("analisi web,") and lines[2].endswith(",2,0,0")


def test_coordinators_choose_any_district(client: Any, coordinator: Any, area: list[int]) -> None:
    from lavorete.matching.selectors import gap_areas
    from lavorete.territory.services import district_create

    district_create(
        actor=None,
        name="Ambito di Sondrio",
        slug="sondrio",
        description="",
        municipalities=list(Municipality.objects.filter(name="Sondrio")),
    )
    client.force_login(coordinator)
    html = client.get(reverse("matching:gaps")).content.decode()
    assert "Ambito di Sondrio" in html and "Ambito della Martesana" in html
    district = next(a for a in gap_areas(coordinator) if a.label == "Ambito della Martesana")
    assert sorted(district.municipalities) == sorted(area)


def test_operators_choose_only_the_districts_of_their_programmes(
    operator: Any, area: list[int]
) -> None:
    from lavorete.matching.selectors import gap_areas
    from lavorete.territory.services import district_create

    district_create(
        actor=None,
        name="Ambito di Sondrio",
        slug="sondrio",
        description="",
        municipalities=list(Municipality.objects.filter(name="Sondrio")),
    )
    assert [a.label for a in gap_areas(operator)] == ["Ambito della Martesana", "Pioltello"]


def test_other_programmes_operators_see_only_their_areas(
    client: Any, other_operator: Any, other_programme: Any, area: list[int]
) -> None:
    client.force_login(other_operator)
    html = client.get(reverse("matching:gaps")).content.decode()
    assert "analisi web" not in html
