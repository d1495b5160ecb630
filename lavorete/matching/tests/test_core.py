"""The scoring core, checked on cases worked out by hand (no database)."""

import math
import subprocess
import sys

import pytest

from lavorete.matching import core
from lavorete.matching.core import (
    Engine,
    OpportunityInput,
    PersonInput,
    Weights,
    area_gaps,
    haversine_km,
)

A, B, C, D = "esco:a", "esco:b", "esco:c", "esco:d"

# The pool: N = 4 people; a is held by 2 of them, b and c by 1, d by nobody.
POOL = [
    PersonInput(id="p1", skills={A: 1, B: 1}),
    PersonInput(id="p2", skills={A: 1}),
    PersonInput(id="p3", skills={C: 1}),
    PersonInput(id="p4", skills={}),
]
# w = ln(1 + N / (1 + df)): a = ln(1 + 4/3) = ln(7/3), b = c = ln(1 + 4/2) = ln 3, d = ln 5.
W_A, W_B, W_D = math.log(7 / 3), math.log(3), math.log(5)


def _engine(*opps, people=POOL, **kwargs):
    return Engine(list(opps), people, **kwargs)


def test_rarity_follows_the_pool():
    engine = _engine(OpportunityInput(id=1, essential={A: 1, D: 1}))
    assert engine.rarity[A] == pytest.approx(0.8472979)
    assert engine.rarity[B] == pytest.approx(1.0986123)
    assert engine.rarity[D] == pytest.approx(1.6094379)  # nobody holds d: df = 0


def test_score_weighs_skills_by_rarity():
    opp = OpportunityInput(id="x", essential={A: 1, B: 1}, optional={D: 1})
    engine = _engine(opp)
    # p1 holds a and b: essential 1, optional 0 -> (0.60·1 + 0.25·0) / (0.60 + 0.25) = 0.705882
    assert engine.top_for_person(POOL[0], 5) == [("x", pytest.approx(0.6 / 0.85))]
    # p2 holds a only: essential = w_a / (w_a + w_b) = 0.847298 / 1.945910 = 0.435425
    # -> 0.60 · 0.435425 / 0.85 = 0.307359
    [(_, score)] = engine.top_for_person(POOL[1], 5)
    assert score == pytest.approx(0.3073588)
    explanation = engine.explain(POOL[1], "x")
    assert explanation.essential == pytest.approx(W_A / (W_A + W_B))
    assert explanation.optional == 0.0
    assert explanation.languages is None
    assert explanation.essential_matched == (A,)
    assert explanation.essential_missing == (B,)
    assert explanation.optional_missing == (D,)
    assert explanation.score == pytest.approx(score)


def test_half_credit_below_the_level_asked():
    engine = _engine(OpportunityInput(id="y", essential={A: 3}))
    # a held at level 2, asked at 3: credit 0.5; only essential skills -> 0.5
    below = PersonInput(id="q", skills={A: 2})
    assert engine.top_for_person(below, 5) == [("y", pytest.approx(0.5))]
    assert engine.explain(below, "y").essential_below_level == (A,)
    at_level = PersonInput(id="r", skills={A: 4})
    assert engine.top_for_person(at_level, 5) == [("y", pytest.approx(1.0))]


def test_half_credit_is_weighted_by_rarity():
    engine = _engine(OpportunityInput(id="z", essential={A: 2, B: 1}))
    person = PersonInput(id="q", skills={A: 1, B: 1})
    # (0.5·w_a + w_b) / (w_a + w_b) = (0.423649 + 1.098612) / 1.945910 = 0.782288
    expected = (0.5 * W_A + W_B) / (W_A + W_B)
    assert engine.top_for_person(person, 5) == [("z", pytest.approx(expected))]


def test_gate_person_must_hold_some_skill_asked():
    engine = _engine(OpportunityInput(id="x", essential={A: 1}, optional={B: 1}, languages={}))
    outsider = PersonInput(id="q", skills={C: 4}, languages={"it": 7})
    assert engine.top_for_person(outsider, 5) == []
    assert engine.explain(outsider, "x").score == 0.0


def test_opportunity_without_skills_never_matches():
    engine = _engine(
        OpportunityInput(id="empty", essential={}, languages={"it": 3}),
        OpportunityInput(id="x", essential={A: 1}),
    )
    person = PersonInput(id="q", skills={A: 1, B: 1}, languages={"it": 7})
    assert [i for i, _ in engine.top_for_person(person, 5)] == ["x"]
    assert engine.top_for_opportunity("empty", 5) == []
    assert all("empty" not in [i for i, _ in top] for top in engine.top_for_people(5))


