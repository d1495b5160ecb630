"""Forms of the matching pages: they collect input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lavorete.matching.models import MatchingPolicy
from lavorete.people.models import Category

MAX_MESSAGE = 1000


class ProposeForm(forms.Form):
    """An operator proposes one of the person's matched opportunities to them."""

    opportunity = forms.TypedChoiceField(
        label=_("Opportunity to propose"), coerce=int, choices=(), empty_value=None
    )
    message = forms.CharField(
        label=_("Message to the person (optional)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you think it suits them; kept in the candidacy's history."),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].choices = [("", "---------"), *choices]  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    """A company invites an anonymised candidate (named by their code only)."""

    candidate = forms.CharField(max_length=20, widget=forms.HiddenInput)


class GapsFilterForm(forms.Form):
    """Which area the skill gaps are shown for."""

    area = forms.ChoiceField(label=_("Area"), required=False)
    include_remote = forms.BooleanField(label=_("Count remote opportunities too"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


def _weight(label: Any, help_text: Any, maximum: str = "1") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal("0"),
        max_value=Decimal(maximum),
        max_digits=3,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


class PolicyForm(forms.Form):
    """A programme's matching policy, every weight explained beside its field."""

    essential = _weight(
        _("Weight of essential skills"),
        _(
            "How much the essential skills count in the skill score, against the optional "
            "skills and the languages (the three weights are compared with each other, "
            "they need not add up to 1). Must be above 0."
        ),
    )
    optional = _weight(
        _("Weight of optional skills"),
        _("How much the optional skills count; 0 ignores them."),
    )
    languages = _weight(
        _("Weight of languages"),
        _("How much reaching the language levels asked counts; 0 ignores them."),
    )
    distance = _weight(
        _("Most taken off for distance"),
        _(
            "The share of the score lost when the opportunity is twice as far as the person "
            "travels or more; nothing is lost within their travel distance."
        ),
    )
    hours = _weight(
        _("Most taken off for hours"),
        _(
            "The share lost when the person has no hours for it, in proportion to the hours "
            "missing. Distance and hours together can take off at most 1."
        ),
    )
    radius_km = forms.IntegerField(
        label=_("Distance always acceptable (km)"),
        min_value=1,
        max_value=500,
        help_text=_("Used for people who haven't said how far they travel."),
    )
    top_n = forms.IntegerField(
        label=_("Matches kept per person"),
        min_value=1,
        max_value=100,
        help_text=_(
            "How many best matches are stored for each person of the programme (and "
            "candidates for each of its opportunities)."
        ),
    )
    priority_categories = forms.MultipleChoiceField(
        label=_("Categories given priority"),
        required=False,
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "An explicit choice of the programme, off by default: people of these "
            "categories get the bonus below, and every explanation it changes says so."
        ),
    )
    priority_bonus = _weight(
        _("Priority bonus"),
        _("Added to the score of people in the categories above: from 0 (off) to 0.20."),
        maximum="0.20",
    )

    @classmethod
    def initial_for(cls, policy: MatchingPolicy | None) -> dict[str, Any]:
        source = policy or MatchingPolicy()
        return {name: getattr(source, name) for name in cls.base_fields}
