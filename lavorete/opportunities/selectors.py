"""Reads of opportunities, always filtered by what the user may see.

Staff lists filter by scope first, with the rule `Opportunity.lavorete_scopes()`
gives `has_perm` (the organisation's scopes plus the opportunity's programme),
so a list never shows an opportunity its page would refuse. The public board
shows only open opportunities within their dates.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from lavorete.core.permissions import scope_access
from lavorete.core.roles import ScopeKind
from lavorete.network.models import Organisation, Programme
from lavorete.network.selectors import organisations_visible_to
from lavorete.opportunities.models import (
    CandidacyStatus,
    Opportunity,
    OpportunitySkill,
    OpportunityStatus,
)
from lavorete.people.languages import language_name
from lavorete.people.models import SkillLevel
from lavorete.skills.importer import normalise
from lavorete.skills.models import Label, Occupation, RelationType, Skill
from lavorete.skills.selectors import Shown, preferred_labels
from lavorete.territory.models import District, Municipality

MAX_QUERY = 100
STATUS_ORDER = (
    OpportunityStatus.OPEN,
    OpportunityStatus.DRAFT,
    OpportunityStatus.FILLED,
    OpportunityStatus.CLOSED,
)


def opportunities_for_user(
    user: Any, perm: str = "opportunities.view_opportunity"
) -> QuerySet[Opportunity]:
    """Every opportunity on which `user` holds `perm` (unordered, unfiltered)."""
    access = scope_access(user, perm)
    if access.everywhere:
        return Opportunity.objects.all()
    programme_ids = access.of(ScopeKind.PROGRAMME)
    if not access.of(ScopeKind.ORGANISATION) and not programme_ids:
        return Opportunity.objects.none()
    organisations = organisations_visible_to(user, perm).values("pk")
    return Opportunity.objects.filter(
        Q(organisation_id__in=organisations) | Q(programme_id__in=programme_ids)
    )


def _count_field(status: str) -> str:
    return f"n_{status}"


def opportunity_list(
    user: Any,
    *,
    status: str = "",
    kind: str = "",
    organisation: Organisation | None = None,
    programme: Programme | None = None,
    query: str = "",
) -> QuerySet[Opportunity]:
    """The opportunities the user may see, filtered, each with its candidacies counted by status.

    One query however many rows: the counts are annotations (`n_<status>`, `n_total`).
    """
    queryset = opportunities_for_user(user).select_related(
        "organisation", "programme", "municipality"
    )
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    query = " ".join((query or "").replace("\x00", "").split())[:MAX_QUERY]
    if query:
        queryset = queryset.filter(
            Q(title__icontains=query) | Q(organisation__name__icontains=query)
        )
    counts = {
        _count_field(value): Count("candidacies", filter=Q(candidacies__status=value))
        for value in CandidacyStatus.values
    }
    # Open ones first, then drafts to finish, then the past.
    order = Case(
        *(When(status=value, then=Value(i)) for i, value in enumerate(STATUS_ORDER)),
        default=Value(len(STATUS_ORDER)),
        output_field=IntegerField(),
    )
    return queryset.annotate(n_total=Count("candidacies"), status_order=order, **counts).order_by(
        "status_order", "-opens_on", "-pk"
    )


def candidacy_counts(opportunity: Any) -> list[tuple[str, str, int]]:
    """(status, label, count) of an annotated row from `opportunity_list`, for the statuses with any."""
    return [
        (value, str(label), getattr(opportunity, _count_field(value), 0))
        for value, label in CandidacyStatus.choices
        if getattr(opportunity, _count_field(value), 0)
    ]


def organisations_for_opportunities(user: Any) -> QuerySet[Organisation]:
    """The organisations on whose behalf `user` may post opportunities."""
    return (
        organisations_visible_to(user, "opportunities.manage_opportunity")
        .select_related("municipality")
        .order_by("name", "pk")
    )


def programmes_of(organisations: QuerySet[Organisation]) -> QuerySet[Programme]:
    """The programmes these organisations lead or take part in."""
    ids = organisations.values("pk")
    return (
        Programme.objects.filter(
            Q(lead_organisation_id__in=ids) | Q(partners__organisation_id__in=ids)
        )
        .distinct()
        .order_by("name")
    )


# --- skills and languages as shown -----------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    pk: int
    skill_id: int
    uri: str
    relation: str
    level: int
    level_label: str
    label: Shown | None

    @property
    def essential(self) -> bool:
        return self.relation == RelationType.ESSENTIAL


def opportunity_skills(opportunity: Opportunity, language: str) -> list[SkillRow]:
    """The skills the opportunity asks for, essential first, with their labels in `language`."""
    rows = list(
        OpportunitySkill.objects.filter(opportunity=opportunity)
        .select_related("skill")
        .order_by("relation", "-level", "pk")
    )
    labels = preferred_labels([row.skill for row in rows], language)
    levels = dict(SkillLevel.choices)
    result = [
        SkillRow(
            pk=row.pk,
            skill_id=row.skill_id,
            uri=row.skill.uri,
            relation=row.relation,
            level=row.level,
            level_label=str(levels.get(row.level, row.level)),
            label=labels.get(row.skill_id),
        )
        for row in rows
    ]
    result.sort(key=lambda r: (not r.essential, r.label.text.lower() if r.label else r.uri))
    return result


def opportunity_languages(opportunity: Opportunity) -> list[dict[str, str]]:
    """The languages asked for, by name, with their minimum CEFR level."""
    return [
        {"code": row.language, "name": language_name(row.language), "level": row.level}
        for row in opportunity.languages.all()
    ]


def occupation_label(opportunity: Opportunity, language: str) -> Shown | None:
    if opportunity.occupation_id is None or opportunity.occupation is None:
        return None
    return preferred_labels([opportunity.occupation], language, "occupation").get(
        opportunity.occupation_id
    )


# --- the public board -------------------------------------------------------------------


def board(
    *,
    kind: str = "",
    municipality: Municipality | None = None,
    district: District | None = None,
    remote: bool | None = None,
    query: str = "",
    organisation: Organisation | None = None,
    today: date | None = None,
) -> QuerySet[Opportunity]:
    """The open opportunities within their dates, as anyone may see them, filtered.

    `query` looks in the title and description and in the Italian and English
    labels of the occupation and of the skills asked for.
    """
    day = today or timezone.localdate()
    queryset = Opportunity.objects.filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=day),
        status=OpportunityStatus.OPEN,
        opens_on__lte=day,
    ).select_related("organisation", "municipality__province")
    if kind:
        queryset = queryset.filter(kind=kind)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    if district is not None:
        queryset = queryset.filter(municipality_id__in=district.municipalities.values("pk"))
    if remote is not None:
        queryset = queryset.filter(is_remote=remote)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    text = " ".join((query or "").replace("\x00", "").split())[:MAX_QUERY]
    if text:
        wanted = normalise(text)
        labels = Label.objects.filter(normalised__contains=wanted, language__in=("it", "en"))
        by_skill = OpportunitySkill.objects.filter(
            skill_id__in=labels.filter(skill__isnull=False).values("skill_id")
        ).values("opportunity_id")
        queryset = queryset.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(occupation_id__in=labels.filter(occupation__isnull=False).values("occupation_id"))
            | Q(pk__in=by_skill)
        )
    return queryset.order_by("-published_at", "-opens_on", "-pk")


def board_opportunity(pk: Any) -> Opportunity | None:
    """One opportunity of the board, or None when it isn't open (draft, closed, filled, expired)."""
    try:
        number = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**63:
        return None
    return (
        board()
        .select_related("organisation__municipality", "programme", "occupation")
        .filter(pk=number)
        .first()
    )


def board_municipalities() -> QuerySet[Municipality]:
    """The municipalities where the board has something, for its filter."""
    return (
        Municipality.objects.filter(pk__in=board().values("municipality_id"))
        .select_related("province")
        .order_by("name")
    )


def board_organisations() -> QuerySet[Organisation]:
    """The organisations with something on the board, for its filter."""
    return Organisation.objects.filter(pk__in=board().values("organisation_id")).order_by("name")


def occupation_essential_skills(occupation: Occupation) -> list[Skill]:
    """The essential skills ESCO lists for an occupation."""
    return list(
        Skill.objects.filter(
            relations__occupation=occupation, relations__relation=RelationType.ESSENTIAL
        ).order_by("pk")
    )
