"""The loader of the ISTAT list (run once per test session by the root conftest)."""

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from lavorete.core.models import AuditEntry
from lavorete.territory.models import Municipality, Province, Region
from lavorete.territory.services import municipalities_load
from lavorete.territory.sources import read_istat

pytestmark = pytest.mark.django_db

# Measured with the packaged data: 7,678 of 7,896 municipalities (97.2%) get coordinates.
MIN_COORDINATE_COVERAGE = 0.96


def test_it_loads_every_region_province_and_municipality() -> None:
    rows = read_istat()
    assert Region.objects.count() == 20
    assert Province.objects.count() == len({r.province_code for r in rows})
    assert 105 <= Province.objects.count() <= 115
    assert Municipality.objects.count() == len(rows)
    assert Municipality.objects.count() > 7800


def test_pioltello_is_in_the_metropolitan_city_of_milan_with_coordinates() -> None:
    pioltello = Municipality.objects.select_related("province__region").get(istat_code="015175")
    assert pioltello.name == "Pioltello"
    assert pioltello.province.name == "Milano"
    assert pioltello.province.abbreviation == "MI"
    assert pioltello.province.code == "215"
    assert pioltello.province.region.name == "Lombardia"
    assert pioltello.cadastral_code == "G686"
    assert pioltello.is_provincial_capital is False
    assert pioltello.latitude is not None
    assert pioltello.longitude is not None
    assert abs(pioltello.latitude - Decimal("45.50")) < Decimal("0.05")
    assert abs(pioltello.longitude - Decimal("9.33")) < Decimal("0.05")
    assert pioltello.latitude == pioltello.latitude.quantize(Decimal("0.000001"))


@pytest.mark.parametrize(
    ("name", "abbreviation", "capital"),
    [
        ("Matera", "MT", True),
        ("Sondrio", "SO", True),
        ("Bergamo", "BG", True),
        ("Bologna", "BO", True),
        ("Cinisello Balsamo", "MI", False),
        ("San Giovanni Bianco", "BG", False),
        ("Alzano Lombardo", "BG", False),
    ],
)
def test_known_municipalities_exist(name: str, abbreviation: str, capital: bool) -> None:
    municipality = Municipality.objects.select_related("province").get(name=name)
    assert municipality.province.abbreviation == abbreviation
    assert municipality.is_provincial_capital is capital
    assert municipality.latitude is not None


def test_a_large_majority_of_municipalities_has_coordinates() -> None:
    total = Municipality.objects.count()
    located = Municipality.objects.filter(latitude__isnull=False, longitude__isnull=False).count()
    assert located / total >= MIN_COORDINATE_COVERAGE
    # Latitude and longitude are set together or not at all.
    assert not Municipality.objects.filter(latitude__isnull=True, longitude__isnull=False).exists()


def test_a_second_run_creates_and_changes_nothing() -> None:
    before = Municipality.objects.count()
    summary = municipalities_load(actor=None)
    assert summary.regions_created == summary.provinces_created == 0
    assert summary.municipalities_created == 0
    assert summary.municipalities_updated == 0
    assert summary.regions_updated == summary.provinces_updated == 0
    assert summary.municipalities_unchanged == before
    assert Municipality.objects.count() == before


def test_it_restores_changed_names_and_reports_them_as_updated() -> None:
    Municipality.objects.filter(istat_code="015175").update(name="Pioltelo")
    Region.objects.filter(name="Lombardia").update(name="Lombardy")
    summary = municipalities_load(actor=None, with_coordinates=False)
    assert summary.municipalities_updated == 1
    assert summary.regions_updated == 1
    assert summary.municipalities_created == 0
    assert Municipality.objects.get(istat_code="015175").name == "Pioltello"
    assert Region.objects.filter(name="Lombardia").exists()


def test_it_keeps_coordinates_set_by_hand_where_geonames_has_none() -> None:
    unlocated = Municipality.objects.filter(latitude__isnull=True).first()
    assert unlocated is not None
    Municipality.objects.filter(pk=unlocated.pk).update(
        latitude=Decimal("45.000000"), longitude=Decimal("9.000000")
    )
    municipalities_load(actor=None)
    unlocated.refresh_from_db()
    assert unlocated.latitude == Decimal("45.000000")


def test_it_records_the_load_in_the_audit_trail(coordinator: Any) -> None:
    summary = municipalities_load(actor=coordinator, with_coordinates=False)
    entry = AuditEntry.objects.filter(action="territory.load").latest("created_at")
    assert entry.actor == coordinator
    assert entry.changes["municipalities_unchanged"] == summary.municipalities_unchanged
    assert entry.changes["with_coordinates"] == summary.with_coordinates


def test_the_command_prints_progress_and_a_summary() -> None:
    out = StringIO()
    call_command("load_municipalities", "--no-coordinates", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) > 1
    assert "Municipalities: 0 created, 0 updated" in lines[-1]
    assert "Coordinates:" in lines[-1]


def test_the_command_is_silent_at_verbosity_zero() -> None:
    out = StringIO()
    call_command("load_municipalities", "--no-coordinates", verbosity=0, stdout=out)
    assert out.getvalue() == ""
