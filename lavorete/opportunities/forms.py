"""Forms of opportunities: the back office's and the public board's filters.

Forms shape the input (types, choices, the municipality typed as text, the
ESCO skill and occupation pickers); the services hold the rules.
"""

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import ModelChoiceField
from lavorete.core.forms import ModelFieldsForm
from lavorete.network.forms import MunicipalityField
from lavorete.network.models import Organisation, Programme
from lavorete.opportunities.forms_pipeline import _Bound
from lavorete.opportunities.models import (
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from lavorete.people.languages import language_choices
from lavorete.people.models import CefrLevel, SkillLevel
from lavorete.people.widgets import QUERY_SUFFIX, SkillField, SkillPicker, _language, _skill_id
from lavorete.skills.models import Occupation, RelationType
from lavorete.skills.selectors import preferred_labels, search
from lavorete.territory.models import District, Municipality

LEVEL_CHOICES = [(value, f"{value} - {label}") for value, label in SkillLevel.choices]
CANDIDATES = 10


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


# --- the ESCO occupation picker -------------------------------------------------------


class OccupationPicker(SkillPicker):
    """The skill picker's search box and hidden id, for an ESCO occupation."""

    template_name = "opportunities/widgets/occupation_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        language = _language()
        chosen: Occupation | None = None
        query = ""
        if isinstance(value, Occupation):
            chosen = value
        elif isinstance(value, int):
            chosen = Occupation.objects.filter(pk=value).first() if 0 < value < 2**63 else None
        elif isinstance(value, dict):
            query = value.get("q", "")
            pk = _skill_id(value.get("id"))
            chosen = Occupation.objects.filter(pk=pk).first() if pk else None
        chosen_label = (
            preferred_labels([chosen], language, "occupation").get(chosen.pk) if chosen else None
        )
        candidates = []
        if chosen is None and query.strip():
            candidates = search(query, language, kind="occupation", limit=CANDIDATES)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "query_name": name + QUERY_SUFFIX,
                "query": chosen_label.text if chosen_label else query,
                "chosen": chosen,
                "chosen_label": chosen_label,
                "candidates": candidates,
                "listbox_id": f"{widget_id}_listbox",
                "status_id": f"{widget_id}_status",
                "search_url": reverse("api-1.0.0:search_occupations"),
                "language": language,
            }
        )
        return context


