"""programme_figures and published_figures on a hand-built programme."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lavorete.core.suppression import CellState
from lavorete.pathways.dashboard import programme_figures, published_figures
from lavorete.pathways.models import ProgrammeTarget
from lavorete.pathways.tests.dashboard_support import (
    answer_follow_up,
    enrol,
    move,
    record_outcome,
    set_status,
    stage,
)
from lavorete.people.services import person_update
from lavorete.territory.models import Municipality

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Labels compared in English, whatever translations the catalogue has."""
    with translation.override("en"):
        yield


@pytest.fixture
def built(db: Any, programme: Any, operator: Any, municipality: Any) -> dict[str, Any]:
    """11 people: 7 young women of Pioltello (long-term unemployed), 3 migrant men over 50
    of Segrate, 1 without residence; moves, statuses, outcomes and a follow-up."""
    segrate = Municipality.objects.get(name="Segrate")
    women = [
        enrol(
            programme,
            actor=operator,
            residence=municipality,
            employment_status="unemployed",
            employment_status_since=dt.date(2024, 3, 1),
        )
        for _ in range(7)
    ]
    men = [
        enrol(
            programme,
            actor=operator,
            residence=segrate,
            gender="male",
            birth_date=dt.date(1970, 2, 2),
            is_migrant=True,
        )
        for _ in range(3)
    ]
    nowhere = enrol(programme, actor=operator, gender="male", birth_date=dt.date(1985, 1, 1))
    orientation = stage(programme, "orientation")
    lab = stage(programme, "project_lab")
    for enrolment in women[:6]:
        move(enrolment, orientation)
    for enrolment in women[:3]:
        move(enrolment, lab)
    set_status(women[0], "completed", dt.date(2026, 10, 1))
    set_status(women[1], "dropped", dt.date(2026, 10, 1))
    set_status(men[0], "suspended", dt.date(2026, 10, 1))
    job1 = record_outcome(women[0], "job", dt.date(2026, 3, 1), contract_type="determinato")
    record_outcome(women[2], "job", dt.date(2026, 6, 1), contract_type="apprendistato")
    record_outcome(women[2], "training", dt.date(2026, 5, 1))
    record_outcome(men[1], "self_employment", dt.date(2026, 9, 1))
    answer_follow_up(job1, 3, still_in_work=True)
    for kind, category, value in [
        ("reached", "", 400),
        ("reached", "woman", 200),
        ("placements", "", 50),
        ("placements", "woman", 20),
        ("completions", "", 300),
        ("businesses", "migrant", 10),
    ]:
        ProgrammeTarget.objects.create(
            programme=programme, kind=kind, category=category, value=value
        )
    return {"women": women, "men": men, "nowhere": nowhere}


def test_it_counts_people_reached_by_category_and_municipality(
    built: dict[str, Any], programme: Any
) -> None:
    figures = programme_figures(programme, today=TODAY)
    assert figures["reached"] == 11
    categories = {c["code"]: c["count"] for c in figures["categories"]}
    assert categories == {
        "under_30": 7,
        "over_50": 3,
        "long_term_unemployed": 7,
        "woman": 7,
        "neet": 0,
        "returning_mother": 0,
        "migrant": 3,
        "disability": 0,
    }
    assert [(m["name"], m["count"]) for m in figures["municipalities"]] == [
        ("Pioltello", 7),
        ("Segrate", 3),
        ("Not recorded", 1),
    ]


def test_it_counts_stages_statuses_and_outcomes(built: dict[str, Any], programme: Any) -> None:
    figures = programme_figures(programme, today=TODAY)
    funnel = {f["name"]: (f["reached"], f["current"]) for f in figures["funnel"]}
    assert funnel["Intake"] == (11, 5)
    assert funnel["Orientation"] == (6, 3)
    assert funnel["Project lab"] == (3, 3)
    assert funnel["Training"] == (0, 0)
    assert {s["code"]: s["count"] for s in figures["statuses"]} == {
        "active": 8,
        "suspended": 1,
        "completed": 1,
        "dropped": 1,
    }
    assert figures["outcomes"] == {"placed": 2, "self_employed": 1, "trained": 1, "completed": 1}
    contracts = {c["code"]: c["count"] for c in figures["contracts"]}
    assert contracts["determinato"] == 1
    assert contracts["apprendistato"] == 1
    assert sum(contracts.values()) == figures["jobs"] == 2
    # Due by today: the 3- and 6-month checks of the March job, the 3-month one of June's.
    assert figures["follow_ups"] == [
        {"months": 3, "in_work": 1, "not_in_work": 0, "awaiting": 1},
        {"months": 6, "in_work": 0, "not_in_work": 0, "awaiting": 1},
        {"months": 12, "in_work": 0, "not_in_work": 0, "awaiting": 0},
    ]


