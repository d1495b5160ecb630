"""Matching on the database: loading people and opportunities into the core, storing the best
matches, keeping them fresh, and the programmes' matching policies.

Only people who are not anonymised and hold an active consent to be matched
(`ConsentPurpose.MATCHING`) are ever scored or stored. A pair is scored with
the policy of the person's programme (their most recent open enrolment): the
programme decides how its people are matched, priority included; the policy
of an opportunity's programme says how many candidates the opportunity keeps.

Everything is read in a constant number of queries (values_list, no per-row
queries), so the full recompute of a district takes a fraction of a second,
database included. Stored lists are exact: an incremental refresh recomputes
one person's (or one opportunity's) list with the core and merges the new
scores into the other side's lists; where the merge can't know the entry
that should follow a list it shortened, it schedules that list's own refresh.
"""

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.models import AuditEntry
from lavorete.core.permissions import has_perm
from lavorete.core.roles import ScopeKind
from lavorete.core.suppression import Cell, CellState, cell, suppress_part
from lavorete.matching.core import (
    CEFR_RANK,
    Engine,
    Explanation,
    OpportunityInput,
    PersonInput,
    Weights,
    area_gaps,
    haversine_km,
)
from lavorete.matching.models import Match, MatchingPolicy
from lavorete.network.models import Programme
from lavorete.opportunities.models import (
    Opportunity,
    OpportunityLanguage,
    OpportunitySkill,
    OpportunityStatus,
)
from lavorete.pathways.models import ENDED_STATUSES, Enrolment
from lavorete.people.languages import language_name
from lavorete.people.models import (
    Category,
    Consent,
    ConsentPurpose,
    Person,
    PersonLanguage,
    PersonSkill,
)
from lavorete.people.selectors import people_for_user
from lavorete.skills.models import RelationType, Skill
from lavorete.skills.selectors import preferred_labels

# Above this many pairs the batch uses the core's pruned search (recall >= 0.95);
# below it the exact one, which a district computes in milliseconds.
EXACT_PAIRS = 20_000_000
DEFAULT_TOP_N = MatchingPolicy._meta.get_field("top_n").default


class Reason:
    """Why a list of matches is empty: codes the pages turn into sentences."""

    NO_RECORD = "no_record"
    NO_CONSENT = "no_consent"
    ANONYMISED = "anonymised"
    NO_SKILLS = "no_skills"
    OPPORTUNITY_NO_SKILLS = "opportunity_no_skills"
    OPPORTUNITY_CLOSED = "opportunity_closed"
    NOTHING_FOUND = "nothing_found"


# What the person reads about their own matches.
OWN_REASONS = {
    Reason.NO_RECORD: gettext_lazy(
        "You don't have a profile yet: an operator of a programme must invite you first."
    ),
    Reason.NO_CONSENT: gettext_lazy("You haven't agreed to be matched with opportunities yet."),
    Reason.ANONYMISED: gettext_lazy("This record has been anonymised."),
    Reason.NO_SKILLS: gettext_lazy(
        "Your profile lists no skills yet: add them to be matched with opportunities."
    ),
    Reason.NOTHING_FOUND: gettext_lazy(
        "No open opportunity asks for your skills at the moment. New ones are matched every day."
    ),
}
# What staff read about someone else's matches or an opportunity's candidates.
STAFF_REASONS = {
    Reason.NO_CONSENT: gettext_lazy(
        "This person hasn't agreed to be matched with opportunities: nothing is computed."
    ),
    Reason.ANONYMISED: gettext_lazy("This record has been anonymised."),
    Reason.NO_SKILLS: gettext_lazy("This person's profile lists no skills yet."),
    Reason.OPPORTUNITY_NO_SKILLS: gettext_lazy(
        "This opportunity asks for no skills: it can't be matched."
    ),
    Reason.OPPORTUNITY_CLOSED: gettext_lazy("Opportunity closed"),
    Reason.NOTHING_FOUND: gettext_lazy("No match found."),
}


# --- policies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """A programme's policy as the engine uses it."""

    weights: Weights
    top_n: int
    categories: frozenset[str]

    @property
    def gives_priority(self) -> bool:
        return bool(self.categories) and self.weights.priority_bonus > 0


DEFAULT_POLICY = Policy(Weights(), DEFAULT_TOP_N, frozenset())


def _policy_of(row: MatchingPolicy) -> Policy:
    return Policy(
        Weights(
            essential=float(row.essential),
            optional=float(row.optional),
            languages=float(row.languages),
            distance=float(row.distance),
            hours=float(row.hours),
            radius_km=float(row.radius_km),
            priority_bonus=float(row.priority_bonus),
        ),
        int(row.top_n),
        frozenset(row.priority_categories or ()),
    )


def _policies() -> dict[int, Policy]:
    """Every programme's policy, by programme id (one query)."""
    return {row.programme_id: _policy_of(row) for row in MatchingPolicy.objects.all()}


def policy_for(programme: Programme | int | None) -> Weights:
    """The weights a programme matches with: its policy, or the defaults."""
    return _policy_for(programme).weights


def _policy_for(programme: Programme | int | None) -> Policy:
    if programme is None:
        return DEFAULT_POLICY
    pk = programme if isinstance(programme, int) else programme.pk
    row = MatchingPolicy.objects.filter(programme_id=pk).first()
    return _policy_of(row) if row is not None else DEFAULT_POLICY


POLICY_FIELDS = (
    "essential",
    "optional",
    "languages",
    "distance",
    "hours",
    "radius_km",
    "priority_categories",
    "priority_bonus",
    "top_n",
)
_WEIGHT_FIELDS = ("essential", "optional", "languages", "distance", "hours")


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (ValueError, TypeError):
        return None


