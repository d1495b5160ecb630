"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py. Objects
the shared fixture lacks (a goal, a group session, a job with its follow-ups,
referrals both ways, a target) are made once through the services.
"""

import datetime as dt
from typing import Any

from lavorete.tests.matrix import LOGGED_IN, NO_KWARGS, Kwargs, only

OPERATOR_ONLY = only({"operator": 200})
COORDINATOR_ONLY = only({"coordinator": 200})
COORDINATOR_POST = only({"coordinator": 405})
# A page about one person: 404 for anyone who can't see the person.
PERSON_PAGE = only({"operator": 200, "coordinator": 200}, default=404)
# A quick action: the programme's operator; the coordinator sees the person but may not act.
PERSON_ACTION = only({"operator": 200, "coordinator": 403}, default=404)
OWN_GOAL = only({"person": 200}, default=404)


def _person(objs: dict[str, Any]) -> dict[str, Any]:
    return {"person_pk": objs["registered"].pk}


def _programme(objs: dict[str, Any]) -> dict[str, Any]:
    return {"programme_pk": objs["programme"].pk}


def _goal(objs: dict[str, Any]) -> Any:
    if "goal" not in objs:
        from lavorete.pathways.services import goal_add

        objs["goal"] = goal_add(actor=None, enrolment=objs["enrolment"], title="Curriculum")
    return objs["goal"]


def _goal_edit(objs: dict[str, Any]) -> dict[str, Any]:
    return {"person_pk": objs["registered"].pk, "goal_pk": _goal(objs).pk}


def _own_goal(objs: dict[str, Any]) -> dict[str, Any]:
    return {"goal_pk": _goal(objs).pk}


def _delivery(objs: dict[str, Any]) -> dict[str, Any]:
    if "delivery" not in objs:
        from django.utils import timezone

        from lavorete.pathways.services import service_record

        objs["delivery"] = service_record(
            actor=None,
            programme=objs["programme"],
            kind="lab_session",
            mode="group",
            held_on=timezone.localdate(),
            duration_minutes=120,
            attendances=[(objs["enrolment"], False)],
        )
    return {"pk": objs["delivery"].pk}


def _follow_up(objs: dict[str, Any]) -> dict[str, Any]:
    if "follow_up" not in objs:
        from lavorete.pathways.services import outcome_record

        outcome = outcome_record(
            actor=None,
            enrolment=objs["enrolment"],
            kind="job",
            employer_name="Officina Rossi",
            contract_type="determinato",
            start_date=objs["enrolment"].enrolled_on,
        )
        objs["follow_up"] = outcome.follow_ups.order_by("months").first()
    return {"pk": objs["follow_up"].pk}


def _elsewhere(objs: dict[str, Any]) -> Any:
    """Another programme, with its own pathway, led by the shared partner organisation."""
    if "elsewhere" not in objs:
        from lavorete.network.services import programme_create
        from lavorete.pathways.services import pathway_template_default

        objs["elsewhere"] = programme_create(
            actor=None,
            name="Programma vicino",
            slug="programma-vicino",
            lead_organisation=objs["partner"].organisation,
            status="active",
        )
        pathway_template_default(actor=None, programme=objs["elsewhere"])
    return objs["elsewhere"]


def _referral_out(objs: dict[str, Any]) -> dict[str, Any]:
    """The registered person, referred from `programme` to another programme."""
    if "referral_out" not in objs:
        from lavorete.pathways.services import referral_create

        elsewhere = _elsewhere(objs)
        objs["referral_out"] = referral_create(
            actor=None,
            enrolment=objs["enrolment"],
            to_programme=elsewhere,
            to_organisation=elsewhere.lead_organisation,
            reason="Corso di saldatura",
            person_consents=True,
        )
    return {"pk": objs["referral_out"].pk}


def _referral_in(objs: dict[str, Any]) -> dict[str, Any]:
    """Someone of another programme, referred to `programme`."""
    if "referral_in" not in objs:
        from lavorete.pathways.services import enrolment_create, referral_create
        from lavorete.people.services import person_create

        elsewhere = _elsewhere(objs)
        someone = person_create(actor=None, first_name="Ivo", last_name="Inviato")
        enrolment = enrolment_create(
            actor=None, person=someone, programme=elsewhere, enrolled_on=dt.date(2026, 1, 5)
        )
        objs["referral_in"] = referral_create(
            actor=None,
            enrolment=enrolment,
            to_programme=objs["programme"],
            to_organisation=objs["organisation"],
            reason="Serve un tutor",
            person_consents=True,
        )
    return {"pk": objs["referral_in"].pk}


def _target(objs: dict[str, Any]) -> dict[str, Any]:
    if "target" not in objs:
        from lavorete.pathways.services import programme_target_set

        objs["target"] = programme_target_set(
            actor=None, programme=objs["programme"], kind="reached", value=400
        )
    return {"programme_pk": objs["programme"].pk, "pk": objs["target"].pk}


def _stage(objs: dict[str, Any]) -> dict[str, Any]:
    stage = objs["programme"].stages.order_by("-position").first()
    return {"programme_pk": objs["programme"].pk, "pk": stage.pk}


def _enrolment_api(objs: dict[str, Any]) -> dict[str, Any]:
    return {"enrolment_id": objs["enrolment"].pk}


_API_STAFF = {
    "anonymous": 401,
    "person": 404,
    "org_rep": 404,
    "outsider": 404,
    "space_manager": 404,
    "operator": 200,
    "evaluator": 404,
    "coordinator": 200,
}

EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "pathways:caseload": (NO_KWARGS, only({"operator": 200, "coordinator": 200})),
    "pathways:intake": (NO_KWARGS, OPERATOR_ONLY),
    "pathways:person_file": (_person, PERSON_PAGE),
    "pathways:move": (_person, PERSON_PAGE),
    "pathways:status": (_person, PERSON_ACTION),
    "pathways:tutor": (_person, PERSON_ACTION),
    "pathways:service": (_person, PERSON_ACTION),
    "pathways:note_add": (_person, PERSON_ACTION),
    "pathways:goal_add": (_person, PERSON_ACTION),
    "pathways:goal_edit": (_goal_edit, PERSON_ACTION),
    "pathways:plan_agree": (_person, PERSON_ACTION),
    "pathways:outcome_add": (_person, PERSON_ACTION),
    "pathways:refer": (_person, PERSON_ACTION),
    "pathways:services": (NO_KWARGS, OPERATOR_ONLY),
    "pathways:group_service": (_programme, OPERATOR_ONLY),
    "pathways:attendance": (_delivery, OPERATOR_ONLY),
    "pathways:tasks": (NO_KWARGS, OPERATOR_ONLY),
    "pathways:follow_up": (_follow_up, PERSON_ACTION),
    "pathways:referrals": (NO_KWARGS, OPERATOR_ONLY),
    "pathways:referral_decide": (_referral_in, PERSON_ACTION),
    "pathways:referral_withdraw": (_referral_out, PERSON_ACTION),
    "pathways:programmes": (NO_KWARGS, COORDINATOR_ONLY),
    "pathways:programme_setup": (_programme, COORDINATOR_ONLY),
    "pathways:target_set": (_programme, COORDINATOR_ONLY),
    "pathways:target_remove": (_target, COORDINATOR_POST),
    "pathways:stage_add": (_programme, COORDINATOR_ONLY),
    "pathways:stage_update": (_stage, COORDINATOR_ONLY),
    "pathways:stage_move": (_stage, COORDINATOR_POST),
    "pathways:stage_remove": (_stage, COORDINATOR_POST),
    "pathways:legal_basis": (_programme, COORDINATOR_ONLY),
    "pathways_me:pathway": (NO_KWARGS, LOGGED_IN),
    "pathways_me:plan": (NO_KWARGS, LOGGED_IN),
    "pathways_me:goal": (_own_goal, OWN_GOAL),
    # API (lavorete/api/pathways.py)
    "api-1.0.0:my_pathway": (NO_KWARGS, {**LOGGED_IN, "anonymous": 401}),
    "api-1.0.0:get_enrolment": (_enrolment_api, _API_STAFF),
}

# url name, kwargs factory, persona allowed to use the form
FORMS: list[tuple[str, Any, str | None]] = [
    ("pathways:intake", NO_KWARGS, "operator"),
    ("pathways:move", _person, "operator"),
    ("pathways:status", _person, "operator"),
    ("pathways:tutor", _person, "operator"),
    ("pathways:service", _person, "operator"),
    ("pathways:note_add", _person, "operator"),
    ("pathways:goal_add", _person, "operator"),
    ("pathways:goal_edit", _goal_edit, "operator"),
    ("pathways:plan_agree", _person, "operator"),
    ("pathways:outcome_add", _person, "operator"),
    ("pathways:refer", _person, "operator"),
    ("pathways:group_service", _programme, "operator"),
    ("pathways:attendance", _delivery, "operator"),
    ("pathways:follow_up", _follow_up, "operator"),
    ("pathways:referral_decide", _referral_in, "operator"),
    ("pathways:referral_withdraw", _referral_out, "operator"),
    ("pathways:target_set", _programme, "coordinator"),
    ("pathways:stage_add", _programme, "coordinator"),
    ("pathways:stage_update", _stage, "coordinator"),
    ("pathways:legal_basis", _programme, "coordinator"),
    ("pathways_me:goal", _own_goal, "person"),
]
