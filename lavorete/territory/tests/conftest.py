from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from lavorete.territory.models import District, Municipality
from lavorete.territory.services import district_create


def municipalities(*names: str) -> list[Municipality]:
    found = {m.name: m for m in Municipality.objects.filter(name__in=names)}
    return [found[name] for name in names]


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    """Messages are asserted in their English source text, whatever the translations say."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def district(db: Any) -> District:
    return district_create(
        actor=None,
        name="Ambito Est Milano",
        slug="ambito-est-milano",
        description="Comuni a est di Milano.",
        municipalities=municipalities("Pioltello", "Segrate"),
    )
