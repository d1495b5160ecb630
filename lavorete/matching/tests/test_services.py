"""Matching services: loading from the database, explanations, the consent gate, stored matches.

The fixtures here (a consenting Paola with four skills, more people and
opportunities) are imported by the other matching test modules.
"""

import datetime as dt
import random
from typing import Any

import pytest
from django.utils import timezone

from lavorete.matching import services
from lavorete.matching.core import Engine
from lavorete.matching.models import Match
from lavorete.opportunities.models import OpportunityStatus
from lavorete.people.models import ConsentPurpose
from lavorete.territory.models import Municipality

pytestmark = pytest.mark.django_db


def give_skills(person: Any, skills: dict[str, Any], levels: dict[str, int]) -> None:
    from lavorete.people.services import person_skill_add

    for key, level in levels.items():
        person_skill_add(actor=None, person=person, skill=skills[key], level=level)


@pytest.fixture
def matched(registered: Any, esco_skills: dict[str, Any]) -> Any:
    """Paola agrees to be matched; she tells stories, runs social media (level 2), photographs
    products, serves customers and speaks Italian natively: all but web analytics."""
    from lavorete.people.services import consent_give, person_language_set

    consent_give(actor=None, person=registered, purpose=ConsentPurpose.MATCHING)
    give_skills(
        registered,
        esco_skills,
        {"storytelling": 3, "social_media": 2, "photography": 2, "customer_service": 1},
    )
    person_language_set(actor=None, person=registered, language="it", level="native")
    return registered


def make_person(
    operator: Any,
    programme: Any,
    name: str,
    skills: dict[str, Any],
    levels: dict[str, int],
    *,
    consent: bool = True,
    municipality: str = "Pioltello",
) -> Any:
    from lavorete.pathways.services import enrolment_create
    from lavorete.people.services import consent_give, person_create

    record = person_create(
        actor=operator,
        first_name=name,
        last_name="Prova",
        residence=Municipality.objects.get(name=municipality),
    )
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    if consent:
        consent_give(actor=None, person=record, purpose=ConsentPurpose.MATCHING)
    give_skills(record, skills, levels)
    return record


def make_opportunity(
    organisation: Any,
    programme: Any,
    skills: dict[str, Any],
    essential: dict[str, int],
    optional: dict[str, int] | None = None,
    *,
    title: str = "Opportunità",
    municipality: str = "Segrate",
    publish: bool = True,
    **extra: Any,
) -> Any:
    from lavorete.opportunities.services import opportunity_create, opportunity_publish

    made = opportunity_create(
        actor=None,
        organisation=organisation,
        programme=programme,
        kind="job",
        title=title,
        municipality=Municipality.objects.get(name=municipality),
        essential=[(skills[k], v) for k, v in essential.items()],
        optional=[(skills[k], v) for k, v in (optional or {}).items()],
        **extra,
    )
    return opportunity_publish(actor=None, opportunity=made) if publish else made


def forget_queued_refreshes() -> None:
    """Drop the refreshes the fixtures queued: in a test nothing commits, so they would
    never run, and a queued full recompute stands for every later refresh."""
    from django.db import transaction

    connection = transaction.get_connection()
    connection.run_on_commit = [
        entry for entry in connection.run_on_commit if not isinstance(entry[1], services._Scheduled)
    ]


def stored(**filters: Any) -> set[tuple[int, int, float, int | None, int | None]]:
    return set(
        Match.objects.filter(**filters).values_list(
            "person_id", "opportunity_id", "score", "person_rank", "opportunity_rank"
        )
    )


# --- explanations --------------------------------------------------------------------------


def test_a_person_sees_her_match_with_its_reasons(matched: Any, opportunity: Any) -> None:
    found = services.matches_for_person(matched)
    assert found.reason == ""
    [match] = found
    assert match.opportunity == opportunity
    assert match.essential_matched == [
        "fotografia di prodotto",
        "gestire i social media",
        "raccontare storie di marca",
    ]
    assert match.essential_missing == ["analisi web"]
    assert match.summary == "3 di 4 competenze essenziali; manca: analisi web"
    assert match.optional_matched == ["assistenza ai clienti"]
    assert match.languages_met == ["Italiano"]
    # Pioltello to Segrate, centre to centre.
    assert match.km is not None and 2 < match.km < 8
    assert "km" in match.distance
    assert 0 < match.score < 1