def test_person_without_skills_or_with_unknown_skills_gets_nothing():
    engine = _engine(OpportunityInput(id="x", essential={A: 1}))
    assert engine.top_for_person(PersonInput(id="q", skills={}), 5) == []
    assert engine.top_for_person(PersonInput(id="q", skills={"esco:unknown": 4}), 5) == []
    # The pool's p4 has no skills: an explicit empty list.
    assert engine.top_for_people(5)[3] == []


def test_languages_share_the_skill_score():
    engine = _engine(OpportunityInput(id="x", essential={A: 1}, languages={"it": 3, "en": 4}))
    person = PersonInput(id="q", skills={A: 1}, languages={"it": 4, "en": 3})
    # essential 1, languages 1/2 (Italian B1 met, English B2 not):
    # (0.60·1 + 0.15·0.5) / (0.60 + 0.15) = 0.9
    assert engine.top_for_person(person, 5) == [("x", pytest.approx(0.9))]
    explanation = engine.explain(person, "x")
    assert explanation.languages == 0.5
    assert explanation.languages_met == ("it",)
    assert explanation.languages_missing == ("en",)


# 0.2 degrees of latitude east of Milan: R·0.2·π/180 = 6371.0088 · 0.0034907 = 22.239 km
NEAR_MILAN = (45.40, 9.30)
NORTH = (45.60, 9.30)


def test_distance_fit():
    assert haversine_km(*NEAR_MILAN, *NORTH) == pytest.approx(22.23902, abs=1e-4)
    engine = _engine(OpportunityInput(id="x", essential={A: 1}, lat=NORTH[0], lon=NORTH[1]))
    person = PersonInput(id="q", skills={A: 1}, lat=NEAR_MILAN[0], lon=NEAR_MILAN[1])
    # Within the default 25 km: fit 1, score 1.
    assert engine.top_for_person(person, 5) == [("x", pytest.approx(1.0))]
    # Radius 15: fit = 1 - (22.239 - 15) / 15 = 0.517399; context = 1 - 0.30·0.482601 = 0.855220
    near = PersonInput(id="q", skills={A: 1}, lat=45.40, lon=9.30, radius_km=15)
    assert engine.top_for_person(near, 5) == [("x", pytest.approx(0.855220, abs=1e-6))]
    explanation = engine.explain(near, "x")
    assert explanation.km == pytest.approx(22.23902, abs=1e-4)
    assert explanation.distance_fit == pytest.approx(0.517399, abs=1e-6)
    # Radius 10: 22.239 >= 2·10 -> fit 0, context 0.70.
    far = PersonInput(id="q", skills={A: 1}, lat=45.40, lon=9.30, radius_km=10)
    assert engine.top_for_person(far, 5) == [("x", pytest.approx(0.7))]
    # The policy's radius applies to people who gave none: 15 km -> 0.855220 again.
    assert engine.top_for_person(person, 5, Weights(radius_km=15)) == [
        ("x", pytest.approx(0.855220, abs=1e-6))
    ]


def test_remote_or_unplaced_means_no_distance():
    engine = _engine(
        OpportunityInput(id="remote", essential={A: 1}, lat=NORTH[0], lon=NORTH[1], remote=True),
        OpportunityInput(id="nowhere", essential={A: 1}),
    )
    person = PersonInput(id="q", skills={A: 1}, lat=45.40, lon=9.30, radius_km=1)
    assert engine.top_for_person(person, 5) == [("remote", 1.0), ("nowhere", 1.0)]
    assert engine.explain(person, "remote").km is None


def test_hours_fit():
    engine = _engine(OpportunityInput(id="x", essential={A: 1}, hours=40))
    # 20 of 40 hours: fit 0.5, context = 1 - 0.10·0.5 = 0.95
    part_time = PersonInput(id="q", skills={A: 1}, hours=20)
    assert engine.top_for_person(part_time, 5) == [("x", pytest.approx(0.95))]
    assert engine.explain(part_time, "x").hours_fit == 0.5
    assert engine.top_for_person(PersonInput(id="q", skills={A: 1}, hours=40), 5) == [("x", 1.0)]
    assert engine.top_for_person(PersonInput(id="q", skills={A: 1}), 5) == [("x", 1.0)]


