"""The ESCO taxonomy over the API: search skills and occupations, an occupation's skills."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema

from lavorete.api.schemas import ErrorOut
from lavorete.skills.models import Occupation
from lavorete.skills.selectors import Hit, Shown, occupation_skills, preferred_labels, search

router = Router(tags=["skills (ESCO)"])


class LabelOut(Schema):
    text: str
    language: str
    fallback: bool


class ConceptOut(Schema):
    id: int
    uri: str
    label: LabelOut
    matched: str
    score: float


class SkillRefOut(Schema):
    id: int
    uri: str
    label: LabelOut


class OccupationOut(Schema):
    id: int
    uri: str
    code: str
    label: LabelOut
    description: str
    essential: list[SkillRefOut]
    optional: list[SkillRefOut]


def _language(lang: str) -> str:
    return lang if lang in {"it", "en"} else (get_language() or "it")[:2]


def _label(shown: Shown) -> dict[str, Any]:
    return {"text": shown.text, "language": shown.language, "fallback": shown.fallback}


def _hit(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "uri": hit.uri,
        "label": _label(hit.label),
        "matched": hit.matched,
        "score": hit.score,
    }


@router.get("/skills", response=list[ConceptOut], summary="Search ESCO skills by label")
def search_skills(request: HttpRequest, q: str = "", lang: str = "", limit: int = 20) -> Any:
    """Italian or English labels, ignoring accents and forgiving small typos; best first.
    A label missing in the chosen language is given in English with `fallback` true."""
    return [_hit(h) for h in search(q, _language(lang), limit=max(1, min(limit, 50)))]


@router.get("/occupations", response=list[ConceptOut], summary="Search ESCO occupations by label")
def search_occupations(request: HttpRequest, q: str = "", lang: str = "", limit: int = 20) -> Any:
    return [
        _hit(h) for h in search(q, _language(lang), kind="occupation", limit=max(1, min(limit, 50)))
    ]


@router.get(
    "/occupations/{occupation_id}",
    response={200: OccupationOut, 404: ErrorOut},
    summary="One ESCO occupation with its essential and optional skills",
)
def get_occupation(request: HttpRequest, occupation_id: int, lang: str = "") -> Any:
    language = _language(lang)
    occupation = (
        Occupation.objects.filter(pk=occupation_id).first() if 0 < occupation_id < 2**63 else None
    )
    if occupation is None:
        return 404, {"detail": "Not Found"}
    shown = preferred_labels([occupation], language, "occupation")[occupation.pk]
    skills = occupation_skills(occupation, language)
    return {
        "id": occupation.pk,
        "uri": occupation.uri,
        "code": occupation.code,
        "label": _label(shown),
        "description": shown.description,
        **{
            relation: [{"id": s.pk, "uri": s.uri, "label": _label(label)} for s, label in items]
            for relation, items in skills.items()
        },
    }
