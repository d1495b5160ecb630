from typing import Any

import pytest
from django.urls import reverse

from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.network.models import Contact

pytestmark = pytest.mark.django_db

DATA = {
    "first_name": "Bruno",
    "last_name": "Immaginario",
    "job_title": "Tutor aziendale",
    "email": "bruno.immaginario@example.org",
    "phone": "",
    "notes": "",
}


def add_url(org: Any) -> str:
    return reverse("network:contact_create", args=[org.pk])


def edit_url(contact: Contact) -> str:
    return reverse("network:contact_update", args=[contact.organisation_id, contact.pk])


def delete_url(contact: Contact) -> str:
    return reverse("network:contact_delete", args=[contact.organisation_id, contact.pk])


def test_a_representative_adds_a_contact(client: Any, org_rep: Any, organisation: Any) -> None:
    client.force_login(org_rep)
    assert client.get(add_url(organisation)).status_code == 200
    assert not Contact.objects.exists()
    response = client.post(add_url(organisation), DATA)
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.organisation, contact.last_name) == (organisation, "Immaginario")
    assert AuditEntry.objects.filter(action="contact.create", actor=org_rep).exists()


def test_bad_input_is_explained(client: Any, org_rep: Any, organisation: Any) -> None:
    client.force_login(org_rep)
    response = client.post(add_url(organisation), {**DATA, "email": "bruno@", "last_name": ""})
    assert response.status_code == 200
    assert {"email", "last_name"} <= set(response.context["form"].errors)
    assert not Contact.objects.exists()


def test_an_outsider_gets_404(
    client: Any, outsider: Any, organisation: Any, contact: Contact
) -> None:
    client.force_login(outsider)
    assert client.get(add_url(organisation)).status_code == 404
    assert client.post(add_url(organisation), DATA).status_code == 404
    assert client.get(edit_url(contact)).status_code == 404
    assert client.post(delete_url(contact)).status_code == 404
    assert Contact.objects.count() == 1
    assert not PersonalDataAccess.objects.exists()


def test_an_operator_may_read_but_not_manage_contacts(
    client: Any, operator: Any, organisation: Any, contact: Contact
) -> None:
    client.force_login(operator)
    assert client.get(add_url(organisation)).status_code == 403
    assert client.get(edit_url(contact)).status_code == 403
    assert client.post(delete_url(contact)).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_space_manager_in_scope_gets_403(
    client: Any, space_manager: Any, contact: Contact
) -> None:
    client.force_login(space_manager)
    assert client.get(edit_url(contact)).status_code == 403


def test_a_contact_of_another_organisation_is_404_through_this_one(
    client: Any, coordinator: Any, other_organisation: Any, contact: Contact
) -> None:
    client.force_login(coordinator)
    url = reverse("network:contact_update", args=[other_organisation.pk, contact.pk])
    assert client.get(url).status_code == 404


def test_editing_logs_the_read_and_saves(client: Any, org_rep: Any, contact: Contact) -> None:
    client.force_login(org_rep)
    response = client.get(edit_url(contact))
    assert response.status_code == 200
    assert contact.email in response.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.subject_id) == (org_rep, str(contact.pk))
    response = client.post(edit_url(contact), {**DATA, "is_primary": "on"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.first_name == "Bruno"
    assert AuditEntry.objects.filter(action="contact.update").exists()


def test_delete_asks_first_and_deletes_on_post(client: Any, org_rep: Any, contact: Contact) -> None:
    client.force_login(org_rep)
    response = client.get(delete_url(contact))
    assert response.status_code == 200
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = client.post(delete_url(contact))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert AuditEntry.objects.filter(action="contact.delete", actor=org_rep).exists()


def test_anonymous_is_sent_to_login(client: Any, contact: Contact) -> None:
    response = client.post(delete_url(contact))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Contact.objects.filter(pk=contact.pk).exists()