def test_priority_bonus_is_off_by_default():
    engine = _engine(OpportunityInput(id="x", essential={A: 1, B: 1}))
    person = PersonInput(id="q", skills={A: 1}, priority=True)
    plain = W_A / (W_A + W_B)  # 0.435425
    assert engine.top_for_person(person, 5) == [("x", pytest.approx(plain))]
    assert engine.explain(person, "x").priority is False
    # A bonus of 0.10: 0.535425; capped at 1 for a full match.
    policy = Weights(priority_bonus=0.10)
    assert engine.top_for_person(person, 5, policy) == [("x", pytest.approx(plain + 0.1))]
    assert engine.explain(person, "x", policy).priority is True
    full = PersonInput(id="q", skills={A: 1, B: 1}, priority=True)
    assert engine.top_for_person(full, 5, policy) == [("x", 1.0)]
    # The bonus never lets a gated-out pair in.
    assert engine.top_for_person(PersonInput(id="q", skills={C: 1}, priority=True), 5, policy) == []


def test_ties_follow_the_engine_order():
    opps = [OpportunityInput(id=f"o{i}", essential={A: 1}) for i in range(6)]
    engine = _engine(*reversed(opps))
    person = PersonInput(id="q", skills={A: 1})
    assert [i for i, _ in engine.top_for_person(person, 4)] == ["o5", "o4", "o3", "o2"]
    assert [i for i, _ in engine.top_for_person(person, 3, among=[4, 1, 2])] == ["o4", "o3", "o1"]


def test_top_list_is_ordered_by_score():
    engine = _engine(
        OpportunityInput(id="half", essential={A: 1, B: 1}),
        OpportunityInput(id="full", essential={A: 1}),
        OpportunityInput(id="none", essential={C: 1}),
    )
    person = PersonInput(id="q", skills={A: 1})
    top = engine.top_for_person(person, 5)
    assert [i for i, _ in top] == ["full", "half"]
    assert engine.top_for_person(person, 1) == [("full", 1.0)]


def test_batch_matches_on_demand():
    opps = [
        OpportunityInput(id="x", essential={A: 1, B: 2}, optional={D: 1}),
        OpportunityInput(id="y", essential={C: 1}, lat=45.5, lon=9.3, hours=30),
        OpportunityInput(id="z", essential={A: 1}, languages={"it": 3}),
    ]
    people = [
        *POOL,
        PersonInput(id="p5", skills={C: 2, A: 1}, lat=45.52, lon=9.4, hours=20),
        PersonInput(id="p6", skills={B: 3, D: 1}, languages={"it": 5}),
    ]
    engine = Engine(opps, people)
    policies = [Weights(distance=0.5 if i % 2 else 0.3) for i in range(len(people))]
    for weights in (Weights(), policies):
        exact = engine.top_for_people(2, weights, exact=True)
        pruned = engine.top_for_people(2, weights)
        assert exact == pruned
        for i, person in enumerate(people):
            w = weights[i] if isinstance(weights, list) else weights
            assert exact[i] == engine.top_for_person(person, 2, w)
    assert [p for p, _ in engine.top_for_opportunity("y", 5)] == ["p3", "p5"]
    assert engine.top_for_opportunity("y", 5, among=[4]) == [
        ("p5", engine.top_for_person(people[4], 5)[0][1])
    ]


def test_explicit_rarity_and_empty_pool():
    opp = OpportunityInput(id="x", essential={A: 1, B: 1})
    # No pool: every rarity is ln(1 + 0) = 0, and the skills asked then weigh the same.
    engine = Engine([opp])
    assert engine.rarity[A] == 0.0
    assert engine.top_for_person(PersonInput(id="q", skills={A: 1}), 5) == [("x", 0.5)]
    engine = Engine([opp], rarity={A: 3.0, B: 1.0})
    assert engine.top_for_person(PersonInput(id="q", skills={A: 1}), 5) == [("x", 0.75)]


