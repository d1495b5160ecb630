"""The person's file: who sees it, what it shows, what is logged."""

import pytest
from django.urls import reverse

from lavorete.core.models import PersonalDataAccess
from lavorete.pathways.services import case_note_add
from lavorete.people.services import special_data_set

NOTE = "Colloquio riservato: situazione familiare"


@pytest.fixture
def url(registered):
    return reverse("pathways:person_file", kwargs={"person_pk": registered.pk})


@pytest.fixture
def noted(operator, enrolment):
    case_note_add(actor=operator, enrolment=enrolment, text=NOTE)
    special_data_set(actor=None, person=enrolment.person, has_disability=True, health_notes="Asma")


def test_the_operator_sees_the_timeline_and_the_notes(client, operator, registered, url, noted):
    client.force_login(operator)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert NOTE in html
    assert "Cittadinanza al lavoro" in html
    assert "Asma" not in html and "disabilit" not in html.lower()
    purposes = set(
        PersonalDataAccess.objects.filter(subject_id=str(registered.pk)).values_list(
            "purpose", flat=True
        )
    )
    assert "case notes" in purposes
    assert len(purposes) == 2


def test_the_coordinator_sees_the_file_but_never_the_notes(
    client, coordinator, registered, url, noted
):
    client.force_login(coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert NOTE not in page.content.decode()
    assert not PersonalDataAccess.objects.filter(purpose="case notes").exists()


@pytest.mark.parametrize("who", ["other_operator", "org_rep", "evaluator", "outsider", "person"])
def test_everyone_else_gets_404(client, request, url, noted, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(url)
    assert page.status_code == 404
    assert NOTE not in page.content.decode()


def test_an_anonymous_visitor_goes_to_the_login(client, url):
    assert client.get(url).status_code == 302


def test_quick_actions_are_offered_by_permission(client, operator, coordinator, url):
    client.force_login(operator)
    html = client.get(url).content.decode()
    assert reverse("pathways:note_add", kwargs={"person_pk": 1}).replace("/1/", "/") not in html
    assert "Add a case note" in html or "Aggiungi una nota" in html
    client.force_login(coordinator)
    html = client.get(url).content.decode()
    assert "nota/" not in html
    assert "sposta/" in html


def test_the_coordinator_finds_the_rights_pages_and_the_tutor_does_not(
    client, coordinator, operator, registered
):
    from django.urls import reverse as _reverse

    export = _reverse("privacy:person_export", kwargs={"person_pk": registered.pk})
    erase = _reverse("privacy:person_erase", kwargs={"person_pk": registered.pk})
    url = _reverse("pathways:person_file", kwargs={"person_pk": registered.pk})
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert export in page
    assert erase in page
    client.force_login(operator)
    page = client.get(url).content.decode()
    assert export not in page
    assert erase not in page


def test_the_tutor_finds_the_persons_matches_and_the_coordinator_does_not(
    client, operator, coordinator, registered, url
):
    matches = reverse("matching:person", kwargs={"person_pk": registered.pk})
    client.force_login(operator)
    assert matches in client.get(url).content.decode()
    client.force_login(coordinator)
    assert matches not in client.get(url).content.decode()
