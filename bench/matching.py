"""Matching benchmark: the scoring core at the scale of a district, a region and the country.

    python bench/matching.py                      # district, then region
    python bench/matching.py --scale national     # only when asked: ~30 minutes, ~8 GiB

Invented data with a fixed seed: an ESCO-sized vocabulary of 14,000 skills;
about 20 skills per person and per opportunity, drawn as in reality from
occupations (people and opportunities of the same trade share most of their
skills: 600 occupations of Zipf-like sizes, each with 40 characteristic
skills), a few transversal skills that nearly everyone has (Zipf-like
popularity) and some scattered ones; levels 1-4 (opportunities mostly ask
level 1 or 2); Italian asked by a third of the opportunities, English by some;
weekly hours and travel radius for some; places inside the area (district:
eight municipalities east of Milan; region: Lombardy's bounding box;
national: Italy's), gathered round towns.

For each scale:
- batch_s: `Engine.top_for_people(20)`, the pruned computation, for every
  person; exact_batch_s: the same with `exact=True`; recall_at_20: the mean
  over people of the share of the exact top 20 the pruned list found (a
  pruned item counts when its exact score is at least the exact 20th score
  - 1e-6; people with no match skipped). The pruned lists' scores are exact
  (candidates are scored with every skill): pruned_score_error_max checks
  them against the on-demand computation for 100 people;
- online_p95_ms: `top_for_person` for 200 random people against 200,000
  opportunities (district: its own 200), on demand, p95 of the wall-clock;
- build_s: building the engine (people pool and opportunities);
- peak_rss_mb: the process's peak resident memory (getrusage).

National scale (2,000,000 people x 200,000 opportunities): the exact top 20
of everyone is out of reach (hours), so the exact lists are computed for a
random sample of `exact_sample_people` people only, recall_at_20 is measured
on that sample and exact_batch_s is null.

District scale also measures the full recompute through the database:
400 people with skills who agreed to be matched and 200 open opportunities
are written to a throw-away database (DATABASE_URL, default a SQLite file
under var/bench/) and `lavorete.matching.services.matches_recompute()` is
timed (db_recompute_s), when that service exists.

Prints one JSON line per scale.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lavorete.matching.core import (  # noqa: E402
    Engine,
    OpportunityInput,
    PersonInput,
    Weights,
)

SEED = 20261122
VOCABULARY = 14_000
OCCUPATIONS = 600
OCCUPATION_SKILLS = 40
TRANSVERSAL = 150
K = 20
ONLINE_OPPORTUNITIES = 200_000
ONLINE_PEOPLE = 200

SCALES: dict[str, dict[str, Any]] = {
    "district": {"people": 400, "opportunities": 200},
    "region": {"people": 200_000, "opportunities": 20_000},
    "national": {"people": 2_000_000, "opportunities": 200_000, "exact_sample": 2_000},
}
# Eight municipalities east of Milan (Segrate, Pioltello, Cernusco sul Naviglio,
# Vimodrone, Cassina de' Pecchi, Gorgonzola, Melzo, Peschiera Borromeo).
DISTRICT_TOWNS = [
    (45.4900, 9.2950),
    (45.4990, 9.3300),
    (45.5260, 9.3330),
    (45.5140, 9.2850),
    (45.5200, 9.3620),
    (45.5310, 9.4050),
    (45.4990, 9.4220),
    (45.4330, 9.3110),
]
BOXES = {
    "region": ((44.68, 46.64), (8.50, 11.43)),  # Lombardy
    "national": ((36.65, 47.09), (6.63, 18.52)),  # Italy
}


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps({"bench": "matching", **payload}), flush=True)


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class World:
    """The skills and places people and opportunities are drawn from."""

    def __init__(self, scale: str, rng: np.random.Generator) -> None:
        self.rng = rng
        self.keys = [f"http://data.europa.eu/esco/skill/{i:05d}-bench" for i in range(VOCABULARY)]
        ranks = np.arange(1, VOCABULARY + 1)
        popularity = 1 / ranks**0.9
        self.popularity = popularity / popularity.sum()
        # Each occupation: 40 characteristic skills, drawn by popularity outside the
        # transversal ones (so some skills serve many trades, most serve few).
        specific = self.popularity[TRANSVERSAL:] / self.popularity[TRANSVERSAL:].sum()
        self.occupation_skills = np.stack(
            [
                TRANSVERSAL
                + rng.choice(VOCABULARY - TRANSVERSAL, OCCUPATION_SKILLS, replace=False, p=specific)
                for _ in range(OCCUPATIONS)
            ]
        )
        sizes = 1 / np.arange(1, OCCUPATIONS + 1) ** 0.8
        self.occupation_share = sizes / sizes.sum()
        transversal = self.popularity[:TRANSVERSAL]
        self.transversal_share = transversal / transversal.sum()
        # Inside an occupation the first skills are the most typical.
        typical = 1 / np.arange(1, OCCUPATION_SKILLS + 1) ** 0.5
        self.typical = typical / typical.sum()
        self.scale = scale
        if scale == "district":
            self.towns = np.array(DISTRICT_TOWNS)
            self.spread = 0.012
        else:
            (lat0, lat1), (lon0, lon1) = BOXES[scale]
            n_towns = 60 if scale == "region" else 400
            self.towns = np.column_stack(
                [rng.uniform(lat0, lat1, n_towns), rng.uniform(lon0, lon1, n_towns)]
            )
            self.spread = 0.05

    def _skills(self, occupation: int, own: int, transversal: int, scattered: int) -> list[int]:
        rng = self.rng
        chosen = list(
            self.occupation_skills[occupation][
                rng.choice(OCCUPATION_SKILLS, own, replace=False, p=self.typical)
            ]
        )
        chosen += list(
            rng.choice(TRANSVERSAL, transversal, replace=False, p=self.transversal_share)
        )
        chosen += list(rng.choice(VOCABULARY, scattered, p=self.popularity))
        return list(dict.fromkeys(int(s) for s in chosen))

    def _place(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        towns = self.towns[self.rng.integers(0, len(self.towns), n)]
        lat = towns[:, 0] + self.rng.normal(0, self.spread, n)
        lon = towns[:, 1] + self.rng.normal(0, self.spread * 1.4, n)
        return np.round(lat, 5), np.round(lon, 5)

    def people(self, n: int) -> list[PersonInput]:
        rng = self.rng
        occupations = rng.choice(OCCUPATIONS, n, p=self.occupation_share)
        lat, lon = self._place(n)
        located = rng.random(n) < 0.9
        hours = rng.choice([0, 20, 30, 40], n, p=[0.6, 0.15, 0.1, 0.15])
        radius = rng.choice([0, 10, 25, 50], n, p=[0.5, 0.2, 0.2, 0.1])
        italian = rng.choice([7, 3, 4, 2], n, p=[0.8, 0.08, 0.07, 0.05])
        english = rng.choice([0, 2, 3, 4], n, p=[0.4, 0.25, 0.2, 0.15])
        levels = rng.choice([1, 2, 3, 4], (n, 24), p=[0.3, 0.35, 0.25, 0.1])
        keys = self.keys
        result = []
        for i in range(n):
            skills = self._skills(int(occupations[i]), 13, 4, 3)
            languages = {"it": int(italian[i])}
            if english[i]:
                languages["en"] = int(english[i])
            result.append(
                PersonInput(
                    id=i + 1,
                    skills={keys[s]: int(levels[i, j]) for j, s in enumerate(skills)},
                    languages=languages,
                    lat=float(lat[i]) if located[i] else None,
                    lon=float(lon[i]) if located[i] else None,
                    radius_km=float(radius[i]) if radius[i] else None,
                    hours=int(hours[i]) if hours[i] else None,
                    priority=bool(rng.random() < 0.2),
                )
            )
        return result

    def opportunities(self, n: int) -> list[OpportunityInput]:
        rng = self.rng
        occupations = rng.choice(OCCUPATIONS, n, p=self.occupation_share)
        lat, lon = self._place(n)
        remote = rng.random(n) < 0.05
        hours = rng.choice([0, 20, 30, 40], n, p=[0.3, 0.2, 0.2, 0.3])
        levels = rng.choice([1, 2, 3], (n, 24), p=[0.6, 0.3, 0.1])
        keys = self.keys
        result = []
        for i in range(n):
            skills = self._skills(int(occupations[i]), 14, 3, 3)
            n_essential = min(len(skills), int(rng.integers(8, 14)))
            essential = {keys[s]: int(levels[i, j]) for j, s in enumerate(skills[:n_essential])}
            optional = {keys[s]: 1 for s in skills[n_essential:]}
            languages = {}
            if rng.random() < 0.33:
                languages["it"] = int(rng.choice([2, 3, 4]))
            if rng.random() < 0.15:
                languages["en"] = int(rng.choice([2, 3, 4]))
            result.append(
                OpportunityInput(
                    id=i + 1,
                    essential=essential,
                    optional=optional,
                    languages=languages,
                    lat=float(lat[i]),
                    lon=float(lon[i]),
                    remote=bool(remote[i]),
                    hours=int(hours[i]) if hours[i] else None,
                )
            )
        return result


def recall_at(
    pruned: list[list[tuple[Any, float]]], exact: list[list[tuple[Any, float]]], k: int = K
) -> float:
    """Mean share of the exact top k found: a pruned item counts when its (exact) score reaches
    the exact k-th score - 1e-6, so ties at the boundary are as good as the exact ones; people
    with no match are skipped."""
    shares = []
    for found, truth in zip(pruned, exact, strict=True):
        if not truth:
            continue
        boundary = truth[min(k, len(truth)) - 1][1] - 1e-6
        good = sum(1 for _, score in found[:k] if score >= boundary)
        shares.append(min(1.0, good / min(k, len(truth))))
    return float(np.mean(shares)) if shares else 1.0


def run_scale(scale: str) -> dict[str, Any]:
    shape = SCALES[scale]
    rng = np.random.default_rng(SEED)
    world = World(scale, rng)
    started = time.perf_counter()
    people = world.people(shape["people"])
    opportunities = world.opportunities(shape["opportunities"])
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    engine = Engine(opportunities, people)
    build_s = time.perf_counter() - started
    n_people = len(people)
    checked = np.random.default_rng(SEED + 4).choice(n_people, min(100, n_people), False)
    picks = np.random.default_rng(SEED + 3).choice(n_people, ONLINE_PEOPLE, replace=False)
    sample = shape.get("exact_sample")
    chosen = (
        sorted(np.random.default_rng(SEED + 1).choice(n_people, sample, replace=False))
        if sample
        else []
    )
    kept: Any = people
    if scale == "national":
        # Only the people looked at again are kept: two million PersonInput are gigabytes.
        kept = {int(i): people[int(i)] for i in (*checked, *picks, *chosen)}
        del people

    started = time.perf_counter()
    pruned = engine.top_for_people(K)
    batch_s = time.perf_counter() - started
    result: dict[str, Any] = {
        "scale": scale,
        "people": n_people,
        "opportunities": len(opportunities),
        "skills_vocabulary": VOCABULARY,
        "batch_s": round(batch_s, 2),
    }
    # A pruned list's scores are exact (its candidates are scored with every skill): an item
    # counts when its score reaches the exact list's last. Checked here on 100 people against
    # the on-demand computation.
    worst = 0.0
    for i in checked:
        found = pruned[int(i)]
        if found:
            positions = [engine._position[item] for item, _ in found]
            again = dict(engine.top_for_person(kept[int(i)], len(found), among=positions))
            worst = max(worst, max(abs(again.get(item, -1.0) - s) for item, s in found))
    result["pruned_score_error_max"] = worst
    if sample is None:
        started = time.perf_counter()
        exact = engine.top_for_people(K, exact=True)
        result["exact_batch_s"] = round(time.perf_counter() - started, 2)
        result["recall_at_20"] = round(recall_at(pruned, exact), 4)
    else:
        started = time.perf_counter()
        exact = [engine.top_for_person(kept[int(i)], K) for i in chosen]
        result["exact_batch_s"] = None
        result["exact_sample_people"] = sample
        result["exact_sample_s"] = round(time.perf_counter() - started, 2)
        result["recall_at_20"] = round(recall_at([pruned[int(i)] for i in chosen], exact), 4)
    result["mean_matches"] = round(float(np.mean([len(t) for t in pruned])), 2)

    # On demand, against 200,000 opportunities (district: its own 200, national: its own).
    target = engine
    if scale == "region":
        target = Engine(world.opportunities(ONLINE_OPPORTUNITIES), kept)
    for i in picks[:10]:  # warm-up
        target.top_for_person(kept[int(i)], K, Weights())
    samples = []
    for i in picks:
        started = time.perf_counter()
        target.top_for_person(kept[int(i)], K, Weights())
        samples.append((time.perf_counter() - started) * 1000)
    result["online_p95_ms"] = round(float(np.percentile(samples, 95)), 2)
    result["online_p50_ms"] = round(float(np.percentile(samples, 50)), 2)
    result["online_opportunities"] = len(target.opportunities)
    if scale == "district":
        result.update(_db_recompute(kept, opportunities))
    result["generate_s"] = round(generate_s, 1)
    result["build_s"] = round(build_s, 1)
    result["peak_rss_mb"] = _peak_rss_mb()
    result["machine"] = (
        f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    return result


DISTRICT_NAMES = [
    "Segrate",
    "Pioltello",
    "Cernusco sul Naviglio",
    "Vimodrone",
    "Cassina de' Pecchi",
    "Gorgonzola",
    "Melzo",
    "Peschiera Borromeo",
]
CEFR = {1: "A1", 2: "A2", 3: "B1", 4: "B2", 5: "C1", 6: "C2", 7: "native"}


def _db_recompute(people: list[PersonInput], opportunities: list[OpportunityInput]) -> dict:
    """The district's people and opportunities written to a throw-away database, then
    `matches_recompute()` timed: the stored matches computed again, reads and writes included.

    Rows are bulk-inserted as the services would write them (a consent to be matched for
    everyone, skills and languages, open opportunities of one organisation); a person's or an
    opportunity's place is the centre of the district municipality nearest to it."""
    default = f"sqlite:///{ROOT / 'var' / 'bench' / 'matching.sqlite3'}"
    url = os.environ.get("DATABASE_URL", default)
    if url == default:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        from lavorete.matching.services import matches_recompute
    except ImportError:
        return {"db_recompute_s": None, "db_note": "matches_recompute() not available yet"}
    from django.db import connection, transaction
    from django.utils import timezone

    from lavorete.matching.models import Match
    from lavorete.network.services import organisation_create, programme_create
    from lavorete.opportunities.models import (
        Opportunity,
        OpportunityLanguage,
        OpportunitySkill,
        OpportunityStatus,
    )
    from lavorete.people.consents import current_text
    from lavorete.people.models import (
        Consent,
        ConsentPurpose,
        Person,
        PersonLanguage,
        PersonSkill,
    )
    from lavorete.skills.models import RelationType, Skill
    from lavorete.territory.models import Municipality

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_municipalities", verbosity=0)
    towns = list(Municipality.objects.filter(name__in=DISTRICT_NAMES, province__abbreviation="MI"))
    centres = np.array([[float(t.latitude or 0), float(t.longitude or 0)] for t in towns])

    def nearest(lat: float | None, lon: float | None) -> Any:
        if lat is None or lon is None:
            return None
        return towns[int(np.argmin(((centres - [lat, lon]) ** 2).sum(axis=1)))]

    with transaction.atomic():
        keys = sorted(
            {k for p in people for k in p.skills}
            | {k for o in opportunities for k in (*o.essential, *o.optional)}
        )
        Skill.objects.bulk_create([Skill(uri=k, skill_type="skill") for k in keys])
        skill_id = dict(Skill.objects.filter(uri__in=keys).values_list("uri", "pk"))
        organisation = organisation_create(
            actor=None,
            name="Consorzio del distretto",
            kind="cooperative",
            legal_form="social_cooperative",
            municipality=towns[0],
        )
        programme = programme_create(
            actor=None,
            name="Lavoro nel distretto",
            lead_organisation=organisation,
            municipalities=towns,
        )
        today = timezone.localdate()
        made = Opportunity.objects.bulk_create(
            [
                Opportunity(
                    organisation=organisation,
                    programme=programme,
                    kind="job",
                    title=f"Posizione {o.id}",
                    municipality=nearest(o.lat, o.lon),
                    is_remote=o.remote,
                    weekly_hours=o.hours,
                    opens_on=today,
                    status=OpportunityStatus.OPEN,
                    published_at=timezone.now(),
                )
                for o in opportunities
            ]
        )
        OpportunitySkill.objects.bulk_create(
            [
                OpportunitySkill(
                    opportunity=row, skill_id=skill_id[k], relation=relation, level=level
                )
                for row, o in zip(made, opportunities, strict=True)
                for relation, required in (
                    (RelationType.ESSENTIAL, o.essential),
                    (RelationType.OPTIONAL, o.optional),
                )
                for k, level in required.items()
            ]
        )
        OpportunityLanguage.objects.bulk_create(
            [
                OpportunityLanguage(opportunity=row, language=code, level=CEFR[rank])
                for row, o in zip(made, opportunities, strict=True)
                for code, rank in o.languages.items()
            ]
        )
        persons = Person.objects.bulk_create(
            [
                Person(
                    first_name="Persona",
                    last_name=str(p.id),
                    email=f"persona{p.id}@example.org",
                    residence=nearest(p.lat, p.lon),
                    mobility_km=int(p.radius_km) if p.radius_km else None,
                    hours_per_week=p.hours,
                )
                for p in people
            ]
        )
        PersonSkill.objects.bulk_create(
            [
                PersonSkill(person=row, skill_id=skill_id[k], level=level)
                for row, p in zip(persons, people, strict=True)
                for k, level in p.skills.items()
            ]
        )
        PersonLanguage.objects.bulk_create(
            [
                PersonLanguage(person=row, language=code, level=CEFR[rank])
                for row, p in zip(persons, people, strict=True)
                for code, rank in p.languages.items()
            ]
        )
        version = current_text(ConsentPurpose.MATCHING).version
        Consent.objects.bulk_create(
            [
                Consent(person=row, purpose=ConsentPurpose.MATCHING, text_version=version)
                for row in persons
            ]
        )
    setup_s = time.perf_counter() - started
    samples = []
    summary = None
    for _ in range(5):
        started = time.perf_counter()
        summary = matches_recompute()
        samples.append(time.perf_counter() - started)
    result = {
        "db_recompute_s": round(float(np.median(samples)), 3),
        "db_recompute_max_s": round(max(samples), 3),
        "db": connection.vendor,
        "db_matches": Match.objects.count(),
        "db_summary": summary.as_dict() if summary else None,
        "db_setup_s": round(setup_s, 1),
    }
    connection.close()
    if url == default:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", choices=sorted(SCALES), help="default: district, then region")
    args = parser.parse_args()
    scales = [args.scale] if args.scale else ["district", "region"]
    for scale in scales:
        _emit(run_scale(scale))


if __name__ == "__main__":
    main()
