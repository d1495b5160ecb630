"""Opportunities in the JSON API: the public board, and posting and publishing for staff.

The board endpoints show what the public board shows: open opportunities
within their dates, anything else is 404. Posting and publishing use the
session and the CSRF token like the other writes (`GET /api/v1/csrf`), go
through `lavorete.opportunities.services`, and answer 404 outside the user's
scope, 403 inside it without the right to manage opportunities, 422 with every
message when the input is refused.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from lavorete.api.schemas import ErrorOut
from lavorete.api.spaces import ProblemOut, _Mapped, _problem
from lavorete.core.permissions import get_object_for_user
from lavorete.network.models import Organisation, Programme
from lavorete.opportunities import services
from lavorete.opportunities.models import Opportunity
from lavorete.opportunities.permissions import MANAGE, VIEW, get_opportunity_for_user
from lavorete.opportunities.selectors import (
    board,
    board_opportunity,
    occupation_label,
    opportunity_skills,
)
from lavorete.people.widgets import _language
from lavorete.territory.models import District, Municipality

router = Router(tags=["opportunities"])

MAX_PK = 2**63 - 1

# --- schemas ---------------------------------------------------------------------------


class PlaceOut(Schema):
    istat_code: str
    name: str
    province: str


class OrganisationRef(Schema):
    id: int
    name: str
    municipality: str


class ConceptRef(Schema):
    uri: str
    label: str
    language: str
    fallback: bool = Field(
        description="True when the label is in English for lack of one in yours."
    )


class SkillOut(ConceptRef):
    level: int = Field(description="Minimum level, 1 (basic) to 4 (expert).")


class LanguageOut(Schema):
    code: str
    level: str


class OpportunityOut(Schema):
    id: int
    kind: str = Field(description="job, internship, challenge or volunteer.")
    title: str
    organisation: OrganisationRef
    municipality: PlaceOut | None
    is_remote: bool
    contract_type: str
    weekly_hours: int | None
    positions: int
    opens_on: dt.date
    closes_on: dt.date | None
    status: str
    url: str = Field(description="The opportunity's page on the public board.")


class OpportunityDetailOut(OpportunityOut):
    description: str
    programme: str | None
    occupation: ConceptRef | None
    essential: list[SkillOut]
    optional: list[SkillOut]
    languages: list[LanguageOut]


class SkillIn(Schema):
    uri: str = Field(description="The ESCO skill's URI.")
    level: int = 1


class LanguageIn(Schema):
    code: str = Field(description='ISO 639 code, as "it".')
    level: str = Field(description="CEFR level: A1 to C2, or native.")


class OpportunityIn(Schema):
    organisation: int
    kind: str
    title: str
    description: str = ""
    municipality: str | None = Field(None, description="ISTAT code of the municipality.")
    is_remote: bool = False
    occupation: str | None = Field(None, description="The ESCO occupation's URI.")
    contract_type: str = ""
    weekly_hours: int | None = None
    positions: int = 1
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    programme: int | None = None
    essential: list[SkillIn] = []
    optional: list[SkillIn] = []
    languages: list[LanguageIn] = []


# --- helpers ------------------------------------------------------------------------


def _place(municipality: Municipality | None) -> dict[str, Any] | None:
    if municipality is None:
        return None
    return {
        "istat_code": municipality.istat_code,
        "name": municipality.name,
        "province": municipality.province.abbreviation,
    }


def _summary(o: Opportunity) -> dict[str, Any]:
    return {
        "id": o.pk,
        "kind": o.kind,
        "title": o.title,
        "organisation": {
            "id": o.organisation_id,
            "name": o.organisation.name,
            "municipality": o.organisation.municipality.name,
        },
        "municipality": _place(o.municipality),
        "is_remote": o.is_remote,
        "contract_type": o.contract_type,
        "weekly_hours": o.weekly_hours,
        "positions": o.positions,
        "opens_on": o.opens_on,
        "closes_on": o.closes_on,
        "status": o.status,
        "url": reverse("board:detail", args=[o.pk]),
    }


def _detail(o: Opportunity, language: str) -> dict[str, Any]:
    skills = []
    for row in opportunity_skills(o, language):
        label = row.label
        skills.append(
            {
                "uri": row.uri,
                "label": label.text if label else row.uri,
                "language": label.language if label else "",
                "fallback": label.fallback if label else True,
                "level": row.level,
                "essential": row.essential,
            }
        )
    occupation = occupation_label(o, language)
    return {
        **_summary(o),
        "description": o.description,
        "programme": o.programme.name if o.programme_id and o.programme else None,
        "occupation": {
            "uri": o.occupation.uri,
            "label": occupation.text,
            "language": occupation.language,
            "fallback": occupation.fallback,
        }
        if occupation is not None and o.occupation is not None
        else None,
        "essential": [s for s in skills if s["essential"]],
        "optional": [s for s in skills if not s["essential"]],
        "languages": [{"code": r.language, "level": r.level} for r in o.languages.all()],
    }


def _clean(text: str, limit: int = 100) -> str:
    return text.replace("\x00", "")[:limit]


# --- the public board ---------------------------------------------------------------


@router.get(
    "/opportunities",
    response=list[OpportunityOut],
    summary="Open opportunities of the public board, newest first",
)
@paginate(LimitOffsetPagination)
def list_opportunities(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    municipality: str = "",
    district: str = "",
    remote: bool | None = None,
    organisation: int | None = None,
) -> Any:
    """`q` searches titles, descriptions, occupations and skills (Italian or English labels);
    `municipality` is an ISTAT code, `district` a district's short name."""
    filters: dict[str, Any] = {"query": _clean(q), "kind": _clean(kind, 16), "remote": remote}
    empty = Opportunity.objects.none()
    if municipality:
        found = Municipality.objects.filter(istat_code=_clean(municipality, 6)).first()
        if found is None:
            return _Mapped(empty, _summary)
        filters["municipality"] = found
    if district:
        found_district = District.objects.filter(slug=_clean(district, 80)).first()
        if found_district is None:
            return _Mapped(empty, _summary)
        filters["district"] = found_district
    if organisation is not None:
        found_org = (
            Organisation.objects.filter(pk=organisation).first()
            if 0 < organisation <= MAX_PK
            else None
        )
        if found_org is None:
            return _Mapped(empty, _summary)
        filters["organisation"] = found_org
    return _Mapped(board(**filters), _summary)


