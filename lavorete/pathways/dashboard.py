"""A programme's figures for its coordinators, operators, evaluators and funders.

Every count comes from the enrolments' intake snapshot (`Enrolment.municipality`
and the `cat_*` flags), their stages, transitions, outcomes and follow-ups:
never from `Person`, so erasing someone's record (Art. 17) leaves the figures
as they were. The work is a fixed handful of aggregate queries whatever the
number of people (see `programme_figures`); the pages keep the result in the
cache until the next audited write (`programme_figures_cached`).

`programme_figures` gives the true counts; `published_figures` the same after
small-cell suppression (`lavorete.core.suppression`), the only version a page
or an export ever shows. Additive breakdowns (municipality, status, current
stage, contract type, follow-up answers) add up to their total and get
secondary suppression; categories, the stages people reached and the outcomes
overlap and get primary suppression only. Hidden cells are listed after the
visible ones in a fixed order, never sorted by their value.

Charts are inline SVG drawn by the templates from the geometry computed here.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lavorete.core.models import AuditEntry
from lavorete.core.permissions import scope_access
from lavorete.core.roles import ScopeKind
from lavorete.core.suppression import (
    Cell,
    CellState,
    cell,
    share,
    suppress_part,
    suppress_series,
)
from lavorete.network.models import Programme
from lavorete.pathways.models import (
    CATEGORY_FIELDS,
    FOLLOW_UP_MONTHS,
    ContractType,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Outcome,
    OutcomeKind,
    ProgrammeTarget,
    Stage,
    StageTransition,
    TargetKind,
)
from lavorete.people.models import Category
from lavorete.territory.models import Municipality

DASHBOARD_PERM = "pathways.view_dashboard"

# --- selectors ---------------------------------------------------------------------------


def dashboard_programmes(user: Any) -> QuerySet[Programme]:
    """Programmes whose dashboard `user` may see, each with its people reached and the
    headline target (`reached`, `reached_target`): one query."""
    access = scope_access(user, DASHBOARD_PERM)
    queryset = Programme.objects.all()
    if not access.everywhere:
        queryset = queryset.filter(
            Q(pk__in=access.of(ScopeKind.PROGRAMME))
            | Q(lead_organisation__in=access.of(ScopeKind.ORGANISATION))
        )
    reached = (
        Enrolment.objects.filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    target = ProgrammeTarget.objects.filter(
        programme=OuterRef("pk"), kind=TargetKind.REACHED, category=""
    ).values("value")[:1]
    return queryset.annotate(
        reached=Coalesce(Subquery(reached, output_field=IntegerField()), Value(0)),
        reached_target=Subquery(target, output_field=IntegerField()),
    ).order_by("name", "pk")


# --- true figures --------------------------------------------------------------------------


def _category_label(code: str) -> str:
    return str(Category(code).label) if code in Category.values else code


def _enrolment_counts(
    programme: Programme,
) -> tuple[dict[str, int], dict[int | None, int], dict[int | None, int]]:
    """One pass over the programme's enrolments, grouped by municipality, stage and status
    (a few hundred groups at most), each with its category counts; the rest is addition."""
    flags = {
        f"in_{code}": Count("pk", filter=Q(**{flag: True}))
        for code, flag in CATEGORY_FIELDS.items()
    }
    groups = (
        Enrolment.objects.filter(programme=programme)
        .order_by()
        .values("municipality_id", "stage_id", "status")
        .annotate(n=Count("pk"), **flags)
    )
    people: dict[str, int] = dict.fromkeys(
        ["reached"]
        + [f"status_{s}" for s in EnrolmentStatus.values]
        + list(flags)
        + [f"completed_{code}" for code in CATEGORY_FIELDS],
        0,
    )
    by_municipality: dict[int | None, int] = {}
    at_stage: dict[int | None, int] = {}
    for group in cast(Iterable[dict[str, Any]], groups):
        n = group["n"]
        people["reached"] += n
        people[f"status_{group['status']}"] += n
        for code in CATEGORY_FIELDS:
            people[f"in_{code}"] += group[f"in_{code}"]
            if group["status"] == EnrolmentStatus.COMPLETED:
                people[f"completed_{code}"] += group[f"in_{code}"]
        by_municipality[group["municipality_id"]] = (
            by_municipality.get(group["municipality_id"], 0) + n
        )
        at_stage[group["stage_id"]] = at_stage.get(group["stage_id"], 0) + n
    return people, by_municipality, at_stage


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _funnel(stages: list[Stage]) -> dict[int, int]:
    """People who ever reached each stage: distinct enrolments among the moves into it."""
    return dict(
        StageTransition.objects.filter(to_stage_id__in=[s.pk for s in stages])
        .order_by()
        .values_list("to_stage_id")
        .annotate(n=Count("enrolment_id", distinct=True))
    )


def _outcome_counts(
    programme: Programme, today: dt.date
) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """Outcomes and their follow-ups in one query: the programme's outcomes (with their
    enrolment's categories) are read once, then counted three ways."""
    codes = list(CATEGORY_FIELDS)
    flags = [CATEGORY_FIELDS[code] for code in codes]
    zeros = ", ".join("0" for _code in codes)
    sums = ", ".join(f"SUM(CASE WHEN d.{flag} THEN 1 ELSE 0 END)" for flag in flags)
    sql = f"""
        WITH o AS (
            SELECT o.id, o.enrolment_id, o.kind, o.contract_type, {", ".join(f"e.{f}" for f in flags)}
            FROM {_table(Outcome)} o JOIN {_table(Enrolment)} e ON e.id = o.enrolment_id
            WHERE e.programme_id = %s
        )
        SELECT 'people', d.kind, '', 0, COUNT(*), 0, 0, 0, {sums}
        FROM (SELECT DISTINCT enrolment_id, kind, {", ".join(flags)} FROM o) d
        GROUP BY d.kind
        UNION ALL
        SELECT 'jobs', o.kind, o.contract_type, 0, COUNT(*), 0, 0, 0, {zeros}
        FROM o WHERE o.kind = %s
        GROUP BY o.kind, o.contract_type
        UNION ALL
        SELECT 'follow_ups', '', '', f.months, COUNT(*),
               SUM(CASE WHEN f.still_in_work = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN f.still_in_work = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN f.done_at IS NULL THEN 1 ELSE 0 END), {zeros}
        FROM {_table(FollowUp)} f JOIN o ON o.id = f.outcome_id
        WHERE f.done_at IS NOT NULL OR f.due_on <= %s
        GROUP BY f.months
    """  # noqa: S608 - table and column names from the models, values as parameters
    counts: dict[str, int] = {"placed": 0, "self_employed": 0, "trained": 0, "jobs": 0}
    for prefix in ("placed", "self_employed"):
        counts.update({f"{prefix}_{code}": 0 for code in codes})
    counts.update({f"contract_{c}": 0 for c in ContractType.values})
    prefixes = {
        OutcomeKind.JOB: "placed",
        OutcomeKind.SELF_EMPLOYMENT: "self_employed",
        OutcomeKind.TRAINING: "trained",
    }
    follow_ups: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme.pk, OutcomeKind.JOB, True, False, today])
        for part, kind, contract, months, n, in_work, gone, awaiting, *by_code in cursor:
            if part == "people" and kind in prefixes:
                prefix = prefixes[kind]
                counts[prefix] = int(n)
                for code, value in zip(codes, by_code, strict=True):
                    counts[f"{prefix}_{code}"] = int(value or 0)
            elif part == "jobs":
                counts["jobs"] += int(n)
                counts[f"contract_{contract}"] = int(n)
            elif part == "follow_ups":
                follow_ups[int(months)] = {
                    "in_work": int(in_work or 0),
                    "not_in_work": int(gone or 0),
                    "awaiting": int(awaiting or 0),
                }
    return counts, follow_ups


