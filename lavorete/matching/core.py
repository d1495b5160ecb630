"""The matching engine's scoring core: people against opportunities, in plain NumPy/SciPy.

No Django here, so the core can be benchmarked (`bench/matching.py`), run from
the command line (`python -m lavorete.matching`) and reused alone. The
services turn database rows into `OpportunityInput`/`PersonInput` and a
programme's policy into `Weights`.

The score of a person for an opportunity (every part in [0, 1]):

- each skill counts by its rarity in the people pool, `w = ln(1 + N / (1 + df))`
  (N people, df of them hold the skill), so a rare skill asked weighs more than
  a common one;
- a skill held at the level asked earns full credit, held below it half;
- essential and optional skills give the weighted share of credit earned, and
  languages the share of required languages spoken well enough; the skill
  score is their average weighted by the policy (missing parts left out);
- distance and weekly hours take at most `weights.distance`/`weights.hours`
  off, in proportion to how poor the fit is;
- a person who holds none of the skills asked is never a match, and an
  opportunity that asks no skill matches nobody.

Feature encoding: a skill held at level `l` becomes the features (skill, 1) …
(skill, l); a skill required at level `L` puts half its normalised weight on
(skill, 1) ("holds it") and half on (skill, L) ("holds it at the level asked"),
so one sparse dot product gives `Σ w·credit` exactly.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

CEFR_RANK = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
EARTH_RADIUS_KM = 6371.0088
LEVELS = 4
# A skill always counts a little: with no people pool every rarity is 0 by the
# formula, and the floor then weighs the skills asked equally.
_RARITY_FLOOR = 1e-12
# Scores are rounded to this many decimals so that scores equal in exact
# arithmetic compare equal whatever order the sums were taken in (ties are then
# broken by the opportunity's position, as promised); top-k selections keep
# everything within _MARGIN of the k-th score before rounding.
_DECIMALS = 9
_MARGIN = 1e-9
_TINY = 1e-15
# Pairs handled at once by the pruned batch, cells by the exact one (bounds their memory).
_PAIRS_PER_CHUNK = 2_000_000
_DENSE_CELLS = 1048576
# Pruned batch: candidate pairs per person the selective skills may generate.
_CANDIDATE_BUDGET = 2000
# Pruned batch: at most this many popular features are scored from a dense table.
_MAX_POPULAR = 256


@dataclass(frozen=True)
class Weights:
    """A programme's matching policy, as floats."""

    essential: float = 0.60
    optional: float = 0.25
    languages: float = 0.15
    distance: float = 0.30
    hours: float = 0.10
    radius_km: float = 25.0
    priority_bonus: float = 0.0


@dataclass(frozen=True)
class OpportunityInput:
    id: Any
    essential: Mapping[str, int]
    optional: Mapping[str, int] = field(default_factory=dict)
    languages: Mapping[str, int] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    remote: bool = False
    hours: int | None = None


@dataclass(frozen=True)
class PersonInput:
    id: Any
    skills: Mapping[str, int]
    languages: Mapping[str, int] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    hours: int | None = None
    priority: bool = False


@dataclass(frozen=True)
class Explanation:
    opportunity: Any
    person: Any
    score: float
    essential: float | None
    optional: float | None
    languages: float | None
    essential_matched: tuple[str, ...]
    essential_below_level: tuple[str, ...]
    essential_missing: tuple[str, ...]
    optional_matched: tuple[str, ...]
    optional_missing: tuple[str, ...]
    languages_met: tuple[str, ...]
    languages_missing: tuple[str, ...]
    km: float | None
    distance_fit: float
    hours_fit: float
    priority: bool


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on the unit sphere: the chord between two of them gives the haversine distance."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)


def _level(value: Any) -> int:
    return min(LEVELS, max(1, int(value)))


def _levels(people: Sequence[PersonInput], total: int) -> np.ndarray:
    levels = np.fromiter(
        (v for p in people for v in p.skills.values()), dtype=np.float64, count=total
    )
    return np.clip(levels, 1, LEVELS).astype(np.int64)


def _located(item: OpportunityInput | PersonInput) -> bool:
    return item.lat is not None and item.lon is not None