def test_scores_follow_the_core_definition(matched: Any, opportunity: Any) -> None:
    # Everyone in the pool is Paola: every skill she holds has rarity ln(1 + 1/2), the
    # one she lacks ln(1 + 1/1). Essential credit: three of four, the fourth missing.
    import math

    held, lacking = math.log(1.5), math.log(2)
    essential = 3 * held / (3 * held + lacking)
    skill = (0.60 * essential + 0.25 * 1 + 0.15 * 1) / (0.60 + 0.25 + 0.15)
    # She gave no hours, and Segrate is within the default 25 km.
    [match] = services.matches_for_person(matched)
    assert match.score == pytest.approx(skill)
    assert match.explanation.essential == pytest.approx(essential)


def test_below_the_level_asked_is_said(
    registered: Any, esco_skills: dict[str, Any], opportunity: Any
) -> None:
    from lavorete.people.services import consent_give

    consent_give(actor=None, person=registered, purpose=ConsentPurpose.MATCHING)
    give_skills(registered, esco_skills, {"social_media": 1, "storytelling": 1})
    [match] = services.matches_for_person(registered)
    assert match.essential_below_level == ["gestire i social media"]
    assert "sotto il livello richiesto: gestire i social media" in match.summary
    assert match.summary.startswith("1 di 4 competenze essenziali")
    assert "mancano: analisi web, fotografia di prodotto" in match.summary


def test_labels_follow_the_users_language(matched: Any, opportunity: Any) -> None:
    from django.utils import translation

    with translation.override("en"):
        [match] = services.matches_for_person(matched)
        assert match.essential_missing == ["web analytics"]
        assert match.summary == "3 of 4 essential skills; missing: web analytics"


def test_priority_is_explained_when_it_changes_the_score(
    matched: Any, opportunity: Any, programme: Any, coordinator: Any
) -> None:
    before = services.matches_for_person(matched).items[0].score
    # Paola is a woman and under 30: the programme gives women priority.
    services.policy_set(
        actor=coordinator, programme=programme, priority_categories=["woman"], priority_bonus="0.10"
    )
    [match] = services.matches_for_person(matched)
    assert match.priority
    assert match.score == pytest.approx(min(1.0, before + 0.10))
    assert any("priorità" in line for line in match.reasons)


def test_priority_is_off_by_default(matched: Any, opportunity: Any) -> None:
    [match] = services.matches_for_person(matched)
    assert not match.priority
    assert not any("priorità" in line for line in match.reasons)


# --- the consent gate and bad input -------------------------------------------------------------


def test_no_consent_no_matches_with_a_reason(
    registered: Any, esco_skills: dict[str, Any], opportunity: Any
) -> None:
    give_skills(registered, esco_skills, {"storytelling": 3})
    found = services.matches_for_person(registered)
    assert list(found) == []
    assert found.reason == services.Reason.NO_CONSENT
    assert found.message(own=True) == "Non hai ancora dato il consenso ad essere abbinato."


def test_no_record_no_matches_with_a_reason(db: Any) -> None:
    found = services.matches_for_person(None)
    assert found.reason == services.Reason.NO_RECORD
    assert "operatore" in found.message(own=True)


def test_withdrawn_consent_stops_matching(matched: Any, opportunity: Any) -> None:
    from lavorete.people.services import consent_withdraw

    consent_withdraw(actor=None, person=matched, purpose=ConsentPurpose.MATCHING)
    assert services.matches_for_person(matched).reason == services.Reason.NO_CONSENT


def test_a_person_without_skills_is_told_to_add_them(registered: Any, opportunity: Any) -> None:
    from lavorete.people.services import consent_give

    consent_give(actor=None, person=registered, purpose=ConsentPurpose.MATCHING)
    assert services.matches_for_person(registered).reason == services.Reason.NO_SKILLS


