from typing import Any

import pytest
from django.urls import reverse

from lavorete.conftest import grant, make_user
from lavorete.core.models import AuditEntry
from lavorete.core.roles import Role, ScopeKind
from lavorete.network.models import PartnerRole, Programme, ProgrammePartner
from lavorete.network.services import programme_create, programme_partner_add

pytestmark = pytest.mark.django_db

LIST = reverse("network:programme_list")
CREATE = reverse("network:programme_create")


def url(name: str, programme: Programme, *args: Any) -> str:
    return reverse(f"network:{name}", args=[programme.pk, *args])


def form_data(lead: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Ripartire dal lavoro",
        "slug": "",
        "summary": "Percorsi per chi ha perso il lavoro dopo i 50 anni",
        "lead_organisation": lead.pk,
        "status": "planned",
        "start_date": "2025-09-01",
        "end_date": "2026-08-31",
        "municipalities": "Pioltello (MI)",
        "is_public": "on",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def programme_coordinator(db: Any, other_organisation: Any) -> Any:
    """A coordinator of another programme only: may manage programmes, not this one."""
    other = programme_create(
        actor=None, name="Altro programma", lead_organisation=other_organisation
    )
    user = make_user("coordinatore.programma@example.org", "Piero Programma", mfa=True)
    return grant(user, Role.COORDINATOR, ScopeKind.PROGRAMME, other.pk)


def test_the_list_by_role(
    client: Any,
    coordinator: Any,
    operator: Any,
    outsider: Any,
    programme: Programme,
    organisation: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        programme_create(actor=None, name=f"Programma {n:02d}", lead_organisation=organisation)
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["programmes"]) == 25
    client.force_login(operator)
    assert list(client.get(LIST).context["programmes"]) == [programme]
    client.force_login(outsider)
    assert list(client.get(LIST).context["programmes"]) == []


def test_the_list_filters_by_status(client: Any, coordinator: Any, programme: Programme) -> None:
    client.force_login(coordinator)
    assert list(client.get(LIST, {"status": "planned"}).context["programmes"]) == [programme]
    assert list(client.get(LIST, {"status": "closed"}).context["programmes"]) == []
    assert list(client.get(LIST, {"status": "bogus"}).context["programmes"]) == [programme]


def test_the_coordinator_creates_a_programme(
    client: Any, coordinator: Any, organisation: Any, municipality: Any
) -> None:
    client.force_login(coordinator)
    assert client.get(CREATE).status_code == 200
    assert not Programme.objects.exists()
    response = client.post(CREATE, form_data(organisation))
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert programme.slug == "ripartire-dal-lavoro"
    assert list(programme.municipalities.all()) == [municipality]
    assert ProgrammePartner.objects.filter(
        programme=programme, organisation=organisation, role=PartnerRole.LEAD
    ).exists()


def test_an_end_before_the_start_is_shown_beside_the_end_date(
    client: Any, coordinator: Any, organisation: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(CREATE, form_data(organisation, end_date="2025-01-01"))
    assert response.status_code == 200
    assert "before the start" in " ".join(response.context["form"].errors["end_date"])
    assert not Programme.objects.exists()


def test_only_network_coordinators_create_programmes(
    client: Any, org_rep: Any, operator: Any, organisation: Any
) -> None:
    for user in (org_rep, operator):
        client.force_login(user)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, form_data(organisation)).status_code == 403
    assert not Programme.objects.filter(name="Ripartire dal lavoro").exists()


def test_detail_by_role(
    client: Any,
    operator: Any,
    org_rep: Any,
    outsider: Any,
    programme: Programme,
    other_organisation: Any,
) -> None:
    programme_partner_add(
        actor=None, programme=programme, organisation=other_organisation, role="funder"
    )
    client.force_login(operator)
    response = client.get(url("programme_detail", programme))
    assert response.status_code == 200
    assert [p.role for p in response.context["partners"]] == ["lead", "funder"]
    assert not response.context["can_manage"]
    client.force_login(org_rep)
    assert client.get(url("programme_detail", programme)).status_code == 200
    client.force_login(outsider)
    assert client.get(url("programme_detail", programme)).status_code == 404


def test_the_coordinator_edits_a_programme(
    client: Any, coordinator: Any, programme: Programme, organisation: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(url("programme_update", programme))
    assert response.status_code == 200
    assert "Pioltello (MI)" in response.content.decode()
    response = client.post(
        url("programme_update", programme),
        form_data(organisation, name="Cittadinanza al lavoro", status="active"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == "active"
    assert programme.slug == "cittadinanza-al-lavoro"
    assert AuditEntry.objects.filter(action="programme.update", actor=coordinator).exists()


def test_edit_is_403_in_scope_and_404_outside(
    client: Any,
    operator: Any,
    programme_coordinator: Any,
    programme: Programme,
    organisation: Any,
) -> None:
    client.force_login(operator)
    assert client.get(url("programme_update", programme)).status_code == 403
    client.force_login(programme_coordinator)
    assert client.get(url("programme_update", programme)).status_code == 404
    response = client.post(url("programme_update", programme), form_data(organisation))
    assert response.status_code == 404
    programme.refresh_from_db()
    assert programme.name == "Cittadinanza al lavoro"


def test_partners_are_added_and_removed(
    client: Any, coordinator: Any, programme: Programme, other_organisation: Any
) -> None:
    client.force_login(coordinator)
    add = url("programme_partner_add", programme)
    assert client.get(add).status_code == 200
    response = client.post(
        add, {"organisation": other_organisation.pk, "role": "supporter", "description": ""}
    )
    assert response.status_code == 302
    partner = ProgrammePartner.objects.get(organisation=other_organisation)
    remove = url("programme_partner_remove", programme, partner.pk)
    assert client.get(remove).status_code == 200
    assert ProgrammePartner.objects.filter(pk=partner.pk).exists()
    assert client.post(remove).status_code == 302
    assert not ProgrammePartner.objects.filter(pk=partner.pk).exists()


def test_the_lead_role_is_not_offered_nor_removable(
    client: Any, coordinator: Any, programme: Programme, other_organisation: Any
) -> None:
    client.force_login(coordinator)
    response = client.post(
        url("programme_partner_add", programme),
        {"organisation": other_organisation.pk, "role": "lead", "description": ""},
    )
    assert "role" in response.context["form"].errors
    lead = ProgrammePartner.objects.get(programme=programme, role=PartnerRole.LEAD)
    response = client.post(url("programme_partner_remove", programme, lead.pk), follow=True)
    assert response.status_code == 200
    assert ProgrammePartner.objects.filter(pk=lead.pk).exists()
    assert "can't be removed" in response.content.decode().replace("&#x27;", "'")


def test_a_duplicate_partner_role_is_explained(
    client: Any, coordinator: Any, programme: Programme, other_organisation: Any
) -> None:
    programme_partner_add(
        actor=None, programme=programme, organisation=other_organisation, role="partner"
    )
    client.force_login(coordinator)
    response = client.post(
        url("programme_partner_add", programme),
        {"organisation": other_organisation.pk, "role": "partner", "description": ""},
    )
    assert response.status_code == 200
    assert "already has this role" in str(response.context["form"].errors)
    assert ProgrammePartner.objects.filter(organisation=other_organisation).count() == 1


def test_partner_pages_are_403_in_scope_without_the_right(
    client: Any, operator: Any, programme: Programme
) -> None:
    lead = ProgrammePartner.objects.get(programme=programme)
    client.force_login(operator)
    assert client.get(url("programme_partner_add", programme)).status_code == 403
    assert client.post(url("programme_partner_remove", programme, lead.pk)).status_code == 403


def test_a_partner_of_another_programme_is_404(
    client: Any, coordinator: Any, programme: Programme, other_organisation: Any
) -> None:
    other = programme_create(actor=None, name="Terzo", lead_organisation=other_organisation)
    partner = ProgrammePartner.objects.get(programme=other)
    client.force_login(coordinator)
    assert client.post(url("programme_partner_remove", programme, partner.pk)).status_code == 404
    assert ProgrammePartner.objects.filter(pk=partner.pk).exists()
