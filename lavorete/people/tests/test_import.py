"""Bulk import: dry run with a report of every problem, then all or nothing."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from lavorete.pathways.models import Enrolment
from lavorete.people.importer import MAX_ROWS, ImportFileError, import_people, read_rows
from lavorete.people.models import Person
from lavorete.people.tests.registry_support import english

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    with english(settings):
        yield


HEADER = (
    "first_name;last_name;email;tax_code;birth_date;gender;municipality;employment_status;is_neet"
)
GOOD = [
    "Anna;Inventata;anna@example.org;;15/04/1999;F;015175;unemployed;sì",
    "Bruno;Fittizio;;;1980-02-29;male;Segrate;employed;no",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run(programme, raw, *, commit=False, name="persone.csv", actor=None):
    return import_people(actor=actor, programme=programme, name=name, raw=raw, commit=commit)


def test_the_dry_run_checks_and_writes_nothing(programme, operator):
    report = run(programme, csv_bytes(*GOOD), actor=operator)
    assert report.ok and report.rows == 2 and not report.committed
    assert not Person.objects.exists()


def test_the_import_registers_and_enrols_everyone(programme, operator):
    report = run(programme, csv_bytes(*GOOD), commit=True, actor=operator)
    assert report.committed and report.created == 2
    anna = Person.objects.get(first_name="Anna")
    assert anna.residence is not None and anna.birth_date is not None
    assert anna.residence.name == "Pioltello" and anna.is_neet and anna.gender == "female"
    assert anna.birth_date.isoformat() == "1999-04-15"
    enrolment = Enrolment.objects.get(person=anna)
    assert enrolment.programme == programme and enrolment.tutor == operator


def test_one_bad_row_stops_everything_and_every_problem_is_reported(programme, operator):
    rows = [
        *GOOD,
        "Carla;Errata;non-una-mail;RSSMRA80A01F205Y;31/02/2000;x;Comune Inesistente;busy;forse",
        ";;;;2999-01-01;;;;",
    ]
    report = run(programme, csv_bytes(*rows), commit=True, actor=operator)
    assert not report.committed
    assert not Person.objects.exists() and not Enrolment.objects.exists()
    found = {(e.row, e.column) for e in report.errors}
    assert {
        (4, "email"),
        (4, "tax_code"),
        (4, "birth_date"),
        (4, "gender"),
        (4, "municipality"),
        (4, "employment_status"),
        (4, "is_neet"),
        (5, "birth_date"),
        (5, "last_name"),
    } <= found
    assert not any(e.row in (2, 3) for e in report.errors)


def test_duplicates_in_the_file_and_in_the_registry_are_row_errors(programme, registered):
    rows = [
        "Uno;Doppio;;RSSMRA80A01F205X;;;;;",
        "Due;Doppio;;rssmra80a01f205x;;;;;",
        f"Tre;Registrata;;{registered.tax_code};;;;;",
    ]
    report = run(programme, csv_bytes(*rows))
    assert [(e.row, e.column) for e in report.errors] == [(3, "tax_code"), (4, "tax_code")]
    assert "row 2" in report.errors[0].message


def test_a_comma_separated_file_with_bom_is_read(programme):
    raw = "\ufefffirst_name,last_name,municipality\nDora,Virgola,Pioltello (MI)\n".encode()
    assert run(programme, raw).ok


def test_an_xlsx_file_is_read_with_dates_and_numbers(programme, operator):
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["first_name", "last_name", "birth_date", "municipality", "hours_per_week"])
    born = dt.datetime(1990, 5, 6)  # noqa: DTZ001 - a spreadsheet's date cell is naive
    sheet.append(["Elsa", "Foglio", born, 15175, 20])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(programme, buffer.getvalue(), commit=True, name="persone.xlsx", actor=operator)
    assert report.committed
    elsa = Person.objects.get(first_name="Elsa")
    assert elsa.birth_date == dt.date(1990, 5, 6) and elsa.hours_per_week == 20
    assert elsa.residence is not None and elsa.residence.name == "Pioltello"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("persone.csv", b"", "empty"),
        ("persone.pdf", b"%PDF-1.4", "CSV"),
        ("persone.csv", b"%PDF-1.4 disguised", "CSV"),
        ("persone.xlsx", b"PK\x03\x04 not a workbook", "XLSX"),
        ("persone.xlsx", b"first_name\nAnna\n", "CSV"),
        ("persone.csv", b"nome;cognome\nAnna;Rossi\n", "Unknown columns"),
        ("persone.csv", b"email\nanna@example.org\n", "first_name"),
        ("persone.csv", b"first_name;first_name\nA;B\n", "twice"),
        ("persone.csv", b"first_name;last_name\n", "no people"),
        ("persone.csv", "first_name\nBéa\n".encode("latin-1"), "UTF-8"),
        ("persone.csv", b"first_name\nA\x00\n", "text"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_error(programme, name, raw, message):
    with pytest.raises(ImportFileError) as caught:
        run(programme, raw, name=name, commit=True)
    assert message in str(caught.value)
    assert not Person.objects.exists()


def test_too_many_rows_are_refused(programme):
    rows = [f"Persona;Numero {i}" for i in range(MAX_ROWS + 1)]
    with pytest.raises(ImportFileError, match="more than"):
        read_rows("persone.csv", csv_bytes(*rows, header="first_name;last_name"))


def test_an_oversized_file_is_refused(programme, monkeypatch):
    monkeypatch.setattr("lavorete.people.importer.MAX_BYTES", 100)
    with pytest.raises(ImportFileError, match="too large"):
        run(programme, csv_bytes(*GOOD))


# --- the page ---------------------------------------------------------------------------


def post(client, programme, raw, *, commit=False, name="persone.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"programme": programme.pk, "file": SimpleUploadedFile(name, raw)}
    if commit:
        data["commit"] = "on"
    return client.post(reverse("people:import"), data)


def test_the_page_shows_the_report_then_imports(client, operator, programme):
    client.force_login(operator)
    bad = post(client, programme, csv_bytes(GOOD[0], "Carla;Errata;non-una-mail;;;;;;"))
    page = bad.content.decode()
    assert bad.status_code == 200 and "non-una-mail" not in page
    assert "email" in page and not Person.objects.exists()
    assert post(client, programme, csv_bytes(*GOOD)).context["report"].ok
    assert not Person.objects.exists()
    done = post(client, programme, csv_bytes(*GOOD), commit=True)
    assert done.context["report"].created == 2
    assert Enrolment.objects.filter(programme=programme).count() == 2


def test_the_page_refuses_a_programme_the_operator_does_not_work_in(
    client, operator, other_programme
):
    client.force_login(operator)
    response = post(client, other_programme, csv_bytes(*GOOD), commit=True)
    assert "programme" in response.context["form"].errors
    assert not Person.objects.exists()


def test_the_page_refuses_a_malformed_file(client, operator, programme):
    client.force_login(operator)
    response = post(client, programme, b"MZ\x90", name="persone.exe", commit=True)
    assert "file" in response.context["form"].errors


def test_the_template_lists_every_column(client, operator):
    client.force_login(operator)
    response = client.get(reverse("people:import_template"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment")
    assert text.splitlines()[0].startswith("first_name;last_name;email")


def test_the_template_imports_cleanly(client, operator, programme):
    client.force_login(operator)
    raw = client.get(reverse("people:import_template")).content
    assert run(programme, raw).ok


def test_only_operators_with_the_import_right_reach_the_page(client, coordinator, evaluator):
    for user in (coordinator, evaluator):
        client.force_login(user)
        assert client.get(reverse("people:import")).status_code == 403


# --- the command ------------------------------------------------------------------------


def test_the_command_dry_runs_then_imports(tmp_path: Path, programme, operator):
    path = tmp_path / "persone.csv"
    path.write_bytes(csv_bytes(*GOOD))
    out = io.StringIO()
    call_command("import_people", str(path), "--programme", programme.slug, stdout=out)
    assert "Dry run" in out.getvalue() and not Person.objects.exists()
    call_command(
        "import_people",
        str(path),
        "--programme",
        programme.slug,
        "--commit",
        "--tutor",
        operator.email,
        stdout=out,
    )
    assert Enrolment.objects.filter(tutor=operator).count() == 2


def test_the_command_reports_rows_and_writes_nothing(tmp_path: Path, programme):
    path = tmp_path / "persone.csv"
    path.write_bytes(csv_bytes(GOOD[0], ";;;;2999-01-01;;;;"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import_people", str(path), "--programme", programme.slug, "--commit", stderr=err
        )
    assert "row 3, birth_date" in err.getvalue()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--programme", "cittadinanza-al-lavoro"], "Can't read"),
        (["x.csv", "--programme", "nessuno"], "No programme"),
    ],
)
def test_the_command_refuses_bad_arguments(programme, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_people", *args)
