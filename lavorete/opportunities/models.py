"""Opportunities companies and local bodies offer, and the candidacies for them.

An opportunity (job vacancy, internship, company challenge, volunteer role)
belongs to an organisation and may be offered through a programme, whose
operators then manage it and whose matching policy applies. A candidacy is one
person's way through one opportunity's pipeline, every step recorded in
`CandidacyEvent`. The company reads a person's profile only once the
candidacy is shared with it, which needs the person's consent to profile
sharing; until then it sees an anonymised profile.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lavorete.core.personal_data import LegalBasis, not_personal, register
from lavorete.core.roles import Scope, ScopeKind
from lavorete.pathways.models import ContractType
from lavorete.people.models import CefrLevel, SkillLevel
from lavorete.skills.models import RelationType


class OpportunityKind(models.TextChoices):
    JOB = "job", _("Job vacancy")
    INTERNSHIP = "internship", _("Internship (tirocinio)")
    CHALLENGE = "challenge", _("Company challenge")
    VOLUNTEER = "volunteer", _("Volunteer role")


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class CandidacyStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    PROPOSED = "proposed", _("Proposed to the person")
    APPLIED = "applied", _("Applied")
    SHARED = "shared", _("Shared with the company")
    INTERVIEW = "interview", _("Interview")
    HIRED = "hired", _("Hired")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses a candidacy doesn't leave.
FINAL_STATUSES = frozenset(
    {CandidacyStatus.HIRED, CandidacyStatus.NOT_SELECTED, CandidacyStatus.WITHDRAWN}
)
# Statuses only reached once the person shared the profile with the company.
SHARING_REQUIRED = frozenset(
    {CandidacyStatus.SHARED, CandidacyStatus.INTERVIEW, CandidacyStatus.HIRED}
)
# Statuses in which the company may read the profile, if it was shared (an application may
# also be turned down anonymously, before any sharing).
SHARED_STATUSES = SHARING_REQUIRED | {CandidacyStatus.NOT_SELECTED}
# The moves the pipeline allows (the services check who may make each one).
TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({CandidacyStatus.SUGGESTED, CandidacyStatus.PROPOSED, CandidacyStatus.APPLIED}),
    CandidacyStatus.SUGGESTED: frozenset(
        {CandidacyStatus.PROPOSED, CandidacyStatus.APPLIED, CandidacyStatus.WITHDRAWN}
    ),
    CandidacyStatus.PROPOSED: frozenset({CandidacyStatus.APPLIED, CandidacyStatus.WITHDRAWN}),
    CandidacyStatus.APPLIED: frozenset(
        {CandidacyStatus.SHARED, CandidacyStatus.NOT_SELECTED, CandidacyStatus.WITHDRAWN}
    ),
    CandidacyStatus.SHARED: frozenset(
        {
            CandidacyStatus.INTERVIEW,
            CandidacyStatus.HIRED,
            CandidacyStatus.NOT_SELECTED,
            CandidacyStatus.WITHDRAWN,
        }
    ),
    CandidacyStatus.INTERVIEW: frozenset(
        {CandidacyStatus.HIRED, CandidacyStatus.NOT_SELECTED, CandidacyStatus.WITHDRAWN}
    ),
    CandidacyStatus.HIRED: frozenset(),
    CandidacyStatus.NOT_SELECTED: frozenset(),
    CandidacyStatus.WITHDRAWN: frozenset(),
}


class Opportunity(models.Model):
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="opportunities",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        "network.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("offered through programme"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=OpportunityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    is_remote = models.BooleanField(_("remote"), default=False)
    occupation = models.ForeignKey(
        "skills.Occupation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation (ESCO)"),
    )
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices, blank=True
    )
    weekly_hours = models.PositiveSmallIntegerField(_("weekly hours"), null=True, blank=True)
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    opens_on = models.DateField(_("open from"), default=timezone.localdate)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["status", "opens_on"], name="opportunity_board"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_remote=True) | Q(municipality__isnull=False),
                name="opportunity_place_or_remote",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="opportunity_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(positions__gte=1) & Q(positions__lte=500),
                name="opportunity_positions_range",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True)
                | (Q(weekly_hours__gte=1) & Q(weekly_hours__lte=60)),
                name="opportunity_weekly_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OpportunityKind.values), name="opportunity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OpportunityStatus.values), name="opportunity_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def audit_label(self) -> str:
        return f"opportunity #{self.pk}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        scopes = list(self.organisation.lavorete_scopes())
        if self.programme_id:
            scopes.append(Scope(ScopeKind.PROGRAMME, self.programme_id))
        return scopes

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return (
            self.status == OpportunityStatus.OPEN
            and self.opens_on <= today
            and (self.closes_on is None or self.closes_on >= today)
        )


class OpportunitySkill(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="skills", verbose_name=_("opportunity")
    )
    skill = models.ForeignKey(
        "skills.Skill", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    relation = models.CharField(_("required as"), max_length=10, choices=RelationType.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.BASIC
    )

    class Meta:
        ordering = ["relation", "pk"]
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "skill"], name="opportunity_skill_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="opportunity_skill_level_range"
            ),
            models.CheckConstraint(
                condition=Q(relation__in=RelationType.values),
                name="opportunity_skill_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.skill_id} ({self.relation})"


class OpportunityLanguage(models.Model):
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="languages",
        verbose_name=_("opportunity"),
    )
    language = models.CharField(_("language"), max_length=8)
    level = models.CharField(_("minimum level (CEFR)"), max_length=6, choices=CefrLevel.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("required language")
        verbose_name_plural = _("required languages")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "language"], name="opportunity_language_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.level}"


class Candidacy(models.Model):
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.PROTECT,
        related_name="candidacies",
        verbose_name=_("opportunity"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="candidacies",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=16, choices=CandidacyStatus.choices)
    # The match score when the candidacy was suggested or proposed (0 to 1), if any.
    score = models.FloatField(_("match score"), null=True, blank=True)
    message = models.TextField(_("message to the company"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    shared_at = models.DateTimeField(_("shared with the company at"), null=True, blank=True)
    outcome = models.ForeignKey(
        "pathways.Outcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("placement recorded"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "person"], name="candidacy_once"),
            models.CheckConstraint(
                condition=Q(status__in=CandidacyStatus.values), name="candidacy_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                name="candidacy_score_range",
            ),
            # A profile is only ever shared with a recorded moment of sharing.
            models.CheckConstraint(
                condition=~Q(status__in=sorted(SHARING_REQUIRED)) | Q(shared_at__isnull=False),
                name="candidacy_shared_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"], name="candidacy_person_status"),
            models.Index(fields=["opportunity", "status"], name="candidacy_opportunity_status"),
        ]

    def __str__(self) -> str:
        return f"candidacy #{self.pk}"

    def audit_label(self) -> str:
        return f"candidacy #{self.pk}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.opportunity.lavorete_scopes()

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None and self.status in SHARED_STATUSES

    @property
    def code(self) -> str:
        """How the company names an anonymised candidate."""
        return f"C-{self.pk:05d}"


class CandidacyEvent(models.Model):
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="events", verbose_name=_("candidacy")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=CandidacyStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=CandidacyStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("candidacy step")
        verbose_name_plural = _("candidacy steps")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


_CANDIDACY = _("Putting the person forward for the opportunities they choose or are proposed")
_CANDIDACY_RETENTION = _("Deleted with the person's record")

not_personal(
    Opportunity,
    [
        "id",
        "organisation",
        "programme",
        "kind",
        "title",
        "description",
        "municipality",
        "is_remote",
        "occupation",
        "contract_type",
        "weekly_hours",
        "positions",
        "opens_on",
        "closes_on",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "published_at",
    ],
)
not_personal(OpportunitySkill, ["id", "opportunity", "skill", "relation", "level"])
not_personal(OpportunityLanguage, ["id", "opportunity", "language", "level"])
register(
    Candidacy,
    ["person", "status", "score", "message", "shared_at", "created_at"],
    purpose=_CANDIDACY,
    legal_basis=LegalBasis.CONSENT,
    retention=_CANDIDACY_RETENTION,
)
not_personal(Candidacy, ["id", "opportunity", "proposed_by", "outcome", "updated_at"])
register(
    CandidacyEvent,
    ["from_status", "to_status", "at", "note"],
    purpose=_CANDIDACY,
    legal_basis=LegalBasis.CONSENT,
    retention=_CANDIDACY_RETENTION,
)
not_personal(CandidacyEvent, ["id", "candidacy", "actor"])
