from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import ModelChoiceField
from lavorete.territory.models import District, Municipality
from lavorete.territory.selectors import (
    municipality_lines_resolve,
    municipality_search,
    province_list,
    region_list,
)


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or ISTAT code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    region = ModelChoiceField(
        label=_("Region"),
        queryset=region_list(),
        required=False,
        empty_label=_("All regions"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    province = ModelChoiceField(
        label=_("Province"),
        queryset=province_list(),
        required=False,
        empty_label=_("All provinces"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def municipality_line(municipality: Municipality) -> str:
    """How a municipality is written in the district form: code, name, province."""
    return f"{municipality.istat_code} {municipality.name} ({municipality.province.abbreviation})"


class DistrictForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=District._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    slug = forms.CharField(
        label=_("Short name"),
        max_length=District._meta.get_field("slug").max_length,
        required=False,
        help_text=_(
            "Lowercase letters, digits and hyphens, used in addresses and exports. "
            "Leave it blank to derive it from the name."
        ),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    municipalities = forms.CharField(
        label=_("Municipalities"),
        required=False,
        help_text=_(
            "One per line: the ISTAT code (e.g. 015175), the name (e.g. Pioltello) or, "
            "when several municipalities share the name, the name and province "
            "(e.g. Samone (TO))."
        ),
        widget=forms.Textarea(
            attrs={"class": "form-control font-monospace", "rows": 12, "spellcheck": "false"}
        ),
    )
    add_province = ModelChoiceField(
        label=_("Also add every municipality of a province"),
        queryset=province_list(),
        required=False,
        empty_label=_("None"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, district: District | None = None, **kwargs: Any) -> None:
        if district is not None:
            current = {
                "name": district.name,
                "slug": district.slug,
                "description": district.description,
                "municipalities": "\n".join(
                    municipality_line(m)
                    for m in district.municipalities.select_related("province").order_by("name")
                ),
            }
            kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean_municipalities(self) -> list[Municipality]:
        resolved = municipality_lines_resolve(self.cleaned_data["municipalities"])
        if resolved.errors:
            raise forms.ValidationError(resolved.errors)
        return resolved.municipalities

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        province = cleaned.get("add_province")
        if province is not None and "municipalities" in cleaned:
            chosen = list(cleaned["municipalities"])
            chosen_pks = {m.pk for m in chosen}
            chosen += [m for m in municipality_search(province=province) if m.pk not in chosen_pks]
            cleaned["municipalities"] = chosen
        return cleaned
