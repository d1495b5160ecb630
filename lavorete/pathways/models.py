"""Pathways: a person's road through a programme, from intake to work.

A programme has targets and a pathway template (ordered stages, each maybe
gated). A person's enrolment moves through the stages, every move recorded;
services are delivered to one person or a group; case notes stay with the
programme's operators; outcomes schedule their own follow-ups.

An enrolment keeps the categories and municipality the person had when it
was taken in (`cat_*`, `municipality`): the programme's figures are counted
from those, so erasing a person's record (Art. 17) leaves them unchanged.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lavorete.core.personal_data import LegalBasis, not_personal, register
from lavorete.core.roles import Scope, ScopeKind


class TargetKind(models.TextChoices):
    REACHED = "reached", _("People reached")
    COMPLETIONS = "completions", _("Pathways completed")
    PLACEMENTS = "placements", _("Job placements")
    BUSINESSES = "businesses", _("Businesses started")


class StageKind(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ORIENTATION = "orientation", _("Orientation")
    WORK_DESIGN = "work_design", _("Work-design lab")
    TRAINING = "training", _("Training")
    PROJECT_LAB = "project_lab", _("Project lab")
    JOB_SEARCH = "job_search", _("Active job search")
    PLACED = "placed", _("Placed")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")


class Gate(models.TextChoices):
    NONE = "", _("No gate")
    ASSESSMENT = "assessment", _("Requires an assessment")
    PLAN = "plan", _("Requires an agreed plan")
    APPROVAL = "approval", _("Requires a coordinator's approval")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped out")


ENDED_STATUSES = frozenset({EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED})


class ServiceKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    ORIENTATION = "orientation", _("Orientation")
    COACHING = "coaching", _("Coaching")
    ASSESSMENT = "assessment", _("Skills assessment")
    LAB_SESSION = "lab_session", _("Lab session")
    WORKSHOP = "workshop", _("Workshop")
    OTHER = "other", _("Other")


class ServiceMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class OutcomeKind(models.TextChoices):
    JOB = "job", _("Job placement")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment or business started")
    TRAINING = "training", _("Training completed")


class ContractType(models.TextChoices):
    """Contract types of Italian labour law."""

    PERMANENT = "indeterminato", _("Permanent (tempo indeterminato)")
    FIXED_TERM = "determinato", _("Fixed-term (tempo determinato)")
    APPRENTICESHIP = "apprendistato", _("Apprenticeship (apprendistato)")
    TRAINEESHIP = "tirocinio", _("Traineeship (tirocinio)")
    AGENCY = "somministrazione", _("Agency work (somministrazione)")
    COLLABORATION = "collaborazione", _("Collaboration (collaborazione coordinata)")


# Months after the start of a job or business at which the tutor checks in.
FOLLOW_UP_MONTHS = (3, 6, 12)


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProgrammeTarget(models.Model):
    """How many people a programme means to reach, place, bring to completion."""

    programme = models.ForeignKey(
        "network.Programme",
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("target"), max_length=16, choices=TargetKind.choices)
    # Empty: everyone; otherwise one of people.Category.
    category = models.CharField(_("category"), max_length=24, blank=True)
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        ordering = ["programme", "kind", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "category"], name="pathways_target_once"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="pathways_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.programme.lavorete_scopes()


class Stage(models.Model):
    """One step of a programme's pathway template."""

    programme = models.ForeignKey(
        "network.Programme",
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("programme"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=StageKind.choices)
    gate = models.CharField(_("gate"), max_length=12, choices=Gate.choices, blank=True)

    class Meta:
        verbose_name = _("pathway stage")
        verbose_name_plural = _("pathway stages")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="pathways_stage_position_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.programme.lavorete_scopes()


class Enrolment(models.Model):
    """A person in a programme, followed by a tutor through its stages."""

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    programme = models.ForeignKey(
        "network.Programme",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutored_enrolments",
        verbose_name=_("tutor"),
    )
    stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("stage"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    enrolled_on = models.DateField(_("enrolled on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    plan_agreed_on = models.DateField(_("plan agreed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The person's profile when taken in, for the programme's figures (kept on erasure).
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality at intake"),
    )
    cat_under_30 = models.BooleanField(default=False)
    cat_over_50 = models.BooleanField(default=False)
    cat_long_term_unemployed = models.BooleanField(default=False)
    cat_woman = models.BooleanField(default=False)
    cat_neet = models.BooleanField(default=False)
    cat_returning_mother = models.BooleanField(default=False)
    cat_migrant = models.BooleanField(default=False)
    cat_disability = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"], name="pathways_enrolment_once_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED])
                | Q(ended_on__isnull=True),
                name="pathways_enrolment_open_has_no_end",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED])
                | Q(ended_on__isnull=False),
                name="pathways_enrolment_ended_has_end",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("enrolled_on")),
                name="pathways_enrolment_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["tutor", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.programme}"

    def audit_label(self) -> str:
        return f"enrolment #{self.pk} (person #{self.person_id})"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [Scope(ScopeKind.PROGRAMME, self.programme_id)]

    @property
    def is_open(self) -> bool:
        return self.status not in ENDED_STATUSES