def test_closed_opportunities_are_not_matched(matched: Any, opportunity: Any) -> None:
    from lavorete.opportunities.services import opportunity_close

    opportunity_close(actor=None, opportunity=opportunity)
    found = services.matches_for_person(matched)
    assert list(found) == [] and found.reason == services.Reason.NOTHING_FOUND
    opportunity.refresh_from_db()
    problem = services.opportunity_problem(opportunity)
    assert problem == services.Reason.OPPORTUNITY_CLOSED
    assert services.STAFF_REASONS[problem] == "Opportunità chiusa"


def test_an_opportunity_past_its_closing_date_is_not_matched(
    matched: Any, organisation: Any, programme: Any, esco_skills: dict[str, Any]
) -> None:
    today = timezone.localdate()
    made = make_opportunity(
        organisation,
        programme,
        esco_skills,
        {"storytelling": 1},
        closes_on=today + dt.timedelta(days=1),
    )
    assert services.matches_for_person(matched)
    # Two days later, still marked open, its closing date has passed.
    type(made).objects.filter(pk=made.pk).update(
        opens_on=today - dt.timedelta(days=10), closes_on=today - dt.timedelta(days=1)
    )
    assert made.pk not in {m.opportunity.pk for m in services.matches_for_person(matched)}
    assert type(made).objects.get(pk=made.pk).status == OpportunityStatus.OPEN


def test_an_opportunity_without_skills_says_it_cant_be_matched(
    matched: Any, organisation: Any, programme: Any, operator: Any
) -> None:
    from lavorete.opportunities.services import opportunity_create, opportunity_publish

    made = opportunity_publish(
        actor=None,
        opportunity=opportunity_create(
            actor=None,
            organisation=organisation,
            programme=programme,
            kind="volunteer",
            title="Volontariato",
            is_remote=True,
        ),
    )
    found = services.candidates_for_opportunity(made, viewer=operator)
    assert found.reason == services.Reason.OPPORTUNITY_NO_SKILLS
    assert found.message(own=False) == (
        "Questa opportunità non chiede competenze: non può essere abbinata."
    )
    assert not services.matches_for_person(matched)


def test_unknown_skill_keys_do_not_break_the_labels(db: Any) -> None:
    assert services.skill_labels(["999999"]) == {}


# --- policies -------------------------------------------------------------------------------


def test_policy_defaults_without_a_policy(programme: Any) -> None:
    weights = services.policy_for(programme)
    assert weights.essential == 0.60 and weights.priority_bonus == 0.0


def test_a_coordinator_sets_a_policy_audited(programme: Any, coordinator: Any) -> None:
    from lavorete.core.models import AuditEntry

    services.policy_set(actor=coordinator, programme=programme, essential="0.7", distance="0.2")
    weights = services.policy_for(programme)
    assert weights.essential == 0.70 and weights.distance == 0.20
    entry = AuditEntry.objects.get(action="matching.policy_set")
    assert entry.changes["essential"] == ["0.60", "0.70"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"essential": "0"}, "essential_positive"),
        ({"essential": "1.5"}, "weight_range"),
        ({"optional": "-0.1"}, "weight_range"),
        ({"languages": "abc"}, "weight_range"),
        ({"languages": "nan"}, "weight_range"),
        ({"distance": "0.6", "hours": "0.5"}, "penalties_over_one"),
        ({"priority_bonus": "0.3", "priority_categories": ["woman"]}, "bonus_range"),
        ({"priority_bonus": "0.1"}, "bonus_without_categories"),
        ({"priority_categories": ["astronaut"]}, "invalid_category"),
        ({"top_n": 0}, "top_n_range"),
        ({"top_n": 101}, "top_n_range"),
        ({"radius_km": "x"}, "radius_range"),
        ({"essential": "0.333"}, "weight_decimals"),
    ],
)
def test_policy_validation(programme: Any, coordinator: Any, fields: Any, code: str) -> None:
    from django.core.exceptions import ValidationError

    from lavorete.matching.models import MatchingPolicy

    with pytest.raises(ValidationError) as caught:
        services.policy_set(actor=coordinator, programme=programme, **fields)
    codes = [e.code for errors in caught.value.error_dict.values() for e in errors]
    assert code in codes
    assert not MatchingPolicy.objects.exists()


