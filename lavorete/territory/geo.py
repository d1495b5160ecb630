"""Distances between municipalities, from their stored coordinates."""

import math
from decimal import Decimal
from typing import Protocol

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


class Located(Protocol):
    @property
    def latitude(self) -> Decimal | float | None: ...

    @property
    def longitude(self) -> Decimal | float | None: ...


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km(first: Located, second: Located) -> float | None:
    """Distance in km between two municipalities' centres, or None if either lacks coordinates."""
    lat1, lon1 = first.latitude, first.longitude
    lat2, lon2 = second.latitude, second.longitude
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return haversine_km(float(lat1), float(lon1), float(lat2), float(lon2))
