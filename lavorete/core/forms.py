from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