def test_it_measures_each_target_on_its_own_category(built: dict[str, Any], programme: Any) -> None:
    targets = [
        (t["kind"], t["category"], t["actual"], t["target"])
        for t in programme_figures(programme, today=TODAY)["targets"]
    ]
    # People reached first, then completions, placements, businesses; everyone before a category.
    assert targets == [
        ("reached", "", 11, 400),
        ("reached", "woman", 7, 200),
        ("completions", "", 1, 300),
        ("placements", "", 2, 50),
        ("placements", "woman", 2, 20),
        ("businesses", "migrant", 1, 10),
    ]


def test_it_counts_from_the_intake_snapshot_not_the_person(
    built: dict[str, Any], programme: Any, operator: Any
) -> None:
    before = programme_figures(programme, today=TODAY)
    for enrolment in built["women"]:
        person_update(actor=operator, person=enrolment.person, gender="male", residence=None)
    assert programme_figures(programme, today=TODAY) == before


def test_it_hides_small_counts_and_what_would_give_them_away(
    built: dict[str, Any], programme: Any
) -> None:
    published = published_figures(programme_figures(programme, today=TODAY))
    assert str(published["reached"]) == "11"
    municipalities = {r.label: str(r.count) for r in published["municipalities"].rows}
    # Segrate (3) and "not recorded" (1) hide 4 between them: 1+3, 2+2, 3+1 all fit.
    assert municipalities == {"Pioltello": "7", "Segrate": "<5", "Not recorded": "<5"}
    statuses = {r.label: str(r.count) for r in published["statuses"].rows}
    # Three statuses of 1 would hide 3 together, so each must be 1: the 8 active hide too.
    assert statuses == {"Active": "n.d.", "Suspended": "<5", "Completed": "<5", "Dropped out": "<5"}
    assert str(published["statuses"].total) == "11"
    stages = published["current_stages"]
    shown = {r.label: str(r.count) for r in stages.rows}
    assert shown["Intake"] == "5"
    assert shown["Orientation"] == "<5"
    assert all(str(r.count) in {"0", "<5", "n.d."} or r.count.value >= 5 for r in stages.rows)
    targets = {r.label: (str(r.count), r.percent) for r in published["targets"]}
    targets_cells = {r.label: r.count for r in published["targets"]}
    assert targets["People reached"] == ("11", 3)
    # 7 women of 11 people: the 4 others would follow by subtraction.
    assert targets["People reached: Woman"] == ("n.d.", None)
    assert targets["Job placements"] == ("<5", None)
    categories = {r.label: r.count for r in published["categories"].rows}
    assert categories["Migrant"].state == CellState.SMALL
    assert categories["Woman"] == targets_cells["People reached: Woman"]
    assert str(categories["Person with disability"]) == "0"


def test_it_takes_the_same_number_of_queries_for_3_and_30_people(
    db: Any, programme: Any, operator: Any, municipality: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            programme_figures(programme, today=TODAY)
        return len(captured)

    for _ in range(3):
        enrol(programme, actor=operator, residence=municipality)
    few = queries()
    lab = stage(programme, "project_lab")
    for i in range(27):
        enrolment = enrol(programme, actor=operator, residence=municipality)
        move(enrolment, lab)
        if i % 3 == 0:
            record_outcome(enrolment, "job", dt.date(2026, 2, 1), "tirocinio")
    assert queries() == few == 6


def test_a_count_shown_twice_is_hidden_in_both_places(db: Any, programme: Any) -> None:
    """Completions are a status (hidden here to protect two statuses of 1) and a target:
    the target doesn't show what the statuses hide."""
    ProgrammeTarget.objects.create(programme=programme, kind="completions", value=100)
    figures = programme_figures(programme, today=TODAY)
    counts = {"active": 1, "suspended": 1, "completed": 6, "dropped": 0}
    figures["statuses"] = [{**s, "count": counts[s["code"]]} for s in figures["statuses"]]
    figures["reached"] = 8
    figures["municipalities"] = [{"id": None, "name": "Not recorded", "count": 8}]
    figures["without_stage"] = 8
    figures["outcomes"]["completed"] = 6
    figures["targets"][0]["actual"] = 6
    published = published_figures(figures)
    statuses = {r.label: str(r.count) for r in published["statuses"].rows}
    assert statuses == {"Active": "<5", "Suspended": "<5", "Completed": "n.d.", "Dropped out": "0"}
    assert str(published["targets"][0].count) == "n.d."
    assert str(published["outcomes"][-1].count) == "n.d."
