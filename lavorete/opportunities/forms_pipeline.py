"""Forms of the candidacy pipeline: the company's steps, and the person's (or their
operator's) application, sharing and withdrawal.

Each form carries the number of what it acts on in a hidden field, checked
against the page's: a form posted from a stale page (or with anything else in
it) changes nothing.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lavorete.opportunities.models import TRANSITIONS, CandidacyStatus
from lavorete.opportunities.pipeline import COMPANY_MOVES, MAX_MESSAGE, MAX_NOTE


class _Bound(forms.Form):
    """A form about one object, whose number comes back in a hidden field."""

    subject_field = "subject"

    def __init__(self, *args: Any, subject_pk: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject_pk = subject_pk
        self.fields[self.subject_field] = forms.IntegerField(
            widget=forms.HiddenInput, initial=subject_pk
        )
        # The hidden field first, so the visible ones keep their order.
        self.order_fields([self.subject_field, *self.fields])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.subject_field in data and data[self.subject_field] != self.subject_pk:
            raise forms.ValidationError(
                _("This form belongs to another page: open the page again."), code="stale"
            )
        return data


def _note(label: Any, limit: int = MAX_NOTE, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(_Bound):
    subject_field = "candidacy"
    status = forms.ChoiceField(label=_("Next step"), choices=())
    note = _note(
        _("Note"),
        help_text=_("Visible to the company and the operators, not to the person."),
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(current, frozenset()) & COMPANY_MOVES
        choices = [(value, label) for value, label in CandidacyStatus.choices if value in allowed]
        self.fields["status"].choices = choices  # type: ignore[attr-defined]
        self.single = len(choices) == 1
        if self.single:
            # One way only (an application not shared can only be turned down): no choice
            # to make, the page's button says it.
            self.fields["status"].widget = forms.HiddenInput()
            self.fields["status"].initial = choices[0][0]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.single and "status" in self.errors:
            # A hidden field's error would show nowhere: say it above the form.
            self.add_error(None, self.errors.pop("status"))
        return data


class NoteForm(_Bound):
    subject_field = "candidacy"
    note = _note(_("Reason (optional)"))


class ShareForm(_Bound):
    subject_field = "candidacy"

    def __init__(self, *args: Any, needs_consent: bool, consent_text: Any = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if needs_consent:
            self.fields["agree"] = forms.BooleanField(
                label=_("I agree to share my profile with companies"),
                help_text=consent_text,
                required=True,
            )


class ApplyForm(_Bound):
    subject_field = "opportunity"
    message = _note(
        _("Message to the company (optional)"),
        limit=MAX_MESSAGE,
        help_text=_("The company reads it with your profile, once you share it with them."),
    )
