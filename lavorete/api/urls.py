"""The JSON API (OpenAPI 3 at /api/openapi.json, docs at /api/docs).

Endpoints call the same selectors and access helpers as the pages, so an
outsider gets 404 and an in-scope user without the right gets 403 here too.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from lavorete.api import candidacies, matching, opportunities, pathways, people, skills, spaces
from lavorete.api.schemas import (
    ErrorOut,
    MeOut,
    MunicipalityOut,
    OrganisationOut,
    OrganisationSummary,
    ProgrammeDetailOut,
    ProgrammeOut,
)
from lavorete.core.permissions import grants_for
from lavorete.network.models import Organisation, Programme
from lavorete.network.permissions import get_organisation_for_user
from lavorete.network.selectors import organisation_list, public_programme, public_programmes
from lavorete.territory.selectors import municipality_search

api = NinjaAPI(
    title="Lavorete API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    description="Programmes, organisations and the territory of a Lavorete network.",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


def _org_summary(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "municipality": org.municipality.name,
    }


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "slug": programme.slug,
        "name": programme.name,
        "summary": programme.summary,
        "status": programme.status,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "lead_organisation": _org_summary(programme.lead_organisation),
        "municipalities": [m.name for m in programme.municipalities.all()],
    }


public = Router(tags=["public"])


@public.get("/programmes", response=list[ProgrammeOut], summary="Published programmes")
def list_programmes(request: HttpRequest) -> list[dict[str, Any]]:
    programmes = public_programmes().select_related("lead_organisation__municipality")
    return [_programme(p) for p in programmes]


@public.get(
    "/programmes/{slug}",
    response={200: ProgrammeDetailOut, 404: ErrorOut},
    summary="One published programme with its partners",
)
def get_programme(request: HttpRequest, slug: str) -> Any:
    # PostgreSQL can't compare text with a null character: no such programme.
    programme = None if "\x00" in slug else public_programme(slug)
    if programme is None:
        return 404, {"detail": "Not Found"}
    data = _programme(programme)
    data["partners"] = [
        {"organisation": _org_summary(p.organisation), "role": p.role}
        for p in programme.partners.select_related("organisation__municipality").order_by("pk")
    ]
    return data


@public.get("/municipalities", response=list[MunicipalityOut], summary="Italian municipalities")
@paginate(LimitOffsetPagination)
def list_municipalities(request: HttpRequest, q: str = "", province: int | None = None) -> Any:
    return [
        {
            "id": m.pk,
            "istat_code": m.istat_code,
            "name": m.name,
            "province": m.province.abbreviation,
            "region": m.province.region.name,
            "latitude": m.latitude,
            "longitude": m.longitude,
        }
        for m in municipality_search(q[:100], province=province)[:1000]
    ]


private = Router(tags=["back office"], auth=django_auth)


@private.get("/me", response=MeOut, summary="The logged-in user and their roles")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "roles": [
            {"role": g.role, "scope_kind": g.scope.kind, "scope_id": g.scope.id}
            for g in sorted(grants_for(user), key=lambda g: (g.role, g.scope))
        ],
    }


@private.get(
    "/organisations",
    response=list[OrganisationSummary],
    summary="Organisations the user may see",
)
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, q: str = "", kind: str = "") -> Any:
    return [_org_summary(o) for o in organisation_list(request.user, query=q[:100], kind=kind[:32])]


@private.get(
    "/organisations/{org_id}",
    response={200: OrganisationOut, 403: ErrorOut, 404: ErrorOut},
    summary="One organisation (404 outside your scope)",
)
def get_organisation(request: HttpRequest, org_id: int) -> Any:
    org = get_organisation_for_user(request.user, org_id)
    return {
        **_org_summary(org),
        "legal_form": org.legal_form,
        "tax_code": org.tax_code,
        "vat_number": org.vat_number,
        "ateco_code": org.ateco_code,
        "website": org.website,
        "email": org.email,
        "phone": org.phone,
    }


api.add_router("/v1", public)
api.add_router("/v1", private)
api.add_router("/v1", spaces.public)
api.add_router("/v1", spaces.member)
api.add_router("/v1", skills.router)
api.add_router("/v1", people.router)
api.add_router("/v1", pathways.router)
api.add_router("/v1", opportunities.router)
api.add_router("/v1", candidacies.router)
api.add_router("/v1", matching.router)