def _policy_errors(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Clean the policy's values; every error at once, with a code."""
    errors: dict[str, list[Any]] = {}
    cleaned: dict[str, Any] = {}

    def add(name: str, message: str, code: str) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    for name in _WEIGHT_FIELDS:
        number = _decimal(values[name])
        if number is None or not Decimal("0") <= number <= Decimal("1"):
            add(name, _("Give a number from 0 to 1."), "weight_range")
        elif number != number.quantize(Decimal("0.01")):
            add(name, _("Use at most two decimals."), "weight_decimals")
        else:
            cleaned[name] = number.quantize(Decimal("0.01"))
    if "essential" in cleaned and cleaned["essential"] <= 0:
        add(
            "essential",
            _("Essential skills must count for something: give a weight above 0."),
            "essential_positive",
        )
    if "distance" in cleaned and "hours" in cleaned and cleaned["distance"] + cleaned["hours"] > 1:
        add(
            "hours",
            _("Distance and hours together can take off at most the whole score (1)."),
            "penalties_over_one",
        )
    bonus = _decimal(values["priority_bonus"])
    if bonus is None or not Decimal("0") <= bonus <= Decimal("0.20"):
        add("priority_bonus", _("Give a bonus from 0 to 0.20."), "bonus_range")
    elif bonus != bonus.quantize(Decimal("0.01")):
        add("priority_bonus", _("Use at most two decimals."), "weight_decimals")
    else:
        cleaned["priority_bonus"] = bonus.quantize(Decimal("0.01"))
    radius = _integer(values["radius_km"])
    if radius is None or not 1 <= radius <= 500:
        add("radius_km", _("Give a distance from 1 to 500 km."), "radius_range")
    else:
        cleaned["radius_km"] = radius
    top_n = _integer(values["top_n"])
    if top_n is None or not 1 <= top_n <= 100:
        add("top_n", _("Keep from 1 to 100 matches."), "top_n_range")
    else:
        cleaned["top_n"] = top_n
    categories = values["priority_categories"]
    if isinstance(categories, str):
        categories = [categories] if categories else []
    if not isinstance(categories, list | tuple | set | frozenset) or any(
        c not in Category.values for c in categories
    ):
        add("priority_categories", _("Choose categories from the list."), "invalid_category")
    else:
        cleaned["priority_categories"] = sorted(set(categories))
        if cleaned.get("priority_bonus") and not cleaned["priority_categories"]:
            add(
                "priority_categories",
                _("A priority bonus needs the categories it is given to."),
                "bonus_without_categories",
            )
    return cleaned, errors


def policy_set(*, actor: Any, programme: Programme, **fields: Any) -> MatchingPolicy:
    """Set a programme's matching policy (coordinators); audited; stored matches are recomputed.

    Fields not given keep their current value (the defaults for a new policy).
    """
    unknown = sorted(set(fields) - set(POLICY_FIELDS))
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(unknown)}")
    with transaction.atomic():
        policy = MatchingPolicy.objects.select_for_update().filter(
            programme=programme
        ).first() or MatchingPolicy(programme=programme)
        before = {name: _jsonable(getattr(policy, name)) for name in POLICY_FIELDS}
        values = {name: fields.get(name, getattr(policy, name)) for name in POLICY_FIELDS}
        cleaned, errors = _policy_errors(values)
        if errors:
            raise ValidationError(errors)
        for name, value in cleaned.items():
            setattr(policy, name, value)
        policy.save()
        after = {name: _jsonable(getattr(policy, name)) for name in POLICY_FIELDS}
        audit_record(
            actor=actor,
            action="matching.policy_set",
            target=programme,
            changes={k: [before[k], v] for k, v in after.items() if before[k] != v},
        )
        if before != after:
            schedule_recompute()
    return policy


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return list(value)
    return value


# --- loading the inputs --------------------------------------------------------------------


def consenting_people() -> QuerySet[Person]:
    """People who may be matched: not anonymised, with an active consent to be matched."""
    active = Consent.objects.filter(
        person=OuterRef("pk"), purpose=ConsentPurpose.MATCHING, withdrawn_at__isnull=True
    )
    return Person.objects.filter(Exists(active), anonymised_at__isnull=True)


def may_be_matched(person: Person) -> bool:
    """Is the person in the matching pool (not anonymised, consenting)?"""
    return (
        person.anonymised_at is None
        and Consent.objects.filter(
            person=person, purpose=ConsentPurpose.MATCHING, withdrawn_at__isnull=True
        ).exists()
    )


def may_be_matched_id(person_id: int) -> bool:
    """Is the person with this id in the matching pool?"""
    return consenting_people().filter(pk=person_id).exists()


def people_listing(opportunity_id: int) -> list[int]:
    """The people whose stored list holds this opportunity."""
    return list(
        Match.objects.filter(opportunity_id=opportunity_id, person_rank__isnull=False).values_list(
            "person_id", flat=True
        )
    )


def open_opportunities() -> QuerySet[Opportunity]:
    """Opportunities open today (the queryset form of `Opportunity.is_open`)."""
    today = timezone.localdate()
    return Opportunity.objects.filter(status=OpportunityStatus.OPEN, opens_on__lte=today).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )


def _coordinate(value: Any) -> float | None:
    return None if value is None else float(value)


def skill_key(skill_id: int) -> str:
    """How a skill is named in the core's inputs (its key here: the database id)."""
    return str(skill_id)


@dataclass
class OpportunityPool:
    """Open opportunities as core inputs, in id order (the engine's order for ties)."""

    inputs: list[OpportunityInput]
    top_n: dict[int, int]
    skilled: set[int]

    def __len__(self) -> int:
        return len(self.inputs)


def load_opportunities(
    queryset: QuerySet[Opportunity] | None = None, policies: dict[int, Policy] | None = None
) -> OpportunityPool:
    """Open opportunities (or those of `queryset`) as core inputs: three queries."""
    policies = _policies() if policies is None else policies
    chosen = (open_opportunities() if queryset is None else queryset).order_by("pk")
    rows = list(
        chosen.values_list(
            "pk",
            "municipality__latitude",
            "municipality__longitude",
            "is_remote",
            "weekly_hours",
            "programme_id",
        )
    )
    ids = chosen.values("pk")
    essential: dict[int, dict[str, int]] = defaultdict(dict)
    optional: dict[int, dict[str, int]] = defaultdict(dict)
    for opp_id, skill_id, relation, level in OpportunitySkill.objects.filter(
        opportunity_id__in=ids
    ).values_list("opportunity_id", "skill_id", "relation", "level"):
        target = essential if relation == RelationType.ESSENTIAL else optional
        target[opp_id][skill_key(skill_id)] = int(level)
    languages: dict[int, dict[str, int]] = defaultdict(dict)
    for opp_id, language, cefr in OpportunityLanguage.objects.filter(
        opportunity_id__in=ids
    ).values_list("opportunity_id", "language", "level"):
        languages[opp_id][language] = CEFR_RANK.get(cefr, 1)
    inputs = []
    top_n = {}
    for pk, lat, lon, remote, hours, programme_id in rows:
        inputs.append(
            OpportunityInput(
                id=pk,
                essential=essential.get(pk, {}),
                optional=optional.get(pk, {}),
                languages=languages.get(pk, {}),
                lat=_coordinate(lat),
                lon=_coordinate(lon),
                remote=bool(remote),
                hours=hours,
            )
        )
        top_n[pk] = policies.get(programme_id, DEFAULT_POLICY).top_n
    skilled = {pk for pk in top_n if essential.get(pk) or optional.get(pk)}
    return OpportunityPool(inputs, top_n, skilled)


@dataclass
class PeoplePool:
    """Consenting people as core inputs, in id order, each with their programme's policy."""

    inputs: list[PersonInput]
    policies: list[Policy]
    programmes: list[int | None]

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def weights(self) -> Weights | list[Weights]:
        """One policy for everyone when they share it (faster in the core), else one each."""
        weights = [p.weights for p in self.policies]
        if len(set(weights)) == 1:
            return weights[0]
        return weights

    def position(self) -> dict[Any, int]:
        return {p.id: i for i, p in enumerate(self.inputs)}


_CATEGORY_FLAGS = [f"cat_{c}" for c in Category.values]


def _categories(row: tuple[Any, ...], flags: tuple[bool, ...], today: Any) -> set[str]:
    (_pk, *_coords, birth, gender, status, since, neet, mother, migrant) = row
    person = Person(
        birth_date=birth,
        gender=gender,
        employment_status=status,
        employment_status_since=since,
        is_neet=neet,
        is_returning_mother=mother,
        is_migrant=migrant,
    )
    # Disability comes from the enrolment's flag, recorded at intake: health data
    # itself is never read for matching.
    disability = dict(zip(Category.values, flags, strict=True)).get(Category.DISABILITY, False)
    return person.categories(today, disability=disability)


