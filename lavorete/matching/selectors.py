"""Reads of stored matches and of the matching set-up, always filtered by what the user may see."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from lavorete.core.permissions import scope_access
from lavorete.core.roles import ScopeKind
from lavorete.matching.models import Match
from lavorete.network.models import Programme
from lavorete.opportunities.models import Opportunity
from lavorete.pathways.models import ENDED_STATUSES, Enrolment
from lavorete.people.models import Consent, ConsentPurpose, Person
from lavorete.territory.models import District, Municipality

CASELOAD_PAGE_SIZE = 25
# The rights that open an opportunity's candidates page (named, or anonymised for its company).
CANDIDATE_PERMISSIONS = ("matching.view_matches", "opportunities.view_candidates")
BEST_SHOWN = 3


def programme_ids(user: Any, perm: str) -> frozenset[int] | None:
    """The programmes where `user` holds `perm` (None: every programme)."""
    access = scope_access(user, perm)
    return None if access.everywhere else access.of(ScopeKind.PROGRAMME)


def programmes(user: Any, perm: str) -> QuerySet[Programme]:
    """The programmes where `user` holds `perm`, by name."""
    ids = programme_ids(user, perm)
    found = Programme.objects.all() if ids is None else Programme.objects.filter(pk__in=ids)
    return found.order_by("name")


SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 5


def clean_search(raw: Any) -> str:
    """A name search as typed, trimmed to what the search uses ('' for none)."""
    return " ".join(str(raw or "").split()[:SEARCH_MAX_WORDS])[:SEARCH_MAX_LENGTH]


def matching_caseload(user: Any, *, programme: int | None = None, q: str = "") -> QuerySet[Person]:
    """The people of the user's programmes (open enrolments), by name, each marked with
    whether they agreed to be matched; one query per page, plus the count. `q` keeps the
    people whose first or last name begins with each of its words."""
    ids = programme_ids(user, "matching.view_matches")
    enrolments = Enrolment.objects.filter(person=OuterRef("pk")).exclude(status__in=ENDED_STATUSES)
    if ids is not None:
        enrolments = enrolments.filter(programme_id__in=ids)
    if programme:
        enrolments = enrolments.filter(programme_id=programme)
    consent = Consent.objects.filter(
        person=OuterRef("pk"), purpose=ConsentPurpose.MATCHING, withdrawn_at__isnull=True
    )
    people = Person.objects.filter(Exists(enrolments), anonymised_at__isnull=True)
    for term in clean_search(q).split():
        people = people.filter(Q(last_name__istartswith=term) | Q(first_name__istartswith=term))
    return (
        people.annotate(matching_consent=Exists(consent))
        .only("pk", "first_name", "last_name", "anonymised_at")
        .order_by("last_name", "first_name", "pk")
    )


def best_stored(person_ids: list[int], n: int = BEST_SHOWN) -> dict[int, list[Match]]:
    """The best `n` stored matches of each of these people, with their opportunity (one query)."""
    found: dict[int, list[Match]] = defaultdict(list)
    for match in (
        Match.objects.filter(person_id__in=person_ids, person_rank__lte=n)
        .select_related("opportunity__organisation")
        .order_by("person_id", "person_rank")
    ):
        found[match.person_id].append(match)
    return found


def opportunities_with_candidates(user: Any, opportunity_ids: Iterable[int]) -> set[int]:
    """Which of these opportunities' candidates pages the user may open (one query at most):
    those of an organisation or programme where the user may see matches or candidates."""
    ids = set(opportunity_ids)
    if not ids:
        return set()
    accesses = [scope_access(user, perm) for perm in CANDIDATE_PERMISSIONS]
    if any(a.everywhere for a in accesses):
        return ids
    programmes_ = set().union(*(a.of(ScopeKind.PROGRAMME) for a in accesses))
    organisations = set().union(*(a.of(ScopeKind.ORGANISATION) for a in accesses))
    if not programmes_ and not organisations:
        return set()
    return set(
        Opportunity.objects.filter(pk__in=ids)
        .filter(
            Q(organisation_id__in=organisations)
            | Q(programme_id__in=programmes_)
            | Q(organisation__led_programmes__in=programmes_)
            | Q(organisation__programme_partnerships__programme_id__in=programmes_)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class PolicyRow:
    programme: Programme
    policy: Any  # MatchingPolicy | None


def policy_rows(user: Any) -> list[PolicyRow]:
    """The programmes whose matching policy the user sets, with the policy if any (one query)."""
    rows = programmes(user, "matching.manage_policy").select_related("matching_policy")
    return [PolicyRow(p, getattr(p, "matching_policy", None)) for p in rows]


@dataclass(frozen=True)
class Area:
    """A choice of the skill-gaps page: a district or a municipality, and its municipalities."""

    key: str
    label: str
    municipalities: list[int]


def gap_areas(user: Any) -> list[Area]:
    """The areas whose skill gaps the user may see: the municipalities of their programmes
    and the districts holding them; every district for network-wide users."""
    ids = programme_ids(user, "matching.view_skill_gaps")
    if ids is None:
        municipalities = Municipality.objects.filter(programmes__isnull=False)
        districts = District.objects.all()
    else:
        municipalities = Municipality.objects.filter(programmes__in=ids)
        districts = District.objects.filter(municipalities__in=municipalities.values("pk"))
    members: dict[int, list[int]] = defaultdict(list)
    for district_id, municipality_id in District.municipalities.through.objects.filter(
        district_id__in=districts.values("pk")
    ).values_list("district_id", "municipality_id"):
        members[district_id].append(municipality_id)
    areas = [
        Area(f"d{district.pk}", str(district), sorted(members[district.pk]))
        for district in districts.distinct().order_by("name")
    ]
    areas.extend(
        Area(f"m{municipality.pk}", municipality.name, [municipality.pk])
        for municipality in municipalities.distinct().order_by("name")
    )
    return areas
