"""Small tools every app's services share: validation that reports every error at once,
uniqueness races turned into messages, strings stripped, unknown fields refused."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _


def strip_strings(values: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()


def reject_unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(unknown)}")


def merge_errors(
    errors: dict[str, list[Any]],
    exc: ValidationError,
    constraint_fields: Mapping[str, str] | None = None,
) -> None:
    """Add `exc`'s messages to `errors`, moving constraint messages beside their field."""
    constraint_fields = constraint_fields or {}
    for field, field_errors in exc.update_error_dict({}).items():
        for error in field_errors:
            target = field
            code = getattr(error, "code", None) or ""
            if field == NON_FIELD_ERRORS and code in constraint_fields:
                target = constraint_fields[code]
            errors.setdefault(target, []).append(error)


def validate(
    instance: models.Model,
    errors: dict[str, list[Any]] | None = None,
    constraint_fields: Mapping[str, str] | None = None,
    **kw: Any,
) -> None:
    """full_clean() plus errors already found, raised together so the user sees them all."""
    collected: dict[str, list[Any]] = dict(errors or {})
    try:
        instance.full_clean(**kw)
    except ValidationError as exc:
        merge_errors(collected, exc, constraint_fields)
    if collected:
        raise ValidationError(collected)


@contextmanager
def integrity_as_validation() -> Iterator[None]:
    """A uniqueness race lost at the database becomes a ValidationError, not a server error."""
    try:
        yield
    except IntegrityError as exc:
        raise ValidationError(
            _("This record conflicts with one saved at the same moment. Please try again."),
            code="conflict",
        ) from exc