def load_people(
    queryset: QuerySet[Person] | None = None, policies: dict[int, Policy] | None = None
) -> PeoplePool:
    """Consenting people (those of `queryset` among them) as core inputs: four queries."""
    policies = _policies() if policies is None else policies
    chosen = consenting_people()
    if queryset is not None:
        chosen = chosen.filter(pk__in=queryset.values("pk"))
    chosen = chosen.order_by("pk")
    rows = list(
        chosen.values_list(
            "pk",
            "residence__latitude",
            "residence__longitude",
            "mobility_km",
            "hours_per_week",
            "birth_date",
            "gender",
            "employment_status",
            "employment_status_since",
            "is_neet",
            "is_returning_mother",
            "is_migrant",
        )
    )
    ids = chosen.values("pk")
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for person_id, skill_id, level in PersonSkill.objects.filter(person_id__in=ids).values_list(
        "person_id", "skill_id", "level"
    ):
        skills[person_id][skill_key(skill_id)] = int(level)
    languages: dict[int, dict[str, int]] = defaultdict(dict)
    for person_id, language, cefr in PersonLanguage.objects.filter(person_id__in=ids).values_list(
        "person_id", "language", "level"
    ):
        languages[person_id][language] = CEFR_RANK.get(cefr, 1)
    # The most recent open enrolment gives the person's programme (later rows win).
    enrolments: dict[int, tuple[int, tuple[bool, ...]]] = {}
    for person_id, programme_id, *flags in (
        Enrolment.objects.filter(person_id__in=ids)
        .exclude(status__in=ENDED_STATUSES)
        .order_by("enrolled_on", "pk")
        .values_list("person_id", "programme_id", *_CATEGORY_FLAGS)
    ):
        enrolments[person_id] = (programme_id, tuple(flags))
    today = timezone.localdate()
    inputs, chosen_policies, programmes = [], [], []
    for row in rows:
        pk, lat, lon, mobility, hours = row[:5]
        programme_id, flags = enrolments.get(pk, (None, ()))
        policy = policies.get(programme_id, DEFAULT_POLICY) if programme_id else DEFAULT_POLICY
        priority = policy.gives_priority and bool(
            policy.categories & _categories(row, flags or (False,) * len(_CATEGORY_FLAGS), today)
        )
        inputs.append(
            PersonInput(
                id=pk,
                skills=skills.get(pk, {}),
                languages=languages.get(pk, {}),
                lat=_coordinate(lat),
                lon=_coordinate(lon),
                radius_km=None if mobility is None else float(mobility),
                hours=hours,
                priority=priority,
            )
        )
        chosen_policies.append(policy)
        programmes.append(programme_id)
    return PeoplePool(inputs, chosen_policies, programmes)


def rarity_of(keys: Iterable[str] | None = None, *, people: int | None = None) -> dict[str, float]:
    """The core's rarity weights over the matching pool now (two queries): of these skills,
    or of every skill held; the figures a full recompute takes from the pool (`people`: N,
    when fixed)."""
    pool = consenting_people()
    total = pool.count() if people is None else people
    held_by = PersonSkill.objects.filter(person_id__in=pool.values("pk"))
    wanted = None if keys is None else sorted({int(k) for k in keys})
    if wanted is not None:
        held_by = held_by.filter(skill_id__in=wanted)
    # One row per person and skill (a unique constraint): a plain count is the people.
    held = dict(
        held_by.order_by()
        .values_list("skill_id")
        .annotate(n=Count("pk"))
        .values_list("skill_id", "n")
    )
    return {
        skill_key(pk): math.log(1 + total / (1 + held.get(pk, 0)))
        for pk in (held if wanted is None else wanted)
    }


# The rarity of every skill at the last full recompute. Stored scores all use it, so a
# refresh between two recomputes ranks a person's new scores against comparable ones
# (a new skill in the pool would otherwise shift everyone's weights a little), and a
# score computed on demand equals the stored one; the nightly recompute moves it on.
# On a cold cache it is taken from the pool as it is now.
RARITY_CACHE_KEY = "lavorete:matching:rarity"
RARITY_CACHE_SECONDS = 3 * 24 * 3600


def _remember_rarity(rarity: dict[str, float], people: int) -> None:
    cache.set(RARITY_CACHE_KEY, {"people": people, "rarity": rarity}, RARITY_CACHE_SECONDS)


def stored_rarity(keys: Iterable[str]) -> dict[str, float]:
    """The rarity stored scores use for these skills (see RARITY_CACHE_KEY)."""
    wanted = set(keys)
    snapshot = cache.get(RARITY_CACHE_KEY)
    if not snapshot:
        people = consenting_people().count()
        snapshot = {"people": people, "rarity": rarity_of(people=people)}
        _remember_rarity(snapshot["rarity"], people)
    known: dict[str, float] = snapshot["rarity"]
    result = {k: known[k] for k in wanted if k in known}
    missing = wanted - set(result)
    if missing:
        # Nobody in the pool held these at the time: df = 0.
        result.update({k: math.log(1 + snapshot["people"]) for k in missing})
    return result


def _skill_keys(pool: OpportunityPool) -> set[str]:
    return {k for o in pool.inputs for k in (*o.essential, *o.optional)}


def _engine_for_one(pool: OpportunityPool) -> Engine:
    """An engine over these opportunities, with the rarity stored scores use, to score one
    person."""
    return Engine(pool.inputs, (), rarity=stored_rarity(_skill_keys(pool)))


# --- the full recompute ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeSummary:
    people: int
    opportunities: int
    matches: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "opportunities": self.opportunities,
            "matches": self.matches,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class _Row:
    score: float
    person_rank: int | None = None
    opportunity_rank: int | None = None


def _batch_lists(
    engine: Engine, people: PeoplePool, opportunities: OpportunityPool
) -> dict[tuple[int, int], _Row]:
    """Every stored pair of a full recompute: per-person and per-opportunity top lists."""
    rows: dict[tuple[int, int], _Row] = {}
    if not len(people) or not len(opportunities):
        return rows
    k = max(p.top_n for p in people.policies)
    exact = len(people) * len(opportunities) <= EXACT_PAIRS
    for person, policy, found in zip(
        people.inputs,
        people.policies,
        engine.top_for_people(k, people.weights, exact=exact),
        strict=True,
    ):
        for rank, (opp_id, score) in enumerate(found[: policy.top_n], start=1):
            rows[(person.id, opp_id)] = _Row(score, person_rank=rank)
    weights = people.weights
    for opp in opportunities.inputs:
        if opp.id not in opportunities.skilled:
            continue
        found = engine.top_for_opportunity(opp.id, opportunities.top_n[opp.id], weights)
        for rank, (person_id, score) in enumerate(found, start=1):
            row = rows.setdefault((person_id, opp.id), _Row(score))
            row.opportunity_rank = rank
    return rows


# The core's floor under a skill's rarity (a pool-less engine weighs skills equally).
_RARITY_FLOOR = 1e-12


@dataclass(frozen=True)
class _Parts:
    """What a stored row keeps beside the score: skill coverage and distance."""

    essential: float | None
    optional: float | None
    km: float | None