def programme_figures(programme: Programme, *, today: dt.date | None = None) -> dict[str, Any]:
    """The programme's true counts; six queries however many people it has.

    Not for display: pass the result to `published_figures` first.
    """
    today = today or timezone.localdate()
    kinds = list(TargetKind.values)
    targets = sorted(
        ProgrammeTarget.objects.filter(programme=programme),
        key=lambda t: (kinds.index(t.kind) if t.kind in kinds else len(kinds), t.category),
    )
    stages = list(Stage.objects.filter(programme=programme).order_by("position"))
    people, by_municipality, at_stage = _enrolment_counts(programme)
    names = dict(
        Municipality.objects.filter(pk__in=[m for m in by_municipality if m is not None])
        .order_by()
        .values_list("pk", "name")
    )
    reached_stage = _funnel(stages)
    outcomes, follow_ups = _outcome_counts(programme, today)

    def actual(kind: str, category: str) -> int:
        if kind == TargetKind.REACHED:
            return int(people[f"in_{category}"] if category else people["reached"])
        if kind == TargetKind.COMPLETIONS:
            key = f"completed_{category}" if category else f"status_{EnrolmentStatus.COMPLETED}"
            return int(people[key])
        prefix = "placed" if kind == TargetKind.PLACEMENTS else "self_employed"
        return int(outcomes[f"{prefix}_{category}" if category else prefix])

    unknown_municipality = by_municipality.get(None, 0)
    municipalities = sorted(
        (
            {"id": pk, "name": names.get(pk, ""), "count": count}
            for pk, count in by_municipality.items()
            if pk is not None
        ),
        key=lambda m: (m["name"], m["id"]),
    )
    if unknown_municipality:
        municipalities.append(
            {"id": None, "name": str(_("Not recorded")), "count": unknown_municipality}
        )
    funnel = [
        {
            "stage_id": stage.pk,
            "name": stage.name,
            "position": stage.position,
            "reached": reached_stage.get(stage.pk, 0),
            "current": at_stage.get(stage.pk, 0),
        }
        for stage in stages
    ]
    return {
        "programme_id": programme.pk,
        "as_of": today,
        "reached": people["reached"],
        "targets": [
            {
                "kind": t.kind,
                "label": str(t.get_kind_display()),
                "category": t.category,
                "category_label": _category_label(t.category) if t.category else "",
                "target": t.value,
                "actual": actual(t.kind, t.category),
            }
            for t in targets
        ],
        "categories": [
            {"code": code, "label": str(label), "count": people[f"in_{code}"]}
            for code, label in Category.choices
            if code in CATEGORY_FIELDS
        ],
        "municipalities": municipalities,
        "funnel": funnel,
        "without_stage": at_stage.get(None, 0),
        "statuses": [
            {"code": code, "label": str(label), "count": people[f"status_{code}"]}
            for code, label in EnrolmentStatus.choices
        ],
        "outcomes": {
            "placed": outcomes["placed"],
            "self_employed": outcomes["self_employed"],
            "trained": outcomes["trained"],
            "completed": people[f"status_{EnrolmentStatus.COMPLETED}"],
        },
        "jobs": outcomes["jobs"],
        "contracts": [
            {"code": code, "label": str(label), "count": outcomes[f"contract_{code}"]}
            for code, label in ContractType.choices
        ],
        "follow_ups": [
            {
                "months": months,
                "in_work": follow_ups.get(months, {}).get("in_work", 0),
                "not_in_work": follow_ups.get(months, {}).get("not_in_work", 0),
                "awaiting": follow_ups.get(months, {}).get("awaiting", 0),
            }
            for months in FOLLOW_UP_MONTHS
        ],
    }