# --- stored matches ---------------------------------------------------------------------------


@pytest.fixture
def district(
    operator: Any,
    programme: Any,
    organisation: Any,
    esco_skills: dict[str, Any],
    matched: Any,
    opportunity: Any,
) -> dict[str, Any]:
    """Twelve people (two without consent) and seven opportunities with random skills."""
    rng = random.Random(5)
    keys = list(esco_skills)
    people = [matched]
    for i in range(12):
        levels = {k: rng.randint(1, 4) for k in rng.sample(keys, rng.randint(1, 4))}
        people.append(
            make_person(
                operator,
                programme,
                f"Persona{i}",
                esco_skills,
                levels,
                consent=i % 6 != 5,
                municipality=rng.choice(["Pioltello", "Segrate", "Bergamo", "Milano"]),
            )
        )
    opportunities = [opportunity]
    for i in range(6):
        chosen = rng.sample(keys, rng.randint(1, 3))
        rest = [k for k in keys if k not in chosen]
        opportunities.append(
            make_opportunity(
                organisation,
                programme,
                esco_skills,
                {k: rng.randint(1, 3) for k in chosen},
                {rest[0]: 1} if i % 2 else {},
                title=f"Opportunità {i}",
                municipality=rng.choice(["Segrate", "Milano", "Sondrio"]),
                weekly_hours=rng.choice([None, 20, 40]),
            )
        )
    return {"people": people, "opportunities": opportunities}


def _small_lists(programme: Any, coordinator: Any, n: int = 3) -> None:
    # Short lists make the merges meet full lists and ties.
    services.policy_set(actor=coordinator, programme=programme, top_n=n)


def test_recompute_stores_the_cores_results(
    district: dict[str, Any], programme: Any, coordinator: Any
) -> None:
    _small_lists(programme, coordinator)
    summary = services.matches_recompute()
    consenting = [p for p in district["people"] if services.may_be_matched(p)]
    assert summary.people == len(consenting) == 11
    assert summary.opportunities == 7
    assert summary.matches == Match.objects.count() > 0
    # The same lists, straight from the core.
    people = services.load_people()
    pool = services.load_opportunities()
    engine = Engine(pool.inputs, people.inputs)
    expected = set()
    for person, found in zip(people.inputs, engine.top_for_people(3, exact=True), strict=True):
        for rank, (opp_id, score) in enumerate(found, start=1):
            expected.add((person.id, opp_id, score, rank))
    got = set(
        Match.objects.filter(person_rank__isnull=False).values_list(
            "person_id", "opportunity_id", "score", "person_rank"
        )
    )
    assert got == expected
    for opp in pool.inputs:
        found = engine.top_for_opportunity(opp.id, 3)
        rows = Match.objects.filter(opportunity=opp.id, opportunity_rank__isnull=False)
        assert sorted(rows.values_list("opportunity_rank", "person_id", "score")) == [
            (rank, pid, score) for rank, (pid, score) in enumerate(found, start=1)
        ]
    # Nobody without consent is stored.
    refused = [p.pk for p in district["people"] if not services.may_be_matched(p)]
    assert refused and not Match.objects.filter(person_id__in=refused).exists()


def test_stored_parts_equal_the_explanations(district: dict[str, Any]) -> None:
    services.matches_recompute()
    people = {p.id: p for p in services.load_people().inputs}
    pool = services.load_opportunities()
    engine = Engine(pool.inputs, list(people.values()))
    for match in Match.objects.all():
        explanation = engine.explain(people[match.person_id], match.opportunity_id)
        assert match.score == explanation.score
        assert match.essential == pytest.approx(explanation.essential or 0.0)
        assert match.optional == pytest.approx(explanation.optional)
        assert match.km == pytest.approx(explanation.km)


def _as_recomputed() -> set[Any]:
    """What a full recompute with the stored rarity would store now (rolled back: the stored
    rows stay as they are)."""
    from django.core.cache import cache
    from django.db import transaction

    with transaction.atomic():
        services.matches_recompute(rarity=cache.get(services.RARITY_CACHE_KEY)["rarity"])
        result = stored()
        transaction.set_rollback(True)
    return result


