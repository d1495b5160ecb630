"""The person asks for erasure: the coordinators get an e-mail with a number, not a name."""

from django.core import mail
from django.urls import reverse

from lavorete.core.models import AuditEntry

URL = "my_data:erasure_request"


def test_the_coordinators_are_told_by_number_and_link(
    client, person, registered, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(URL))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject.endswith(f" {registered.pk}")
    erase_url = reverse("privacy:person_erase", kwargs={"person_pk": registered.pk})
    assert erase_url in message.body
    for value in ("Paola", "Paola Persona", registered.tax_code, person.email, registered.phone):
        assert value not in f"{message.subject} {message.body}"
    entry = AuditEntry.objects.get(action="person.erasure_request")
    assert entry.target_label == f"person #{registered.pk}"


def test_get_changes_nothing(client, person, registered):
    client.force_login(person)
    assert client.get(reverse(URL)).status_code == 405
    assert not mail.outbox


def test_someone_without_a_record_gets_404(client, outsider, coordinator):
    client.force_login(outsider)
    assert client.post(reverse(URL)).status_code == 404
    assert not AuditEntry.objects.filter(action="person.erasure_request").exists()


def test_anonymous_goes_to_the_login(client):
    assert client.post(reverse(URL)).status_code == 302
