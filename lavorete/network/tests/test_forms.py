from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count

from lavorete.network.forms import MunicipalitiesField, municipality_label, resolve_municipality
from lavorete.territory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambiguous_name(db: Any) -> str:
    """A name two or more municipalities share."""
    row = (
        Municipality.objects.values("name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name")
        .first()
    )
    assert row is not None
    return str(row["name"])


@pytest.mark.parametrize(
    "text",
    [
        "Pioltello (MI)",
        "pioltello",
        "  PIOLTELLO   (mi) ",
        "{code}",
        "{code} Pioltello (MI)",
        "{short}",
    ],
)
def test_a_municipality_is_found_by_name_or_code(municipality: Any, text: str) -> None:
    typed = text.format(code=municipality.istat_code, short=int(municipality.istat_code))
    assert resolve_municipality(typed) == municipality


def test_an_unknown_municipality_is_explained(db: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        resolve_municipality("Atlantide")
    assert "no municipality" in excinfo.value.messages[0]


def test_an_ambiguous_name_lists_the_choices(ambiguous_name: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        resolve_municipality(ambiguous_name)
    message = excinfo.value.messages[0]
    assert "add the province" in message
    candidates = Municipality.objects.filter(name=ambiguous_name).select_related("province")
    for candidate in candidates:
        assert municipality_label(candidate) in message
        assert resolve_municipality(municipality_label(candidate)) == candidate


def test_several_municipalities_one_per_line(municipality: Any) -> None:
    field = MunicipalitiesField()
    text = f"Pioltello (MI)\n\n{municipality.istat_code}\nSegrate (MI)\n"
    found = field.clean(text)
    assert [m.name for m in found] == ["Pioltello", "Segrate"]


def test_each_unreadable_line_gets_its_error(db: Any) -> None:
    field = MunicipalitiesField()
    with pytest.raises(ValidationError) as excinfo:
        field.clean("Pioltello (MI)\nAtlantide\nNarnia (XX)")
    assert len(excinfo.value.messages) == 2
    assert "Atlantide" in excinfo.value.messages[0]
    assert "Narnia" in excinfo.value.messages[1]
