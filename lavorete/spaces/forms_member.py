"""Forms of the public network pages, the members' self-service and the kiosk.

They shape the input (types, lengths, choices among what the member may pick);
the services hold the rules and their refusals are shown on the same forms.
"""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import ModelChoiceField
from lavorete.core.validators import validate_document
from lavorete.spaces.models import (
    EligibleCategory,
    Frequency,
    Resource,
    ResourceKind,
    SolidarityTier,
    Space,
    Theme,
)
from lavorete.territory.models import Municipality

# How far ahead the booking pages look (and a bound that keeps date arithmetic safe).
BOOKING_HORIZON_DAYS = 5 * 366
MAX_EXCEPTIONS = 100
_DATE_SEPARATORS = re.compile(r"[\s,;]+")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%H:%M")


class NetworkFilterForm(forms.Form):
    """Filters of the public network page (GET); an invalid filter is ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("All themes")), *Theme.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    municipality = ModelChoiceField(
        label=_("Municipality"),
        required=False,
        queryset=Municipality.objects.none(),
        empty_label=_("All municipalities"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    resource_kind = forms.ChoiceField(
        label=_("Resource"),
        required=False,
        choices=[("", _("Any resource")), *ResourceKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.public_spaces; invalid fields are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        result: dict[str, Any] = {}
        for name in ("theme", "municipality", "resource_kind", "q"):
            if name not in self.errors and data.get(name):
                result[name] = data[name]
        return result


class DayForm(forms.Form):
    """Which resource, on which day: the first step of a booking (GET)."""

    resource = ModelChoiceField(
        label=_("What to book"),
        queryset=Resource.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    day = forms.DateField(label=_("Day"), widget=DateInput())

    def __init__(
        self,
        *args: Any,
        resources: QuerySet[Resource],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["resource"].queryset = resources  # type: ignore[attr-defined]
        self.fields["resource"].label_from_instance = _resource_label  # type: ignore[attr-defined]

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if day < self.today:
            raise ValidationError(_("This day is in the past: choose today or a later day."))
        if day > self.today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
            raise ValidationError(_("Choose a day within the next five years."))
        return day


def _resource_label(resource: Resource) -> str:
    return f"{resource.name} ({resource.get_kind_display()})"


def parse_dates(text: str) -> list[dt.date]:
    """Dates written as 2030-03-04 or 04/03/2030, separated by spaces, commas or lines."""
    found: list[dt.date] = []
    bad: list[str] = []
    for item in _DATE_SEPARATORS.split(text.strip()):
        if not item:
            continue
        try:
            if "/" in item:
                day, month, year = (int(part) for part in item.split("/"))
                found.append(dt.date(year, month, day))
            else:
                found.append(dt.date.fromisoformat(item))
        except ValueError:
            bad.append(item[:20])
    if bad:
        raise ValidationError(
            _("These are not dates: %(items)s. Write them as 2030-03-04 or 04/03/2030."),
            code="bad_dates",
            params={"items": ", ".join(bad[:5])},
        )
    return sorted(set(found))


class SlotForm(DayForm):
    """A start and an end on the chosen day, once or repeated: the quote and the confirmation."""

    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("To"), widget=TimeInput())
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        required=False,
        choices=[("", _("Just once")), *Frequency.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day of the series."),
    )
    exceptions = forms.CharField(
        label=_("Except on"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        help_text=_("Days to leave out, as 2030-03-04 or 04/03/2030, separated by commas."),
    )

    def clean_exceptions(self) -> list[dt.date]:
        days = parse_dates(self.cleaned_data.get("exceptions") or "")
        if len(days) > MAX_EXCEPTIONS:
            raise ValidationError(
                _("List at most %(max)d days to leave out.") % {"max": MAX_EXCEPTIONS}
            )
        return days

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end != dt.time(0) and end <= start:
            self.add_error("end", _("The end must be after the start."))
        if cleaned.get("repeat"):
            until = cleaned.get("until")
            day = cleaned.get("day")
            if until is None:
                self.add_error("until", _("Say until when the booking repeats."))
            elif day is not None and until < day:
                self.add_error("until", _("The last day must be on or after the first."))
            elif until > self.today + dt.timedelta(days=BOOKING_HORIZON_DAYS):
                self.add_error("until", _("Choose a day within the next five years."))
        else:
            cleaned["until"] = None
            cleaned["exceptions"] = []
        return cleaned

    def query(self) -> dict[str, str]:
        """The GET parameters that show this slot again (after a refusal, or to change it)."""
        data = self.cleaned_data
        query = {
            "resource": str(data["resource"].pk),
            "day": data["day"].isoformat(),
            "start": data["start"].strftime("%H:%M"),
            "end": data["end"].strftime("%H:%M"),
        }
        if data.get("repeat"):
            query["repeat"] = data["repeat"]
            query["until"] = data["until"].isoformat()
            query["exceptions"] = ", ".join(d.isoformat() for d in data["exceptions"])
        return query


class ConfirmForm(SlotForm):
    """The confirmation: the same slot, and the key that makes a repeated submit harmless."""

    idempotency_key = forms.CharField(
        min_length=16, max_length=100, widget=forms.HiddenInput, strip=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its hidden inputs sit on the page beside the visible ones: ids must differ.
        kwargs.setdefault("auto_id", "confirm_%s")
        super().__init__(*args, **kwargs)
        for name in ("resource", "day", "start", "end", "repeat", "until", "exceptions"):
            self.fields[name].widget = forms.HiddenInput()
        self.fields["idempotency_key"].error_messages["required"] = _(
            "This confirmation has expired: choose the slot again."
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        help_text=_("The space's staff will see it."),
    )
    # Like the admin's delete page: only the page's own button sends it.
    confirm = forms.ChoiceField(choices=[("yes", "yes")], widget=forms.HiddenInput)


class TierRequestForm(forms.Form):
    tier = ModelChoiceField(
        label=_("Solidarity tier"),
        queryset=SolidarityTier.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    category = forms.ChoiceField(
        label=_("I belong to this category"),
        choices=EligibleCategory.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    statement = forms.CharField(
        label=_("Your statement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        help_text=_(
            "Tell the staff about your situation, for instance since when you are looking for work."
        ),
    )
    evidence = forms.FileField(
        label=_("Supporting document (optional)"),
        required=False,
        validators=[validate_document],
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".pdf,.odt,.docx,.p7m"}),
        help_text=_(
            "PDF, ODT, DOCX or signed P7M, for instance the certificate of unemployment (DID)."
        ),
    )

    def __init__(self, *args: Any, tiers: QuerySet[SolidarityTier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tier, category = cleaned.get("tier"), cleaned.get("category")
        if tier is not None and category and category not in tier.categories:
            self.add_error("category", _("This tier is not open to that category."))
        return cleaned


class GuestForm(forms.Form):
    space = ModelChoiceField(
        label=_("Space"),
        queryset=Space.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    guest_name = forms.CharField(
        label=_("Guest's name and surname"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, spaces: QuerySet[Space], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces  # type: ignore[attr-defined]


class KioskForm(forms.Form):
    card_code = forms.CharField(
        label=_("Your card code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg fs-2 text-center lv-kiosk-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
