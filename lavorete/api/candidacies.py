"""API routes of the person's own candidacies: the same services and selectors as the pages.

`GET /v1/me/candidacies` lists the logged-in person's candidacies (proposals
waiting for an answer first) with their steps; `POST /v1/me/candidacies`
applies to an open opportunity (or accepts its proposal; applying again
returns the same candidacy, 200 instead of 201); `POST
/v1/me/candidacies/{id}/withdraw` withdraws one. Someone else's candidacy is
404, like one that doesn't exist.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from lavorete.api.schemas import ErrorOut
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyStatus, Opportunity
from lavorete.opportunities.pipeline_selectors import get_own_candidacy, own_candidacies
from lavorete.people.views_me import own_person

router = Router(tags=["my candidacies"], auth=django_auth)

MAX_ID = 2**63 - 1


class StepOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str


class CandidacyOut(Schema):
    id: int
    opportunity: int
    opportunity_title: str
    organisation: str
    kind: str
    status: str
    status_label: str
    message: str
    shared_at: dt.datetime | None
    created_at: dt.datetime
    steps: list[StepOut]


class ApplyIn(Schema):
    opportunity: int
    message: str = ""


class WithdrawIn(Schema):
    note: str = ""


class ProblemOut(Schema):
    detail: str
    code: str
    messages: list[str]


def _problem(exc: ValidationError) -> dict[str, Any]:
    codes = (
        [e.code for e in exc.error_list if getattr(e, "code", None)]
        if not hasattr(exc, "error_dict")
        else [e.code for errors in exc.error_dict.values() for e in errors if e.code]
    )
    return {
        "detail": " ".join(exc.messages),
        "code": codes[0] if codes else "invalid",
        "messages": exc.messages,
    }


def _candidacy(candidacy: Candidacy) -> dict[str, Any]:
    opportunity = candidacy.opportunity
    return {
        "id": candidacy.pk,
        "opportunity": opportunity.pk,
        "opportunity_title": opportunity.title,
        "organisation": opportunity.organisation.name,
        "kind": opportunity.kind,
        "status": candidacy.status,
        "status_label": str(candidacy.get_status_display()),
        "message": candidacy.message,
        "shared_at": candidacy.shared_at,
        "created_at": candidacy.created_at,
        "steps": [
            {"at": e.at, "from_status": e.from_status, "to_status": e.to_status}
            for e in candidacy.events.all()
            if e.to_status != CandidacyStatus.SUGGESTED
        ],
    }


def _reloaded(candidacy: Candidacy) -> dict[str, Any]:
    fresh = (
        Candidacy.objects.select_related("opportunity__organisation")
        .prefetch_related("events")
        .get(pk=candidacy.pk)
    )
    return _candidacy(fresh)


@router.get("/me/candidacies", response=list[CandidacyOut], summary="My candidacies")
def my_candidacies(request: HttpRequest) -> list[dict[str, Any]]:
    person = own_person(request.user)
    if person is None:
        return []
    return [_candidacy(c) for c in own_candidacies(person)]


@router.post(
    "/me/candidacies",
    response={200: CandidacyOut, 201: CandidacyOut, 404: ErrorOut, 422: ProblemOut},
    summary="Apply to an open opportunity (201; 200 when already applied)",
)
def apply_candidacy(request: HttpRequest, payload: ApplyIn) -> Any:
    person = own_person(request.user)
    if person is None:
        return 404, {"detail": "You have no profile: an operator registers you first."}
    opportunity = (
        Opportunity.objects.filter(pk=payload.opportunity).first()
        if 0 < payload.opportunity <= MAX_ID
        else None
    )
    if opportunity is None or not (
        opportunity.is_open
        or Candidacy.objects.filter(opportunity=opportunity, person=person).exists()
    ):
        return 404, {"detail": "Not Found"}
    before = Candidacy.objects.filter(opportunity=opportunity, person=person).first()
    try:
        candidacy = pipeline.candidacy_apply(
            actor=request.user, opportunity=opportunity, person=person, message=payload.message
        )
    except ValidationError as exc:
        return 422, _problem(exc)
    replayed = before is not None and before.status == CandidacyStatus.APPLIED
    return (200 if replayed else 201), _reloaded(candidacy)


@router.post(
    "/me/candidacies/{candidacy_id}/withdraw",
    response={200: CandidacyOut, 404: ErrorOut, 422: ProblemOut},
    summary="Withdraw my candidacy",
)
def withdraw_candidacy(
    request: HttpRequest, candidacy_id: int, payload: WithdrawIn | None = None
) -> Any:
    person = own_person(request.user)
    if person is None:
        raise Http404
    candidacy = get_own_candidacy(person, candidacy_id)
    try:
        pipeline.candidacy_withdraw(
            actor=request.user, candidacy=candidacy, note=payload.note if payload else ""
        )
    except ValidationError as exc:
        return 422, _problem(exc)
    return _reloaded(candidacy)