# Enrolment category flags by people.Category value, for figures and snapshots.
CATEGORY_FIELDS = {
    "under_30": "cat_under_30",
    "over_50": "cat_over_50",
    "long_term_unemployed": "cat_long_term_unemployed",
    "woman": "cat_woman",
    "neet": "cat_neet",
    "returning_mother": "cat_returning_mother",
    "migrant": "cat_migrant",
    "disability": "cat_disability",
}


class StageTransition(models.Model):
    """A move of an enrolment between stages or statuses: who, when, why."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        # The dashboard's stage funnel counts who reached each stage from here.
        indexes = [
            models.Index(fields=["to_stage", "enrolment"], name="pathways_transition_funnel")
        ]

    def __str__(self) -> str:
        return f"{self.from_stage_id} -> {self.to_stage_id}"


class ServiceDelivery(models.Model):
    """A service given by an operator to one person or to a group."""

    programme = models.ForeignKey(
        "network.Programme", on_delete=models.PROTECT, related_name="service_deliveries"
    )
    kind = models.CharField(_("service"), max_length=16, choices=ServiceKind.choices)
    mode = models.CharField(_("mode"), max_length=12, choices=ServiceMode.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=24 * 60),
                name="pathways_service_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [Scope(ScopeKind.PROGRAMME, self.programme_id)]


class Attendance(models.Model):
    delivery = models.ForeignKey(
        ServiceDelivery, on_delete=models.CASCADE, related_name="attendances"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["delivery", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "enrolment"], name="pathways_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}/{self.enrolment_id}"


class CaseNote(models.Model):
    """An operator's note on an enrolment: the programme's operators only."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(_("Case note %(number)s") % {"number": self.pk})

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.enrolment.lavorete_scopes()


class Goal(models.Model):
    """A goal of the plan the person and the tutor share."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("how"), blank=True)
    due_on = models.DateField(_("by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    person_comment = models.TextField(_("the person's comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["status", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.enrolment.lavorete_scopes()


class Outcome(models.Model):
    """What the pathway led to: a job, a business, a completed training."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=16, choices=OutcomeKind.choices)
    employer = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("employer (partner organisation)"),
    )
    employer_name = models.CharField(_("employer (other)"), max_length=200, blank=True)
    contract_type = models.CharField(
        _("contract type"), max_length=16, choices=ContractType.choices, blank=True
    )
    start_date = models.DateField(_("start date"))
    weekly_hours = models.PositiveSmallIntegerField(_("weekly hours"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="job") | ~Q(contract_type=""),
                name="pathways_outcome_job_has_contract",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True)
                | (Q(weekly_hours__gt=0) & Q(weekly_hours__lte=60)),
                name="pathways_outcome_weekly_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.enrolment.lavorete_scopes()


class FollowUp(models.Model):
    """A check at 3, 6 or 12 months after an outcome: is the person still in work?"""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due on"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("assigned to"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    still_in_work = models.BooleanField(_("still in work"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "months"], name="pathways_follow_up_once"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(still_in_work__isnull=False),
                name="pathways_follow_up_done_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"])]

    def __str__(self) -> str:
        return str(_("%(months)s-month follow-up") % {"months": self.months})

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.outcome.lavorete_scopes()


