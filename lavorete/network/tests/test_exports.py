import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lavorete.network.services import organisation_create

pytestmark = pytest.mark.django_db


def export_url(fmt: str) -> str:
    return reverse("network:organisation_export", args=[fmt])


@pytest.fixture
def formula_org(db: Any, municipality: Any) -> Any:
    return organisation_create(
        actor=None,
        name='=HYPERLINK("http://example.com","clic")',
        kind="association",
        legal_form="association",
        municipality=municipality,
        description="-2+3",
    )


def read_csv(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_of_the_filtered_list(
    client: Any, coordinator: Any, organisation: Any, other_organisation: Any, contact: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(export_url("csv"), {"kind": "cooperative"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    rows = read_csv(response)
    assert rows[0][:5] == ["Name", "Kind", "Legal form", "Tax code", "VAT number"]
    assert [r[0] for r in rows[1:]] == [organisation.name]
    assert rows[1][4] == organisation.vat_number
    assert rows[1][7:9] == ["Pioltello", "MI"]
    # Organisation data only: the contact's personal data is not exported.
    assert contact.email not in response.content.decode()
    assert contact.last_name not in response.content.decode()


def test_xlsx_export(
    client: Any, coordinator: Any, organisation: Any, other_organisation: Any
) -> None:
    client.force_login(coordinator)
    response = client.get(export_url("xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Name"
    assert [r[0] for r in values[1:]] == [organisation.name, other_organisation.name]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised(
    client: Any, coordinator: Any, formula_org: Any, fmt: str
) -> None:
    client.force_login(coordinator)
    response = client.get(export_url(fmt))
    if fmt == "csv":
        names = [r[0] for r in read_csv(response)[1:]]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert names == ["'" + formula_org.name]


def test_the_export_is_scoped(
    client: Any, org_rep: Any, organisation: Any, other_organisation: Any
) -> None:
    client.force_login(org_rep)
    rows = read_csv(client.get(export_url("csv")))
    assert [r[0] for r in rows[1:]] == [organisation.name]


def test_an_unknown_format_is_404(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    assert client.get(export_url("pdf")).status_code == 404


def test_export_needs_a_role(client: Any, person: Any) -> None:
    client.force_login(person)
    assert client.get(export_url("csv")).status_code == 403


def test_export_query_count_is_constant(
    client: Any, coordinator: Any, municipality: Any, django_assert_max_num_queries: Any
) -> None:
    from lavorete.network.tests.conftest import make_vat

    for n in range(40):
        organisation_create(
            actor=None,
            name=f"Ditta {n}",
            kind="company",
            legal_form="sole_proprietorship",
            vat_number=make_vat(2000 + n),
            municipality=municipality,
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(export_url("csv"))
    assert len(read_csv(response)) == 41
