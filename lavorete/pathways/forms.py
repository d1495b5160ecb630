"""Forms of the pathways pages: plain input, the rules are the services'."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lavorete.core.fields import ModelChoiceField, ModelMultipleChoiceField
from lavorete.network.models import Organisation, Programme, ProgrammeLegalBasis
from lavorete.pathways.models import (
    ContractType,
    Enrolment,
    EnrolmentStatus,
    Gate,
    GoalStatus,
    OutcomeKind,
    ServiceKind,
    StageKind,
    TargetKind,
)
from lavorete.pathways.selectors import CASELOAD_CATEGORIES
from lavorete.people.consents import REFERRAL_TEXT, current_text
from lavorete.people.models import Category, ConsentPurpose, Gender
from lavorete.territory.models import Municipality

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_LIMIT = 10_000
REASON_LIMIT = 2_000


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class EnrolmentChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name} — {obj.stage or '—'} ({obj.get_status_display()})"


class StageChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.programme.name} — {obj.position}. {obj.name}"


class EnrolmentForm(StyledForm):
    """A form about one of the person's enrolments (chosen among those the user may act on)."""

    enrolment = EnrolmentChoiceField(queryset=Enrolment.objects.none(), label=_("Pathway"))

    def __init__(self, *args: Any, enrolments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrolment"]
        field.queryset = enrolments  # type: ignore[attr-defined]
        if len(enrolments) == 1:
            field.initial = enrolments[0].pk


# --- caseload ----------------------------------------------------------------------


class CaseloadFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("The beginning of a name or surname, codice fiscale or e-mail."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int)
    stage = forms.TypedChoiceField(label=_("Stage"), required=False, coerce=int)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *EnrolmentStatus.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int)
    mine = forms.BooleanField(label=_("Only the people I follow"), required=False)

    def __init__(self, *args: Any, programmes: Any, stages: Any, municipalities: Any, **kw: Any):
        super().__init__(*args, **kw)
        any_ = ("", _("Any"))
        self.fields["programme"].choices = [any_, *((p.pk, p.name) for p in programmes)]  # type: ignore[attr-defined]
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            any_,
            *((s.pk, f"{s.programme.name} — {s.name}") for s in stages),
        ]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            any_,
            *((c, Category(c).label) for c in CASELOAD_CATEGORIES),
        ]
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]
            any_,
            *((m.pk, m.name) for m in municipalities),
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"].replace("\x00", ""),
            "programme": data["programme"] or None,
            "stage": data["stage"] or None,
            "status": data["status"],
            "category": data["category"],
            "municipality": data["municipality"] or None,
        }


# --- intake --------------------------------------------------------------------------


class IntakeForm(StyledForm):
    programme = ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"))
    tutor = ModelChoiceField(queryset=Programme.objects.none(), label=_("Tutor"), required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    tax_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=16,
        required=False,
        help_text=_("Optional. 16 characters, checked."),
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices]
    )
    residence = ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=_("Municipality of residence"),
        required=False,
    )
    consent_programme = forms.BooleanField(
        label=_("The person agrees to take part (consent to the programme's processing)"),
        required=False,
        help_text=current_text(ConsentPurpose.PROGRAMME).text,  # type: ignore[arg-type]
    )
    consent_profile_sharing = forms.BooleanField(
        label=_("The person agrees to share their profile with companies"),
        required=False,
        help_text=current_text(ConsentPurpose.PROFILE_SHARING).text,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, programmes: Any, tutors: Any, municipalities: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["tutor"].queryset = tutors  # type: ignore[attr-defined]
        self.fields["residence"].queryset = municipalities  # type: ignore[attr-defined]

    def consents(self) -> list[str]:
        data = self.cleaned_data
        return [
            purpose
            for purpose, field in (
                (ConsentPurpose.PROGRAMME, "consent_programme"),
                (ConsentPurpose.PROFILE_SHARING, "consent_profile_sharing"),
            )
            if data.get(field)
        ]

    def person_fields(self) -> dict[str, Any]:
        names = ("first_name", "last_name", "email", "phone", "tax_code", "birth_date")
        values = {n: self.cleaned_data[n] for n in names}
        values.update(gender=self.cleaned_data["gender"], residence=self.cleaned_data["residence"])
        return values


# --- quick actions on a person ------------------------------------------------------------


class MoveForm(EnrolmentForm):
    to_stage = StageChoiceField(queryset=Enrolment.objects.none(), label=_("Move to the stage"))
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, stages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].queryset = stages  # type: ignore[attr-defined]


STATUS_ACTIONS = [
    ("suspend", _("Suspend")),
    ("resume", _("Resume")),
    ("complete", _("Complete")),
    ("drop", _("Record a drop-out")),
    ("reopen", _("Reopen")),
]


