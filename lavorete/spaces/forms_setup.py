"""Forms of the space managers' and coordinators' back office (setting up spaces).

Forms shape the input (types, lengths, choices); the services hold the rules.
Fields come from the models, so labels and limits are written once.
"""

import datetime as dt
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lavorete.core.forms import ModelFieldsForm
from lavorete.core.timeutils import DEFAULT_TZ
from lavorete.network.forms import MunicipalityField
from lavorete.network.models import Organisation, Programme
from lavorete.spaces.models import (
    WEEKDAYS,
    Closure,
    EligibleCategory,
    Plan,
    Qualification,
    QualificationGrant,
    Resource,
    ResourceKind,
    SolidarityTier,
    Space,
    SpacePhoto,
    SpaceStatus,
    Theme,
)

# Intervals a day can have on the opening-hours page.
INTERVALS_PER_DAY = 2


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%H:%M")


def _checkboxes(choices: Any, label: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )


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


class SpaceForm(ModelFieldsForm):
    """A space's facts, time zone and occupancy target; the organisation only for coordinators."""

    model = Space
    model_fields = (
        "organisation",
        "name",
        "slug",
        "status",
        "theme",
        "summary",
        "description",
        "municipality",
        "address",
        "postcode",
        "email",
        "phone",
        "accessibility",
        "time_zone",
        "is_public",
        "closed_on_public_holidays",
        "opened_on",
        "setup_months",
        "rampup_months",
        "target_occupancy",
    )

    municipality = MunicipalityField(label=_("Municipality"))
    time_zone = forms.ChoiceField(label=_("Time zone"), initial=DEFAULT_TZ, choices=())

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations.order_by("name")  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = [(tz, tz) for tz in sorted(available_timezones())]  # type: ignore[attr-defined]
        self.fields["time_zone"].widget.attrs["class"] = "form-select"
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Used in the public address; made from the name when left empty."
        )
        self.fields["opened_on"].widget = DateInput()
        self.fields["opened_on"].help_text = _(
            "The occupancy target is 0 during set-up, rises in a straight line during "
            "ramp-up, then stays at the target."
        )
        self.fields["description"].widget.attrs["rows"] = 5
        self.fields["accessibility"].widget.attrs["rows"] = 3
        self.fields["email"].widget.attrs.setdefault("autocomplete", "email")
        self.fields["phone"].widget.attrs.setdefault("autocomplete", "tel")
        self.fields["postcode"].widget.attrs.setdefault("inputmode", "numeric")
        self.fields["target_occupancy"].widget.attrs.setdefault("inputmode", "decimal")

    SECTIONS = (
        (
            _("The space"),
            ("organisation", "name", "slug", "status", "theme", "summary", "description"),
        ),
        (
            _("Where and how to reach it"),
            ("municipality", "address", "postcode", "email", "phone", "accessibility"),
        ),
        (_("Opening"), ("time_zone", "is_public", "closed_on_public_holidays")),
        (
            _("Occupancy target"),
            ("opened_on", "setup_months", "rampup_months", "target_occupancy"),
        ),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields in titled groups, for the template."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]


class OpeningHoursForm(forms.Form):
    """The week's opening hours: up to two intervals a day; empty is closed."""

    def __init__(self, *args: Any, current: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_day: dict[int, list[Any]] = {}
        for row in current:
            by_day.setdefault(row.weekday, []).append(row)
        for weekday, day_label in WEEKDAYS:
            rows = by_day.get(weekday, [])
            for index in range(INTERVALS_PER_DAY):
                row = rows[index] if index < len(rows) else None
                for part, label in (("opens", _("Opens")), ("closes", _("Closes"))):
                    self.fields[f"d{weekday}_{index}_{part}"] = forms.TimeField(
                        label=label,
                        required=False,
                        widget=TimeInput(),
                        initial=getattr(row, part, None),
                    )
            self.fields[f"d{weekday}_0_opens"].day_label = day_label  # type: ignore[attr-defined]

    def days(self) -> list[dict[str, Any]]:
        """The bound fields grouped by day and interval, for the template."""
        return [
            {
                "weekday": weekday,
                "label": label,
                "intervals": [
                    (self[f"d{weekday}_{i}_opens"], self[f"d{weekday}_{i}_closes"])
                    for i in range(INTERVALS_PER_DAY)
                ],
            }
            for weekday, label in WEEKDAYS
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rows: list[tuple[int, dt.time, dt.time]] = []
        for weekday, _label in WEEKDAYS:
            for index in range(INTERVALS_PER_DAY):
                opens_name, closes_name = f"d{weekday}_{index}_opens", f"d{weekday}_{index}_closes"
                if opens_name in self.errors or closes_name in self.errors:
                    continue
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    self.add_error(
                        opens_name if opens is None else closes_name,
                        _("Give both the opening and the closing time."),
                    )
                    continue
                if closes <= opens:
                    self.add_error(closes_name, _("Closing time must be after opening time."))
                    continue
                rows.append((weekday, opens, closes))
        if not rows and not self.errors:
            raise forms.ValidationError(
                _(
                    "Give the opening hours of at least one day. To close the space, "
                    "set its status to closed."
                )
            )
        cleaned["rows"] = rows
        return cleaned


class ClosureForm(ModelFieldsForm):
    model = Closure
    model_fields = ("starts_on", "ends_on", "reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].widget = DateInput()
        self.fields["ends_on"].widget = DateInput()
        self.fields["reason"].help_text = _("Shown to members, as in “Summer closure”.")


class PhotoForm(ModelFieldsForm):
    model = SpacePhoto
    model_fields = ("image", "alt_text")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        image = self.fields["image"]
        # A plain file field: the service's validator checks that it really is an image.
        self.fields["image"] = forms.FileField(
            label=image.label,
            help_text=_("JPEG, PNG or WebP."),
            widget=forms.FileInput(
                attrs={"class": "form-control", "accept": "image/jpeg,image/png,image/webp"}
            ),
        )


class QualificationForm(ModelFieldsForm):
    model = Qualification
    model_fields = ("name", "description", "validity_months")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 3


class QualificationGrantForm(forms.Form):
    """Qualify a member, found by the e-mail of their account."""

    email = forms.EmailField(
        label=_("Member's e-mail"),
        help_text=_("The e-mail address of the member's account."),
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    granted_on = forms.DateField(
        label=_("Granted on"),
        required=False,
        help_text=_("Today when left empty."),
        widget=DateInput(),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("When left empty, the qualification's validity decides."),
        widget=DateInput(),
    )
    source = forms.CharField(
        label=QualificationGrant._meta.get_field("source").verbose_name,
        required=False,
        max_length=200,
        help_text=_("For example the course or the session where the member was trained."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No account has the e-mail address %(email)s: the member must sign up first."),
                params={"email": email},
                code="unknown_member",
            )
        return user


class ResourceForm(ModelFieldsForm):
    model = Resource
    model_fields = (
        "kind",
        "name",
        "description",
        "capacity",
        "qualification",
        "hourly_price",
        "slot_minutes",
        "cancellation_hours",
        "is_active",
    )

    def __init__(self, *args: Any, space: Space, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qualification = self.fields["qualification"]
        qualification.queryset = Qualification.objects.filter(space=space).order_by("name")  # type: ignore[attr-defined]
        qualification.help_text = _("Only members holding it can book this resource.")
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["hourly_price"].widget.attrs.setdefault("inputmode", "decimal")


class PlanForm(ModelFieldsForm):
    model = Plan
    model_fields = (
        "name",
        "kind",
        "description",
        "period",
        "price",
        "covers",
        "included_hours",
        "network_wide",
        "is_active",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        covers = self.fields["covers"]
        self.fields["covers"] = _checkboxes(ResourceKind.choices, covers.label, covers.help_text)
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["price"].widget.attrs.setdefault("inputmode", "decimal")
        self.fields["included_hours"].widget.attrs.setdefault("inputmode", "decimal")


class TierForm(ModelFieldsForm):
    model = SolidarityTier
    model_fields = (
        "name",
        "description",
        "categories",
        "discount_percent",
        "validity_months",
        "funder_organisation",
        "funder_programme",
        "cap_kind",
        "cap",
        "service_hours_per_hour",
        "is_active",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        self.fields["categories"] = _checkboxes(
            EligibleCategory.choices, categories.label, categories.help_text
        )
        self.fields["funder_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["funder_programme"].queryset = Programme.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["funder_organisation"].help_text = _(
            "Who pays the discount: an organisation or a programme, not both."
        )
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["service_hours_per_hour"].widget.attrs.setdefault("inputmode", "decimal")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("funder_organisation") and cleaned.get("funder_programme"):
            self.add_error(
                "funder_programme", _("Name one funder: an organisation or a programme.")
            )
        return cleaned
