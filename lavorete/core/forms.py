from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, URLField
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import safe_formfield
from lavorete.core.roles import Role, Scope
from lavorete.core.scopes import scope_choices


class RoleGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the user"),
        help_text=_("If nobody has this address yet, an account is created and invited."),
    )
    full_name = forms.CharField(
        label=_("Full name (for a new account)"), max_length=200, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    scope = forms.ChoiceField(label=_("Where"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices()  # type: ignore[attr-defined]

    def clean_scope(self) -> Scope:
        kind, _sep, raw_id = self.cleaned_data["scope"].partition(":")
        try:
            return Scope(kind, int(raw_id))
        except ValueError as exc:
            raise forms.ValidationError(_("Choose a valid scope.")) from exc


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _formfield(field: Any, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, URLField):
        kwargs["assume_scheme"] = "https"
    return safe_formfield(field, **kwargs)


class ModelFieldsForm(forms.Form):
    """A plain form whose fields are taken from a model (labels, limits, choices)."""

    model: type[Model]
    model_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, instance: Model | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                **model_to_dict(instance, fields=self.model_fields),
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        generated = fields_for_model(
            self.model, fields=self.model_fields, formfield_callback=_formfield
        )
        fields: dict[str, forms.Field] = {}
        for name in self.model_fields:
            fields[name] = self.fields.get(name) or generated[name]
        self.fields = fields
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(widget, forms.ClearableFileInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-control")

    def changed_values(self) -> dict[str, Any]:
        """The cleaned values of the fields the user changed (for update services)."""
        return {name: self.cleaned_data[name] for name in self.changed_data}
