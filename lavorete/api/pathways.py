"""API routes of the pathways app: the same selectors and access helpers as the pages.

`GET /v1/me/pathway` is the person's own view (no case notes, nothing the
operators keep for themselves). `GET /v1/enrolments/{id}` is for staff: 404
outside the programme's scope; case notes only for who may read them, and
every read is written to the access log like the person's file.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from lavorete.api.schemas import ErrorOut
from lavorete.core.permissions import has_perm
from lavorete.pathways.models import Enrolment, Stage
from lavorete.pathways.permissions import get_enrolment_for_user
from lavorete.pathways.selectors import own_enrolments
from lavorete.people.permissions import log_person_read

router = Router(tags=["pathways"], auth=django_auth)

MAX_ID = 2**63 - 1


class StageOut(Schema):
    id: int
    position: int
    name: str
    kind: str
    gate: str


class GoalOut(Schema):
    id: int
    title: str
    description: str
    due_on: dt.date | None
    status: str
    person_comment: str


class StepOut(Schema):
    at: dt.datetime
    from_stage: str | None
    to_stage: str | None
    from_status: str
    to_status: str


class MyEnrolmentOut(Schema):
    id: int
    programme: str
    programme_slug: str
    status: str
    enrolled_on: dt.date
    ended_on: dt.date | None
    plan_agreed_on: dt.date | None
    stage: StageOut | None
    stages: list[StageOut]
    goals: list[GoalOut]
    history: list[StepOut]


class TransitionOut(StepOut):
    reason: str
    by: str | None


class CaseNoteOut(Schema):
    id: int
    created_at: dt.datetime
    author: str | None
    text: str


class PersonRef(Schema):
    id: int
    first_name: str
    last_name: str


class EnrolmentOut(Schema):
    id: int
    person: PersonRef
    programme_id: int
    programme: str
    status: str
    stage: StageOut | None
    tutor: str | None
    enrolled_on: dt.date
    ended_on: dt.date | None
    plan_agreed_on: dt.date | None
    goals: list[GoalOut]
    transitions: list[TransitionOut]
    case_notes: list[CaseNoteOut] | None = None


def _stage(stage: Stage | None) -> dict[str, Any] | None:
    if stage is None:
        return None
    return {
        "id": stage.pk,
        "position": stage.position,
        "name": stage.name,
        "kind": stage.kind,
        "gate": stage.gate,
    }


def _goal(goal: Any) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "title": goal.title,
        "description": goal.description,
        "due_on": goal.due_on,
        "status": goal.status,
        "person_comment": goal.person_comment,
    }


def _step(t: Any) -> dict[str, Any]:
    return {
        "at": t.at,
        "from_stage": t.from_stage.name if t.from_stage else None,
        "to_stage": t.to_stage.name if t.to_stage else None,
        "from_status": t.from_status,
        "to_status": t.to_status,
    }


@router.get("/me/pathway", response=list[MyEnrolmentOut], summary="My pathways, stages and goals")
def my_pathway(request: HttpRequest) -> list[dict[str, Any]]:
    enrolments = own_enrolments(request.user)
    stages = list(
        Stage.objects.filter(programme_id__in={e.programme_id for e in enrolments}).order_by(
            "position"
        )
    )
    result = []
    for e in enrolments:
        history = e.transitions.select_related("from_stage", "to_stage").order_by("at", "pk")
        result.append(
            {
                "id": e.pk,
                "programme": e.programme.name,
                "programme_slug": e.programme.slug,
                "status": e.status,
                "enrolled_on": e.enrolled_on,
                "ended_on": e.ended_on,
                "plan_agreed_on": e.plan_agreed_on,
                "stage": _stage(e.stage),
                "stages": [_stage(s) for s in stages if s.programme_id == e.programme_id],
                "goals": [_goal(g) for g in e.goals.all()],
                "history": [_step(t) for t in history],
            }
        )
    return result


@router.get(
    "/enrolments/{enrolment_id}",
    response={200: EnrolmentOut, 403: ErrorOut, 404: ErrorOut},
    summary="One enrolment (404 outside your programmes; case notes only with the right)",
)
def get_enrolment(request: HttpRequest, enrolment_id: int) -> Any:
    if not 0 < enrolment_id <= MAX_ID:
        raise Http404
    enrolment: Enrolment = get_enrolment_for_user(request.user, enrolment_id)
    user, person = request.user, enrolment.person
    path = request.get_full_path()
    log_person_read(
        user,
        person,
        ["first_name", "last_name", "enrolments", "goals"],
        path=path,
        purpose="API: pathway",
    )
    notes = None
    if has_perm(user, "pathways.view_case_notes", enrolment):
        log_person_read(user, person, ["case_notes"], path=path, purpose="case notes")
        notes = [
            {
                "id": n.pk,
                "created_at": n.created_at,
                "author": str(n.author) if n.author else None,
                "text": n.text,
            }
            for n in enrolment.notes.select_related("author")
        ]
    transitions = enrolment.transitions.select_related("from_stage", "to_stage", "by")
    return {
        "id": enrolment.pk,
        "person": {"id": person.pk, "first_name": person.first_name, "last_name": person.last_name},
        "programme_id": enrolment.programme_id,
        "programme": enrolment.programme.name,
        "status": enrolment.status,
        "stage": _stage(enrolment.stage),
        "tutor": str(enrolment.tutor) if enrolment.tutor else None,
        "enrolled_on": enrolment.enrolled_on,
        "ended_on": enrolment.ended_on,
        "plan_agreed_on": enrolment.plan_agreed_on,
        "goals": [_goal(g) for g in enrolment.goals.all()],
        "transitions": [
            {**_step(t), "reason": t.reason, "by": str(t.by) if t.by else None} for t in transitions
        ],
        "case_notes": notes,
    }
