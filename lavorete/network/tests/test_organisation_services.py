from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry
from lavorete.network.models import Organisation
from lavorete.network.services import organisation_create, organisation_update
from lavorete.network.tests.conftest import make_vat

pytestmark = pytest.mark.django_db


def create(municipality: Any, **overrides: Any) -> Organisation:
    values: dict[str, Any] = {
        "actor": None,
        "name": "Bottega Solidale Snc",
        "kind": "company",
        "legal_form": "snc",
        "municipality": municipality,
    }
    values.update(overrides)
    return organisation_create(**values)


def test_it_creates_an_organisation_with_normalised_identifiers(
    coordinator: Any, municipality: Any
) -> None:
    vat = make_vat(4242424)
    organisation = create(
        municipality,
        actor=coordinator,
        vat_number=f" it {vat[:5]} {vat[5:]} ",
        tax_code=vat.lower(),
        ateco_code="621000",
    )
    organisation.refresh_from_db()
    assert organisation.vat_number == vat
    assert organisation.tax_code == vat
    assert organisation.ateco_code == "62.10.00"
    assert organisation.ateco_description == "Attività di programmazione informatica"
    entry = AuditEntry.objects.get(action="organisation.create", target_id=str(organisation.pk))
    assert entry.actor == coordinator
    assert entry.changes["vat_number"] == vat


def test_it_accepts_a_personal_tax_code_for_a_sole_proprietorship(municipality: Any) -> None:
    organisation = create(
        municipality, legal_form="sole_proprietorship", tax_code="rss mra 85t10 a562s"
    )
    assert organisation.tax_code == "RSSMRA85T10A562S"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vat_number", "12345678901"),  # wrong check digit
        ("vat_number", "12345678903"),  # right Luhn digit, impossible office code
        ("vat_number", "1234567"),  # too short
        ("tax_code", "RSSMRA85T10A562X"),  # wrong check character
        ("tax_code", "ABC"),
        ("tax_code", "12345678901"),  # 11 digits with a wrong check digit
        ("ateco_code", "99.99.99"),
        ("ateco_code", "62.01.00"),  # an ATECO 2007 code that ATECO 2025 dropped
        ("ateco_code", "J"),  # a section, not a code of an activity
        ("postcode", "2016"),
        ("kind", "pirate_ship"),
        ("legal_form", "llc"),
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(municipality: Any, field: str, value: str) -> None:
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        create(municipality, **{field: value})
    assert field in excinfo.value.message_dict
    assert not Organisation.objects.filter(name="Bottega Solidale Snc").exists()
    assert AuditEntry.objects.count() == audit_before


def test_it_explains_a_bad_vat_number(municipality: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create(municipality, vat_number="12345678901")
    assert "12345678901" in excinfo.value.message_dict["vat_number"][0]


@pytest.mark.parametrize("field", ["vat_number", "tax_code"])
def test_it_rejects_a_duplicate_identifier(municipality: Any, field: str) -> None:
    vat = make_vat(5550001)
    create(municipality, name="Prima", **{field: vat})
    with pytest.raises(ValidationError) as excinfo:
        create(
            municipality, name="Seconda", **{field: f"IT{vat}" if field == "vat_number" else vat}
        )
    assert "already exists" in excinfo.value.message_dict[field][0]
    assert not Organisation.objects.filter(name="Seconda").exists()


def test_blank_identifiers_are_not_duplicates(municipality: Any) -> None:
    create(municipality, name="Associazione Uno", kind="association", legal_form="aps")
    create(municipality, name="Associazione Due", kind="association", legal_form="odv")
    assert Organisation.objects.filter(vat_number="", tax_code="").count() == 2


def test_it_updates_and_audits_the_difference(coordinator: Any, organisation: Organisation) -> None:
    updated = organisation_update(
        actor=coordinator,
        organisation=organisation,
        name="Cooperativa Ponte Verde",
        phone="02 123456",
        ateco_code="88.91.00",
    )
    assert updated.name == "Cooperativa Ponte Verde"
    organisation.refresh_from_db()
    assert organisation.phone == "02 123456"
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.changes == {
        "name": ["Cooperativa Sociale Ponte Verde", "Cooperativa Ponte Verde"],
        "phone": ["", "02 123456"],
        "ateco_code": ["", "88.91.00"],
    }


def test_an_update_without_changes_writes_no_audit_entry(
    coordinator: Any, organisation: Organisation
) -> None:
    organisation_update(actor=coordinator, organisation=organisation, name=organisation.name)
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_a_refused_update_changes_nothing(
    coordinator: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        organisation_update(
            actor=coordinator,
            organisation=organisation,
            name="Nome nuovo",
            vat_number=other_organisation.vat_number,
        )
    assert "vat_number" in excinfo.value.message_dict
    # Neither the caller's object nor the row changed.
    assert organisation.name == "Cooperativa Sociale Ponte Verde"
    organisation.refresh_from_db()
    assert organisation.name == "Cooperativa Sociale Ponte Verde"
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_update_rejects_unknown_fields(coordinator: Any, organisation: Organisation) -> None:
    with pytest.raises(TypeError):
        organisation_update(actor=coordinator, organisation=organisation, pk=99)