# Kept this long at most; any audited write (every service writes one) replaces them sooner.
FIGURES_CACHE_SECONDS = 120


def programme_figures_cached(programme: Programme, *, today: dt.date | None = None) -> Any:
    """`programme_figures`, computed again after any write: one query when nothing changed.

    Every service writes an audit entry in its own transaction, so the highest audit
    entry id is a version of the whole database's pathways: the figures are cached under
    it (and the day, for what falls due, and the language of their labels). A write that
    commits after a later one (ids are handed out before commit) or one made outside the
    services shows at the latest after FIGURES_CACHE_SECONDS.
    """
    today = today or timezone.localdate()
    version = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    key = f"lavorete:programme-figures:{programme.pk}:{today}:{get_language()}:{version}"
    figures = cache.get(key)
    if figures is None:
        figures = programme_figures(programme, today=today)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


# --- published figures -------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One published line: a label and its (maybe hidden) count, with an optional target."""

    label: str
    count: Cell
    target: int | None = None
    extra: Cell | None = None

    @property
    def percent(self) -> int | None:
        return share(self.count, self.target)


@dataclass(frozen=True)
class Breakdown:
    """A published breakdown: visible rows first (largest first unless `ordered`), then hidden."""

    rows: list[Row]
    total: Cell | None
    withheld: bool = False

    @property
    def hidden_any(self) -> bool:
        return self.withheld or any(r.count.hidden for r in self.rows)