class _Coverage:
    """The stored parts of many pairs at once, without a full explanation each.

    `Engine.explain` costs a quarter of a millisecond, too much for the thousands of
    rows of a recompute; coverage is the rarity-weighted credit the core defines
    (1 at the level asked, 1/2 below it), distance the same great circle. A test
    checks both against `explain`.
    """

    def __init__(self, engine: Engine, opportunities: Sequence[OpportunityInput]) -> None:
        self.opportunities = {o.id: o for o in opportunities}
        self.shares: dict[Any, tuple[list[tuple[str, int, float]], list[tuple[str, int, float]]]]
        self.shares = {}
        for o in opportunities:
            self.shares[o.id] = (
                self._normalised(engine, o.essential),
                self._normalised(engine, o.optional),
            )

    @staticmethod
    def _normalised(engine: Engine, required: Any) -> list[tuple[str, int, float]]:
        weights = {k: max(engine.rarity.get(k, 0.0), _RARITY_FLOOR) for k in required}
        total = sum(weights.values())
        return [
            (k, max(1, min(4, int(level))), weights[k] / total) for k, level in required.items()
        ]

    @staticmethod
    def _credit(held: Any, shares: list[tuple[str, int, float]]) -> float | None:
        if not shares:
            return None
        earned = 0.0
        for key, level, share in shares:
            have = held.get(key)
            if have is not None:
                earned += share if have >= level else share / 2
        return min(1.0, earned)

    def parts(self, person: PersonInput, opportunity_id: Any) -> _Parts:
        opp = self.opportunities[opportunity_id]
        essential, optional = self.shares[opportunity_id]
        km = None
        if not opp.remote and None not in (person.lat, person.lon, opp.lat, opp.lon):
            km = haversine_km(person.lat, person.lon, opp.lat, opp.lon)  # type: ignore[arg-type]
        return _Parts(
            self._credit(person.skills, essential), self._credit(person.skills, optional), km
        )


_MATCH_COLUMNS = (
    "person_id",
    "opportunity_id",
    "score",
    "essential",
    "optional",
    "km",
    "person_rank",
    "opportunity_rank",
    "computed_at",
)
MatchRow = tuple[int, int, float, float, float | None, float | None, int | None, int | None, Any]


def _match(pair: tuple[int, int], row: _Row, parts: _Parts, now: Any) -> MatchRow:
    return (
        pair[0],
        pair[1],
        min(1.0, max(0.0, row.score)),
        parts.essential if parts.essential is not None else 0.0,
        parts.optional,
        parts.km,
        row.person_rank,
        row.opportunity_rank,
        now,
    )


def _insert(rows: Sequence[MatchRow]) -> None:
    """Insert stored matches in one prepared statement.

    The recompute writes thousands of rows; building a model instance for each
    (bulk_create) costs four times the whole computation, so the values go to the
    database as they are, the time adapted by the backend as Django would.
    """
    if not rows:
        return
    connection = transaction.get_connection()
    table = connection.ops.quote_name(Match._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _MATCH_COLUMNS)
    marks = ", ".join(["%s"] * len(_MATCH_COLUMNS))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from the model
            [(*row[:-1], adapt(row[-1])) for row in rows],
        )


def matches_recompute(*, rarity: dict[str, float] | None = None) -> RecomputeSummary:
    """Recompute every stored match: each consenting person's and each open opportunity's top N.

    The engine is built once; all Match rows are replaced in one transaction. The
    rarity of now (or `rarity`, given) is kept for the refreshes until the next one.
    """
    started = time.perf_counter()
    policies = _policies()
    opportunities = load_opportunities(policies=policies)
    people = load_people(policies=policies)
    engine = Engine(opportunities.inputs, people.inputs, rarity=rarity)
    rows = _batch_lists(engine, people, opportunities)
    by_id = {p.id: p for p in people.inputs}
    coverage = _Coverage(engine, opportunities.inputs)
    now = timezone.now()
    matches = [
        _match(pair, row, coverage.parts(by_id[pair[0]], pair[1]), now)
        for pair, row in rows.items()
    ]
    with transaction.atomic():
        Match.objects.all().delete()
        _insert(matches)
        transaction.on_commit(lambda: _remember_rarity(dict(engine.rarity), len(people)))
    return RecomputeSummary(
        len(people), len(opportunities), len(matches), time.perf_counter() - started
    )


# --- incremental refreshes --------------------------------------------------------------------


