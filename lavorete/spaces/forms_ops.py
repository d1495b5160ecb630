"""Forms of the pages that run a space: members, memberships, tier decisions, bookings, front desk.

Forms shape the input (types, lengths, choices, a person typed as an e-mail
address or a card code); the services hold the rules.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import ModelChoiceField
from lavorete.spaces.models import (
    Frequency,
    Member,
    Membership,
    Plan,
    PlanPeriod,
    Resource,
    TierGrant,
    VerificationMethod,
)

# Dates outside these years are typing mistakes, and near the ends of the
# calendar date arithmetic would overflow.
FIRST_YEAR = 2000
LAST_YEAR = 2099
MAX_EXCEPTIONS = 100


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%H:%M")


def check_year(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _("Give a date between %(first)d and %(last)d."),
            code="date_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return day


class DayField(forms.DateField):
    """A calendar day typed in a date input, within a sensible range of years."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _DateInput())
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dt.date | None:
        day = super().clean(value)
        return check_year(day) if day is not None else None


class ClockField(forms.TimeField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _TimeInput())
        super().__init__(**kwargs)


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select"})


def _radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "form-check-input"})


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


def account_by_email(value: str) -> Any:
    """The active account with this e-mail address, or a clear error."""
    email = (value or "").strip()
    account = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if account is None:
        raise ValidationError(
            _(
                "No account has the e-mail address “%(email)s”: "
                "ask the person to register on the site first."
            ),
            code="unknown_account",
            params={"email": email},
        )
    return account


class AccountEmailField(forms.EmailField):
    """A person given by the e-mail address of their existing account."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Member's e-mail address"))
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("widget", forms.EmailInput(attrs={"class": "form-control"}))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value: Any) -> Any:
        email = super().clean(value)
        return account_by_email(email) if email else None


# --- members ---------------------------------------------------------------------


class MemberFilterForm(forms.Form):
    """Search and plan filter of the member list (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Name or e-mail address."),
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    plan = forms.ChoiceField(label=_("Plan"), required=False, widget=_select())

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans = {str(p.pk): p for p in plans}
        self.fields["plan"].choices = [  # type: ignore[attr-defined]
            ("", _("All plans")),
            *((pk, str(p)) for pk, p in self._plans.items()),
        ]

    def filters(self) -> dict[str, Any]:
        """The filters for selectors.space_members; an invalid one is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "plan": self._plans.get(data.get("plan") or ""),
        }


class ServiceHoursForm(forms.Form):
    day = DayField(label=_("Day"))
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.25"}),
    )
    description = forms.CharField(label=_("What was done"), max_length=300, widget=_text())


# --- memberships -----------------------------------------------------------------


class MembershipStartForm(forms.Form):
    member = AccountEmailField()
    plan = ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), widget=_select())
    starts_on = DayField(label=_("From"))
    tier_grant = ModelChoiceField(
        label=_("Solidarity tier"),
        queryset=TierGrant.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=_select(),
        help_text=_("A verified tier of this member, valid on the first day."),
    )

    def __init__(
        self, *args: Any, plans: QuerySet[Plan], tier_grants: QuerySet[TierGrant], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        tier_field = self.fields["tier_grant"]
        tier_field.queryset = tier_grants  # type: ignore[attr-defined]
        tier_field.label_from_instance = _grant_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        grant = cleaned.get("tier_grant")
        member = cleaned.get("member")
        if grant is not None and member is not None and grant.member_id != member.pk:
            self.add_error("tier_grant", _("This solidarity tier belongs to someone else."))
        return cleaned


def _grant_label(grant: TierGrant) -> str:
    return gettext("%(tier)s: %(member)s (until %(day)s)") % {
        "tier": grant.tier.name,
        "member": grant.member,
        "day": grant.expires_on.isoformat() if grant.expires_on else "—",
    }


class MembershipChangeForm(forms.Form):
    plan = ModelChoiceField(label=_("New plan"), queryset=Plan.objects.none(), widget=_select())
    on_day = DayField(
        label=_("From"),
        help_text=_("The first day of the new plan; the old one ends the day before."),
    )

    def __init__(self, *args: Any, plans: QuerySet[Plan], membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans.filter(period=PlanPeriod.MONTH).exclude(  # type: ignore[attr-defined]
            pk=membership.plan_id
        )


class MembershipEndForm(forms.Form):
    last_day = DayField(label=_("Last day"))


# --- tier requests ---------------------------------------------------------------


class Decision(models.TextChoices):
    VERIFY = "verify", _("Verify: the member is eligible")
    REJECT = "reject", _("Reject the request")


class TierDecisionForm(forms.Form):
    """Verify a tier request (saying how) or reject it (saying why)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=_radios())
    method = forms.ChoiceField(
        label=_("How was the eligibility verified?"),
        required=False,
        choices=VerificationMethod.choices,
        help_text=_("Needed to verify."),
        widget=_radios(),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("Needed to reject: the member reads it."),
        widget=_textarea(),
    )