class Referral(models.Model):
    """A person sent from one programme to another partner's, with their consent."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="referrals")
    from_enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="referrals_out"
    )
    to_programme = models.ForeignKey(
        "network.Programme",
        on_delete=models.PROTECT,
        related_name="referrals_in",
        verbose_name=_("to programme"),
    )
    to_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_in",
        verbose_name=_("to organisation"),
    )
    reason = models.TextField(_("reason"))
    # The person's consent to pass their file on: recorded, or no referral.
    consent_text_version = models.CharField(max_length=20)
    consent_given_at = models.DateTimeField()
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PROPOSED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "to_programme"],
                condition=Q(status="proposed"),
                name="pathways_referral_one_open",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Referral %(number)s") % {"number": self.pk})

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [
            Scope(ScopeKind.PROGRAMME, self.from_enrolment.programme_id),
            Scope(ScopeKind.PROGRAMME, self.to_programme_id),
        ]


# --- Personal data inventory --------------------------------------------------

_PATHWAY = _("Following the person's pathway in the programme and reporting to funders")
_PATHWAY_RETENTION = _("With the person's record; figures kept anonymised")

register(
    Enrolment,
    ["person", "tutor", "stage", "status", "enrolled_on", "ended_on", "plan_agreed_on"],
    purpose=_PATHWAY,
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_PATHWAY_RETENTION,
)
register(
    Enrolment,
    [
        "municipality",
        "cat_under_30",
        "cat_over_50",
        "cat_long_term_unemployed",
        "cat_woman",
        "cat_neet",
        "cat_returning_mother",
        "cat_migrant",
    ],
    purpose=_("Counting the people reached by category and municipality"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_("Kept without the person's identity after erasure, for the figures"),
)
register(
    Enrolment,
    ["cat_disability"],
    purpose=_("Counting the people with disability reached (never shown per person)"),
    legal_basis=LegalBasis.CONSENT,
    retention=_("Kept without the person's identity after erasure, for the figures"),
    special_category=True,
)
register(
    StageTransition,
    ["from_stage", "to_stage", "from_status", "to_status", "reason", "at"],
    purpose=_PATHWAY,
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_PATHWAY_RETENTION,
)
register(
    Attendance,
    ["enrolment", "present"],
    purpose=_PATHWAY,
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_PATHWAY_RETENTION,
)
register(
    CaseNote,
    ["enrolment", "text"],
    purpose=_("The operators' notes on the person's pathway"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_("Deleted with the person's record"),
)
register(
    Goal,
    ["enrolment", "title", "description", "due_on", "status", "person_comment", "closed_on"],
    purpose=_("The plan the person and the tutor share"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_PATHWAY_RETENTION,
)
register(
    Outcome,
    ["enrolment", "employer", "employer_name", "start_date", "description"],
    purpose=_("Recording and reporting what the pathway led to"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_PATHWAY_RETENTION,
)
register(
    FollowUp,
    ["still_in_work", "note"],
    purpose=_("Checking whether the person is still in work"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_PATHWAY_RETENTION,
)
register(
    Referral,
    [
        "person",
        "from_enrolment",
        "reason",
        "consent_text_version",
        "consent_given_at",
        "decision_note",
    ],
    purpose=_("Passing the person's file to a partner, with their consent"),
    legal_basis=LegalBasis.CONSENT,
    retention=_PATHWAY_RETENTION,
)
not_personal(ProgrammeTarget, ["programme", "kind", "category", "value"])
not_personal(Stage, ["programme", "position", "name", "kind", "gate"])
not_personal(Enrolment, ["programme", "created_by", "created_at"])
not_personal(StageTransition, ["enrolment", "approved_by", "by"])
not_personal(
    ServiceDelivery,
    ["programme", "kind", "mode", "title", "held_on", "duration_minutes", "operator", "created_at"],
)
not_personal(Attendance, ["delivery"])
not_personal(CaseNote, ["author", "created_at"])
not_personal(Goal, ["created_by", "created_at"])
not_personal(Outcome, ["kind", "contract_type", "weekly_hours", "recorded_by", "created_at"])
not_personal(FollowUp, ["outcome", "months", "due_on", "assigned_to", "done_at", "done_by"])
not_personal(
    Referral,
    [
        "to_programme",
        "to_organisation",
        "status",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
    ],
)
