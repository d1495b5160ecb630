"""Every write to the people registry: one atomic transaction each, audited.

Audit entries of people's records name the fields that changed, never their
values: the trail must not become a second copy of the registry.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.servicekit import (
    integrity_as_validation,
    reject_unknown,
    strip_strings,
    validate,
)
from lavorete.people.models import Person, SpecialCategoryData

# Fields a person_create / person_update may set (the CV has its own service).
PERSON_FIELDS = frozenset(
    {
        "user",
        "first_name",
        "last_name",
        "email",
        "phone",
        "tax_code",
        "birth_date",
        "gender",
        "residence",
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
    }
)
# The oldest birth date the registry accepts.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_CONSTRAINT_FIELDS = {
    "people_person_tax_code_unique": "tax_code",
    "people_person_hours_in_week": "hours_per_week",
}


def normalise_person_tax_code(value: str) -> str:
    """A codice fiscale without spaces, upper case."""
    return "".join((value or "").split()).upper()


def _person_errors(person: Person) -> dict[str, list[Any]]:
    """Rules full_clean() can't know: dates against today, a name to call the person."""
    errors: dict[str, list[Any]] = {}
    today = timezone.localdate()
    if not person.first_name and not person.last_name:
        errors.setdefault("last_name", []).append(
            ValidationError(_("Give at least a first or a last name."), code="required")
        )
    if person.birth_date is not None:
        if person.birth_date > today:
            errors.setdefault("birth_date", []).append(
                ValidationError(_("The birth date can't be in the future."), code="future")
            )
        elif person.birth_date < EARLIEST_BIRTH_DATE:
            errors.setdefault("birth_date", []).append(
                ValidationError(_("The birth date is too far in the past."), code="too_old")
            )
    since = person.employment_status_since
    if since is not None and since > today:
        errors.setdefault("employment_status_since", []).append(
            ValidationError(_("This date can't be in the future."), code="future")
        )
    if since is not None and person.birth_date is not None and since < person.birth_date:
        errors.setdefault("employment_status_since", []).append(
            ValidationError(_("This date is before the birth date."), code="before_birth")
        )
    return errors


def person_create(*, actor: Any, **fields: Any) -> Person:
    """Register a person; every rule is checked and reported at once, nothing saved on error."""
    reject_unknown(fields, PERSON_FIELDS)
    strip_strings(fields)
    if "tax_code" in fields:
        fields["tax_code"] = normalise_person_tax_code(fields["tax_code"])
    person = Person(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for name, value in fields.items():
        setattr(person, name, value)
    with transaction.atomic(), integrity_as_validation():
        validate(person, _person_errors(person), _CONSTRAINT_FIELDS)
        person.save()
        audit_record(
            actor=actor,
            action="person.create",
            target=person,
            changes={"fields": sorted(k for k, v in fields.items() if v not in ("", None))},
        )
    return person


def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    """Change a person's record; the enrolments' intake figures are left as they were."""
    reject_unknown(fields, PERSON_FIELDS)
    if person.anonymised_at is not None:
        raise ValidationError(_("This record has been anonymised and can't be changed."))
    strip_strings(fields)
    if "tax_code" in fields:
        fields["tax_code"] = normalise_person_tax_code(fields["tax_code"])
    changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
    with transaction.atomic(), integrity_as_validation():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        validate(locked, _person_errors(locked), _CONSTRAINT_FIELDS)
        locked.save()
        if changed:
            audit_record(
                actor=actor, action="person.update", target=locked, changes={"fields": changed}
            )
    for name, value in fields.items():
        setattr(person, name, value)
    person.updated_at = locked.updated_at
    return person


SPECIAL_FIELDS = frozenset(
    {"has_disability", "disability_percentage", "protected_category_l68", "health_notes"}
)


def special_data_set(*, actor: Any, person: Person, **fields: Any) -> SpecialCategoryData:
    """Record a person's health and disability data (callers check the explicit permission)."""
    reject_unknown(fields, SPECIAL_FIELDS)
    strip_strings(fields)
    with transaction.atomic():
        data, _created = SpecialCategoryData.objects.select_for_update().get_or_create(
            person=person
        )
        changed = sorted(k for k, v in fields.items() if getattr(data, k) != v)
        for name, value in fields.items():
            setattr(data, name, value)
        data.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        validate(data)
        data.save()
        audit_record(
            actor=actor,
            action="person.special_data",
            target=person,
            changes={"fields": changed},
        )
    return data
