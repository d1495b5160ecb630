"""What the matching engine keeps: each programme's policy and the stored top matches.

The scores themselves are computed by `lavorete.matching.core` (plain
NumPy/SciPy); `Match` stores, for every person who agreed to be matched, their
best open opportunities and, for every open opportunity, its best candidates,
so pages and reports read them without recomputing. A row's ranks say in
which list it is (`person_rank` in the person's top N, `opportunity_rank` in
the opportunity's).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lavorete.core.personal_data import LegalBasis, not_personal, register

_UNIT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class MatchingPolicy(models.Model):
    """How a programme weighs the parts of a match; defaults apply where none is set.

    Skill weights (`essential`, `optional`, `languages`) share the skill score
    in proportion; `distance` and `hours` are the most a poor fit on distance
    or on hours can take off it. A priority for disadvantaged categories is an
    explicit choice of the programme (`priority_categories`, `priority_bonus`),
    off unless set, and is shown in every explanation it changes.
    """

    programme = models.OneToOneField(
        "network.Programme",
        on_delete=models.CASCADE,
        related_name="matching_policy",
        verbose_name=_("programme"),
    )
    essential = models.DecimalField(
        _("weight of essential skills"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=_UNIT,
    )
    optional = models.DecimalField(
        _("weight of optional skills"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.25"),
        validators=_UNIT,
    )
    languages = models.DecimalField(
        _("weight of languages"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.15"),
        validators=_UNIT,
    )
    distance = models.DecimalField(
        _("most taken off for distance"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=_UNIT,
    )
    hours = models.DecimalField(
        _("most taken off for hours"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=_UNIT,
    )
    radius_km = models.PositiveSmallIntegerField(
        _("distance always acceptable (km)"),
        default=25,
        help_text=_("Used for people who haven't said how far they travel."),
    )
    priority_categories = models.JSONField(_("categories given priority"), default=list, blank=True)
    priority_bonus = models.DecimalField(
        _("priority bonus"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.20"))],
    )
    top_n = models.PositiveSmallIntegerField(_("matches kept per person"), default=20)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("matching policy")
        verbose_name_plural = _("matching policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(essential__gte=0)
                & Q(essential__lte=1)
                & Q(optional__gte=0)
                & Q(optional__lte=1)
                & Q(languages__gte=0)
                & Q(languages__lte=1)
                & Q(distance__gte=0)
                & Q(distance__lte=1)
                & Q(hours__gte=0)
                & Q(hours__lte=1),
                name="matching_policy_weights_range",
            ),
            models.CheckConstraint(
                condition=Q(essential__gt=0), name="matching_policy_essential_positive"
            ),
            models.CheckConstraint(
                condition=Q(distance__lte=1 - models.F("hours")),
                name="matching_policy_penalties_at_most_one",
            ),
            models.CheckConstraint(
                condition=Q(priority_bonus__gte=0) & Q(priority_bonus__lte=Decimal("0.20")),
                name="matching_policy_bonus_range",
            ),
            models.CheckConstraint(
                condition=Q(top_n__gte=1) & Q(top_n__lte=100), name="matching_policy_top_n_range"
            ),
            models.CheckConstraint(
                condition=Q(radius_km__gte=1) & Q(radius_km__lte=500),
                name="matching_policy_radius_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class Match(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="matches", verbose_name=_("person")
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("opportunity"),
    )
    score = models.FloatField(_("score"))
    essential = models.FloatField(_("essential skills covered"))
    optional = models.FloatField(_("optional skills covered"), null=True, blank=True)
    km = models.FloatField(_("distance (km)"), null=True, blank=True)
    person_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    opportunity_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["person", "opportunity"], name="match_once"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="match_score_range"
            ),
            models.CheckConstraint(
                condition=Q(person_rank__isnull=False) | Q(opportunity_rank__isnull=False),
                name="match_in_some_list",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "person_rank"], name="match_person_rank"),
            models.Index(fields=["opportunity", "opportunity_rank"], name="match_opportunity_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ↔ {self.opportunity_id}: {self.score:.2f}"


not_personal(
    MatchingPolicy,
    [
        "programme",
        "essential",
        "optional",
        "languages",
        "distance",
        "hours",
        "radius_km",
        "priority_categories",
        "priority_bonus",
        "top_n",
        "updated_at",
    ],
)
register(
    Match,
    ["person", "score", "essential", "optional", "km", "person_rank", "computed_at"],
    purpose=_("Showing the person, their operators and (anonymised) companies the best matches"),
    legal_basis=LegalBasis.CONSENT,
    retention=_("Recomputed every night; deleted when the person withdraws consent"),
)
not_personal(Match, ["opportunity", "opportunity_rank"])