def test_incremental_refreshes_keep_the_lists_exact(
    district: dict[str, Any],
    programme: Any,
    coordinator: Any,
    esco_skills: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lavorete.opportunities.services import opportunity_close, opportunity_skill_set
    from lavorete.people.services import (
        consent_give,
        consent_withdraw,
        person_skill_add,
        person_update,
    )

    forget_queued_refreshes()
    with django_capture_on_commit_callbacks(execute=True):
        _small_lists(programme, coordinator)
        services.matches_recompute()
    people, opportunities = district["people"], district["opportunities"]
    rng = random.Random(11)
    for step in range(14):
        person = rng.choice([p for p in people if services.may_be_matched(p)])
        with django_capture_on_commit_callbacks(execute=True):
            if step == 3:
                consent_withdraw(actor=None, person=person, purpose=ConsentPurpose.MATCHING)
            elif step == 6:
                opportunity_close(actor=None, opportunity=opportunities[1])
            elif step == 8:
                opportunity_skill_set(
                    actor=None,
                    opportunity=opportunities[2],
                    skill=esco_skills[rng.choice(list(esco_skills))],
                    relation="essential",
                    level=1,
                )
            elif step == 10:
                person_update(actor=None, person=person, hours_per_week=10, mobility_km=5)
            elif step == 12:
                consent_give(actor=None, person=people[6], purpose=ConsentPurpose.MATCHING)
            else:
                held = set(person.skills.values_list("skill_id", flat=True))
                missing = [k for k, skill in esco_skills.items() if skill.pk not in held]
                if missing and step % 4:
                    person_skill_add(
                        actor=None, person=person, skill=esco_skills[rng.choice(missing)], level=4
                    )
                else:
                    person.skills.order_by("pk").first().delete()
        fresh, expected = stored(), _as_recomputed()
        assert fresh == expected, (step, sorted(fresh - expected), sorted(expected - fresh))


def test_a_withdrawn_consent_deletes_stored_matches_at_once(matched: Any, opportunity: Any) -> None:
    from lavorete.people.services import consent_withdraw

    services.matches_recompute()
    assert Match.objects.filter(person=matched).exists()
    # No commit: the rows go in the same transaction as the withdrawal.
    consent_withdraw(actor=None, person=matched, purpose=ConsentPurpose.MATCHING)
    assert not Match.objects.filter(person=matched).exists()


def test_refreshes_tolerate_missing_rows(db: Any) -> None:
    assert services.person_matches_refresh(10**9) == 0
    assert services.opportunity_matches_refresh(10**9) == 0


def test_recompute_on_an_empty_network(db: Any) -> None:
    summary = services.matches_recompute()
    assert (summary.people, summary.opportunities, summary.matches) == (0, 0, 0)


def test_each_person_is_scored_with_their_programmes_policy(
    district: dict[str, Any],
    programme: Any,
    other_programme: Any,
    other_operator: Any,
    coordinator: Any,
    esco_skills: dict[str, Any],
) -> None:
    # Two people in another programme that weighs distance heavily and keeps two matches.
    services.policy_set(
        actor=coordinator, programme=other_programme, distance="0.9", hours="0.1", top_n=2
    )
    elsewhere = [
        make_person(
            other_operator,
            other_programme,
            f"Altrove{i}",
            esco_skills,
            {"storytelling": 2, "photography": 3},
            municipality="Sondrio",
        )
        for i in range(2)
    ]
    services.matches_recompute()
    people = services.load_people()
    assert isinstance(people.weights, list)  # not everyone shares one policy
    engine = Engine(services.load_opportunities().inputs, people.inputs)
    for person, weights, policy in zip(people.inputs, people.weights, people.policies, strict=True):
        expected = engine.top_for_person(person, policy.top_n, weights)
        got = list(
            Match.objects.filter(person_id=person.id, person_rank__isnull=False)
            .order_by("person_rank")
            .values_list("opportunity_id", "score")
        )
        assert got == expected
    assert all(
        Match.objects.filter(person=p, person_rank__isnull=False).count() <= 2 for p in elsewhere
    )
