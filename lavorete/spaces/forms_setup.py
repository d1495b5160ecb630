"""Forms of the space managers' and coordinators' back office (setting up spaces).

Forms shape the input; the services hold the rules.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lavorete.spaces.models import SpaceStatus, Theme


class SpaceFilterForm(forms.Form):
    """Filters of the back-office space list (GET)."""

    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("All themes")), *Theme.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *SpaceStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    municipality = forms.CharField(
        label=_("Municipality"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data[k] for k in ("theme", "status", "municipality") if data.get(k)}