class TierNoteForm(forms.Form):
    """The reason for revoking a tier: the member reads it."""

    note = forms.CharField(label=_("Reason"), max_length=2000, widget=_textarea())


# --- bookings --------------------------------------------------------------------


def parse_week(value: Any, today: dt.date) -> dt.date:
    """The Monday of the week holding `value` (YYYY-MM-DD); anything else is this week."""
    day = today
    if isinstance(value, str):
        try:
            day = check_year(dt.date.fromisoformat(value.strip()[:10]))
        except (ValueError, ValidationError):
            day = today
    return day - dt.timedelta(days=day.weekday())


class CalendarFilterForm(forms.Form):
    resource = forms.ChoiceField(label=_("Resource"), required=False, widget=_select())

    def __init__(self, *args: Any, resources: QuerySet[Resource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resources = {str(r.pk): r for r in resources}
        self.fields["resource"].choices = [  # type: ignore[attr-defined]
            ("", _("All resources")),
            *((pk, str(r)) for pk, r in self._resources.items()),
        ]

    def chosen_resource(self) -> Resource | None:
        self.is_valid()
        return self._resources.get(getattr(self, "cleaned_data", {}).get("resource") or "")


class ExceptionDatesField(forms.CharField):
    """Days left out of a series, as YYYY-MM-DD separated by commas."""

    def clean(self, value: Any) -> list[dt.date]:
        text = super().clean(value) or ""
        days: list[dt.date] = []
        bad: list[str] = []
        for part in text.replace(";", ",").split(","):
            item = part.strip()
            if not item:
                continue
            try:
                days.append(check_year(dt.date.fromisoformat(item)))
            except (ValueError, ValidationError):
                bad.append(item[:20])
        if bad:
            raise ValidationError(
                _("Not a date (YYYY-MM-DD): %(values)s."),
                code="bad_exception",
                params={"values": ", ".join(bad[:5])},
            )
        if len(days) > MAX_EXCEPTIONS:
            raise ValidationError(_("At most %(max)d exceptions."), params={"max": MAX_EXCEPTIONS})
        return sorted(set(days))


class ManagerBookingForm(forms.Form):
    member = AccountEmailField()
    resource = ModelChoiceField(
        label=_("Resource"), queryset=Resource.objects.none(), widget=_select()
    )
    day = DayField(label=_("Day"))
    start = ClockField(label=_("Start time"))
    end = ClockField(label=_("End time"))
    frequency = forms.ChoiceField(
        label=_("Repeat"),
        required=False,
        choices=[("", _("Do not repeat")), *Frequency.choices],
        widget=_select(),
    )
    until = DayField(label=_("Repeat until"), required=False)
    exceptions = ExceptionDatesField(
        label=_("Except on"),
        required=False,
        max_length=2000,
        help_text=_("Days to leave out, as 2030-04-25, 2030-05-01."),
        widget=_text(),
    )
    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput())

    def __init__(self, *args: Any, resources: QuerySet[Resource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("frequency"):
            until, day = cleaned.get("until"), cleaned.get("day")
            if until is None:
                if "until" not in self.errors:
                    self.add_error("until", _("Say until when the booking repeats."))
            elif day is not None and until < day:
                self.add_error("until", _("The last day must be on or after the first."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("The member will see it."),
        widget=_textarea(),
    )


# --- front desk ------------------------------------------------------------------


class CheckInForm(forms.Form):
    who = forms.CharField(
        label=_("E-mail address or card code"),
        max_length=254,
        widget=_text(autocomplete="off"),
    )

    def clean_who(self) -> Any:
        text = self.cleaned_data["who"].strip()
        if "@" in text:
            return account_by_email(text)
        code = text.upper().replace(" ", "")
        card = Member.objects.select_related("user").filter(card_code=code).first()
        if card is None or not card.user.is_active:
            raise ValidationError(_("No member has this card code."), code="unknown_card")
        return card.user


class GuestForm(forms.Form):
    host = ModelChoiceField(
        label=_("Host"),
        queryset=get_user_model().objects.none(),
        widget=_select(),
        help_text=_("A member who is in the space now."),
    )
    guest_name = forms.CharField(label=_("Guest's name"), max_length=200, widget=_text())

    def __init__(self, *args: Any, hosts: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = hosts  # type: ignore[attr-defined]
