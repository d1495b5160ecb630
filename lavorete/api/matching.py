"""API routes of matching: the same services and access helpers as the pages.

`GET /v1/me/matches` is the logged-in person's best matches with their
reasons (an empty list says why). `GET /v1/opportunities/{id}/candidates`
answers the operators of the opportunity's programmes by name and its
company anonymised (code, skills, languages, distance band, score; never a
name, contact, municipality, age or gender); anyone else gets 404.
`GET /v1/people/{id}/matches` is one person's matches for their operators;
every read of a person is logged.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from lavorete.api.schemas import ErrorOut
from lavorete.matching import services
from lavorete.matching.permissions import get_opportunity_for_candidates
from lavorete.matching.views import CANDIDATE_FIELDS, MATCH_FIELDS, PURPOSE
from lavorete.people.permissions import get_person_for_user, log_person_read
from lavorete.people.views_me import own_person

router = Router(tags=["matching"], auth=django_auth)

_MAX_ID = 2**63 - 1


class OpportunityRef(Schema):
    id: int
    title: str
    organisation: str
    kind: str
    municipality: str | None
    is_remote: bool
    weekly_hours: int | None


class MatchOut(Schema):
    opportunity: OpportunityRef
    score: float
    summary: str
    reasons: list[str]
    essential_matched: list[str]
    essential_below_level: list[str]
    essential_missing: list[str]
    optional_matched: list[str]
    optional_missing: list[str]
    languages_met: list[str]
    languages_missing: list[str]
    km: float | None
    priority: bool


class MatchesOut(Schema):
    matches: list[MatchOut]
    reason: str
    message: str


class NamedPersonOut(Schema):
    id: int
    name: str


class CandidateOut(Schema):
    code: str
    score: float
    skills_held: list[str]
    skills_missing: list[str]
    languages: list[str]
    distance: str
    # Present only for the operators who may see the person.
    person: NamedPersonOut | None = None
    summary: str | None = None
    km: float | None = None


class CandidatesOut(Schema):
    anonymised: bool
    candidates: list[CandidateOut]
    reason: str
    message: str


def _match(m: services.ExplainedMatch) -> dict[str, Any]:
    o = m.opportunity
    return {
        "opportunity": {
            "id": o.pk,
            "title": o.title,
            "organisation": o.organisation.name,
            "kind": o.kind,
            "municipality": o.municipality.name if o.municipality else None,
            "is_remote": o.is_remote,
            "weekly_hours": o.weekly_hours,
        },
        "score": round(m.score, 4),
        "summary": m.summary,
        "reasons": m.reasons,
        "essential_matched": m.essential_matched,
        "essential_below_level": m.essential_below_level,
        "essential_missing": m.essential_missing,
        "optional_matched": m.optional_matched,
        "optional_missing": m.optional_missing,
        "languages_met": m.languages_met,
        "languages_missing": m.languages_missing,
        "km": None if m.km is None else round(m.km, 1),
        "priority": m.priority,
    }


def _matches(found: services.MatchList, *, own: bool) -> dict[str, Any]:
    return {
        "matches": [_match(m) for m in found],
        "reason": found.reason,
        "message": "" if found else found.message(own=own),
    }


@router.get("/me/matches", response=MatchesOut, summary="My best matches, with their reasons")
def my_matches(request: HttpRequest) -> Any:
    """Computed now; without a record or a consent to be matched, an empty list and why."""
    return _matches(services.matches_for_person(own_person(request.user)), own=True)


@router.get(
    "/opportunities/{opportunity_id}/candidates",
    response={200: CandidatesOut, 404: ErrorOut},
    exclude_none=True,
    summary="The best candidates for an opportunity (anonymised for the company)",
)
def matching_candidates(request: HttpRequest, opportunity_id: int) -> Any:
    if not 0 < opportunity_id <= _MAX_ID:
        raise Http404
    try:
        opportunity, view = get_opportunity_for_candidates(request.user, opportunity_id)
    except PermissionDenied as exc:
        raise Http404 from exc
    found = services.candidates_for_opportunity(opportunity, viewer=request.user)
    anonymised = view == services.CandidateView.ANONYMISED
    rows = []
    for c in found:
        row: dict[str, Any] = {
            "code": c.code,
            "score": round(c.score, 4),
            "skills_held": c.skills_held,
            "skills_missing": c.skills_missing,
            "languages": c.languages,
            "distance": c.distance,
        }
        if c.person is not None:
            log_person_read(
                request.user,
                c.person,
                CANDIDATE_FIELDS,
                path=request.get_full_path(),
                purpose=str(PURPOSE),
            )
            row.update(
                person={"id": c.person.pk, "name": str(c.person)},
                summary=c.match.summary,
                km=None if c.match.km is None else round(c.match.km, 1),
            )
        rows.append(row)
    return {
        "anonymised": anonymised,
        "candidates": rows,
        "reason": found.reason,
        "message": "" if found else found.message(own=False),
    }


@router.get(
    "/people/{person_id}/matches",
    response={200: MatchesOut, 404: ErrorOut},
    summary="One person's best matches (their operators)",
)
def matching_person_matches(request: HttpRequest, person_id: int) -> Any:
    """404 for anyone outside the person's programmes; the read is logged."""
    if not 0 < person_id <= _MAX_ID:
        raise Http404
    person = get_person_for_user(request.user, person_id, perm="matching.view_matches")
    log_person_read(
        request.user, person, MATCH_FIELDS, path=request.get_full_path(), purpose=str(PURPOSE)
    )
    return _matches(services.matches_for_person(person), own=False)
