from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.network.models import Organisation
from lavorete.network.services import organisation_create
from lavorete.network.tests.conftest import make_vat

pytestmark = pytest.mark.django_db

LIST = reverse("network:organisation_list")
CREATE = reverse("network:organisation_create")


def detail(org: Organisation) -> str:
    return reverse("network:organisation_detail", args=[org.pk])


def edit(org: Organisation) -> str:
    return reverse("network:organisation_update", args=[org.pk])


def form_data(org: Organisation | None = None, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Laboratorio Aperto Aps",
        "kind": "association",
        "legal_form": "aps",
        "tax_code": "",
        "vat_number": "",
        "ateco_code": "94.99.90",
        "municipality": "Pioltello (MI)",
        "address": "Via dell'Esempio 1",
        "postcode": "20096",
        "website": "",
        "email": "",
        "phone": "",
        "description": "",
    }
    if org is not None:
        data.update(
            name=org.name,
            kind=org.kind,
            legal_form=org.legal_form,
            vat_number=org.vat_number,
            tax_code=org.tax_code,
            ateco_code=org.ateco_code,
            address=org.address,
            postcode=org.postcode,
        )
    data.update(overrides)
    return data


# --- list ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_person_without_role_gets_403(client: Any, person: Any) -> None:
    client.force_login(person)
    assert client.get(LIST).status_code == 403


def test_the_coordinator_lists_every_organisation(
    client: Any, coordinator: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    client.force_login(coordinator)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["organisations"]) == [organisation, other_organisation]
    assert response.context["can_create"]


