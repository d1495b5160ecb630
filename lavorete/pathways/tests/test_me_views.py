"""The person's own pages: their pathway and plan, a comment on their goals; no case notes."""

from django.urls import reverse

from lavorete.pathways.models import Goal
from lavorete.pathways.services import case_note_add, goal_add

NOTE = "Nota interna"


def test_the_person_sees_their_pathway_without_notes(client, person, operator, enrolment):
    case_note_add(actor=operator, enrolment=enrolment, text=NOTE)
    client.force_login(person)
    html = client.get(reverse("pathways_me:pathway")).content.decode()
    assert "Cittadinanza al lavoro" in html
    assert NOTE not in html


def test_the_person_comments_on_their_goal(client, person, operator, enrolment):
    goal = goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    client.force_login(person)
    url = reverse("pathways_me:goal", kwargs={"goal_pk": goal.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "achieved", "person_comment": "Fatto!"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.person_comment) == ("achieved", "Fatto!")


def test_nobody_else_reaches_the_goal(client, operator, outsider, enrolment):
    goal = goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    url = reverse("pathways_me:goal", kwargs={"goal_pk": goal.pk})
    for user in (operator, outsider):
        client.force_login(user)
        assert client.post(url, {"status": "achieved", "person_comment": "x"}).status_code == 404
    assert Goal.objects.get().person_comment == ""


def test_someone_without_a_pathway_sees_an_empty_page(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("pathways_me:pathway")).status_code == 200