def _breakdown(
    items: Sequence[tuple[str, int]], total: int | None, *, ordered: bool = False
) -> Breakdown:
    """Suppress `items` (label, count) as one series; with `total` they must add up to it."""
    series = suppress_series({i: count for i, (_label, count) in enumerate(items)}, total)
    if series.withheld:
        return Breakdown([], series.total, withheld=True)
    rows = [Row(label, series.cells[i]) for i, (label, _count) in enumerate(items)]
    if not ordered:
        # Visible counts largest first; hidden ones after, in their given order, so their
        # place in the list says nothing about their size.
        rows.sort(key=lambda r: (r.count.hidden, -(r.count.value or 0)))
    return Breakdown(rows, series.total)


def published_figures(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures fit to be shown or exported: every count from 1 to 4 hidden, and nothing
    hidden that a total would give away.

    A count that appears twice (completions among the statuses and as a target, a
    category in its breakdown and as a target) is the same cell in both places, so what
    one place hides the other doesn't show.
    """
    reached = figures["reached"]
    total = cell(reached)
    outcome_counts = figures["outcomes"]

    def part(count: int, whole: int = reached, whole_cell: Cell = total) -> Cell:
        return suppress_part(count, whole, whole_shown=whole_cell.shown)

    statuses = _breakdown(
        [(s["label"], s["count"]) for s in figures["statuses"]], reached, ordered=True
    )
    codes = [s["code"] for s in figures["statuses"]]
    completed = (
        Cell(None, CellState.WITHHELD)
        if statuses.withheld
        else statuses.rows[codes.index(EnrolmentStatus.COMPLETED)].count
    )
    categories = {c["code"]: part(c["count"]) for c in figures["categories"]}
    placed = part(outcome_counts["placed"])
    self_employed = part(outcome_counts["self_employed"])
    # Per kind of target: the cell of everyone, and its count (the whole of each category).
    wholes = {
        TargetKind.REACHED: (total, reached),
        TargetKind.COMPLETIONS: (completed, outcome_counts["completed"]),
        TargetKind.PLACEMENTS: (placed, outcome_counts["placed"]),
        TargetKind.BUSINESSES: (self_employed, outcome_counts["self_employed"]),
    }

    def target_cell(t: dict[str, Any]) -> Cell:
        whole_cell, whole = wholes[t["kind"]]
        if not t["category"]:
            return whole_cell
        if t["kind"] == TargetKind.REACHED:
            return categories[t["category"]]
        return part(t["actual"], whole, whole_cell)

    stage_items = [(s["name"], s["current"]) for s in figures["funnel"]]
    if figures["without_stage"]:
        stage_items.append((str(_("No stage")), figures["without_stage"]))
    return {
        "as_of": figures["as_of"],
        "reached": total,
        "targets": [
            Row(
                _target_label(t["label"], t["category_label"]),
                target_cell(t),
                target=t["target"],
            )
            for t in figures["targets"]
        ],
        "categories": Breakdown(
            [Row(c["label"], categories[c["code"]]) for c in figures["categories"]], None
        ),
        "municipalities": _breakdown(
            [(m["name"], m["count"]) for m in figures["municipalities"]], reached
        ),
        "statuses": statuses,
        "current_stages": _breakdown(stage_items, reached, ordered=True),
        "funnel": [Row(s["name"], part(s["reached"])) for s in figures["funnel"]],
        "outcomes": [
            Row(str(_("People placed in a job")), placed),
            Row(str(_("People who started a business or self-employment")), self_employed),
            Row(str(_("People who completed a training")), part(outcome_counts["trained"])),
            Row(str(_("Pathways completed")), completed),
        ],
        "contracts": _breakdown(
            [(c["label"], c["count"]) for c in figures["contracts"]], figures["jobs"]
        ),
        "follow_ups": [_follow_up(f) for f in figures["follow_ups"]],
    }


def _target_label(kind_label: str, category_label: str) -> str:
    if not category_label:
        return kind_label
    return str(_("%(target)s: %(category)s") % {"target": kind_label, "category": category_label})


@dataclass(frozen=True)
class FollowUpFigures:
    months: int
    breakdown: Breakdown

    def _cell(self, index: int) -> Cell:
        if self.breakdown.withheld:
            return Cell(None, CellState.WITHHELD)
        return self.breakdown.rows[index].count

    @property
    def in_work(self) -> Cell:
        return self._cell(0)

    @property
    def not_in_work(self) -> Cell:
        return self._cell(1)

    @property
    def awaiting(self) -> Cell:
        return self._cell(2)

    @property
    def retention(self) -> int | None:
        """Still in work, as a percentage of the answers (when both are shown)."""
        in_work, not_in_work = self.in_work, self.not_in_work
        if in_work.value is None or not_in_work.value is None:
            return None
        return share(in_work, in_work.value + not_in_work.value)


def _follow_up(row: dict[str, int]) -> FollowUpFigures:
    items = [
        (str(_("Still in work")), row["in_work"]),
        (str(_("No longer in work")), row["not_in_work"]),
        (str(_("Not answered yet")), row["awaiting"]),
    ]
    total = row["in_work"] + row["not_in_work"] + row["awaiting"]
    return FollowUpFigures(row["months"], _breakdown(items, total, ordered=True))


def export_rows(published: dict[str, Any]) -> Iterable[list[Any]]:
    """The published figures as (section, item, count, target) rows for CSV and XLSX."""
    yield [str(_("People reached")), str(_("Total")), published["reached"].export(), ""]
    for row in published["targets"]:
        yield [str(_("Targets")), row.label, row.count.export(), row.target]
    sections = [
        (_("By category"), "categories"),
        (_("By municipality of intake"), "municipalities"),
        (_("By status"), "statuses"),
        (_("By current stage"), "current_stages"),
        (_("Job placements by contract type"), "contracts"),
    ]
    for title, key in sections:
        breakdown: Breakdown = published[key]
        if breakdown.withheld:
            yield [str(title), str(_("Too few people to break down")), "", ""]
        for row in breakdown.rows:
            yield [str(title), row.label, row.count.export(), ""]
        if breakdown.total is not None:
            yield [str(title), str(_("Total")), breakdown.total.export(), ""]
    for row in published["funnel"]:
        yield [str(_("People who reached the stage")), row.label, row.count.export(), ""]
    for row in published["outcomes"]:
        yield [str(_("Outcomes")), row.label, row.count.export(), ""]
    for follow in published["follow_ups"]:
        heading = str(_("Follow-up at %(months)s months") % {"months": follow.months})
        if follow.breakdown.withheld:
            yield [heading, str(_("Too few people to break down")), "", ""]
        for row in follow.breakdown.rows:
            yield [heading, row.label, row.count.export(), ""]
        if follow.breakdown.total is not None:
            yield [heading, str(_("Total")), follow.breakdown.total.export(), ""]


# --- chart geometry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: float
    x: float
    width: float
    text_x: float
    hidden: bool


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars (or a centred funnel) with labels, drawn as an inline SVG."""

    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]