def test_a_representative_lists_only_their_organisation(
    client: Any, org_rep: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    client.force_login(org_rep)
    response = client.get(LIST)
    assert list(response.context["organisations"]) == [organisation]
    assert other_organisation.name not in response.content.decode()
    assert not response.context["can_create"]


def test_the_list_filters_and_keeps_filters_in_export_links(
    client: Any, coordinator: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    client.force_login(coordinator)
    province = other_organisation.municipality.province.code
    response = client.get(LIST, {"q": "officine", "kind": "company", "province": province})
    assert list(response.context["organisations"]) == [other_organisation]
    assert "q=officine" in response.context["export_query"]


def test_an_invalid_filter_is_ignored(
    client: Any, coordinator: Any, organisation: Organisation
) -> None:
    client.force_login(coordinator)
    response = client.get(LIST, {"kind": "pirate_ship", "q": "ponte"})
    assert response.status_code == 200
    assert list(response.context["organisations"]) == [organisation]


def test_the_list_query_count_does_not_grow_with_rows(
    client: Any, coordinator: Any, municipality: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        organisation_create(
            actor=None,
            name=f"Impresa {n:02d}",
            kind="company",
            legal_form="srl",
            vat_number=make_vat(1000 + n),
            municipality=municipality,
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["organisations"]) == 25


# --- create ----------------------------------------------------------------------


def test_the_coordinator_registers_an_organisation(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    assert client.get(CREATE).status_code == 200
    assert not Organisation.objects.exists()  # GET changes nothing
    response = client.post(CREATE, form_data(vat_number=f"IT {make_vat(7777777)}"))
    created = Organisation.objects.get(name="Laboratorio Aperto Aps")
    assert response.status_code == 302
    assert response["Location"] == detail(created)
    assert created.vat_number == make_vat(7777777)
    assert created.municipality.name == "Pioltello"
    assert AuditEntry.objects.filter(action="organisation.create", actor=coordinator).exists()


def test_a_municipality_can_be_given_by_istat_code(
    client: Any, coordinator: Any, municipality: Any
) -> None:
    client.force_login(coordinator)
    client.post(CREATE, form_data(municipality=municipality.istat_code))
    assert Organisation.objects.get().municipality == municipality


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"vat_number": "12345678901"}, "vat_number", "not a valid VAT number"),
        ({"tax_code": "RSSMRA85T10A562X"}, "tax_code", "not a valid tax code"),
        ({"ateco_code": "62.01.00"}, "ateco_code", "not an ATECO code"),
        ({"municipality": "Atlantide (XX)"}, "municipality", "no municipality"),
        ({"municipality": ""}, "municipality", "required"),
        ({"name": ""}, "name", "required"),
        ({"postcode": "ABCDE"}, "postcode", "five digits"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(
    client: Any, coordinator: Any, overrides: dict[str, str], field: str, message: str
) -> None:
    client.force_login(coordinator)
    response = client.post(CREATE, form_data(None, **overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Organisation.objects.exists()


def test_an_ambiguous_municipality_name_asks_for_the_province(
    client: Any, coordinator: Any
) -> None:
    from django.db.models import Count

    from lavorete.territory.models import Municipality

    name = (
        Municipality.objects.values_list("name", flat=True)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name")
        .first()
    )
    client.force_login(coordinator)
    response = client.post(CREATE, form_data(municipality=name))
    assert "add the province" in " ".join(response.context["form"].errors["municipality"])
    assert not Organisation.objects.exists()


def test_a_duplicate_vat_number_is_shown_beside_the_field(
    client: Any, coordinator: Any, organisation: Organisation
) -> None:
    client.force_login(coordinator)
    response = client.post(CREATE, form_data(vat_number=organisation.vat_number))
    assert "already exists" in " ".join(response.context["form"].errors["vat_number"])
    assert Organisation.objects.count() == 1


def test_a_representative_cannot_register_organisations(client: Any, org_rep: Any) -> None:
    client.force_login(org_rep)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert not Organisation.objects.filter(name="Laboratorio Aperto Aps").exists()


# --- detail ----------------------------------------------------------------------


def test_the_detail_shows_contacts_and_logs_the_access(
    client: Any,
    coordinator: Any,
    organisation: Organisation,
    contact: Any,
    programme: Any,
    agreement: Any,
) -> None:
    client.force_login(coordinator)
    response = client.get(detail(organisation))
    assert response.status_code == 200
    page = response.content.decode()
    assert contact.email in page
    assert programme.name in page
    assert escape(agreement.title) in page
    access = PersonalDataAccess.objects.get(subject_id=str(contact.pk))
    assert access.actor == coordinator
    assert access.subject_type == "network.contact"
    assert "email" in access.fields
    assert access.path == detail(organisation)


def test_an_operator_can_view_the_organisations_of_their_programme(
    client: Any, operator: Any, organisation: Organisation, contact: Any
) -> None:
    client.force_login(operator)
    response = client.get(detail(organisation))
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert PersonalDataAccess.objects.filter(actor=operator).count() == 1


def test_a_page_without_contacts_logs_nothing(
    client: Any, coordinator: Any, other_organisation: Organisation
) -> None:
    client.force_login(coordinator)
    client.get(detail(other_organisation))
    assert not PersonalDataAccess.objects.exists()


def test_an_outsider_gets_404(client: Any, outsider: Any, organisation: Organisation) -> None:
    client.force_login(outsider)
    assert client.get(detail(organisation)).status_code == 404


def test_an_unknown_organisation_is_404(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("network:organisation_detail", args=[999999])).status_code == 404


# --- edit ------------------------------------------------------------------------


def test_a_representative_edits_their_organisation(
    client: Any, org_rep: Any, organisation: Organisation
) -> None:
    client.force_login(org_rep)
    response = client.get(edit(organisation))
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.phone == ""  # GET changes nothing
    response = client.post(edit(organisation), form_data(organisation, phone="02 9999"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.phone == "02 9999"
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor == org_rep
    assert entry.changes["phone"] == ["", "02 9999"]


def test_a_representative_gets_404_on_another_organisation(
    client: Any, org_rep: Any, other_organisation: Organisation
) -> None:
    client.force_login(org_rep)
    assert client.get(edit(other_organisation)).status_code == 404
    response = client.post(edit(other_organisation), form_data(other_organisation, name="Preso"))
    assert response.status_code == 404
    other_organisation.refresh_from_db()
    assert other_organisation.name == "Officine Segratesi Srl"


def test_an_operator_can_view_but_not_edit(
    client: Any, operator: Any, organisation: Organisation
) -> None:
    client.force_login(operator)
    assert client.get(edit(organisation)).status_code == 403
    response = client.post(edit(organisation), form_data(organisation, name="Preso"))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Cooperativa Sociale Ponte Verde"


def test_a_space_manager_in_scope_gets_403_on_edit(
    client: Any, space_manager: Any, organisation: Organisation
) -> None:
    client.force_login(space_manager)
    assert client.get(detail(organisation)).status_code == 200
    assert client.get(edit(organisation)).status_code == 403


def test_bad_input_on_edit_changes_nothing(
    client: Any, coordinator: Any, organisation: Organisation
) -> None:
    client.force_login(coordinator)
    response = client.post(
        edit(organisation), form_data(organisation, name="Nuovo", vat_number="12345678901")
    )
    assert response.status_code == 200
    assert "vat_number" in response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.name == "Cooperativa Sociale Ponte Verde"
    assert not AuditEntry.objects.filter(action="organisation.update").exists()
