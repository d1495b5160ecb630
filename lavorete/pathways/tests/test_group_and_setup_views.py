"""Group sessions, referrals and programme set-up through the pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lavorete.pathways import services
from lavorete.pathways.models import Attendance, Enrolment, ProgrammeTarget, Referral, Stage


def test_the_operator_plans_a_group_session_then_records_attendance(
    client, operator, programme, enrolment, second
):
    client.force_login(operator)
    url = reverse("pathways:group_service", kwargs={"programme_pk": programme.pk})
    later = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "kind": "lab_session",
            "title": "Laboratorio di riprogettazione",
            "held_on": later.isoformat(),
            "duration_minutes": "120",
            "participants": [enrolment.pk, second.pk],
        },
    )
    assert response.status_code == 302
    attendance = Attendance.objects.first()
    assert attendance is not None
    delivery = attendance.delivery
    assert delivery.attendances.count() == 2
    assert not delivery.attendances.filter(present=True).exists()
    page = client.get(reverse("pathways:services"))
    assert "Laboratorio di riprogettazione" in page.content.decode()


def test_the_group_page_is_404_for_another_programmes_operator(client, other_operator, programme):
    client.force_login(other_operator)
    url = reverse("pathways:group_service", kwargs={"programme_pk": programme.pk})
    assert client.get(url).status_code == 404


def test_the_receiving_operator_accepts_a_referral(
    client, operator, other_operator, enrolment, other_programme, other_organisation
):
    services.pathway_template_default(actor=None, programme=other_programme)
    referral = services.referral_create(
        actor=operator,
        enrolment=enrolment,
        to_programme=other_programme,
        to_organisation=other_organisation,
        reason="Corso di saldatura",
        person_consents=True,
    )
    client.force_login(operator)
    decide = reverse("pathways:referral_decide", kwargs={"pk": referral.pk})
    assert client.get(decide).status_code == 403
    client.force_login(other_operator)
    assert "Paola" in client.get(reverse("pathways:referrals")).content.decode()
    response = client.post(decide, {"decision": "accept", "tutor": other_operator.pk})
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=enrolment.person, programme=other_programme).exists()
    assert Referral.objects.get().status == "accepted"


def test_the_coordinator_designs_the_pathway(client, coordinator, operator, programme, enrolment):
    client.force_login(coordinator)
    kwargs = {"programme_pk": programme.pk}
    assert client.get(reverse("pathways:programme_setup", kwargs=kwargs)).status_code == 200
    client.post(
        reverse("pathways:target_set", kwargs=kwargs),
        {"kind": "reached", "category": "", "value": "400"},
    )
    assert ProgrammeTarget.objects.get().value == 400
    client.post(
        reverse("pathways:stage_add", kwargs=kwargs),
        {"name": "Tirocinio", "kind": "other", "gate": "approval"},
    )
    added = Stage.objects.get(name="Tirocinio")
    assert added.position == 9
    client.post(
        reverse("pathways:stage_move", kwargs={**kwargs, "pk": added.pk}), {"direction": "up"}
    )
    added.refresh_from_db()
    assert added.position == 8
    first = Stage.objects.get(programme=programme, position=1)
    response = client.post(reverse("pathways:stage_remove", kwargs={**kwargs, "pk": first.pk}))
    assert response.status_code == 302
    assert Stage.objects.filter(pk=first.pk).exists()
    client.force_login(operator)
    assert client.get(reverse("pathways:programme_setup", kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize("who", ["operator", "org_rep", "evaluator"])
def test_only_coordinators_design_pathways(client, request, programme, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse("pathways:stage_add", kwargs={"programme_pk": programme.pk})
    assert client.post(url, {"name": "X", "kind": "other"}).status_code == 403
    assert not Stage.objects.filter(name="X").exists()
