"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py. The
opportunity is the open internship of `organisation` through `programme` that
the opportunities area makes (one skill, Italian B1); `registered` agrees to
be matched and holds that skill, so she is among its candidates and it is
among her matches (the pages then show their forms).
"""

from typing import Any

from lavorete.tests.matrix import LOGGED_IN, NO_KWARGS, PERSONAS, Kwargs, only

OPERATOR_ONLY = only({"operator": 200})
COORDINATOR_ONLY = only({"coordinator": 200})
GAPS = only({"operator": 200, "coordinator": 200})
# One person's matches: their operators; the coordinator sees the person but not matches.
PERSON_PAGE = only({"operator": 200, "coordinator": 403}, default=404)
# An opportunity's candidates: named for the programme's operator, anonymised for the
# company; another company 404; whoever can't see candidates anywhere 403.
CANDIDATES = only({"org_rep": 200, "operator": 200, "outsider": 404})
API_ANYONE = {**dict.fromkeys(PERSONAS, 200), "anonymous": 401}
API_CANDIDATES = {
    **dict.fromkeys(PERSONAS, 404),
    "anonymous": 401,
    "org_rep": 200,
    "operator": 200,
}
API_PERSON = {
    **dict.fromkeys(PERSONAS, 404),
    "anonymous": 401,
    "operator": 200,
    "coordinator": 403,
}


def _opportunity(objs: dict[str, Any]) -> Any:
    if "opportunity" not in objs:
        from lavorete.opportunities.services import opportunity_create, opportunity_publish
        from lavorete.skills.models import Skill
        from lavorete.territory.models import Municipality

        skill, _created = Skill.objects.get_or_create(
            uri="http://data.europa.eu/esco/skill/test-matrix", defaults={"skill_type": "skill"}
        )
        made = opportunity_create(
            actor=None,
            organisation=objs["organisation"],
            programme=objs["programme"],
            kind="internship",
            title="Tirocinio in comunicazione digitale",
            municipality=Municipality.objects.get(name="Segrate"),
            weekly_hours=30,
            essential=[(skill, 1)],
            languages=[("it", "B1")],
        )
        objs["opportunity"] = opportunity_publish(actor=None, opportunity=made)
    return objs["opportunity"]


def _matched(objs: dict[str, Any]) -> Any:
    """The opportunity, with `registered` matched to it."""
    opportunity = _opportunity(objs)
    if "matched" not in objs:
        from lavorete.people.models import ConsentPurpose, PersonSkill
        from lavorete.people.services import consent_give, person_skill_add

        person = objs["registered"]
        consent_give(actor=None, person=person, purpose=ConsentPurpose.MATCHING)
        for required in opportunity.skills.all():
            if not PersonSkill.objects.filter(person=person, skill=required.skill_id).exists():
                person_skill_add(actor=None, person=person, skill=required.skill, level=4)
        objs["matched"] = True
    return opportunity


def _person(objs: dict[str, Any]) -> dict[str, Any]:
    _matched(objs)
    return {"person_pk": objs["registered"].pk}


def _candidates(objs: dict[str, Any]) -> dict[str, Any]:
    return {"opportunity_pk": _matched(objs).pk}


def _programme(objs: dict[str, Any]) -> dict[str, Any]:
    return {"programme_pk": objs["programme"].pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    # back office
    "matching:caseload": (NO_KWARGS, OPERATOR_ONLY),
    "matching:person": (_person, PERSON_PAGE),
    "matching:opportunity": (_candidates, CANDIDATES),
    "matching:gaps": (NO_KWARGS, GAPS),
    "matching:gaps_export": (NO_KWARGS, GAPS),
    "matching:policies": (NO_KWARGS, COORDINATOR_ONLY),
    "matching:policy": (_programme, COORDINATOR_ONLY),
    # the person's own pages (anyone logged in: without a record they read what to do)
    "matching_me:matches": (NO_KWARGS, LOGGED_IN),
    "matching_me:gaps": (NO_KWARGS, LOGGED_IN),
    "matching_me:consent": (NO_KWARGS, only(dict.fromkeys(PERSONAS[1:], 405))),
    # API
    "api-1.0.0:my_matches": (NO_KWARGS, API_ANYONE),
    "api-1.0.0:matching_candidates": (
        lambda o: {"opportunity_id": _matched(o).pk},
        API_CANDIDATES,
    ),
    "api-1.0.0:matching_person_matches": (
        lambda o: {"person_id": _person(o)["person_pk"]},
        API_PERSON,
    ),
}

FORMS: list[tuple[str, Any, str | None]] = [
    ("matching:person", _person, "operator"),
    ("matching:opportunity", _candidates, "org_rep"),
    ("matching:policy", _programme, "coordinator"),
]
