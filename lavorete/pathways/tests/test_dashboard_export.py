"""The dashboard's CSV and XLSX exports: the published figures, small counts hidden."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lavorete.pathways.tests.dashboard_support import enrol
from lavorete.territory.models import Municipality


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def built(db: Any, programme: Any, operator: Any, municipality: Any) -> Any:
    """9 people in Pioltello, 1 in Segrate, 1 without residence."""
    segrate = Municipality.objects.get(name="Segrate")
    for _ in range(9):
        enrol(programme, actor=operator, residence=municipality)
    enrol(programme, actor=operator, residence=segrate)
    enrol(programme, actor=operator)
    return programme


def export(client: Any, programme: Any, fmt: str) -> Any:
    return client.get(
        reverse("programme_dashboard:export", kwargs={"pk": programme.pk, "fmt": fmt})
    )


def test_the_csv_has_the_published_figures(client: Any, coordinator: Any, built: Any) -> None:
    client.force_login(coordinator)
    response = export(client, built, "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="programme-{built.slug}-' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "Count", "Target"]
    assert ["People reached", "Total", "11", ""] in rows
    municipality = {r[1]: r[2] for r in rows if r[0] == "By municipality of intake"}
    # Segrate (1) and "not recorded" (1): 2 hidden between two small cells gives both
    # away, so Pioltello's 9 is hidden too.
    assert municipality == {
        "Pioltello": "n.d.",
        "Segrate": "<5",
        "Not recorded": "<5",
        "Total": "11",
    }


def test_the_xlsx_hides_every_count_from_one_to_four(
    client: Any, evaluator: Any, built: Any
) -> None:
    client.force_login(evaluator)
    response = export(client, built, "xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    counts = [row[2] for row in rows[1:]]
    assert 11 in counts
    assert "<5" in counts
    assert not [c for c in counts if isinstance(c, int) and 1 <= c <= 4]


def test_an_unknown_export_format_is_404(client: Any, coordinator: Any, built: Any) -> None:
    client.force_login(coordinator)
    assert export(client, built, "pdf").status_code == 404


def test_the_export_is_refused_outside_the_programme(
    client: Any, other_operator: Any, org_rep: Any, built: Any
) -> None:
    client.force_login(other_operator)
    assert export(client, built, "csv").status_code == 404
    client.force_login(org_rep)
    assert export(client, built, "csv").status_code == 403
