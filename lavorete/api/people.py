"""API routes of the people app: the same selectors and access helpers as the pages.

`GET /v1/people/{id}` answers staff who may see the person (404 for anyone else,
never 403 outside the scope) and logs the read; health and disability data
appear only for holders of `people.view_special_category`, and not even as an
empty key otherwise. `GET /v1/me/profile` is the logged-in person's own record.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from lavorete.api.schemas import ErrorOut
from lavorete.core.permissions import has_perm
from lavorete.people.models import Person, SpecialCategoryData
from lavorete.people.permissions import get_person_for_user, log_person_read
from lavorete.people.registry import person_consents, person_languages, person_skills

router = Router(tags=["people"], auth=django_auth)

_MAX_ID = 2**63 - 1


class ResidenceOut(Schema):
    istat_code: str
    name: str


class LanguageOut(Schema):
    language: str
    name: str
    level: str


class SkillLabelOut(Schema):
    text: str
    language: str
    fallback: bool


class PersonSkillOut(Schema):
    uri: str
    label: SkillLabelOut | None
    level: int
    evidence: str


class ConsentOut(Schema):
    purpose: str
    text_version: str
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None


class SpecialOut(Schema):
    has_disability: bool
    disability_percentage: int | None
    protected_category_l68: bool
    health_notes: str


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    tax_code: str
    birth_date: dt.date | None
    gender: str
    residence: ResidenceOut | None
    address: str
    education_level: str
    education_title: str
    employment_status: str
    employment_status_since: dt.date | None
    is_neet: bool
    is_returning_mother: bool
    is_migrant: bool
    categories: list[str]
    hours_per_week: int | None
    mobility_km: int | None
    driving_licence: bool
    has_cv: bool
    cv_uploaded_at: dt.datetime | None
    languages: list[LanguageOut]
    skills: list[PersonSkillOut]
    consents: list[ConsentOut]
    # Present only for holders of people.view_special_category.
    special: SpecialOut | None = None


FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "tax_code",
    "birth_date",
    "gender",
    "residence",
    "address",
    "education_level",
    "education_title",
    "employment_status",
    "employment_status_since",
    "is_neet",
    "is_returning_mother",
    "is_migrant",
    "hours_per_week",
    "mobility_km",
    "driving_licence",
    "cv_uploaded_at",
    "languages",
    "skills",
    "consents",
]
# The record's own columns, returned as they are.
_PLAIN = [
    n for n in FIELDS if n not in {"residence", "cv_uploaded_at", "languages", "skills", "consents"}
]
SPECIAL_FIELDS = [
    "has_disability",
    "disability_percentage",
    "protected_category_l68",
    "health_notes",
]


def _profile(person: Person) -> dict[str, Any]:
    residence = person.residence
    return {
        "id": person.pk,
        **{name: getattr(person, name) for name in _PLAIN},
        "residence": (
            {"istat_code": residence.istat_code, "name": residence.name} if residence else None
        ),
        "categories": sorted(person.categories()),
        "has_cv": bool(person.cv),
        "cv_uploaded_at": person.cv_uploaded_at,
        "languages": [
            {"language": r.code, "name": r.name, "level": r.level} for r in person_languages(person)
        ],
        "skills": [
            {
                "uri": r.uri,
                "label": (
                    {
                        "text": r.label.text,
                        "language": r.label.language,
                        "fallback": r.label.fallback,
                    }
                    if r.label
                    else None
                ),
                "level": r.level,
                "evidence": r.evidence,
            }
            for r in person_skills(person)
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "text_version": c.text_version,
                "given_at": c.given_at,
                "withdrawn_at": c.withdrawn_at,
            }
            for c in person_consents(person)
        ],
    }


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, 404: ErrorOut},
    exclude_unset=True,
    summary="One person's record (staff of the person's programmes)",
)
def get_person(request: HttpRequest, person_id: int) -> Any:
    """404 for anyone outside the person's programmes; every read is logged."""
    if not 0 < person_id <= _MAX_ID:
        raise Http404
    person = get_person_for_user(request.user, person_id)
    body = _profile(person)
    fields = list(FIELDS)
    if has_perm(request.user, "people.view_special_category", person):
        special = SpecialCategoryData.objects.filter(person=person).first()
        if special is not None:
            body["special"] = {name: getattr(special, name) for name in SPECIAL_FIELDS}
            fields += SPECIAL_FIELDS
    log_person_read(request.user, person, fields, path=request.get_full_path(), purpose="API")
    return body


@router.get(
    "/me/profile",
    response={200: PersonOut, 404: ErrorOut},
    exclude_unset=True,
    summary="My own record",
)
def my_profile(request: HttpRequest) -> Any:
    """The logged-in person's record; 404 with an explanation when they have none."""
    person = (
        Person.objects.select_related("residence")
        .filter(user_id=int(request.user.pk or 0), anonymised_at__isnull=True)
        .first()
    )
    if person is None:
        return 404, {
            "detail": "You have no profile yet: an operator of a programme opens one for you."
        }
    return _profile(person)
