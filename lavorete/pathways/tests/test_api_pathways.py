"""The pathways API: my pathway for the person, one enrolment for staff, case notes only for operators."""

import pytest
from django.urls import reverse

from lavorete.pathways.services import case_note_add, goal_add

NOTE = "Nota riservata al programma"


@pytest.fixture
def noted(operator, enrolment):
    case_note_add(actor=operator, enrolment=enrolment, text=NOTE)
    goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    return enrolment


def _enrolment_url(enrolment):
    return reverse("api-1.0.0:get_enrolment", kwargs={"enrolment_id": enrolment.pk})


def test_the_person_sees_stages_and_goals_never_notes(client, person, noted):
    client.force_login(person)
    response = client.get(reverse("api-1.0.0:my_pathway"))
    assert response.status_code == 200
    data = response.json()
    assert data[0]["programme"] == "Cittadinanza al lavoro"
    assert data[0]["goals"][0]["title"] == "Curriculum"
    assert data[0]["stage"]["position"] == 1
    assert NOTE not in response.content.decode()


def test_the_operator_gets_the_notes(client, operator, noted):
    client.force_login(operator)
    data = client.get(_enrolment_url(noted)).json()
    assert data["case_notes"][0]["text"] == NOTE


def test_the_coordinator_gets_no_notes(client, coordinator, noted):
    client.force_login(coordinator)
    response = client.get(_enrolment_url(noted))
    assert response.status_code == 200
    assert response.json()["case_notes"] is None
    assert NOTE not in response.content.decode()


@pytest.mark.parametrize("who", ["other_operator", "org_rep", "evaluator", "person", "outsider"])
def test_everyone_else_gets_404(client, request, noted, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(_enrolment_url(noted))
    assert response.status_code == 404
    assert NOTE not in response.content.decode()


def test_an_impossible_id_is_404(client, operator, noted):
    client.force_login(operator)
    url = _enrolment_url(noted).replace(str(noted.pk), "9" * 25)
    assert client.get(url).status_code in (404, 422)