class _People:
    """A set of people as arrays: features, place, radius, hours, priority, languages."""

    def __init__(
        self,
        engine: Engine,
        people: Sequence[PersonInput],
        skills: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        n = len(people)
        self.n = n
        self.ids = [p.id for p in people]
        counts = np.fromiter((len(p.skills) for p in people), dtype=np.int64, count=n)
        if skills is None:
            index = engine._skill_index
            total = int(counts.sum())
            skill = np.fromiter(
                (index.get(k, -1) for p in people for k in p.skills), dtype=np.int64, count=total
            )
            levels = _levels(people, total)
        else:
            skill, levels = skills
        rows = np.repeat(np.arange(n, dtype=np.int64), counts)
        table = engine._feature_table
        known = (skill >= 0) & (skill < table.shape[0])
        rows, skill, levels = rows[known], skill[known], levels[known]
        row_parts, col_parts = [], []
        for lv in range(LEVELS):
            held = np.flatnonzero(levels > lv)
            features = table[skill[held], lv]
            asked = features >= 0
            row_parts.append(rows[held][asked])
            col_parts.append(features[asked])
        r, c = np.concatenate(row_parts), np.concatenate(col_parts)
        x = sp.csr_matrix(
            (np.ones(len(r), dtype=np.float64), (r, c)), shape=(n, engine._n_features)
        )
        x.sum_duplicates()
        x.data[:] = 1.0
        x.sort_indices()
        self.x = x
        self.located = np.array([_located(p) for p in people], dtype=bool)
        lat = np.array([p.lat if _located(p) else 0.0 for p in people], dtype=np.float64)
        lon = np.array([p.lon if _located(p) else 0.0 for p in people], dtype=np.float64)
        self.unit = _unit_vectors(lat, lon) if n else np.zeros((0, 3))
        self.radius = np.array(
            [np.nan if p.radius_km is None else float(p.radius_km) for p in people],
            dtype=np.float64,
        )
        self.hours = np.array(
            [np.nan if p.hours is None else max(0.0, float(p.hours)) for p in people],
            dtype=np.float64,
        )
        self.priority = np.array([bool(p.priority) for p in people], dtype=bool)
        langs = np.zeros((n, len(engine._languages)), dtype=np.int8)
        for i, person in enumerate(people):
            for code, rank in person.languages.items():
                column = engine._language_index.get(code)
                if column is not None:
                    langs[i, column] = max(langs[i, column], int(rank))
        self.langs = langs


class _Policy:
    """One set of weights, turned into coefficients per opportunity."""

    def __init__(self, engine: Engine, weights: Weights) -> None:
        self.weights = weights
        we, wo, wl = float(weights.essential), float(weights.optional), float(weights.languages)
        den = we * engine._has_e + wo * engine._has_o + wl * (engine._n_langs > 0)
        inverse = np.divide(1.0, den, out=np.zeros(len(den)), where=den > 0)
        # A feature's credit for an opportunity, essential and optional folded in with the
        # policy's weights: one sparse product gives a pair's skill part. A weight of 0 still
        # leaves a trace (_TINY), so a positive credit keeps meaning "holds a skill asked".
        self.a_e = np.maximum(we * inverse, _TINY)
        self.a_o = np.maximum(wo * inverse, _TINY)
        # Per language met: the languages' share of the skill score, split between them.
        self.a_l = wl * inverse / np.maximum(1, engine._n_langs)
        self.credit = (
            sp.diags(self.a_e) @ engine._qe + sp.diags(self.a_o) @ engine._qo
        ).tocsr()  # opportunities x features
        self.credit_t = self.credit.T.tocsr()
        self._language_tables: list[np.ndarray] | None = None

    def language_tables(self, engine: Engine) -> list[np.ndarray]:
        """Per language asked: (rank 0..7) x opportunities, the credit for speaking it at
        that rank (the language's share when the rank meets the minimum, else 0)."""
        if self._language_tables is None:
            ranks = np.arange(8)[:, None]
            self._language_tables = [
                np.where((need > 0) & (ranks >= need), self.a_l, 0.0)
                for need in engine._opp_langs.T.astype(np.int64)
            ]
        return self._language_tables

    def skill(self, opp: np.ndarray, e: np.ndarray, o: np.ndarray) -> np.ndarray:
        return e * self.a_e[opp] + o * self.a_o[opp]


class _Pruning:
    """What the pruned batch needs, computed once for the pool.

    Skills asked by many opportunities ("popular") would make every person a
    candidate for most opportunities: the most asked are set aside until the
    candidate pairs the others generate fit within half of `_CANDIDATE_BUDGET`
    per person on average. Each person then gets back their own popular skills,
    the least asked first, while their candidates stay within the budget (so the
    trade of someone in a large occupation still finds its opportunities).
    Candidates are scored exactly: the credit of the popular skills is added
    back pair by pair (opportunities x popular features)."""

    def __init__(self, engine: Engine) -> None:
        x = engine._pool.x
        asked_by = engine._feature_opps.astype(np.float64)
        held_by = np.bincount(x.indices, minlength=engine._n_features).astype(np.float64)
        order = np.argsort(-asked_by, kind="stable")
        load = held_by[order] * asked_by[order]
        remaining = load.sum() - np.cumsum(load)
        budget = _CANDIDATE_BUDGET / 2 * max(1, engine._pool.n)
        n_popular = int(np.searchsorted(-remaining, -budget)) + 1 if load.sum() > budget else 0
        n_popular = min(n_popular, _MAX_POPULAR, len(order))
        popular = np.sort(order[:n_popular])
        is_popular = np.zeros(engine._n_features, dtype=bool)
        is_popular[popular] = True
        selective = x.copy()
        selective.data[is_popular[selective.indices]] = 0.0
        selective.eliminate_zeros()
        self.x_selective = selective
        self.load = np.asarray(selective @ asked_by).ravel()
        self.n_popular = n_popular
        self.popular = popular
        self.x_popular = x[:, popular].tocsr()
        self._tables: dict[Weights, sp.csr_matrix] = {}
        # Each person's popular features given back to candidate generation.
        xp = self.x_popular
        rows = np.repeat(np.arange(xp.shape[0]), np.diff(xp.indptr))
        features = popular[xp.indices]
        cost = asked_by[features]
        order = np.lexsort((cost, rows))
        rows, features, cost = rows[order], features[order], cost[order]
        total = np.cumsum(cost)
        first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        before = np.repeat(total[first] - cost[first], np.diff(np.r_[first, len(rows)]))
        keep = (total - before) + self.load[rows] <= _CANDIDATE_BUDGET
        # Their pairs only need to exist: the credit comes from the table, so the product's
        # values from these features are made negligible (1e-200 x credit).
        self.x_extra = sp.csr_matrix(
            (np.full(int(keep.sum()), 1e-200), (rows[keep], features[keep])), shape=x.shape
        )
        self.load += np.bincount(rows[keep], cost[keep], minlength=x.shape[0])

    def popular_credit(self, policy: _Policy) -> sp.csr_matrix:
        """The policy's credit of each opportunity for each popular feature."""
        table = self._tables.get(policy.weights)
        if table is None:
            table = policy.credit[:, self.popular].tocsr()
            table.sort_indices()
            self._tables = {policy.weights: table}
        return table


def _gather(matrix: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows`, the positions of its stored entries: (which row of `rows`, position)."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    shift = (starts - (np.cumsum(lengths) - lengths))[owner]
    return owner, np.arange(len(owner)) + shift


def _top_k_rows(
    rows: np.ndarray, opp: np.ndarray, score: np.ndarray, n_rows: int, k: int
) -> list[list[tuple[int, float]]]:
    """Per row: the best k (opportunity position, score), score desc then position asc."""
    out: list[list[tuple[int, float]]] = [[] for _ in range(n_rows)]
    if len(rows) == 0 or k <= 0:
        return out
    score = np.round(score, _DECIMALS)
    order = np.lexsort((opp, -score, rows))
    rows, opp, score = rows[order], opp[order], score[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    counts = np.diff(np.r_[starts, len(rows)])
    rank = np.arange(len(rows)) - np.repeat(starts, counts)
    keep = rank < k
    rows, opp, score = rows[keep], opp[keep], score[keep]
    bounds = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1], True])
    opp_list, score_list = opp.tolist(), score.tolist()
    for a, b in itertools.pairwise(bounds):
        out[int(rows[a])] = list(zip(opp_list[a:b], score_list[a:b], strict=True))
    return out


class Engine:
    """Opportunities (and optionally a pool of people) ready to be scored."""

    def __init__(
        self,
        opportunities: Sequence[OpportunityInput],
        people: Sequence[PersonInput] = (),
        *,
        rarity: Mapping[str, float] | None = None,
    ) -> None:
        self.opportunities = list(opportunities)
        # The pool is kept as arrays only (a national pool of PersonInput is gigabytes).
        people = list(people)
        self._position: dict[Any, int] = {}
        for i, opp in enumerate(self.opportunities):
            if opp.id in self._position:
                raise ValueError(f"duplicate opportunity id {opp.id!r}")
            self._position[opp.id] = i
        n_opp = len(self.opportunities)

        # Skills: every key seen, with its rarity in the people pool.
        keys: dict[str, int] = {}
        for opp in self.opportunities:
            for key in itertools.chain(opp.essential, opp.optional):
                keys.setdefault(key, len(keys))
        n_asked = len(keys)
        total = sum(len(p.skills) for p in people)
        pool_skills = np.fromiter(
            (keys.setdefault(k, len(keys)) for p in people for k in p.skills),
            dtype=np.int64,
            count=total,
        )
        for key in rarity or ():
            keys.setdefault(key, len(keys))
        n_people = len(people)
        df = np.bincount(pool_skills, minlength=len(keys))
        self.rarity: dict[str, float] = dict(
            zip(keys, np.log1p(n_people / (1.0 + df)).tolist(), strict=True)
        )
        if rarity:
            self.rarity.update({key: float(value) for key, value in rarity.items()})
        self._skill_index = keys

        # Features (skill, level - 1) that some opportunity asks for, numbered compactly.
        self._feature_of: dict[tuple[int, int], int] = {}
        e_rows: list[int] = []
        e_cols: list[int] = []
        e_vals: list[float] = []
        o_rows: list[int] = []
        o_cols: list[int] = []
        o_vals: list[float] = []
        for i, opp in enumerate(self.opportunities):
            for required, rows, cols, vals in (
                (opp.essential, e_rows, e_cols, e_vals),
                (opp.optional, o_rows, o_cols, o_vals),
            ):
                if not required:
                    continue
                w = {k: max(self.rarity[k], _RARITY_FLOOR) for k in required}
                weight_sum = sum(w.values())
                for key, level in required.items():
                    share = w[key] / weight_sum
                    s = self._skill_index[key]
                    lv = _level(level) - 1
                    parts = [(0, share)] if lv == 0 else [(0, share / 2), (lv, share / 2)]
                    for feature_level, value in parts:
                        f = self._feature_of.setdefault((s, feature_level), len(self._feature_of))
                        rows.append(i)
                        cols.append(f)
                        vals.append(value)
        n_features = len(self._feature_of)
        self._n_features = n_features
        self._feature_table = np.full((n_asked, LEVELS), -1, dtype=np.int64)
        for (skill, level), feature in self._feature_of.items():
            self._feature_table[skill, level] = feature

        def matrix(rows: list[int], cols: list[int], vals: list[float]) -> sp.csr_matrix:
            m = sp.csr_matrix(
                (np.asarray(vals, dtype=np.float64), (np.asarray(rows), np.asarray(cols))),
                shape=(n_opp, n_features),
            )
            m.sum_duplicates()
            return m

        self._qe = matrix(e_rows, e_cols, e_vals)  # opportunities x features
        self._qo = matrix(o_rows, o_cols, o_vals)
        self._has_e = np.array([bool(o.essential) for o in self.opportunities], dtype=bool)
        self._has_o = np.array([bool(o.optional) for o in self.opportunities], dtype=bool)
        # Opportunities asking for a feature (essential or optional): how selective it is.
        asked = (self._qe + self._qo).tocsr()
        self._feature_opps = np.bincount(asked.indices, minlength=n_features)

        # Languages.
        codes: dict[str, None] = {}
        for opp in self.opportunities:
            codes.update(dict.fromkeys(opp.languages))
        self._languages = list(codes)
        self._language_index = {code: i for i, code in enumerate(self._languages)}
        self._opp_langs = np.zeros((n_opp, len(codes)), dtype=np.int8)
        for i, opp in enumerate(self.opportunities):
            for code, rank in opp.languages.items():
                self._opp_langs[i, self._language_index[code]] = max(1, int(rank))
        self._n_langs = (self._opp_langs > 0).sum(axis=1)

        # Place and hours.
        self._opp_located = np.array(
            [_located(o) and not o.remote for o in self.opportunities], dtype=bool
        )
        lat = np.array([o.lat if _located(o) else 0.0 for o in self.opportunities])
        lon = np.array([o.lon if _located(o) else 0.0 for o in self.opportunities])
        self._opp_unit = _unit_vectors(lat, lon) if n_opp else np.zeros((0, 3))
        self._opp_hours = np.array(
            [np.nan if o.hours is None else max(0.0, float(o.hours)) for o in self.opportunities],
            dtype=np.float64,
        )

        self._pool = _People(self, people, (pool_skills, _levels(people, len(pool_skills))))
        self._pool_t: sp.csr_matrix | None = None  # features x people, built when needed
        self._pruning: _Pruning | None = None
        self._policies: dict[Weights, _Policy] = {}
        self._last_grouping: tuple[Sequence[Weights], list[tuple[_Policy, np.ndarray]]] | None
        self._last_grouping = None

    # --- scoring -------------------------------------------------------------------------

    def _policy(self, weights: Weights) -> _Policy:
        policy = self._policies.get(weights)
        if policy is None:
            policy = self._policies[weights] = _Policy(self, weights)
        return policy

    def _groups(
        self, weights: Weights | Sequence[Weights], n: int
    ) -> list[tuple[_Policy, np.ndarray]]:
        """People (rows 0..n-1) grouped by the weights that apply to them."""
        if isinstance(weights, Weights):
            return [(self._policy(weights), np.arange(n))]
        if len(weights) != n:
            raise ValueError(f"{len(weights)} weights for {n} people")
        # The same list passed again (top_for_opportunity for each opportunity in turn) is
        # grouped once.
        last = self._last_grouping
        if last is not None and last[0] is weights:
            return last[1]
        rows: dict[Weights, list[int]] = {}
        for i, w in enumerate(weights):
            rows.setdefault(w, []).append(i)
        groups = [(self._policy(w), np.asarray(r, dtype=np.int64)) for w, r in rows.items()]
        self._last_grouping = (weights, groups)
        return groups

    def _scores(
        self, people: _People, policy: _Policy, rows: np.ndarray, opp: np.ndarray, skill: np.ndarray
    ) -> np.ndarray:
        """The score of each pair (person row, opportunity position), not yet rounded.

        `skill` is the pair's credit for the skills asked, essential and optional
        weighted as the policy says (`_Policy.credit`); pairs where it is 0 are
        outside the gate and get -1."""
        gated = skill > 0
        score = skill.astype(np.float64)  # a copy
        if self._languages:
            asked = np.flatnonzero(self._n_langs[opp] > 0)
            if len(asked):
                need = self._opp_langs[opp[asked]]
                met = ((people.langs[rows[asked]] >= need) & (need > 0)).sum(axis=1)
                score[asked] += met * policy.a_l[opp[asked]]
        w = policy.weights
        context = np.ones(len(rows))
        if w.distance:
            both = np.flatnonzero(people.located[rows] & self._opp_located[opp])
            if len(both):
                r_rows = rows[both]
                dot = np.einsum("ij,ij->i", people.unit[r_rows], self._opp_unit[opp[both]])
                radius = people.radius[r_rows]
                radius = np.where(np.isnan(radius), w.radius_km, radius)
                context[both] -= w.distance * (1 - _distance_fit(dot, radius))
        if w.hours:
            ph, oh = people.hours[rows], self._opp_hours[opp]
            short = np.flatnonzero(ph < oh)  # False wherever either is unknown (NaN)
            context[short] -= w.hours * (1 - ph[short] / oh[short])
        score *= context
        if w.priority_bonus:
            score += np.where(people.priority[rows], w.priority_bonus, 0.0)
        np.clip(score, 0.0, 1.0, out=score)
        score[~gated] = -1.0
        return score

    def _dense_scores(
        self, people: _People, policy: _Policy, rows: np.ndarray, skill: np.ndarray
    ) -> np.ndarray:
        """`_scores` of every pair of `rows` x all opportunities, as a matrix (`skill` reused)."""
        outside = skill <= 0
        score = skill
        if self._languages and policy.weights.languages:
            # Per language, the credit a person earns from each opportunity for each rank they
            # may have: a row of this table per person, instead of comparisons per pair.
            langs = people.langs[rows]
            for c, table in enumerate(policy.language_tables(self)):
                score += table[langs[:, c]]
        w = policy.weights
        context: np.ndarray | None = None
        if w.distance and self._opp_located.any():
            located = people.located[rows]
            if located.any():
                dot = people.unit[rows] @ self._opp_unit.T
                radius = people.radius[rows]
                radius = np.where(np.isnan(radius), w.radius_km, radius)
                context = _distance_fit(dot, radius[:, None])
                if not (located.all() and self._opp_located.all()):
                    context[~(located[:, None] & self._opp_located[None, :])] = 1.0
                # 1 - distance·(1 - fit) = (1 - distance) + distance·fit
                context *= w.distance
                context += 1 - w.distance
        if w.hours:
            known = np.flatnonzero(~np.isnan(people.hours[rows]))
            if len(known):
                # fmin ignores NaN: an opportunity with no hours (or 0 asked) fits.
                with np.errstate(divide="ignore", invalid="ignore"):
                    fit = np.fmin(people.hours[rows[known]][:, None] / self._opp_hours, 1.0)
                fit -= 1.0
                fit *= w.hours
                if context is None:
                    context = np.ones(score.shape)
                context[known] += fit
        if context is not None:
            score *= context
        if w.priority_bonus:
            score += np.where(people.priority[rows], w.priority_bonus, 0.0)[:, None]
        np.clip(score, 0.0, 1.0, out=score)
        score[outside] = -1.0
        return score

    def _exact_rows(
        self, people: _People, policy: _Policy, rows: np.ndarray, k: int
    ) -> Iterator[tuple[int, list[tuple[int, float]]]]:
        """Exact top k of the given rows against every opportunity, a dense block at a time."""
        n_opp = len(self.opportunities)
        step = max(1, _DENSE_CELLS // max(1, n_opp))
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            skill = (people.x[chunk] @ policy.credit_t).toarray()
            score = self._dense_scores(people, policy, chunk, skill)
            if n_opp > k:
                kth = np.partition(score, n_opp - k, axis=1)[:, n_opp - k]
                keep = score >= np.maximum(kth - _MARGIN, 0.0)[:, None]
            else:
                keep = score >= 0
            local, opp = np.nonzero(keep)
            ranked = _top_k_rows(local, opp, score[local, opp], len(chunk), k)
            yield from zip(chunk.tolist(), ranked, strict=True)

    def _named(self, ranked: list[tuple[int, float]]) -> list[tuple[Any, float]]:
        return [(self.opportunities[pos].id, score) for pos, score in ranked]

    # --- on demand -----------------------------------------------------------------------

    def top_for_person(
        self,
        person: PersonInput,
        k: int,
        weights: Weights = Weights(),
        *,
        among: Sequence[int] | None = None,
    ) -> list[tuple[Any, float]]:
        """The person's best k opportunities (exact), optionally among these positions only."""
        n_opp = len(self.opportunities)
        if k <= 0 or n_opp == 0:
            return []
        one = _People(self, [person])
        features = one.x.indices
        if len(features) == 0:
            return []
        policy = self._policy(weights)
        _, positions = _gather(policy.credit_t, features)
        skill = np.bincount(
            policy.credit_t.indices[positions], policy.credit_t.data[positions], n_opp
        )
        gated = skill > 0
        if among is not None:
            allowed = np.zeros(n_opp, dtype=bool)
            wanted = np.asarray(among, dtype=np.int64)
            allowed[wanted[(wanted >= 0) & (wanted < n_opp)]] = True
            gated &= allowed
        opp = np.flatnonzero(gated)
        if len(opp) > k:
            # Only opportunities that may reach the k-th best are scored in full: a score lies
            # between its skill part times the poorest context (plus any bonus) and its skill
            # part with every language met (plus any bonus).
            w = policy.weights
            bonus = w.priority_bonus if person.priority else 0.0
            low = skill[opp] * max(0.0, 1 - w.distance - w.hours) + bonus
            high = skill[opp] + policy.a_l[opp] * self._n_langs[opp] + bonus
            floor = np.partition(low, len(opp) - k)[len(opp) - k]
            opp = opp[high >= min(1.0, floor) - _MARGIN]
        rows = np.zeros(len(opp), dtype=np.int64)
        score = self._scores(one, policy, rows, opp, skill[opp])
        if len(opp) > k:
            # Keep everything tied with the k-th score, then order exactly.
            kth = np.partition(score, len(opp) - k)[len(opp) - k]
            keep = score >= kth - _MARGIN
            opp, score, rows = opp[keep], score[keep], rows[keep]
        return self._named(_top_k_rows(rows, opp, score, 1, k)[0])

    def top_for_opportunity(
        self,
        opportunity_id: Any,
        k: int,
        weights: Weights | Sequence[Weights] = Weights(),
        *,
        among: Sequence[int] | None = None,
    ) -> list[tuple[Any, float]]:
        """The best k people of the pool for one opportunity, optionally among these positions."""
        pos = self._position[opportunity_id]
        n = self._pool.n
        if k <= 0 or n == 0:
            return []
        if self._pool_t is None:
            self._pool_t = self._pool.x.T.tocsr()
        pool_t = self._pool_t
        allowed = np.ones(n, dtype=bool)
        if among is not None:
            allowed[:] = False
            wanted = np.asarray(among, dtype=np.int64)
            allowed[wanted[(wanted >= 0) & (wanted < n)]] = True
        people_parts, score_parts = [], []
        for policy, group in self._groups(weights, n):
            credit = policy.credit
            features = credit.indices[credit.indptr[pos] : credit.indptr[pos + 1]]
            values = credit.data[credit.indptr[pos] : credit.indptr[pos + 1]]
            owner, positions = _gather(pool_t, features)
            skill = np.bincount(pool_t.indices[positions], values[owner], n)
            people = group[(skill[group] > 0) & allowed[group]]
            opp = np.full(len(people), pos, dtype=np.int64)
            people_parts.append(people)
            score_parts.append(self._scores(self._pool, policy, people, opp, skill[people]))
        people, score = (
            np.concatenate(people_parts),
            np.round(np.concatenate(score_parts), _DECIMALS),
        )
        order = np.lexsort((people, -score))[:k]
        return [
            (self._pool.ids[int(p)], float(s))
            for p, s in zip(people[order], score[order], strict=True)
        ]

    # --- batch ---------------------------------------------------------------------------

    def top_for_people(
        self,
        k: int,
        weights: Weights | Sequence[Weights] = Weights(),
        *,
        exact: bool = False,
    ) -> list[list[tuple[Any, float]]]:
        """Every pool person's best k opportunities; pruned (fast, near-exact) unless `exact`."""
        n = self._pool.n
        result: list[list[tuple[Any, float]]] = [[] for _ in range(n)]
        if n == 0 or k <= 0 or not self.opportunities:
            return result
        for policy, rows in self._groups(weights, n):
            ranked = (
                self._exact_rows(self._pool, policy, rows, k)
                if exact
                else self._pruned(policy, rows, k)
            )
            for row, top in ranked:
                result[row] = self._named(top)
        return result

    def _plan(self) -> _Pruning:
        if self._pruning is None:
            self._pruning = _Pruning(self)
        return self._pruning

    def _pruned(
        self, policy: _Policy, rows: np.ndarray, k: int
    ) -> Iterator[tuple[int, list[tuple[int, float]]]]:
        """Top k through candidates: the opportunities sharing a selective skill with the person,
        scored exactly with all their skills; people with fewer than k such get the exact
        computation."""
        plan = self._plan()
        people = self._pool
        n_opp = len(self.opportunities)
        popular = plan.popular_credit(policy) if plan.n_popular else None
        short: list[np.ndarray] = []
        for chunk in _chunks(plan.load[rows], _PAIRS_PER_CHUNK):
            chunk_rows = rows[chunk]
            product = (plan.x_selective[chunk_rows] @ policy.credit_t).tocsr()
            if plan.x_extra.nnz:
                product = (product + plan.x_extra[chunk_rows] @ policy.credit_t).tocsr()
            counts = np.diff(product.indptr)
            local = np.repeat(np.arange(len(chunk_rows)), counts)
            opp = product.indices.astype(np.int64)
            skill = product.data
            if popular is not None:
                # Through the opportunity's popular features (fewer than the person's): its
                # credit for each, times whether the person holds it.
                holds = plan.x_popular[chunk_rows].toarray()
                owner, positions = _gather(popular, opp)
                held = holds[local[owner], popular.indices[positions]]
                skill += np.bincount(owner, popular.data[positions] * held, len(opp))
            score = self._scores(people, policy, chunk_rows[local], opp, skill)
            # Per person, the k-th best candidate score: through a padded matrix, one row each.
            width = int(counts.max()) if len(counts) else 0
            if width > k:
                rank = np.arange(len(local)) - np.repeat(np.cumsum(counts) - counts, counts)
                padded = np.full((len(chunk_rows), width), -1.0)
                padded[local, rank] = score
                kth = np.partition(padded, width - k, axis=1)[:, width - k]
                keep = score >= kth[local] - _MARGIN
                local, opp, score = local[keep], opp[keep], score[keep]
            ranked = _top_k_rows(local, opp, score, len(chunk_rows), k)
            few = counts < min(k, n_opp)
            short.append(chunk_rows[few])
            for row, top, is_short in zip(chunk_rows.tolist(), ranked, few.tolist(), strict=True):
                if not is_short:
                    yield row, top
        if short:
            yield from self._exact_rows(people, policy, np.concatenate(short), k)

    # --- explanations and gaps -----------------------------------------------------------

    def explain(
        self,
        person: PersonInput,
        opportunity_id: Any,
        weights: Weights = Weights(),
    ) -> Explanation:
        """Every part of the person's score for the opportunity."""
        pos = self._position[opportunity_id]
        opp = self.opportunities[pos]

        def part(
            required: Mapping[str, int],
        ) -> tuple[float | None, list[str], list[str], list[str]]:
            matched: list[str] = []
            below: list[str] = []
            missing: list[str] = []
            if not required:
                return None, matched, below, missing
            w = {k: max(self.rarity.get(k, 0.0), _RARITY_FLOOR) for k in required}
            earned = 0.0
            for key, level in required.items():
                held = person.skills.get(key)
                if held is None:
                    missing.append(key)
                elif _level(held) >= _level(level):
                    matched.append(key)
                    earned += w[key]
                else:
                    below.append(key)
                    earned += w[key] / 2
            return earned / sum(w.values()), matched, below, missing

        essential, e_matched, e_below, e_missing = part(opp.essential)
        optional, o_matched, o_below, o_missing = part(opp.optional)
        met = [c for c, r in opp.languages.items() if person.languages.get(c, 0) >= max(1, r)]
        languages = len(met) / len(opp.languages) if opp.languages else None
        km = None
        if _located(person) and _located(opp) and not opp.remote:
            km = haversine_km(person.lat, person.lon, opp.lat, opp.lon)  # type: ignore[arg-type]
        radius = weights.radius_km if person.radius_km is None else person.radius_km
        if km is None:
            distance_fit = 1.0
        elif radius > 0:
            distance_fit = min(1.0, max(0.0, 2 - km / radius))
        else:
            distance_fit = 1.0 if km <= radius else 0.0
        hours_fit = 1.0
        if person.hours is not None and opp.hours is not None and person.hours < opp.hours:
            hours_fit = max(0, person.hours) / opp.hours
        gated = bool(e_matched or e_below or o_matched or o_below)
        policy = self._policy(weights)
        at = np.array([pos])
        skill = policy.skill(at, np.array([essential or 0.0]), np.array([optional or 0.0]))
        one = _People(self, [person])
        score = np.round(
            self._scores(one, policy, np.zeros(1, dtype=np.int64), at, skill), _DECIMALS
        )
        return Explanation(
            opportunity=opp.id,
            person=person.id,
            score=max(0.0, float(score[0])) if gated else 0.0,
            essential=essential,
            optional=optional,
            languages=languages,
            essential_matched=tuple(e_matched),
            essential_below_level=tuple(e_below),
            essential_missing=tuple(e_missing),
            optional_matched=tuple(o_matched + o_below),
            optional_missing=tuple(o_missing),
            languages_met=tuple(met),
            languages_missing=tuple(c for c in opp.languages if c not in met),
            km=km,
            distance_fit=distance_fit,
            hours_fit=hours_fit,
            priority=bool(person.priority and gated and weights.priority_bonus > 0),
        )

    def skill_gaps(
        self, person: PersonInput, opportunity_ids: Sequence[Any]
    ) -> list[tuple[str, int, float]]:
        """Essential skills the person lacks (or holds below the level) across these opportunities:
        (skill, how many of them ask it, rarity), most asked first, then rarest."""
        counts: Counter[str] = Counter()
        for opportunity_id in dict.fromkeys(opportunity_ids):
            opp = self.opportunities[self._position[opportunity_id]]
            for key, level in opp.essential.items():
                held = person.skills.get(key)
                if held is None or _level(held) < _level(level):
                    counts[key] += 1
        gaps = [(key, n, self.rarity.get(key, 0.0)) for key, n in counts.items()]
        gaps.sort(key=lambda g: (-g[1], -g[2], g[0]))
        return gaps


def _distance_fit(dot: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Distance fit from the dot product of unit vectors: 1 within the radius, 0 beyond twice
    it, linear between (only there is the distance itself computed)."""
    positive = radius > 0
    safe = np.where(positive, radius, 1.0)
    near = np.where(positive, np.cos(np.minimum(np.pi, safe / EARTH_RADIUS_KM)), 1.0)
    near = np.where(radius < 0, 2.0, near)  # a negative radius: nothing is near
    far = np.where(positive, np.cos(np.minimum(np.pi, 2 * safe / EARTH_RADIUS_KM)), near)
    fit = (dot >= near).astype(np.float64)
    band = np.nonzero((dot < near) & (dot > far))
    if len(band[0]):
        km = EARTH_RADIUS_KM * np.arccos(np.clip(dot[band], -1.0, 1.0))
        fit[band] = np.clip(2 - km / np.broadcast_to(safe, dot.shape)[band], 0.0, 1.0)
    return fit


def _chunks(load: np.ndarray, budget: int) -> Iterator[np.ndarray]:
    """Consecutive index ranges whose summed load stays within the budget (at least one each)."""
    n = len(load)
    cumulative = np.cumsum(load)
    start = 0
    while start < n:
        base = cumulative[start - 1] if start else 0.0
        end = int(np.searchsorted(cumulative, base + budget, side="right"))
        end = max(end, start + 1)
        yield np.arange(start, min(end, n))
        start = end


def area_gaps(
    demand: Mapping[str, int], supply: Mapping[str, int], people: int
) -> list[tuple[str, int, float]]:
    """Skills asked by open opportunities vs held by local people: (skill, demand, share holding
    it), ranked by demand·(1 - share), only skills with demand."""
    rows = []
    for key, asked in demand.items():
        if asked <= 0:
            continue
        share = min(1.0, supply.get(key, 0) / people) if people > 0 else 0.0
        rows.append((key, int(asked), share))
    rows.sort(key=lambda g: (-g[1] * (1 - g[2]), -g[1], g[0]))
    return rows