CHART_WIDTH = 720
_LABEL_WIDTH = 260
_ROW = 30
_BAR = 20
_TEXT_ROOM = 56
_LABEL_CHARS = 34


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def bar_chart(rows: Sequence[Row], *, centred: bool = False) -> BarChart:
    """Bars as long as each visible count against the largest; hidden counts get no bar."""
    plot = CHART_WIDTH - _LABEL_WIDTH - _TEXT_ROOM
    largest = max((r.count.value or 0 for r in rows), default=0) or 1
    bars = []
    for i, row in enumerate(rows):
        value = row.count.value
        width = round(plot * (value or 0) / largest, 1)
        if centred:
            x = round(_LABEL_WIDTH + (plot - width) / 2, 1)
            text_x = round(_LABEL_WIDTH + (plot + width) / 2 + 6, 1)
        else:
            x = _LABEL_WIDTH
            text_x = round(_LABEL_WIDTH + width + 6, 1)
        bars.append(
            Bar(
                label=_short(row.label),
                text=str(row.count),
                y=i * _ROW + (_ROW - _BAR) / 2,
                x=x,
                width=width,
                text_x=text_x,
                hidden=value is None,
            )
        )
    return BarChart(
        width=CHART_WIDTH,
        height=max(len(rows), 1) * _ROW,
        label_width=_LABEL_WIDTH,
        bar_height=_BAR,
        bars=bars,
    )


@dataclass(frozen=True)
class Progress:
    """A progress bar towards a target (0-100 of the SVG's width, capped)."""

    row: Row
    width: float

    @property
    def percent(self) -> int | None:
        return self.row.percent


def progress(row: Row) -> Progress:
    pct = row.percent
    return Progress(row, 0.0 if pct is None else float(min(pct, 100)))