def test_skill_gaps_and_area_gaps():
    engine = _engine(
        OpportunityInput(id="x", essential={A: 2, B: 1}),
        OpportunityInput(id="y", essential={B: 1, D: 1}),
        OpportunityInput(id="z", essential={C: 1}),
    )
    person = PersonInput(id="q", skills={A: 1, C: 1})
    # b is asked by two, then d (rarer) and a (held below level) by one each.
    assert engine.skill_gaps(person, ["x", "y", "z"]) == [
        (B, 2, pytest.approx(W_B)),
        (D, 1, pytest.approx(W_D)),
        (A, 1, pytest.approx(W_A)),
    ]
    # demand·(1 - share): a 10·(1 - 0.5) = 5, b 4·1 = 4, c 2·(1 - 0.1) = 1.8; d has no demand.
    assert area_gaps({A: 10, B: 4, C: 2, D: 0}, {A: 50, C: 10}, 100) == [
        (A, 10, 0.5),
        (B, 4, 0.0),
        (C, 2, 0.1),
    ]


def test_duplicate_opportunity_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        Engine([OpportunityInput(id=1, essential={A: 1}), OpportunityInput(id=1, essential={})])


def test_core_imports_no_django():
    code = (
        "import sys, lavorete.matching.core; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_the_worked_example_of_the_docs():
    engine = _engine(
        OpportunityInput(
            id="x", essential={A: 1, B: 1}, optional={D: 1}, lat=45.6, lon=9.3, hours=40
        )
    )
    person = PersonInput(id="q", skills={A: 1}, lat=45.4, lon=9.3, radius_km=15, hours=20)
    # skill = 0.60·0.435425 / 0.85 = 0.307359; context = 1 - 0.30·(1 - 0.517399) - 0.10·0.5
    # = 0.805220; score = 0.307359 · 0.805220 = 0.247491
    assert engine.top_for_person(person, 5) == [("x", pytest.approx(0.247491, abs=1e-6))]
    assert engine.explain(person, "x").score == pytest.approx(0.247491, abs=1e-6)


def _small_world():
    import random

    rng = random.Random(3)
    vocabulary = [f"s{i}" for i in range(30)]
    opps = [
        OpportunityInput(
            id=i,
            essential={s: rng.randint(1, 3) for s in rng.sample(vocabulary, 4)},
            optional=dict.fromkeys(rng.sample(vocabulary, 2), 1),
            languages={"it": 3} if i % 3 == 0 else {},
            lat=45.4 + rng.random() / 5,
            lon=9.2 + rng.random() / 5,
            hours=rng.choice([None, 20, 40]),
        )
        for i in range(60)
    ]
    people = [
        PersonInput(
            id=f"p{i}",
            skills={s: rng.randint(1, 4) for s in rng.sample(vocabulary, 6)},
            languages={"it": rng.choice([2, 4, 7])},
            lat=45.4 + rng.random() / 5,
            lon=9.2 + rng.random() / 5,
            radius_km=rng.choice([None, 5, 10]),
            hours=rng.choice([None, 20, 30]),
            priority=i % 4 == 0,
        )
        for i in range(40)
    ]
    return opps, people


def test_pruned_batch_equals_exact_within_the_budget():
    # Forty people and sixty opportunities: within the candidate budget nothing is pruned,
    # and the pruned path must give the exact lists (ties and all).
    opps, people = _small_world()
    engine = Engine(opps, people)
    policies = [Weights(priority_bonus=0.05 * (i % 3)) for i in range(len(people))]
    for weights in (Weights(), policies):
        exact = engine.top_for_people(10, weights, exact=True)
        assert engine.top_for_people(10, weights) == exact
        for i in (0, 7, 39):
            w = weights[i] if isinstance(weights, list) else weights
            assert exact[i] == engine.top_for_person(people[i], 10, w)


def test_pruned_batch_scores_candidates_exactly(monkeypatch):
    # A budget of 15 candidate pairs per person: popular skills are set aside, so lists may
    # miss some opportunities, but every score given is the exact one, in order.
    monkeypatch.setattr(core, "_CANDIDATE_BUDGET", 15)
    opps, people = _small_world()
    engine = Engine(opps, people)
    pruned = engine.top_for_people(10)
    assert engine._pruning is not None and engine._pruning.n_popular > 0
    exact = engine.top_for_people(10, exact=True)
    found = 0
    for person, top, truth in zip(people, pruned, exact, strict=True):
        assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
        for opportunity_id, score in top:
            assert engine.explain(person, opportunity_id).score == pytest.approx(score, abs=1e-9)
        found += len({i for i, _ in top} & {i for i, _ in truth})
    assert found >= 0.5 * sum(len(t) for t in exact)