@router.get(
    "/opportunities/{opportunity_id}",
    response={200: OpportunityDetailOut, 404: ErrorOut},
    summary="One open opportunity with the skills and languages it asks for",
)
def get_opportunity(request: HttpRequest, opportunity_id: int, lang: str = "") -> Any:
    opportunity = board_opportunity(opportunity_id) if 0 < opportunity_id <= MAX_PK else None
    if opportunity is None:
        return 404, {"detail": "Not Found"}
    language = lang if lang in {"it", "en"} else _language()
    return _detail(opportunity, language)


# --- posting and publishing ------------------------------------------------------------


def _skill_rows(rows: list[SkillIn]) -> list[tuple[str, int]]:
    return [(_clean(row.uri, 200), row.level) for row in rows]


@router.post(
    "/opportunities",
    auth=django_auth,
    response={201: OpportunityDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ProblemOut},
    summary="Post a draft opportunity for an organisation you manage opportunities of",
)
def create_opportunity(request: HttpRequest, payload: OpportunityIn) -> Any:
    user = request.user
    organisation_pk = payload.organisation if 0 < payload.organisation <= MAX_PK else 0
    organisation = get_object_for_user(
        user,
        Organisation.objects.select_related("municipality"),
        organisation_pk,
        view_perm=VIEW,
        perm=MANAGE,
    )
    problems: list[str] = []
    municipality = None
    if payload.municipality:
        municipality = Municipality.objects.filter(
            istat_code=_clean(payload.municipality, 6)
        ).first()
        if municipality is None:
            problems.append(_("There is no municipality with this ISTAT code."))
    programme = None
    if payload.programme is not None:
        programme = (
            Programme.objects.filter(pk=payload.programme).first()
            if 0 < payload.programme <= MAX_PK
            else None
        )
        if programme is None:
            problems.append(_("There is no such programme."))
    if problems:
        return 422, _problem(problems)
    try:
        opportunity = services.opportunity_create(
            actor=user,
            organisation=organisation,
            kind=_clean(payload.kind, 16),
            title=payload.title[:1000],
            description=payload.description[:20000],
            municipality=municipality,
            is_remote=payload.is_remote,
            occupation=_clean(payload.occupation, 200) if payload.occupation else None,
            contract_type=payload.contract_type[:20],
            weekly_hours=payload.weekly_hours,
            positions=payload.positions,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            programme=programme,
            essential=_skill_rows(payload.essential),
            optional=_skill_rows(payload.optional),
            languages=[(_clean(r.code, 8), _clean(r.level, 6)) for r in payload.languages],
        )
    except ValidationError as exc:
        return 422, _problem(exc.messages)
    return 201, _detail(get_opportunity_for_user(user, opportunity.pk), _language())


@router.post(
    "/opportunities/{opportunity_id}/publish",
    auth=django_auth,
    response={200: OpportunityDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ProblemOut},
    summary="Publish a draft (or reopen a closed) opportunity on the board",
)
def publish_opportunity(request: HttpRequest, opportunity_id: int) -> Any:
    if not 0 < opportunity_id <= MAX_PK:
        return 404, {"detail": "Not Found"}
    opportunity = get_opportunity_for_user(request.user, opportunity_id, MANAGE)
    try:
        services.opportunity_publish(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        return 422, _problem(exc.messages)
    return _detail(get_opportunity_for_user(request.user, opportunity.pk), _language())