def _ordered(entries: Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
    """A top list's order: score descending, then id ascending (the engine's order)."""
    return sorted(entries, key=lambda e: (-e[1], e[0]))


@dataclass
class _Merge:
    """The other side's lists after one member's new scores are merged in."""

    ranks: dict[int, dict[int, int]]  # list owner -> {member: rank}
    uncertain: set[int]  # owners whose list may now miss an entry the merge can't know


def _merge(
    current: dict[int, list[tuple[int, float]]],
    member: int,
    scores: dict[int, float],
    sizes: dict[int, int],
) -> _Merge:
    """Merge `member`'s new score in each list of `current` (owner -> [(member, score)]).

    A full list that loses the member, or where the member's lower score now sits
    last, may miss an entry not stored (the next best): that owner is uncertain.
    """
    ranks: dict[int, dict[int, int]] = {}
    uncertain: set[int] = set()
    for owner in set(current) | set(scores):
        entries = current.get(owner, [])
        size = sizes.get(owner, DEFAULT_TOP_N)
        old = dict(entries)
        was_full = len(entries) >= size
        others = [(m, s) for m, s in entries if m != member]
        if owner in scores:
            others.append((member, scores[owner]))
        kept = _ordered(others)[:size]
        ranks[owner] = {m: rank for rank, (m, _s) in enumerate(kept, start=1)}
        dropped = owner not in scores
        sank_last = not dropped and scores[owner] < old.get(member, 0.0) and kept[-1][0] == member
        if was_full and member in old and (dropped or sank_last):
            uncertain.add(owner)
    return _Merge(ranks, uncertain)


def _lists_of(
    owner_field: str, member_field: str, rank_field: str, owners: Iterable[int]
) -> tuple[dict[int, list[tuple[int, float]]], dict[tuple[int, int], int]]:
    """The stored lists of these owners (`rank_field` set) and the pks of their rows."""
    current: dict[int, list[tuple[int, float]]] = defaultdict(list)
    pks: dict[tuple[int, int], int] = {}
    for pk, owner, member, score in (
        Match.objects.filter(**{f"{owner_field}__in": list(owners), f"{rank_field}__isnull": False})
        .order_by(rank_field)
        .values_list("pk", owner_field, member_field, "score")
    ):
        current[owner].append((member, score))
        pks[(owner, member)] = pk
    return current, pks


def _apply_other_ranks(
    merge: _Merge,
    pks: dict[tuple[int, int], int],
    member: int,
    rank_field: str,
    other_rank_field: str,
) -> None:
    """Store the new ranks of the other members of the merged lists (not `member`'s rows)."""
    changed: list[Match] = []
    dropped: list[int] = []
    rows = {
        pk: (rank, other)
        for pk, rank, other in Match.objects.filter(pk__in=list(pks.values())).values_list(
            "pk", rank_field, other_rank_field
        )
    }
    for (owner, other_member), pk in pks.items():
        if other_member == member:
            continue
        new_rank = merge.ranks.get(owner, {}).get(other_member)
        old_rank, other_rank = rows.get(pk, (None, None))
        if new_rank == old_rank:
            continue
        if new_rank is None and other_rank is None:
            dropped.append(pk)
        else:
            row = Match(pk=pk)
            setattr(row, rank_field, new_rank)
            changed.append(row)
    if dropped:
        Match.objects.filter(pk__in=dropped).delete()
    if changed:
        Match.objects.bulk_update(changed, [rank_field], batch_size=1000)


def _asking_a_skill_of(person_id: int) -> QuerySet[Opportunity]:
    """The open opportunities asking for a skill the person holds: no other can match them,
    so scoring these alone gives the same list (rarity comes from the stored figures)."""
    held = PersonSkill.objects.filter(person_id=person_id).values("skill_id")
    return open_opportunities().filter(
        pk__in=OpportunitySkill.objects.filter(skill_id__in=held).values("opportunity_id")
    )


def person_matches_refresh(person: Person | int) -> int:
    """Recompute one person's stored matches and their place in the opportunities' lists.

    A person who may not be matched (no consent, anonymised, gone) loses every stored
    match. Returns the number of the person's stored rows.
    """
    person_id = person if isinstance(person, int) else person.pk
    with transaction.atomic():
        record = Person.objects.select_for_update().filter(pk=person_id).first()
        policies = _policies()
        people = load_people(Person.objects.filter(pk=person_id), policies)
        if record is None or not len(people):
            person_matches_clear(person_id)
            return 0
        me, policy = people.inputs[0], people.policies[0]
        weights = policy.weights
        pool = load_opportunities(_asking_a_skill_of(person_id), policies)
        engine = _engine_for_one(pool)
        found = engine.top_for_person(me, len(pool), weights) if len(pool) else []
        found = [(opp_id, score) for opp_id, score in found if score > 0]
        scores = dict(found)
        mine = {opp_id: rank for rank, (opp_id, _s) in enumerate(found[: policy.top_n], start=1)}
        ranked_in = set(
            Match.objects.filter(person_id=person_id, opportunity_rank__isnull=False).values_list(
                "opportunity_id", flat=True
            )
        )
        current, pks = _lists_of(
            "opportunity_id", "person_id", "opportunity_rank", set(scores) | ranked_in
        )
        sizes = {**_opportunity_sizes(ranked_in - set(pool.top_n)), **pool.top_n}
        merge = _merge(current, person_id, scores, sizes)
        _apply_other_ranks(merge, pks, person_id, "opportunity_rank", "person_rank")
        theirs = {o: r[person_id] for o, r in merge.ranks.items() if person_id in r}
        Match.objects.filter(person_id=person_id).delete()
        coverage = _Coverage(engine, pool.inputs)
        now = timezone.now()
        rows = []
        for opp_id in sorted(set(mine) | set(theirs)):
            row = _Row(scores[opp_id], mine.get(opp_id), theirs.get(opp_id))
            rows.append(_match((person_id, opp_id), row, coverage.parts(me, opp_id), now))
        _insert(rows)
        for opp_id in merge.uncertain:
            schedule_opportunity_refresh(opp_id)
    return len(rows)


def person_matches_clear(person: Person | int) -> int:
    """Delete a person's stored matches at once (consent withdrawn, record anonymised).

    The opportunities' lists close ranks; a full list that lost the person is
    refreshed after the commit to find the candidate that now enters it.
    """
    person_id = person if isinstance(person, int) else person.pk
    with transaction.atomic():
        ranked_in = set(
            Match.objects.filter(person_id=person_id, opportunity_rank__isnull=False).values_list(
                "opportunity_id", flat=True
            )
        )
        current, pks = _lists_of("opportunity_id", "person_id", "opportunity_rank", ranked_in)
        sizes = _opportunity_sizes(ranked_in)
        merge = _merge(current, person_id, {}, sizes)
        _apply_other_ranks(merge, pks, person_id, "opportunity_rank", "person_rank")
        deleted, _by_model = Match.objects.filter(person_id=person_id).delete()
        for opp_id in merge.uncertain:
            schedule_opportunity_refresh(opp_id)
    return deleted


def _opportunity_sizes(ids: Iterable[int]) -> dict[int, int]:
    policies = _policies()
    return {
        pk: policies.get(programme_id, DEFAULT_POLICY).top_n if programme_id else DEFAULT_TOP_N
        for pk, programme_id in Opportunity.objects.filter(pk__in=list(ids)).values_list(
            "pk", "programme_id"
        )
    }


def _holding_a_skill_of(opportunity_id: int) -> QuerySet[Person]:
    """The people who hold a skill the opportunity asks for: nobody else can match it, so
    scoring them alone gives the same list (rarity comes from the stored figures)."""
    asked = OpportunitySkill.objects.filter(opportunity_id=opportunity_id).values("skill_id")
    return Person.objects.filter(
        pk__in=PersonSkill.objects.filter(skill_id__in=asked).values("person_id")
    )


def opportunity_matches_refresh(opportunity: Opportunity | int) -> int:
    """Recompute one opportunity's stored candidates and its place in the people's lists.

    A closed, unskilled or deleted opportunity loses every stored match. Returns
    the number of the opportunity's stored rows.
    """
    opp_id = opportunity if isinstance(opportunity, int) else opportunity.pk
    with transaction.atomic():
        policies = _policies()
        pool = load_opportunities(open_opportunities().filter(pk=opp_id), policies)
        if not len(pool) or opp_id not in pool.skilled:
            return _opportunity_matches_clear(opp_id, policies)
        people = load_people(_holding_a_skill_of(opp_id), policies)
        engine = Engine(pool.inputs, people.inputs, rarity=stored_rarity(_skill_keys(pool)))
        found = (
            engine.top_for_opportunity(opp_id, len(people), people.weights) if len(people) else []
        )
        found = [(person_id, score) for person_id, score in found if score > 0]
        scores = dict(found)
        size = pool.top_n[opp_id]
        theirs = {pid: rank for rank, (pid, _s) in enumerate(found[:size], start=1)}
        listed_in = set(
            Match.objects.filter(opportunity_id=opp_id, person_rank__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        current, pks = _lists_of(
            "person_id", "opportunity_id", "person_rank", set(scores) | listed_in
        )
        sizes = {p.id: pol.top_n for p, pol in zip(people.inputs, people.policies, strict=True)}
        merge = _merge(current, opp_id, scores, sizes)
        _apply_other_ranks(merge, pks, opp_id, "person_rank", "opportunity_rank")
        mine = {p: r[opp_id] for p, r in merge.ranks.items() if opp_id in r}
        Match.objects.filter(opportunity_id=opp_id).delete()
        by_id = {p.id: p for p in people.inputs}
        coverage = _Coverage(engine, pool.inputs)
        now = timezone.now()
        rows = []
        for person_id in sorted(set(mine) | set(theirs)):
            row = _Row(scores[person_id], mine.get(person_id), theirs.get(person_id))
            rows.append(
                _match((person_id, opp_id), row, coverage.parts(by_id[person_id], opp_id), now)
            )
        _insert(rows)
        for person_id in merge.uncertain:
            schedule_person_refresh(person_id)
    return len(rows)


def _opportunity_matches_clear(opp_id: int, policies: dict[int, Policy]) -> int:
    listed_in = set(
        Match.objects.filter(opportunity_id=opp_id, person_rank__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    current, pks = _lists_of("person_id", "opportunity_id", "person_rank", listed_in)
    people = load_people(Person.objects.filter(pk__in=listed_in), policies)
    sizes = {p.id: pol.top_n for p, pol in zip(people.inputs, people.policies, strict=True)}
    merge = _merge(current, opp_id, {}, sizes)
    _apply_other_ranks(merge, pks, opp_id, "person_rank", "opportunity_rank")
    Match.objects.filter(opportunity_id=opp_id).delete()
    for person_id in merge.uncertain:
        schedule_person_refresh(person_id)
    return 0


# --- scheduling (after the commit, once per transaction and object) --------------------------


class _Scheduled:
    """A refresh queued for after the commit; equal keys are queued once per transaction."""

    def __init__(self, kind: str, pk: int = 0) -> None:
        self.kind = kind
        self.pk = pk
        self.done = False

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)

    def __call__(self) -> None:
        from lavorete.matching import tasks

        self.done = True

        if self.kind == "person":
            tasks.refresh_person_matches.enqueue(self.pk)
        elif self.kind == "opportunity":
            tasks.refresh_opportunity_matches.enqueue(self.pk)
        else:
            tasks.recompute_matches.enqueue()


# Past this many refreshes in one transaction (an import), one full recompute is cheaper.
BULK_REFRESHES = 200


def _schedule(kind: str, pk: int = 0) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        pending = [
            entry[1]
            for entry in connection.run_on_commit
            if isinstance(entry[1], _Scheduled) and not entry[1].done
        ]
        keys = {p.key for p in pending}
        if (kind, pk) in keys or ("all", 0) in keys:
            return
        if len(pending) >= BULK_REFRESHES:
            kind, pk = "all", 0
    transaction.on_commit(_Scheduled(kind, pk))


def schedule_person_refresh(person_id: int) -> None:
    """Refresh one person's matches after the commit."""
    _schedule("person", person_id)


def schedule_opportunity_refresh(opportunity_id: int) -> None:
    """Refresh one opportunity's candidates after the commit."""
    _schedule("opportunity", opportunity_id)


def schedule_recompute() -> None:
    """Recompute every match after the commit."""
    _schedule("all")


# --- reading and explaining matches -------------------------------------------------------------


def ui_language() -> str:
    """The language labels are shown in: the user's, Italian or English."""
    language = (get_language() or "it")[:2]
    return language if language in {"it", "en"} else "it"


def skill_labels(keys: Iterable[str]) -> dict[str, str]:
    """The preferred label of each skill key in the user's language (English, else the URI)."""
    ids = sorted({int(k) for k in keys})
    if not ids:
        return {}
    skills = list(Skill.objects.filter(pk__in=ids).only("pk", "uri"))
    shown = preferred_labels(skills, ui_language())
    return {skill_key(s.pk): shown[s.pk].text if s.pk in shown else s.uri for s in skills}


def _names(keys: Iterable[str], labels: dict[str, str]) -> list[str]:
    return sorted((labels.get(k, k) for k in keys), key=str.casefold)


def _join(items: Sequence[str]) -> str:
    return ", ".join(items)


@dataclass(frozen=True)
class ExplainedMatch:
    """A score with its reasons, in words the person and their operator read."""

    opportunity: Opportunity
    person_id: int
    score: float
    explanation: Explanation
    essential_matched: list[str]
    essential_below_level: list[str]
    essential_missing: list[str]
    optional_matched: list[str]
    optional_missing: list[str]
    languages_met: list[str]
    languages_missing: list[str]
    person_hours: int | None
    priority_bonus: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def km(self) -> float | None:
        return self.explanation.km

    @property
    def essential_total(self) -> int:
        return (
            len(self.essential_matched)
            + len(self.essential_below_level)
            + len(self.essential_missing)
        )

    @property
    def priority(self) -> bool:
        return self.explanation.priority

    @property
    def summary(self) -> str:
        """'4 of 5 essential skills; missing: web analytics'."""
        total = self.essential_total
        if not total:
            parts = [_("No essential skills asked")]
        else:
            parts = [
                ngettext(
                    "%(covered)d of %(total)d essential skill",
                    "%(covered)d of %(total)d essential skills",
                    total,
                )
                % {"covered": len(self.essential_matched), "total": total}
            ]
        if self.essential_below_level:
            parts.append(
                _("below the level asked: %(skills)s")
                % {"skills": _join(self.essential_below_level)}
            )
        if self.essential_missing:
            parts.append(
                ngettext("missing: %(skills)s", "missing: %(skills)s", len(self.essential_missing))
                % {"skills": _join(self.essential_missing)}
            )
        return "; ".join(parts)

    @property
    def distance(self) -> str:
        if self.opportunity.is_remote:
            return _("Remote")
        if self.km is None:
            return _("Distance unknown")
        return _("%(km)s km") % {"km": round(self.km)}

    @property
    def distance_reason(self) -> str:
        """The distance as a reason: 'Distance: 3 km', 'In the same municipality', 'Remote'."""
        if self.opportunity.is_remote:
            return _("Remote")
        if self.km is None:
            return _("Distance unknown")
        if round(self.km) == 0:
            return _("In the same municipality")
        return _("Distance: %(km)s km") % {"km": round(self.km)}

    @property
    def reasons(self) -> list[str]:
        """Every reason of the score, one sentence each."""
        lines = [self.summary]
        optional_total = len(self.optional_matched) + len(self.optional_missing)
        if optional_total and self.optional_matched:
            line = _("Optional skills: %(covered)d of %(total)d") % {
                "covered": len(self.optional_matched),
                "total": optional_total,
            }
            lines.append(f"{line} ({_join(self.optional_matched)})")
        elif optional_total:
            lines.append(
                ngettext(
                    "Not the optional skill asked",
                    "None of the %(total)d optional skills asked",
                    optional_total,
                )
                % {"total": optional_total}
            )
        if self.languages_met:
            lines.append(_("Languages: %(languages)s") % {"languages": _join(self.languages_met)})
        if self.languages_missing:
            lines.append(
                _("Language level asked but not reached: %(languages)s")
                % {"languages": _join(self.languages_missing)}
            )
        distance = self.distance_reason
        if self.explanation.distance_fit < 1:
            distance = _("%(distance)s, beyond the usual travel distance") % {"distance": distance}
        lines.append(distance)
        hours = self.opportunity.weekly_hours
        if hours:
            if self.person_hours is None:
                lines.append(_("%(hours)d hours a week") % {"hours": hours})
            else:
                lines.append(
                    _("%(hours)d hours a week asked; %(available)d available")
                    % {"hours": hours, "available": self.person_hours}
                )
        if self.priority:
            lines.append(
                _(
                    "Includes the priority the programme gives to some categories of people "
                    "(+%(points)d points)"
                )
                % {"points": round(self.priority_bonus * 100)}
            )
        return lines


@dataclass
class MatchList:
    """A list of results, or the reason it is empty (a `Reason` code)."""

    items: list[Any]
    reason: str = ""

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def message(self, *, own: bool) -> str:
        """The sentence the page shows when the list is empty."""
        messages = OWN_REASONS if own else STAFF_REASONS
        return str(messages.get(self.reason, STAFF_REASONS[Reason.NOTHING_FOUND]))


def _explained(
    explanations: Sequence[Explanation],
    opportunities: dict[int, Opportunity],
    hours: dict[int, int | None],
    bonuses: dict[int, float],
) -> list[ExplainedMatch]:
    """Explanations turned into words: skill labels (one query) and language names."""
    keys: set[str] = set()
    for e in explanations:
        keys.update(
            e.essential_matched,
            e.essential_below_level,
            e.essential_missing,
            e.optional_matched,
            e.optional_missing,
        )
    labels = skill_labels(keys)

    def languages(codes: Iterable[str]) -> list[str]:
        return sorted((str(language_name(c)) for c in codes), key=str.casefold)

    return [
        ExplainedMatch(
            opportunity=opportunities[e.opportunity],
            person_id=e.person,
            score=e.score,
            explanation=e,
            essential_matched=_names(e.essential_matched, labels),
            essential_below_level=_names(e.essential_below_level, labels),
            essential_missing=_names(e.essential_missing, labels),
            optional_matched=_names(e.optional_matched, labels),
            optional_missing=_names(e.optional_missing, labels),
            languages_met=languages(e.languages_met),
            languages_missing=languages(e.languages_missing),
            person_hours=hours.get(e.person),
            priority_bonus=bonuses.get(e.person, 0.0),
        )
        for e in explanations
    ]


def _shown_opportunities(ids: Iterable[int]) -> dict[int, Opportunity]:
    return {
        o.pk: o
        for o in Opportunity.objects.filter(pk__in=list(ids)).select_related(
            "organisation", "municipality", "programme"
        )
    }


@dataclass
class _Me:
    """One person in the matching pool, or the reason they aren't."""

    input: PersonInput | None
    policy: Policy
    reason: str = ""


def _me(person: Person | None) -> _Me:
    if person is None:
        return _Me(None, DEFAULT_POLICY, Reason.NO_RECORD)
    if person.anonymised_at is not None:
        return _Me(None, DEFAULT_POLICY, Reason.ANONYMISED)
    people = load_people(Person.objects.filter(pk=person.pk))
    if not len(people):
        return _Me(None, DEFAULT_POLICY, Reason.NO_CONSENT)
    me = people.inputs[0]
    if not me.skills:
        return _Me(None, people.policies[0], Reason.NO_SKILLS)
    return _Me(me, people.policies[0])


def matches_for_person(person: Person | None, *, limit: int | None = None) -> MatchList:
    """The person's best open opportunities now (computed on demand), each explained.

    An empty list says why: no record, no consent, no skills, nothing found.
    """
    me = _me(person)
    if me.input is None:
        return MatchList([], me.reason)
    pool = load_opportunities(_asking_a_skill_of(me.input.id))
    if not len(pool):
        return MatchList([], Reason.NOTHING_FOUND)
    engine = _engine_for_one(pool)
    weights = me.policy.weights
    found = engine.top_for_person(me.input, limit or me.policy.top_n, weights)
    explanations = [engine.explain(me.input, opp_id, weights) for opp_id, _score in found]
    items = _explained(
        explanations,
        _shown_opportunities(opp_id for opp_id, _s in found),
        {me.input.id: me.input.hours},
        {me.input.id: weights.priority_bonus},
    )
    return MatchList(items, "" if items else Reason.NOTHING_FOUND)


@dataclass(frozen=True)
class SkillGap:
    key: str
    label: str
    count: int  # how many of the best matches ask for it
    rarity: float


def person_skill_gaps(person: Person | None, *, limit: int | None = None) -> MatchList:
    """The essential skills the person lacks across their best matches, most asked first."""
    me = _me(person)
    if me.input is None:
        return MatchList([], me.reason)
    pool = load_opportunities(_asking_a_skill_of(me.input.id))
    if not len(pool):
        return MatchList([], Reason.NOTHING_FOUND)
    engine = _engine_for_one(pool)
    found = engine.top_for_person(me.input, limit or me.policy.top_n, me.policy.weights)
    gaps = engine.skill_gaps(me.input, [opp_id for opp_id, _s in found]) if found else []
    labels = skill_labels(key for key, _n, _r in gaps)
    items = [SkillGap(key, labels.get(key, key), count, rarity) for key, count, rarity in gaps]
    return MatchList(items, "" if found else Reason.NOTHING_FOUND)


# --- candidates for an opportunity -------------------------------------------------------------


def distance_band(km: float | None, remote: bool) -> str:
    """How far an anonymised candidate lives, in bands that don't locate them."""
    if remote:
        return _("Remote")
    if km is None:
        return _("Distance unknown")
    if km < 10:
        return _("Under 10 km")
    if km < 25:
        return _("10 to 25 km")
    if km < 50:
        return _("25 to 50 km")
    return _("Over 50 km")


def candidate_code(opportunity_id: int, person_id: int) -> str:
    """An anonymised candidate's name for one opportunity: stable, and reveals nobody."""
    digest = salted_hmac("lavorete.matching.candidate", f"{opportunity_id}:{person_id}")
    return f"P-{digest.hexdigest()[:8].upper()}"


@dataclass(frozen=True)
class Candidate:
    """A person matched with an opportunity: named for operators, anonymised for companies."""

    match: ExplainedMatch
    code: str
    person: Person | None  # None when anonymised

    @property
    def score(self) -> float:
        return self.match.score

    @property
    def percent(self) -> int:
        return self.match.percent

    @property
    def anonymised(self) -> bool:
        return self.person is None

    @property
    def skills_held(self) -> list[str]:
        m = self.match
        return sorted(
            [*m.essential_matched, *m.essential_below_level, *m.optional_matched],
            key=str.casefold,
        )

    @property
    def skills_missing(self) -> list[str]:
        return self.match.essential_missing

    @property
    def languages(self) -> list[str]:
        return self.match.languages_met

    @property
    def distance(self) -> str:
        return distance_band(self.match.km, self.match.opportunity.is_remote)


class CandidateView:
    """How a viewer sees an opportunity's candidates."""

    NAMED = "named"  # operators: the people they may see, by name
    ANONYMISED = "anonymised"  # the organisation's representatives
    NONE = ""


def candidate_view(viewer: Any, opportunity: Opportunity) -> str:
    """Named for the operators of the opportunity's programmes, anonymised for its company."""
    if has_perm(viewer, "matching.view_matches", opportunity):
        return CandidateView.NAMED
    if has_perm(viewer, "opportunities.view_candidates", opportunity):
        return CandidateView.ANONYMISED
    return CandidateView.NONE


def _candidate_pool(viewer: Any, opportunity: Opportunity, view: str) -> QuerySet[Person]:
    """The people a viewer's candidates are drawn from (consent is checked by `load_people`).

    Operators: the people they may see. A company: the people with an open enrolment in
    the programmes the opportunity belongs to (its own and its organisation's).
    """
    if view == CandidateView.NAMED:
        return people_for_user(viewer)
    if view == CandidateView.ANONYMISED:
        programmes = [s.id for s in opportunity.lavorete_scopes() if s.kind == ScopeKind.PROGRAMME]
        enrolled = Enrolment.objects.filter(
            person=OuterRef("pk"), programme_id__in=programmes
        ).exclude(status__in=ENDED_STATUSES)
        return Person.objects.filter(Exists(enrolled))
    return Person.objects.none()


def opportunity_problem(opportunity: Opportunity) -> str:
    """Why an opportunity can't be matched ('' when it can)."""
    if not opportunity.is_open:
        return Reason.OPPORTUNITY_CLOSED
    if not OpportunitySkill.objects.filter(opportunity=opportunity).exists():
        return Reason.OPPORTUNITY_NO_SKILLS
    return ""


def candidates_for_opportunity(
    opportunity: Opportunity, *, viewer: Any, limit: int = DEFAULT_TOP_N
) -> MatchList:
    """The best candidates for an opportunity among the people the viewer may see who agreed to
    be matched: named for operators, anonymised (code, skills, languages, distance band,
    score) for the company. Computed on demand."""
    problem = opportunity_problem(opportunity)
    if problem:
        return MatchList([], problem)
    view = candidate_view(viewer, opportunity)
    people = load_people(
        _candidate_pool(viewer, opportunity, view).filter(
            pk__in=_holding_a_skill_of(opportunity.pk).values("pk")
        )
    )
    if not len(people):
        return MatchList([], Reason.NOTHING_FOUND)
    pool = load_opportunities(Opportunity.objects.filter(pk=opportunity.pk))
    engine = Engine(pool.inputs, people.inputs, rarity=stored_rarity(_skill_keys(pool)))
    found = engine.top_for_opportunity(opportunity.pk, limit, people.weights)
    by_id = {p.id: (p, pol) for p, pol in zip(people.inputs, people.policies, strict=True)}
    explanations = [
        engine.explain(by_id[pid][0], opportunity.pk, by_id[pid][1].weights) for pid, _s in found
    ]
    explained = _explained(
        explanations,
        {opportunity.pk: opportunity},
        {pid: p.hours for pid, (p, _pol) in by_id.items()},
        {pid: pol.weights.priority_bonus for pid, (_p, pol) in by_id.items()},
    )
    named: dict[int, Person] = {}
    if view == CandidateView.NAMED:
        named = Person.objects.select_related("residence").in_bulk([pid for pid, _s in found])
    items = [
        Candidate(m, candidate_code(opportunity.pk, m.person_id), named.get(m.person_id))
        for m in explained
    ]
    return MatchList(items, "" if items else Reason.NOTHING_FOUND)


INVITE_ACTION = "matching.candidate_invite"


def invited_codes(opportunity: Opportunity) -> set[str]:
    """The anonymised candidates the opportunity's company already invited (from its own
    audited invitations: it learns nothing of what the operators or the person did)."""
    return {
        str(code)
        for code in AuditEntry.objects.filter(
            action=INVITE_ACTION,
            target_type=Opportunity._meta.label_lower,
            target_id=str(opportunity.pk),
        ).values_list("changes__candidate", flat=True)
        if code
    }


def candidate_invite(*, actor: Any, opportunity: Opportunity, code: str) -> Any:
    """A company invites an anonymised candidate: the matching suggests the opportunity for
    the person, so their operator sees it and may propose it (the company learns nothing).

    The suggestion is the engine's (no actor: a company may not act on a person); the
    invitation is audited under the representative's name, by the candidate's code.
    """
    from lavorete.opportunities.pipeline import candidacy_suggest

    wanted = str(code or "").strip().upper()[:20]
    candidates = candidates_for_opportunity(opportunity, viewer=actor, limit=100)
    if not candidates and candidates.reason in (
        Reason.OPPORTUNITY_CLOSED,
        Reason.OPPORTUNITY_NO_SKILLS,
    ):
        raise ValidationError(candidates.message(own=False), code=candidates.reason)
    chosen = next((c for c in candidates if c.code == wanted), None)
    if chosen is None:
        raise ValidationError(
            _("This candidate is no longer among the matches of the opportunity."),
            code="unknown_candidate",
        )
    if chosen.code in invited_codes(opportunity):
        raise ValidationError(
            _("This candidate is already invited: their operator decides whether to propose it."),
            code="already_invited",
        )
    person = Person.objects.get(pk=chosen.match.person_id)
    with transaction.atomic():
        candidacy = candidacy_suggest(
            actor=None, opportunity=opportunity, person=person, score=round(chosen.score, 4)
        )
        audit_record(
            actor=actor,
            action=INVITE_ACTION,
            target=opportunity,
            changes={"candidate": chosen.code},
        )
    return candidacy


def match_propose(
    *, actor: Any, person: Person, opportunity: Opportunity, message: str = ""
) -> Any:
    """An operator proposes a matched opportunity to the person, with the score of now."""
    from lavorete.opportunities.pipeline import candidacy_propose

    score = None
    me = _me(person)
    if me.input is not None and opportunity.is_open:
        pool = load_opportunities(Opportunity.objects.filter(pk=opportunity.pk))
        if opportunity.pk in pool.skilled:
            engine = _engine_for_one(pool)
            found = engine.top_for_person(me.input, 1, me.policy.weights)
            score = round(found[0][1], 4) if found else None
    return candidacy_propose(
        actor=actor, opportunity=opportunity, person=person, message=message, score=score
    )


# --- skill gaps of an area -------------------------------------------------------------------


@dataclass(frozen=True)
class AreaGap:
    key: str
    label: str
    demand: int  # open opportunities asking for the skill as essential
    holders: Cell  #: local people who have it
    share: float | None  # share of local people who have it (None when hidden)


@dataclass(frozen=True)
class AreaGaps:
    people: Cell  # local people who agreed to be matched
    opportunities: int
    gaps: list[AreaGap]


def area_skill_gaps(*, municipalities: Iterable[Any], include_remote: bool = False) -> AreaGaps:
    """The essential skills open opportunities in these municipalities ask for, against the
    local people (matching consent) who have them; counts of people suppressed (k = 5)."""
    ids = sorted({m if isinstance(m, int) else m.pk for m in municipalities})
    place = Q(municipality_id__in=ids)
    if include_remote:
        place |= Q(is_remote=True)
    opportunities = open_opportunities().filter(place)
    demand = {
        skill_key(skill_id): n
        for skill_id, n in OpportunitySkill.objects.filter(
            opportunity_id__in=opportunities.values("pk"), relation=RelationType.ESSENTIAL
        )
        .order_by()
        .values_list("skill_id")
        .annotate(n=Count("opportunity_id", distinct=True))
        .values_list("skill_id", "n")
    }
    local = consenting_people().filter(residence_id__in=ids)
    people = local.count()
    supply = {
        skill_key(skill_id): n
        for skill_id, n in PersonSkill.objects.filter(
            person_id__in=local.values("pk"), skill_id__in=[int(k) for k in demand]
        )
        .order_by()
        .values_list("skill_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("skill_id", "n")
    }
    people_cell = cell(people)
    ranked = area_gaps(demand, supply, people)
    labels = skill_labels(key for key, _d, _s in ranked)
    gaps = []
    for key, asked, share in ranked:
        holders = suppress_part(
            supply.get(key, 0), people, whole_shown=people_cell.state == CellState.SHOWN
        )
        gaps.append(
            AreaGap(key, labels.get(key, key), asked, holders, share if holders.shown else None)
        )
    return AreaGaps(people_cell, opportunities.count(), gaps)
