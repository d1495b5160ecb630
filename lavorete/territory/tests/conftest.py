from typing import Any

import pytest

from lavorete.territory.models import District, Municipality
from lavorete.territory.services import district_create


def municipalities(*names: str) -> list[Municipality]:
    found = {m.name: m for m in Municipality.objects.filter(name__in=names)}
    return [found[name] for name in names]


@pytest.fixture
def district(db: Any) -> District:
    return district_create(
        actor=None,
        name="Ambito Est Milano",
        slug="ambito-est-milano",
        description="Comuni a est di Milano.",
        municipalities=municipalities("Pioltello", "Segrate"),
    )
