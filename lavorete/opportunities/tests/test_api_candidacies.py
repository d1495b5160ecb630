"""The API of the person's own candidacies: list, apply, withdraw; 404 for anyone else's."""

import pytest

from lavorete.conftest import make_user
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/candidacies"


def test_anonymous_gets_401(client):
    assert client.get(URL).status_code == 401


def test_a_user_without_a_record_has_no_candidacies(client, opportunity):
    client.force_login(make_user("nessuno@example.org"))
    assert client.get(URL).json() == []
    response = client.post(URL, {"opportunity": opportunity.pk}, content_type="application/json")
    assert response.status_code == 404
    assert not Candidacy.objects.exists()


def test_the_person_applies_lists_and_withdraws(client, person, registered, opportunity):
    client.force_login(person)
    body = {"opportunity": opportunity.pk, "message": "Ci sono"}
    created = client.post(URL, body, content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert (data["opportunity"], data["status"], data["message"]) == (
        opportunity.pk,
        "applied",
        "Ci sono",
    )
    assert [s["to_status"] for s in data["steps"]] == ["applied"]
    # Repeating the request returns the same candidacy.
    again = client.post(URL, body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    listed = client.get(URL).json()
    assert [c["id"] for c in listed] == [data["id"]]
    withdrawn = client.post(f"{URL}/{data['id']}/withdraw", {}, content_type="application/json")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    closed = client.post(f"{URL}/{data['id']}/withdraw", {}, content_type="application/json")
    assert closed.status_code == 422
    assert closed.json()["code"] == "closed"


@pytest.mark.parametrize("opportunity_id", [0, -1, 10**30, 999999])
def test_an_unknown_opportunity_is_404_or_refused(client, person, registered, opportunity_id):
    client.force_login(person)
    response = client.post(URL, {"opportunity": opportunity_id}, content_type="application/json")
    assert response.status_code in (404, 422)
    assert not Candidacy.objects.exists()


def test_a_closed_opportunity_is_404(client, person, registered, opportunity):
    from lavorete.opportunities.services import opportunity_close

    opportunity_close(actor=None, opportunity=opportunity)
    client.force_login(person)
    response = client.post(URL, {"opportunity": opportunity.pk}, content_type="application/json")
    assert response.status_code == 404


@pytest.mark.parametrize("message", ["x" * 2001, "nul\x00byte"])
def test_a_bad_message_is_422(client, person, registered, opportunity, message):
    client.force_login(person)
    response = client.post(
        URL, {"opportunity": opportunity.pk, "message": message}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not Candidacy.objects.exists()


def test_someone_elses_candidacy_is_404(client, registered, opportunity, operator, org_rep):
    candidacy = pipeline.candidacy_apply(actor=operator, opportunity=opportunity, person=registered)
    for user in (operator, org_rep, make_user("altro@example.org")):
        client.force_login(user)
        response = client.post(f"{URL}/{candidacy.pk}/withdraw", content_type="application/json")
        assert response.status_code == 404
        assert client.get(URL).json() == []
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED


def test_a_suggestion_is_not_listed(client, person, registered, opportunity):
    candidacy = pipeline.candidacy_suggest(actor=None, opportunity=opportunity, person=registered)
    client.force_login(person)
    assert client.get(URL).json() == []
    response = client.post(f"{URL}/{candidacy.pk}/withdraw", content_type="application/json")
    assert response.status_code == 404
