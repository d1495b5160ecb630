"""Reads of the candidacy pipeline, filtered by who may see what, and the consent gate.

The company (a representative of the opportunity's organisation) sees a
candidate's identity only while the candidacy is shared AND the person's
consent to profile sharing is active: the consent is checked when the page is
read, so a withdrawal hides the profile from that moment on. Until then, or
after, it sees an anonymised card: the candidacy's code, the opportunity's
skills the person holds or misses, languages and levels, a distance band,
hours available and the match score; never a name, contact, age, gender,
municipality or CV. Operators in the opportunity's scope see the same page,
with the names of the people they may see anyway (their caseload).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lavorete.core.permissions import get_object_for_user
from lavorete.opportunities.models import (
    Candidacy,
    CandidacyEvent,
    CandidacyStatus,
    Opportunity,
    OpportunitySkill,
)
from lavorete.opportunities.pipeline import sharing_consents
from lavorete.people.languages import language_name
from lavorete.people.models import CefrLevel, Person, PersonLanguage, PersonSkill
from lavorete.people.selectors import people_for_user
from lavorete.skills.models import RelationType
from lavorete.skills.selectors import preferred_labels

# Statuses the company never sees: the person hasn't applied (yet).
BEFORE_APPLYING = frozenset({CandidacyStatus.SUGGESTED, CandidacyStatus.PROPOSED})
# The sections of an opportunity's pipeline page, in order.
SECTIONS = [
    CandidacyStatus.SUGGESTED,
    CandidacyStatus.PROPOSED,
    CandidacyStatus.APPLIED,
    CandidacyStatus.SHARED,
    CandidacyStatus.INTERVIEW,
    CandidacyStatus.HIRED,
    CandidacyStatus.NOT_SELECTED,
    CandidacyStatus.WITHDRAWN,
]
CEFR_ORDER = [level for level, _label in CefrLevel.choices]
# What the company reads of a shared profile (written to the access log).
PROFILE_FIELDS = ["first_name", "last_name", "email", "phone", "skills", "languages", "cv"]
LIST_FIELDS = ["first_name", "last_name"]


def _ui_language() -> str:
    language = (get_language() or "it")[:2]
    return language if language in {"it", "en"} else "it"


# --- access --------------------------------------------------------------------------


def get_opportunity_for_pipeline(user: Any, pk: Any) -> Opportunity:
    """The opportunity whose candidates `user` may see: 404 outside its scope, 403 without
    the right to see candidates."""
    return get_object_for_user(
        user,
        Opportunity.objects.select_related("organisation", "programme", "municipality"),
        pk,
        view_perm="opportunities.view_opportunity",
        perm="opportunities.view_candidates",
    )


def _applied_once() -> Exists:
    return Exists(
        CandidacyEvent.objects.filter(candidacy=OuterRef("pk"), to_status=CandidacyStatus.APPLIED)
    )


def visible_people(user: Any, person_ids: list[int]) -> set[int]:
    """Which of these people `user` may see anyway (an operator's caseload)."""
    if not person_ids:
        return set()
    return set(
        people_for_user(user, "people.view_person")
        .filter(pk__in=person_ids)
        .values_list("pk", flat=True)
    )


def get_candidacy_for_user(user: Any, pk: Any, perm: str | None = None) -> Candidacy:
    """A candidacy of an opportunity the user works on: a representative of its
    organisation or an operator in its scope; 404 for anyone else, and for a candidacy
    the person hasn't applied with unless the user can see the person; 403 without `perm`."""
    candidacy = get_object_for_user(
        user,
        Candidacy.objects.select_related(
            "opportunity__organisation",
            "opportunity__municipality",
            "opportunity__programme",
            "person__residence",
            "person__user",
        ).annotate(applied_once=_applied_once()),
        pk,
        view_perm="opportunities.view_candidates",
        perm=perm,
    )
    if not company_may_see(candidacy) and not visible_people(user, [candidacy.person_id]):
        raise Http404
    return candidacy


def company_may_see(candidacy: Candidacy) -> bool:
    """Has the person applied (a suggestion or a proposal stays between them and operators)?"""
    if candidacy.status in BEFORE_APPLYING:
        return False
    if candidacy.status == CandidacyStatus.WITHDRAWN:
        return bool(getattr(candidacy, "applied_once", True))
    return True


# --- the cards -----------------------------------------------------------------------


@dataclass
class SkillFit:
    label: str
    essential: bool
    required_level: int
    held_level: int | None

    @property
    def held(self) -> bool:
        return self.held_level is not None


@dataclass
class LanguageFit:
    name: str
    level: str
    required: str
    meets: bool | None


@dataclass
class Card:
    """What the page shows of one candidacy; `name` and `profile` only where allowed."""

    candidacy: Candidacy
    code: str
    status: str
    status_label: str
    score: float | None
    distance_band: str
    hours: int | None
    skills: list[SkillFit] = field(default_factory=list)
    languages: list[LanguageFit] = field(default_factory=list)
    # The person's name, for an operator who may see them or a consented share.
    name: str = ""
    # The profile is readable by the company (shared, consent active now).
    profile_open: bool = False
    # Shared once, but the consent is no longer active: anonymised again.
    consent_withdrawn: bool = False
    # The viewer sees the person anyway (their caseload).
    caseload: bool = False

    @property
    def essential_held(self) -> list[SkillFit]:
        return [s for s in self.skills if s.essential and s.held]

    @property
    def essential_missing(self) -> list[SkillFit]:
        return [s for s in self.skills if s.essential and not s.held]

    @property
    def essential_total(self) -> int:
        return sum(1 for s in self.skills if s.essential)

    @property
    def optional_held(self) -> list[SkillFit]:
        return [s for s in self.skills if not s.essential and s.held]

    @property
    def optional_missing(self) -> list[SkillFit]:
        return [s for s in self.skills if not s.essential and not s.held]


def km_between(a: Any, b: Any) -> float | None:
    """Great-circle distance between two municipalities, or None without coordinates."""
    if a is None or b is None:
        return None
    coords = [a.latitude, a.longitude, b.latitude, b.longitude]
    if any(c is None for c in coords):
        return None
    lat1, lon1, lat2, lon2 = (math.radians(float(Decimal(c))) for c in coords)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def distance_band(km: float | None, *, remote: bool = False) -> str:
    """A distance as a band, never the place: 'within 10 km', '10 to 25 km'…"""
    if remote:
        return _("remote work")
    if km is None:
        return _("distance unknown")
    if km <= 10:
        return _("within 10 km")
    if km <= 25:
        return _("10 to 25 km")
    if km <= 50:
        return _("25 to 50 km")
    return _("over 50 km")


def _level_meets(held: str, required: str) -> bool:
    if held not in CEFR_ORDER or required not in CEFR_ORDER:
        return False
    return CEFR_ORDER.index(held) >= CEFR_ORDER.index(required)


def _requirements(opportunity: Opportunity) -> tuple[list[OpportunitySkill], dict[int, Any]]:
    rows = list(OpportunitySkill.objects.filter(opportunity=opportunity).select_related("skill"))
    labels = preferred_labels([r.skill for r in rows], _ui_language())
    return rows, labels


def cards_for(user: Any, opportunity: Opportunity, candidacies: Sequence[Candidacy]) -> list[Card]:
    """The cards of these candidacies of one opportunity, in a fixed number of queries."""
    from lavorete.matching.models import Match

    person_ids = [c.person_id for c in candidacies]
    consenting = sharing_consents(person_ids)
    caseload = visible_people(user, person_ids)
    required, labels = _requirements(opportunity)
    skill_ids = [r.skill_id for r in required]
    held: dict[int, dict[int, int]] = {}
    for person_id, skill_id, level in PersonSkill.objects.filter(
        person_id__in=person_ids, skill_id__in=skill_ids
    ).values_list("person_id", "skill_id", "level"):
        held.setdefault(person_id, {})[skill_id] = level
    languages: dict[int, dict[str, str]] = {}
    required_languages = {r.language: r.level for r in opportunity.languages.all()}
    for owner, code, cefr in PersonLanguage.objects.filter(
        person_id__in=person_ids, language__in=list(required_languages)
    ).values_list("person_id", "language", "level"):
        languages.setdefault(owner, {})[code] = cefr
    scores = dict(
        Match.objects.filter(opportunity=opportunity, person_id__in=person_ids).values_list(
            "person_id", "score"
        )
    )
    cards = []
    for c in candidacies:
        person = c.person
        open_profile = c.is_shared and c.shared_at is not None and c.person_id in consenting
        in_caseload = c.person_id in caseload
        skills = [
            SkillFit(
                label=labels[r.skill_id].text if r.skill_id in labels else r.skill.uri,
                essential=r.relation == RelationType.ESSENTIAL,
                required_level=r.level,
                held_level=held.get(c.person_id, {}).get(r.skill_id),
            )
            for r in required
        ]
        spoken = languages.get(c.person_id, {})
        # Only the languages the opportunity asks for (the card promises no more), by name
        # like the shared profile's.
        language_rows = sorted(
            (
                LanguageFit(
                    name=language_name(code),
                    level=str(CefrLevel(spoken[code]).label) if code in spoken else "",
                    required=str(CefrLevel(level).label),
                    meets=_level_meets(spoken.get(code, ""), level),
                )
                for code, level in required_languages.items()
            ),
            key=lambda row: row.name.casefold(),
        )
        km = (
            None
            if opportunity.is_remote
            else km_between(person.residence, opportunity.municipality)
        )
        cards.append(
            Card(
                candidacy=c,
                code=c.code,
                status=c.status,
                status_label=c.get_status_display(),
                score=c.score if c.score is not None else scores.get(c.person_id),
                distance_band=distance_band(km, remote=opportunity.is_remote),
                hours=person.hours_per_week,
                skills=skills,
                languages=language_rows,
                name=person.full_name if (open_profile or in_caseload) else "",
                profile_open=open_profile,
                consent_withdrawn=c.is_shared and not open_profile,
                caseload=in_caseload,
            )
        )
    return cards


@dataclass
class Section:
    status: str
    label: str
    cards: list[Card]


def pipeline_of(user: Any, opportunity: Opportunity) -> list[Section]:
    """The opportunity's candidacies the user may see, by status; the company never sees
    suggestions and proposals, operators see those of the people they may see."""
    candidacies = list(
        Candidacy.objects.filter(opportunity=opportunity)
        .select_related("person__residence", "opportunity")
        .annotate(applied_once=_applied_once())
        .order_by("-score", "pk")
    )
    caseload = visible_people(user, [c.person_id for c in candidacies])
    shown = [c for c in candidacies if company_may_see(c) or c.person_id in caseload]
    cards = cards_for(user, opportunity, shown)
    by_status: dict[str, list[Card]] = {}
    for card in cards:
        by_status.setdefault(card.status, []).append(card)
    return [
        Section(status, str(CandidacyStatus(status).label), by_status.get(status, []))
        for status in SECTIONS
        if status in by_status or status not in BEFORE_APPLYING
    ]


@dataclass
class Profile:
    """A shared profile as the company reads it."""

    name: str
    email: str
    phone: str
    skills: list[Any]
    languages: list[Any]
    has_cv: bool


def shared_profile(candidacy: Candidacy) -> Profile | None:
    """The person's profile, if the candidacy is shared and the consent still active."""
    from lavorete.people.registry import person_languages, person_skills

    person = candidacy.person
    if not candidacy.is_shared or candidacy.shared_at is None:
        return None
    if not sharing_consents([person.pk]):
        return None
    return Profile(
        name=person.full_name,
        email=person.email,
        phone=person.phone,
        skills=person_skills(person),
        languages=person_languages(person),
        has_cv=bool(person.cv),
    )


def history_for_company(candidacy: Candidacy) -> list[CandidacyEvent]:
    """The steps the company may read: from the application on, notes of its own steps only."""
    events = list(candidacy.events.select_related("actor"))
    shown = []
    for event in events:
        if event.to_status in BEFORE_APPLYING:
            continue
        if event.to_status not in {
            CandidacyStatus.INTERVIEW,
            CandidacyStatus.HIRED,
            CandidacyStatus.NOT_SELECTED,
        }:
            event.note = ""
        shown.append(event)
    return shown


# --- the person's own ----------------------------------------------------------------


def own_candidacies(person: Person) -> list[Candidacy]:
    """The person's candidacies (not mere suggestions), proposals waiting for an answer
    first, then the others, latest first, with their steps."""
    rows = list(
        Candidacy.objects.filter(person=person)
        .exclude(status=CandidacyStatus.SUGGESTED)
        .select_related("opportunity__organisation", "opportunity__municipality")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CandidacyEvent.objects.exclude(to_status=CandidacyStatus.SUGGESTED),
            )
        )
        .order_by("-updated_at", "-pk")
    )
    return sorted(rows, key=lambda c: c.status != CandidacyStatus.PROPOSED)


def get_own_candidacy(person: Person, pk: Any) -> Candidacy:
    """One of the person's own candidacies (not a mere suggestion), or 404."""
    try:
        number = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < number < 2**63:
        raise Http404
    found = (
        Candidacy.objects.filter(person=person, pk=number)
        .exclude(status=CandidacyStatus.SUGGESTED)
        .select_related("opportunity__organisation", "person")
        .first()
    )
    if found is None:
        raise Http404
    return found
