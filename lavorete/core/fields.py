"""Form fields that refuse impossible primary keys before they reach the database.

SQLite raises OverflowError for integers beyond 64 bits, so a pasted
"99999999999999999999" would be a 500 instead of a form error.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

_MAX_PK = 2**63 - 1


def _is_integer_pk(field: forms.ModelChoiceField, value: Any) -> bool:
    pk_field = field.queryset.model._meta.pk  # type: ignore[union-attr]
    if not isinstance(pk_field, models.AutoField | models.BigAutoField | models.IntegerField):
        return True
    try:
        return 0 < int(str(value)) <= _MAX_PK
    except ValueError:
        return False


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_integer_pk(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            if not _is_integer_pk(self, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)  # type: ignore[misc]


def safe_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A model field's form field, with the safe choice fields for relations."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    result: forms.Field | None = db_field.formfield(**kwargs)
    return result
