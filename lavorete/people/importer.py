"""Bulk import of people from a CSV or XLSX file: check everything, then all or nothing.

The file has one header row naming its columns (any order; only the first
name or the last name is required), then one row per person:

    first_name, last_name       at least one of the two
    email, phone, address       contacts
    tax_code                    codice fiscale, checked; no duplicates in the file or the registry
    birth_date                  YYYY-MM-DD or DD/MM/YYYY, not in the future
    gender                      female, male, non_binary, undisclosed (or F / M)
    municipality                of residence: ISTAT code, "Name (PV)" or a name that is unique
    education_level             ISCED 2011 level, 0-8
    education_title             the title of the qualification
    employment_status           unemployed, employed, self_employed, student, inactive
    employment_status_since     a date, as birth_date
    is_neet, is_returning_mother, is_migrant, driving_licence
                                yes/no (also sì, si, 1, 0, true, false, x; empty is no)
    hours_per_week, mobility_km whole numbers

CSV files are UTF-8 (with or without BOM), separated by ";" or "," (found from
the header). A dry run reports every problem as (row, column, message), row
numbers as a spreadsheet shows them (the header is row 1). The import runs
only when every row is valid, in one transaction: each person is registered
with `person_create` and enrolled in the chosen programme with the importing
operator as tutor. Nothing is kept on disk: the file is read from the upload.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lavorete.network.forms import resolve_municipality
from lavorete.people.models import EmploymentStatus, Gender, IscedLevel, Person
from lavorete.people.services import (
    _person_errors,
    normalise_person_tax_code,
    person_create,
)

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "tax_code",
    "birth_date",
    "gender",
    "municipality",
    "address",
    "education_level",
    "education_title",
    "employment_status",
    "employment_status_since",
    "is_neet",
    "is_returning_mother",
    "is_migrant",
    "hours_per_week",
    "mobility_km",
    "driving_licence",
)
BOOLEAN_COLUMNS = ("is_neet", "is_returning_mother", "is_migrant", "driving_licence")
DATE_COLUMNS = ("birth_date", "employment_status_since")
NUMBER_COLUMNS = ("hours_per_week", "mobility_km")
# Where a model field is called differently in the file.
FIELD_COLUMN = {"residence": "municipality"}
TEMPLATE_EXAMPLE = {
    "first_name": "Esempio",
    "last_name": "Persona Inventata",
    "email": "esempio@example.org",
    "birth_date": "15/04/1999",
    "gender": "female",
    "municipality": "Pioltello (MI)",
    "education_level": "3",
    "employment_status": "unemployed",
    "employment_status_since": "2025-09-01",
    "is_neet": "sì",
    "hours_per_week": "20",
}
_TRUE = {"1", "yes", "y", "si", "sì", "true", "vero", "x"}
_FALSE = {"", "0", "no", "n", "false", "falso"}
_GENDER_ALIASES: dict[str, str] = {"f": Gender.FEMALE.value, "m": Gender.MALE.value}


class ImportFileError(Exception):
    """The file as a whole can't be read: wrong type, encoding, headers, size."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading the file ------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_("The CSV file is not in UTF-8: save it as “CSV UTF-8”.")) from exc
    if "\x00" in text:
        raise ImportFileError(_("This is not a text CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _read_xlsx(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError(
            _("The XLSX file can't be read: is it really an Excel file?")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except (KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        raise ImportFileError(
            _("The XLSX file can't be read: is it really an Excel file?")
        ) from exc
    finally:
        workbook.close()


def read_rows(name: str, raw: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as (spreadsheet row number, {column: text}); ImportFileError if unreadable."""
    if not raw:
        raise ImportFileError(_("The file is empty."))
    if len(raw) > MAX_BYTES:
        raise ImportFileError(
            _("The file is too large: the limit is %(limit)s MB.") % {"limit": MAX_BYTES // 2**20}
        )
    extension = (name or "").lower().rsplit(".", 1)[-1]
    if extension == "xlsx" and raw.startswith(b"PK\x03\x04"):
        table = _read_xlsx(raw)
    elif extension == "csv" and not raw.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        table = _read_csv(raw)
    else:
        raise ImportFileError(_("Upload a CSV (UTF-8) or XLSX file."))
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportFileError(_("The file has no header row."))
    header = [cell.strip().lower().lstrip("\ufeff") for cell in table[0]]
    while header and not header[-1]:
        header.pop()
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Unknown columns: %(columns)s. The columns are: %(allowed)s.")
            % {"columns": ", ".join(unknown[:10]), "allowed": ", ".join(COLUMNS)}
        )
    if len(set(header)) != len(header):
        raise ImportFileError(_("A column appears twice in the header."))
    if "first_name" not in header and "last_name" not in header:
        raise ImportFileError(_("The file needs a first_name or a last_name column."))
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(cell).strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s people: split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        padded = [*cells, *[""] * len(header)]
        rows.append((number, {h: str(padded[i]).strip() for i, h in enumerate(header)}))
    if not rows:
        raise ImportFileError(_("The file has a header but no people."))
    return rows


# --- checking the rows -----------------------------------------------------------------


def _parse_date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def _choice(text: str, choices: Any, aliases: dict[str, str] | None = None) -> str:
    value = text.strip().lower()
    value = (aliases or {}).get(value, value)
    if value not in choices.values:
        raise ValueError(value)
    return value


def _row_fields(values: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The person_create keyword arguments of one row, and its problems (column, message)."""
    fields: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for column in ("first_name", "last_name", "phone", "address", "education_title"):
        if column in values:
            fields[column] = values[column]
    if values.get("email"):
        try:
            validate_email(values["email"])
            fields["email"] = values["email"]
        except ValidationError:
            problems.append(("email", _("Not a valid e-mail address.")))
    if values.get("tax_code"):
        fields["tax_code"] = normalise_person_tax_code(values["tax_code"])
    for column in DATE_COLUMNS:
        if values.get(column):
            try:
                fields[column] = _parse_date(values[column])
            except ValueError:
                problems.append((column, _("Write the date as YYYY-MM-DD or DD/MM/YYYY.")))
    parsers: list[tuple[str, Any, dict[str, str] | None, Any]] = [
        ("gender", Gender, _GENDER_ALIASES, gettext_lazy("Use one of: %(values)s.")),
        ("education_level", IscedLevel, None, gettext_lazy("Use an ISCED level from 0 to 8.")),
        ("employment_status", EmploymentStatus, None, gettext_lazy("Use one of: %(values)s.")),
    ]
    for column, choices, aliases, message in parsers:
        if values.get(column):
            try:
                fields[column] = _choice(values[column], choices, aliases)
            except ValueError:
                problems.append((column, str(message) % {"values": ", ".join(choices.values)}))
    for column in BOOLEAN_COLUMNS:
        if column in values:
            text = values[column].strip().lower()
            if text in _TRUE:
                fields[column] = True
            elif text in _FALSE:
                fields[column] = False
            else:
                problems.append((column, _("Write yes or no.")))
    for column in NUMBER_COLUMNS:
        if values.get(column):
            text = values[column].strip()
            if text.isdigit() and len(text) <= 4 and int(text) <= 1000:
                fields[column] = int(text)
            else:
                problems.append((column, _("Write a whole number.")))
    if values.get("municipality"):
        try:
            fields["residence"] = resolve_municipality(values["municipality"][:200])
        except ValidationError as exc:
            problems.append(("municipality", " ".join(exc.messages)))
    return fields, problems


def _model_problems(fields: dict[str, Any]) -> list[tuple[str, str]]:
    """What the model and the registry's rules say about the row (no database query)."""
    person = Person(**fields)
    errors = _person_errors(person)
    try:
        person.full_clean(
            exclude=["residence", "user", "created_by", "cv"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if person.hours_per_week is not None and person.hours_per_week > 168:
        errors.setdefault("hours_per_week", []).append(_("A week has 168 hours."))
    problems = []
    for name, messages in errors.items():
        column = FIELD_COLUMN.get(name, name)
        for message in messages:
            text = " ".join(message.messages) if isinstance(message, ValidationError) else message
            problems.append((column, str(text)))
    return problems


def check_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> tuple[list[Any], list[RowError]]:
    """Every row checked: (row number, person fields) for each, and every error found."""
    checked: list[tuple[int, dict[str, Any]]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        fields, problems = _row_fields(values)
        bad_columns = {column for column, _message in problems}
        clean = {k: v for k, v in fields.items() if FIELD_COLUMN.get(k, k) not in bad_columns}
        problems += [p for p in _model_problems(clean) if p[0] not in bad_columns]
        code = fields.get("tax_code")
        if code:
            if code in seen:
                problems.append(
                    ("tax_code", _("Same codice fiscale as row %(row)s.") % {"row": seen[code]})
                )
            else:
                seen[code] = number
        errors += [RowError(number, column, message) for column, message in problems]
        checked.append((number, fields))
    registered = set(
        Person.objects.filter(tax_code__in=list(seen)).values_list("tax_code", flat=True)
    )
    for code in sorted(registered, key=lambda c: seen[c]):
        errors.append(
            RowError(
                seen[code],
                "tax_code",
                _("A person with this codice fiscale is already registered."),
            )
        )
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
    return checked, errors


# --- importing -------------------------------------------------------------------------


class _RowFailedError(Exception):
    def __init__(self, row: int, error: ValidationError) -> None:
        self.row = row
        self.error = error


def import_people(
    *, actor: Any, programme: Any, name: str, raw: bytes, commit: bool, tutor: Any = None
) -> ImportReport:
    """Check the file; with `commit` and no error, register and enrol every person in one go.

    Raises ImportFileError when the file as a whole can't be read.
    """
    from lavorete.pathways.services import enrolment_create

    rows = read_rows(name, raw)
    checked, errors = check_rows(rows)
    report = ImportReport(rows=len(rows), errors=errors)
    if not commit or errors:
        return report
    tutor = tutor if tutor is not None else actor
    today = timezone.localdate()
    try:
        with transaction.atomic():
            for number, fields in checked:
                try:
                    person = person_create(actor=actor, **fields)
                    enrolment_create(
                        actor=actor,
                        person=person,
                        programme=programme,
                        tutor=tutor,
                        enrolled_on=today,
                    )
                except ValidationError as exc:
                    raise _RowFailedError(number, exc) from exc
    except _RowFailedError as failed:
        # Something changed between the check and the write (e.g. the same person
        # registered meanwhile): nothing was written; say which row.
        report.errors = [
            RowError(failed.row, FIELD_COLUMN.get(name, name), message)
            for name, messages in (
                failed.error.message_dict.items()
                if hasattr(failed.error, "error_dict")
                else [("", failed.error.messages)]
            )
            for message in messages
        ]
        return report
    report.created = len(checked)
    report.committed = True
    return report


def template_csv() -> str:
    """The CSV template: every column, one invented example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerow([TEMPLATE_EXAMPLE.get(c, "") for c in COLUMNS])
    return "\ufeff" + buffer.getvalue()
