"""The people API: staff of the person's programmes only, health data only with the permission."""

import pytest
from django.urls import reverse

from lavorete.core.models import PersonalDataAccess
from lavorete.people.services import person_language_set, special_data_set

pytestmark = pytest.mark.django_db

NOTE = "Nota API inventata 777"


@pytest.fixture
def health(registered, special_officer):
    return special_data_set(
        actor=special_officer, person=registered, disability_percentage=55, health_notes=NOTE
    )


def url(person):
    return reverse("api-1.0.0:get_person", kwargs={"person_id": person.pk})


def test_the_operator_reads_the_record_and_the_read_is_logged(client, operator, registered, health):
    person_language_set(actor=operator, person=registered, language="en", level="B2")
    client.force_login(operator)
    response = client.get(url(registered))
    assert response.status_code == 200
    body = response.json()
    assert body["tax_code"] == registered.tax_code
    assert body["residence"]["name"] == "Pioltello"
    assert (
        body["languages"] == [{"language": "en", "name": "English", "level": "B2"}]
        or body["languages"][0]["language"] == "en"
    )
    assert "special" not in body and NOTE not in response.content.decode()
    log = PersonalDataAccess.objects.get(actor=operator)
    assert "tax_code" in log.fields and "health_notes" not in log.fields


def test_the_officer_gets_the_health_data(client, special_officer, registered, health):
    client.force_login(special_officer)
    body = client.get(url(registered)).json()
    assert body["special"]["health_notes"] == NOTE
    assert "health_notes" in PersonalDataAccess.objects.get(actor=special_officer).fields


@pytest.mark.parametrize("who", ["other_operator", "org_rep", "evaluator", "person", "outsider"])
def test_outsiders_get_404(client, request, registered, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(registered)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_anonymous_gets_401(client, registered):
    assert client.get(url(registered)).status_code == 401


def test_an_impossible_id_is_404(client, operator):
    client.force_login(operator)
    assert client.get("/api/v1/people/99999999999999999999").status_code in (404, 422)


def test_the_person_reads_their_own_profile_without_health_data(client, registered, health):
    client.force_login(registered.user)
    response = client.get(reverse("api-1.0.0:my_profile"))
    assert response.status_code == 200
    assert response.json()["id"] == registered.pk
    assert NOTE not in response.content.decode() and "special" not in response.json()


def test_a_user_without_a_record_gets_404_with_an_explanation(client, org_rep):
    client.force_login(org_rep)
    response = client.get(reverse("api-1.0.0:my_profile"))
    assert response.status_code == 404
    assert "operator" in response.json()["detail"]
