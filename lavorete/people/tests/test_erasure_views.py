"""The erasure page: coordinators only, a typed confirmation, GET changes nothing."""

import pytest
from django.urls import reverse

from lavorete.core.models import AuditEntry
from lavorete.people.models import Person


@pytest.fixture
def url(registered):
    return reverse("privacy:person_erase", kwargs={"person_pk": registered.pk})


def test_get_shows_the_confirmation_and_changes_nothing(client, coordinator, registered, url):
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert (
        f"person #{registered.pk}".encode() in response.content
        or str(registered.pk).encode() in response.content
    )
    registered.refresh_from_db()
    assert registered.anonymised_at is None
    assert not AuditEntry.objects.filter(action="person.erase").exists()


def test_a_wrong_record_number_erases_nothing(client, coordinator, registered, url):
    client.force_login(coordinator)
    response = client.post(url, {"reason": "request", "confirm": str(registered.pk + 1)})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    assert Person.objects.get(pk=registered.pk).anonymised_at is None


def test_the_retention_reason_is_not_offered(client, coordinator, registered, url):
    client.force_login(coordinator)
    response = client.post(url, {"reason": "retention", "confirm": str(registered.pk)})
    assert response.context["form"].errors["reason"]
    assert Person.objects.get(pk=registered.pk).anonymised_at is None


def test_the_coordinator_erases_with_the_record_number(
    client, coordinator, registered, url, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "request", "confirm": f"#{registered.pk}"})
    assert response.status_code == 302
    assert Person.objects.get(pk=registered.pk).anonymised_at is not None
    page = client.get(url)
    assert b"anonymised" in page.content or b"anonimizzat" in page.content
    again = client.post(url, {"reason": "request", "confirm": str(registered.pk)})
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="person.erase").count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("operator", 403),
        ("other_operator", 404),
        ("org_rep", 404),
        ("evaluator", 404),
        ("person", 404),
    ],
)
def test_others_may_not_erase(request, client, registered, url, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(url, {"reason": "request", "confirm": str(registered.pk)})
    assert response.status_code == status
    assert Person.objects.get(pk=registered.pk).anonymised_at is None