class StatusForm(EnrolmentForm):
    action = forms.ChoiceField(label=_("Change"), choices=STATUS_ACTIONS)
    on = forms.DateField(label=_("On"), widget=DATE)
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=REASON_LIMIT,
        help_text=_("Required to suspend, drop out or reopen."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TutorForm(EnrolmentForm):
    tutor = ModelChoiceField(queryset=Programme.objects.none(), label=_("Tutor"), required=False)

    def __init__(self, *args: Any, tutors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors  # type: ignore[attr-defined]


class ServiceForm(EnrolmentForm):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=24 * 60
    )
    present = forms.BooleanField(label=_("The person attended"), required=False, initial=True)


class NoteForm(EnrolmentForm):
    text = forms.CharField(
        label=_("Note"),
        max_length=TEXT_LIMIT,
        help_text=_(
            "Seen only by the programme's operators. Notes can't be changed afterwards: "
            "to correct one, add another."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class GoalForm(EnrolmentForm):
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("How"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(label=_("By"), required=False, widget=DATE)


class GoalEditForm(StyledForm):
    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("How"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_on = forms.DateField(label=_("By"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class PlanForm(EnrolmentForm):
    on = forms.DateField(label=_("Agreed on"), widget=DATE)


class OutcomeForm(EnrolmentForm):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    employer = ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Employer (partner organisation)"),
        required=False,
    )
    employer_name = forms.CharField(label=_("Employer (other)"), max_length=200, required=False)
    contract_type = forms.ChoiceField(
        label=_("Contract type"),
        required=False,
        choices=[("", "—"), *ContractType.choices],
        help_text=_("Required for a job."),
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    weekly_hours = forms.IntegerField(
        label=_("Weekly hours"), required=False, min_value=1, max_value=60
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = organisations  # type: ignore[attr-defined]


class ReferralForm(EnrolmentForm):
    to_programme = ModelChoiceField(queryset=Programme.objects.none(), label=_("To programme"))
    to_organisation = ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("To organisation"),
        help_text=_("A partner of that programme."),
    )
    reason = forms.CharField(
        label=_("Why"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    person_consents = forms.BooleanField(
        label=_("The person agrees to be referred"),
        required=False,
        help_text=REFERRAL_TEXT.text,  # type: ignore[arg-type]
    )

    def __init__(self, *args: Any, programmes: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["to_organisation"].queryset = organisations  # type: ignore[attr-defined]


# --- group services, tasks, referrals -----------------------------------------------------


class EnrolmentsField(ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person)


class GroupServiceForm(StyledForm):
    kind = forms.ChoiceField(label=_("Service"), choices=ServiceKind.choices, initial="lab_session")
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    held_on = forms.DateField(
        label=_("Date"), widget=DATE, help_text=_("A future session can be planned now.")
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=24 * 60
    )
    participants = EnrolmentsField(queryset=Enrolment.objects.none(), label=_("Participants"))
    attended = EnrolmentsField(
        queryset=Enrolment.objects.none(),
        label=_("Attended"),
        required=False,
        help_text=_("Leave empty for a future session: record attendance on the day."),
    )

    def __init__(self, *args: Any, enrolments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = enrolments  # type: ignore[attr-defined]
        self.fields["attended"].queryset = enrolments  # type: ignore[attr-defined]


class AttendanceForm(StyledForm):
    attended = EnrolmentsField(
        queryset=Enrolment.objects.none(), label=_("Attended"), required=False
    )
    confirm = forms.BooleanField(label=_("Attendance is complete"), required=True)

    def __init__(self, *args: Any, enrolments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = enrolments  # type: ignore[attr-defined]


class FollowUpForm(StyledForm):
    still_in_work = forms.TypedChoiceField(
        label=_("Is the person still in work?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReferralDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and enrol")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    tutor = ModelChoiceField(queryset=Programme.objects.none(), label=_("Tutor"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=REASON_LIMIT,
        help_text=_("Required to decline."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    person_consents = forms.BooleanField(
        label=_("The person agrees to take part (needed when the programme works on consent)"),
        required=False,
    )

    def __init__(self, *args: Any, tutors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tutor"].queryset = tutors  # type: ignore[attr-defined]


class WithdrawForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("withdraw", _("Withdraw the referral"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why"), max_length=REASON_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- programme set-up -----------------------------------------------------------------------


class TargetForm(StyledForm):
    kind = forms.ChoiceField(label=_("Target"), choices=TargetKind.choices)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Everyone")), *Category.choices]
    )
    value = forms.IntegerField(label=_("Value"), min_value=1, max_value=10_000_000)


class StageForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices)
    gate = forms.ChoiceField(label=_("Gate"), choices=Gate.choices, required=False)


class LegalBasisForm(StyledForm):
    legal_basis = forms.ChoiceField(
        label=_("Legal basis for participants' data"),
        choices=ProgrammeLegalBasis.choices,
        widget=forms.RadioSelect,
    )


# --- the person's own pages --------------------------------------------------------------


class GoalCommentForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Progress"),
        choices=[(GoalStatus.OPEN, _("In progress")), (GoalStatus.ACHIEVED, _("Achieved"))],
        widget=forms.RadioSelect,
    )
    person_comment = forms.CharField(
        label=_("My comment"),
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