class OccupationField(forms.Field):
    """One ESCO occupation, chosen with the picker; the clean value is the Occupation."""

    widget = OccupationPicker
    default_error_messages = {
        "required": _("Type part of the occupation's name and choose it from the list."),
        "choose": _("Choose one of the occupations found for “%(query)s”."),
        "none": _("No occupation matches “%(query)s”: try other words, in Italian or English."),
        "unknown": _("This occupation is not in the ESCO list."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Occupation (ESCO)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Type at least two letters, in Italian or English, and choose from the "
                "suggestions. If none appear, press Save: the page lists the occupations "
                "found, to choose from (nothing is saved until you choose one)."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Occupation | None:
        value = value if isinstance(value, dict) else {"id": value, "q": ""}
        raw_id = value.get("id") or ""
        query = " ".join(str(value.get("q") or "").split())
        if raw_id:
            pk = _skill_id(raw_id)
            occupation = Occupation.objects.filter(pk=pk).first() if pk else None
            if occupation is None:
                raise ValidationError(self.error_messages["unknown"], code="unknown")
            return occupation
        if not query:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        found = search(query, _language(), kind="occupation", limit=CANDIDATES)
        code = "choose" if found else "none"
        raise ValidationError(self.error_messages[code], code=code, params={"query": query})

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_pk = initial.pk if isinstance(initial, Occupation) else initial
        chosen = data.get("id") if isinstance(data, dict) else data
        return str(initial_pk or "") != str(chosen or "")


# --- the opportunity ---------------------------------------------------------------------


def _empty_choice(field: Any, label: Any) -> None:
    """Name the empty choice of a choice field (Django's is "---------")."""
    field.choices = [("", label), *((v, t) for v, t in field.choices if v != "")]


class OpportunityForm(ModelFieldsForm):
    """An opportunity's terms; on creation also whose it is."""

    model = Opportunity
    model_fields = (
        "organisation",
        "programme",
        "kind",
        "title",
        "description",
        "occupation",
        "is_remote",
        "municipality",
        "contract_type",
        "weekly_hours",
        "positions",
        "opens_on",
        "closes_on",
    )

    occupation = OccupationField(required=False)
    municipality = MunicipalityField(
        label=_("Municipality"),
        required=False,
        help_text=_(
            "Where the work takes place, as in “Segrate (MI)”. A remote opportunity may "
            "leave it empty or name where the organisation is."
        ),
    )
    prefill_skills = forms.BooleanField(
        label=_("Require the essential skills of the chosen occupation"),
        required=False,
        initial=True,
        help_text=_("You can change their levels or remove some of them afterwards."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        programmes: QuerySet[Programme],
        creating: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            prefill = copy.deepcopy(OpportunityForm.base_fields["prefill_skills"])
            prefill.widget.attrs["class"] = "form-check-input"
            names = list(self.fields)
            at = names.index("occupation") + 1
            self.fields = {
                **{n: self.fields[n] for n in names[:at]},
                "prefill_skills": prefill,
                **{n: self.fields[n] for n in names[at:]},
            }
            if organisations.count() == 1:
                self.initial.setdefault("organisation", organisations.first())
        else:
            del self.fields["organisation"]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        # Words rather than "---------" for the empty choices.
        if "organisation" in self.fields:
            self.fields["organisation"].empty_label = _("Choose…")  # type: ignore[attr-defined]
        self.fields["programme"].empty_label = _("No programme")  # type: ignore[attr-defined]
        _empty_choice(self.fields["kind"], _("Choose…"))
        _empty_choice(self.fields["contract_type"], _("No contract type"))
        self.fields["programme"].help_text = _(
            "Only a programme the organisation leads or takes part in: its operators will "
            "follow the opportunity and propose candidates."
        )
        self.fields["opens_on"].widget = _DateInput()
        self.fields["closes_on"].widget = _DateInput()
        self.fields["description"].widget.attrs["rows"] = 6
        self.fields["contract_type"].help_text = _(
            "Only for job vacancies and internships (an internship is always a tirocinio)."
        )
        self.fields["weekly_hours"].widget.attrs.update({"min": 1, "max": 60})
        self.fields["positions"].widget.attrs.update({"min": 1, "max": 500})
        if self.instance is not None:
            self.initial["municipality"] = self.instance.municipality  # type: ignore[attr-defined]
            self.initial["occupation"] = self.instance.occupation  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        """The cleaned values the opportunity services take (without the form's own options)."""
        values = dict(self.cleaned_data)
        values.pop("prefill_skills", None)
        values["contract_type"] = values.get("contract_type") or ""
        return values


class SkillAddForm(forms.Form):
    skill = SkillField(
        help_text=_(
            "Type at least two letters, in Italian or English, and choose from the "
            "suggestions. If none appear, press “Save the skill”: the page lists the skills "
            "found, to choose from."
        )
    )
    relation = forms.ChoiceField(
        label=_("Required as"),
        choices=RelationType.choices,
        initial=RelationType.ESSENTIAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.TypedChoiceField(
        label=_("Minimum level"),
        choices=LEVEL_CHOICES,
        coerce=int,
        initial=SkillLevel.BASIC,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class SkillEditForm(forms.Form):
    relation = forms.ChoiceField(
        label=_("Required as"),
        choices=RelationType.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.TypedChoiceField(
        label=_("Minimum level"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=(), widget=forms.Select(attrs={"class": "form-select"})
    )
    level = forms.ChoiceField(
        label=_("Minimum level (CEFR)"),
        choices=CefrLevel.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Choose…")), *language_choices()]  # type: ignore[attr-defined]


class StatusConfirmForm(_Bound):
    """The confirmation of a status change: only the opportunity's number, checked against
    the page's."""

    subject_field = "opportunity"


# --- filters -------------------------------------------------------------------------------


def _valid_filters(form: forms.Form, names: tuple[str, ...]) -> dict[str, Any]:
    """The valid, non-empty filters; an invalid one is ignored rather than refused."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {name: data[name] for name in names if name not in form.errors and data.get(name)}


class OpportunityFilterForm(forms.Form):
    """Filters of the back office's list (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *OpportunityStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *OpportunityKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    organisation = ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Any organisation"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    programme = ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=_("Any programme"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        programmes: QuerySet[Programme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.opportunity_list."""
        values = _valid_filters(self, ("q", "status", "kind", "organisation", "programme"))
        if "q" in values:
            values["query"] = values.pop("q")
        return values


REMOTE_CHOICES = [
    ("", _("Remote or on site")),
    ("yes", _("Remote only")),
    ("no", _("On site only")),
]


class BoardFilterForm(forms.Form):
    """Filters of the public board (GET); an invalid filter is ignored."""

    q = forms.CharField(
        label=_("What"),
        required=False,
        max_length=100,
        help_text=_("A word of the title, an occupation or a skill, in Italian or English."),
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "search", "aria-describedby": "id_q_helptext"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Every kind")), *OpportunityKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    municipality = ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Municipality.objects.none(),
        empty_label=_("Every municipality"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    district = ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.none(),
        empty_label=_("Every district"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    remote = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=REMOTE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    organisation = ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Every organisation"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        districts: QuerySet[District],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.board."""
        values = _valid_filters(
            self, ("q", "kind", "municipality", "district", "remote", "organisation")
        )
        if "q" in values:
            values["query"] = values.pop("q")
        if "remote" in values:
            values["remote"] = values["remote"] == "yes"
        return values
