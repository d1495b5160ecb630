"""Quick actions on a person: the programme's operator acts, GET changes nothing, outsiders 404."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lavorete.pathways.models import CaseNote, ServiceDelivery, StageTransition


def _url(name, person):
    return reverse(name, kwargs={"person_pk": person.pk})


def test_the_operator_adds_a_note_and_returns_to_the_file(client, operator, registered, enrolment):
    client.force_login(operator)
    url = _url("pathways:note_add", registered)
    assert client.get(url).status_code == 200
    assert not CaseNote.objects.exists()
    response = client.post(url, {"enrolment": enrolment.pk, "text": "Ha portato il CV"})
    assert response.status_code == 302
    assert response["Location"] == _url("pathways:person_file", registered)
    assert CaseNote.objects.get().author == operator


def test_the_coordinator_may_not_write_notes(client, coordinator, registered, enrolment):
    client.force_login(coordinator)
    url = _url("pathways:note_add", registered)
    assert client.get(url).status_code == 403
    assert client.post(url, {"enrolment": enrolment.pk, "text": "x"}).status_code == 403
    assert not CaseNote.objects.exists()


@pytest.mark.parametrize("who", ["other_operator", "org_rep", "evaluator"])
def test_outsiders_get_404_and_write_nothing(client, request, registered, enrolment, who):
    client.force_login(request.getfixturevalue(who))
    url = _url("pathways:note_add", registered)
    assert client.post(url, {"enrolment": enrolment.pk, "text": "x"}).status_code == 404
    assert not CaseNote.objects.exists()


def test_the_operator_records_a_service_and_moves_the_stage(
    client, operator, registered, enrolment, stages
):
    client.force_login(operator)
    response = client.post(
        _url("pathways:service", registered),
        {
            "enrolment": enrolment.pk,
            "kind": "assessment",
            "held_on": timezone.localdate().isoformat(),
            "duration_minutes": "60",
            "present": "on",
        },
    )
    assert response.status_code == 302
    assert ServiceDelivery.objects.get().mode == "individual"
    response = client.post(
        _url("pathways:move", registered),
        {"enrolment": enrolment.pk, "to_stage": stages["work_design"].pk, "reason": "Pronta"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    enrolment.refresh_from_db()
    assert enrolment.stage == stages["work_design"]


def test_a_refused_gate_shows_its_message_on_the_form(
    client, operator, registered, enrolment, stages
):
    client.force_login(operator)
    response = client.post(
        _url("pathways:move", registered),
        {"enrolment": enrolment.pk, "to_stage": stages["training"].pk},
    )
    assert response.status_code == 200
    assert "plan" in response.content.decode().lower() or "piano" in response.content.decode()
    assert StageTransition.objects.count() == 1


def test_a_stage_of_another_programme_is_not_a_choice(
    client, operator, registered, enrolment, other_programme
):
    from lavorete.pathways.services import pathway_template_default

    foreign = pathway_template_default(actor=None, programme=other_programme)[1]
    client.force_login(operator)
    response = client.post(
        _url("pathways:move", registered), {"enrolment": enrolment.pk, "to_stage": foreign.pk}
    )
    assert response.status_code == 200
    assert StageTransition.objects.count() == 1


def test_the_operator_records_a_job_and_sees_the_tasks(client, operator, registered, enrolment):
    client.force_login(operator)
    response = client.post(
        _url("pathways:outcome_add", registered),
        {
            "enrolment": enrolment.pk,
            "kind": "job",
            "employer_name": "Officina Rossi",
            "contract_type": "apprendistato",
            "start_date": timezone.localdate().isoformat(),
            "weekly_hours": "38",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("pathways:tasks"))
    assert page.content.decode().count(reverse("pathways:follow_up", kwargs={"pk": 1})[:-2]) >= 3


def test_intake_registers_and_redirects_to_the_file(client, operator, programme, registered):
    client.force_login(operator)
    response = client.post(
        reverse("pathways:intake"),
        {
            "programme": programme.pk,
            "tutor": operator.pk,
            "last_name": "Nuovi",
            "first_name": "Nina",
        },
    )
    assert response.status_code == 302
    assert "/persone/" in response["Location"]
    follow = client.get(response["Location"])
    assert "Nina Nuovi" in follow.content.decode()
