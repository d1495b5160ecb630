"""Creating and changing districts: validation, audit, nothing written on refusal."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry
from lavorete.territory.models import District
from lavorete.territory.services import district_create, district_update
from lavorete.territory.tests.conftest import municipalities

pytestmark = pytest.mark.django_db


def test_it_creates_a_district_with_its_audit_entry(coordinator: Any) -> None:
    district = district_create(
        actor=coordinator,
        name="  Ambito   Bergamo Ovest ",
        slug="",
        description="Valle Brembana.",
        municipalities=municipalities("San Giovanni Bianco", "Alzano Lombardo", "Bergamo"),
    )
    assert district.name == "Ambito Bergamo Ovest"
    assert district.slug == "ambito-bergamo-ovest"
    assert district.municipalities.count() == 3
    entry = AuditEntry.objects.get(action="district.create", target_id=str(district.pk))
    assert entry.actor == coordinator
    assert entry.changes["municipalities"] == ["016008", "016024", "016188"]
    assert entry.changes["name"] == "Ambito Bergamo Ovest"


def test_it_keeps_a_municipality_listed_twice_once(coordinator: Any) -> None:
    pioltello, segrate = municipalities("Pioltello", "Segrate")
    district = district_create(
        actor=coordinator, name="Martesana", municipalities=[pioltello, segrate, pioltello]
    )
    assert district.municipalities.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "Ambito Est Milano"}, "name"),
        ({"name": "ambito est milano"}, "name"),
        ({"slug": "ambito-est-milano"}, "slug"),
        ({"slug": "Non valido!"}, "slug"),
        ({"slug": "x" * 81}, "slug"),
        ({"name": "y" * 201}, "name"),
        ({"municipalities": []}, "municipalities"),
    ],
)
def test_it_rejects_bad_input_and_writes_nothing(
    coordinator: Any, district: District, kwargs: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {
        "name": "Ambito Nuovo",
        "slug": "ambito-nuovo",
        "municipalities": municipalities("Bologna"),
        **kwargs,
    }
    districts, entries = District.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        district_create(actor=coordinator, **arguments)
    assert field in raised.value.message_dict
    assert District.objects.count() == districts
    assert AuditEntry.objects.count() == entries


def test_it_updates_a_district_and_audits_only_what_changed(
    coordinator: Any, district: District
) -> None:
    updated = district_update(
        actor=coordinator,
        district=district,
        name="Ambito Martesana",
        municipalities=municipalities("Pioltello", "Cinisello Balsamo"),
    )
    assert updated.name == "Ambito Martesana"
    assert updated.slug == "ambito-est-milano"
    assert sorted(updated.municipalities.values_list("name", flat=True)) == [
        "Cinisello Balsamo",
        "Pioltello",
    ]
    entry = AuditEntry.objects.get(action="district.update", target_id=str(district.pk))
    assert entry.actor == coordinator
    assert entry.changes == {
        "name": ["Ambito Est Milano", "Ambito Martesana"],
        "municipalities": [["015175", "015205"], ["015077", "015175"]],
    }


def test_an_update_that_changes_nothing_writes_no_audit_entry(
    coordinator: Any, district: District
) -> None:
    district_update(actor=coordinator, district=district, name="Ambito Est Milano")
    assert not AuditEntry.objects.filter(action="district.update").exists()


@pytest.mark.parametrize(
    "kwargs",
    [{"name": ""}, {"slug": "non valido"}, {"municipalities": []}, {"name": "Altro ambito"}],
)
def test_a_rejected_update_changes_nothing(
    coordinator: Any, district: District, kwargs: dict[str, Any]
) -> None:
    district_create(
        actor=coordinator, name="Altro ambito", municipalities=municipalities("Bologna")
    )
    with pytest.raises(ValidationError):
        district_update(
            actor=coordinator,
            district=district,
            description="Cambiata",
            **kwargs,
        )
    district.refresh_from_db()
    assert district.name == "Ambito Est Milano"
    assert district.description == "Comuni a est di Milano."
    assert district.municipalities.count() == 2
    assert not AuditEntry.objects.filter(action="district.update").exists()
