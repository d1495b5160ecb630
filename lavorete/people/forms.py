"""Forms of the people registry: they shape the input; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import ModelChoiceField
from lavorete.core.forms import ModelFieldsForm
from lavorete.network.forms import MunicipalityField
from lavorete.network.models import Programme
from lavorete.people.consents import CONSENT_TEXTS
from lavorete.people.languages import language_choices
from lavorete.people.models import (
    CefrLevel,
    ConsentPurpose,
    Person,
    SkillEvidence,
    SkillLevel,
    SpecialCategoryData,
)
from lavorete.people.services import SELF_EDITABLE_FIELDS
from lavorete.people.widgets import SkillField

DATE_FIELDS = ("birth_date", "employment_status_since")

STAFF_PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "tax_code",
    "birth_date",
    "gender",
    "email",
    "phone",
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
)
SELF_PROFILE_FIELDS = tuple(name for name in STAFF_PROFILE_FIELDS if name in SELF_EDITABLE_FIELDS)


class _PersonFieldsForm(ModelFieldsForm):
    model = Person

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in DATE_FIELDS:
            if name in self.fields:
                self.fields[name].widget = forms.DateInput(
                    attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
                )
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "email": "email",
            "phone": "tel",
            "address": "street-address",
        }
        for name, value in autocomplete.items():
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("autocomplete", value)
        for name in ("hours_per_week", "mobility_km"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("max", "1000")


class PersonForm(_PersonFieldsForm):
    """The whole profile, as an operator keeps it."""

    model_fields = STAFF_PROFILE_FIELDS

    residence = MunicipalityField(label=_("Municipality of residence"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = self.fields["tax_code"]
        # Room for the forms people type: spaces between groups, lower case.
        self.fields["tax_code"] = forms.CharField(
            label=model_field.label,
            required=False,
            max_length=24,
            help_text=model_field.help_text,
            widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
        )
        if self.instance is not None and getattr(self.instance, "residence_id", None):
            self.initial["residence"] = self.instance.residence  # type: ignore[attr-defined]


class SelfProfileForm(_PersonFieldsForm):
    """What a person keeps up to date about themselves."""

    model_fields = SELF_PROFILE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The programme's operators need a way to reach the person.
        self.fields["email"].required = True


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=())
    level = forms.ChoiceField(label=_("Level (CEFR)"), choices=CefrLevel.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "---------"), *language_choices()]  # type: ignore[attr-defined]


_LEVEL_CHOICES = [(value, f"{value} - {label}") for value, label in SkillLevel.choices]


class SkillAddForm(forms.Form):
    skill = SkillField()
    level = forms.TypedChoiceField(
        label=_("Level"), choices=_LEVEL_CHOICES, coerce=int, initial=SkillLevel.INTERMEDIATE
    )
    evidence = forms.ChoiceField(
        label=_("Evidence"), choices=SkillEvidence.choices, initial=SkillEvidence.SELF_DECLARED
    )

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["evidence"]


class SkillEditForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=_LEVEL_CHOICES, coerce=int)
    evidence = forms.ChoiceField(label=_("Evidence"), choices=SkillEvidence.choices)

    def __init__(self, *args: Any, staff: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["evidence"]


class CvForm(forms.Form):
    cv = forms.FileField(
        label=_("CV"),
        help_text=_("PDF, ODT or DOCX; the new file replaces the previous one."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.odt,.docx"}),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ConsentPurpose.choices if value in CONSENT_TEXTS
        ]


class SpecialDataForm(ModelFieldsForm):
    model = SpecialCategoryData
    model_fields = (
        "has_disability",
        "disability_percentage",
        "protected_category_l68",
        "health_notes",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disability_percentage"].widget.attrs.update({"min": "0", "max": "100"})
        self.fields["health_notes"].widget.attrs["rows"] = 4


class ImportForm(forms.Form):
    programme = ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        help_text=_("Every imported person is enrolled in this programme, with you as tutor."),
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    commit = forms.BooleanField(
        label=_("Import (leave unticked for a dry run that only checks the file)"),
        required=False,
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        field.queryset = programmes  # type: ignore[attr-defined]
        field.widget.attrs["class"] = "form-select"
