"""The matching API: my matches, an opportunity's candidates, a person's matches."""

from typing import Any

import pytest

from lavorete.core.models import PersonalDataAccess
from lavorete.matching import services
from lavorete.matching.tests import test_services as shared

pytestmark = pytest.mark.django_db

matched = shared.matched


def get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def test_my_matches_with_their_reasons(
    client: Any, person: Any, matched: Any, opportunity: Any
) -> None:
    body = get(client, person, "/api/v1/me/matches").json()
    assert body["reason"] == ""
    [match] = body["matches"]
    assert match["opportunity"]["id"] == opportunity.pk
    assert match["essential_missing"] == ["analisi web"]
    assert match["summary"] == "3 di 4 competenze essenziali; manca: analisi web"
    assert 0 < match["score"] < 1 and match["km"] > 0


def test_my_matches_without_consent_say_why(client: Any, person: Any, registered: Any) -> None:
    body = get(client, person, "/api/v1/me/matches").json()
    assert body == {
        "matches": [],
        "reason": "no_consent",
        "message": "Non hai ancora dato il consenso ad essere abbinato.",
    }


def test_anonymous_callers_are_refused(client: Any) -> None:
    assert client.get("/api/v1/me/matches").status_code == 401


def test_the_company_gets_anonymised_candidates(
    client: Any, org_rep: Any, matched: Any, opportunity: Any
) -> None:
    response = get(client, org_rep, f"/api/v1/opportunities/{opportunity.pk}/candidates")
    body = response.json()
    assert body["anonymised"] is True
    [candidate] = body["candidates"]
    assert candidate["code"] == services.candidate_code(opportunity.pk, matched.pk)
    assert set(candidate) == {
        "code",
        "score",
        "skills_held",
        "skills_missing",
        "languages",
        "distance",
    }
    text = response.content.decode()
    for value in ("Paola", "Persona", "persona@example.org", "Pioltello"):
        assert value not in text
    assert not PersonalDataAccess.objects.exists()


def test_operators_get_named_candidates_and_the_read_is_logged(
    client: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    body = get(client, operator, f"/api/v1/opportunities/{opportunity.pk}/candidates").json()
    assert body["anonymised"] is False
    [candidate] = body["candidates"]
    assert candidate["person"] == {"id": matched.pk, "name": "Paola Persona"}
    assert PersonalDataAccess.objects.filter(subject_id=str(matched.pk)).exists()


@pytest.mark.parametrize("who", ["outsider", "other_operator", "coordinator", "person"])
def test_candidates_are_404_for_everyone_else(
    client: Any, request: Any, who: str, opportunity: Any
) -> None:
    user = request.getfixturevalue(who)
    url = f"/api/v1/opportunities/{opportunity.pk}/candidates"
    assert get(client, user, url).status_code == 404


@pytest.mark.parametrize("bad", ["0", "-1", str(2**70), "abc"])
def test_bad_ids_are_refused(client: Any, operator: Any, bad: str) -> None:
    assert get(client, operator, f"/api/v1/opportunities/{bad}/candidates").status_code in (
        404,
        422,
    )
    assert get(client, operator, f"/api/v1/people/{bad}/matches").status_code in (404, 422)


def test_a_persons_matches_for_her_operator(
    client: Any, operator: Any, other_operator: Any, matched: Any, opportunity: Any
) -> None:
    url = f"/api/v1/people/{matched.pk}/matches"
    body = get(client, operator, url).json()
    assert [m["opportunity"]["id"] for m in body["matches"]] == [opportunity.pk]
    assert PersonalDataAccess.objects.filter(subject_id=str(matched.pk)).count() == 1
    assert get(client, other_operator, url).status_code == 404
