from decimal import Decimal
from types import SimpleNamespace

import pytest

from lavorete.territory.geo import distance_km, haversine_km
from lavorete.territory.models import Municipality


@pytest.mark.django_db
def test_pioltello_and_segrate_are_a_few_km_apart() -> None:
    pioltello = Municipality.objects.get(name="Pioltello")
    segrate = Municipality.objects.get(name="Segrate")
    distance = distance_km(pioltello, segrate)
    assert distance is not None
    assert 2 < distance < 6


@pytest.mark.django_db
def test_milan_and_bologna_are_about_200_km_apart() -> None:
    milano = Municipality.objects.get(name="Milano")
    bologna = Municipality.objects.get(name="Bologna")
    distance = distance_km(milano, bologna)
    assert distance is not None
    assert 190 < distance < 210


def test_distance_is_none_when_a_coordinate_is_missing() -> None:
    located = SimpleNamespace(latitude=Decimal("45.5"), longitude=Decimal("9.3"))
    unlocated = SimpleNamespace(latitude=None, longitude=None)
    assert distance_km(located, unlocated) is None
    assert distance_km(unlocated, located) is None


def test_distance_to_itself_is_zero_and_symmetric() -> None:
    assert haversine_km(45.5, 9.3, 45.5, 9.3) == 0
    assert haversine_km(45.5, 9.3, 41.9, 12.5) == pytest.approx(haversine_km(41.9, 12.5, 45.5, 9.3))
    # One degree of latitude is about 111 km.
    assert haversine_km(45.0, 9.0, 46.0, 9.0) == pytest.approx(111.2, abs=0.5)
