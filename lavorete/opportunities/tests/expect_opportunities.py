"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py. The
opportunity (an open internship of `organisation`, offered through
`programme`, with one skill and one language) is made once through the
services.
"""

from typing import Any

from lavorete.tests.matrix import NO_KWARGS, PERSONAS, PUBLIC, Kwargs, only

# Anyone who manages opportunities somewhere (the outsider represents another company).
ANYWHERE = only(dict.fromkeys(["org_rep", "outsider", "operator", "coordinator"], 200))
# A page of this opportunity: its company, the programme's operator, the coordinator.
IN_SCOPE = only({"org_rep": 200, "operator": 200, "coordinator": 200, "outsider": 404})
# A POST-only action on this opportunity: GET is 405 once past the scope check.
IN_SCOPE_POST = only({"org_rep": 405, "operator": 405, "coordinator": 405, "outsider": 404})


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


def _pk(objs: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _opportunity(objs).pk}


def _skill(objs: dict[str, Any]) -> dict[str, Any]:
    opportunity = _opportunity(objs)
    return {"pk": opportunity.pk, "skill_pk": opportunity.skills.first().pk}


def _language(objs: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _opportunity(objs).pk, "language": "it"}


def _api(objs: dict[str, Any]) -> dict[str, Any]:
    return {"opportunity_id": _opportunity(objs).pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    # back office
    "opportunities:list": (NO_KWARGS, ANYWHERE),
    "opportunities:create": (NO_KWARGS, ANYWHERE),
    "opportunities:detail": (_pk, IN_SCOPE),
    "opportunities:update": (_pk, IN_SCOPE),
    "opportunities:skills": (_pk, IN_SCOPE),
    "opportunities:skills_from_occupation": (_pk, IN_SCOPE_POST),
    "opportunities:skill_edit": (_skill, IN_SCOPE),
    "opportunities:skill_remove": (_skill, IN_SCOPE_POST),
    "opportunities:languages": (_pk, IN_SCOPE),
    "opportunities:language_remove": (_language, IN_SCOPE_POST),
    "opportunities:publish": (_pk, IN_SCOPE_POST),
    # closing and marking as filled: a confirmation page (GET changes nothing), then POST
    "opportunities:close": (_pk, IN_SCOPE),
    "opportunities:fill": (_pk, IN_SCOPE),
    # public board
    "board:index": (NO_KWARGS, PUBLIC),
    "board:detail": (_pk, PUBLIC),
    # API: the board is public; posting and publishing are POST-only (GET is 405)
    "api-1.0.0:list_opportunities": (NO_KWARGS, PUBLIC),
    # (the same address as the list: a GET there lists)
    "api-1.0.0:create_opportunity": (NO_KWARGS, PUBLIC),
    "api-1.0.0:get_opportunity": (_api, PUBLIC),
    "api-1.0.0:publish_opportunity": (_api, dict.fromkeys(PERSONAS, 405)),
}

FORMS: list[tuple[str, Any, str | None]] = [
    ("opportunities:create", lambda o: {}, "org_rep"),
    ("opportunities:update", _pk, "org_rep"),
    ("opportunities:skills", _pk, "org_rep"),
    ("opportunities:skill_edit", _skill, "operator"),
    ("opportunities:languages", _pk, "coordinator"),
    ("opportunities:close", _pk, "org_rep"),
    ("opportunities:fill", _pk, "operator"),
]
