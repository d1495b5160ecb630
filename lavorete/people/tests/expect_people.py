"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

from typing import Any

from lavorete.tests.matrix import NO_KWARGS, PERSONAS, Kwargs, only

# A page about the registered person: their programme's operator and the coordinator
# read it; everyone else learns nothing (404), never 403.
READ = only({"operator": 200, "coordinator": 200}, default=404)
# Changing the record: the operator; the coordinator reads but doesn't change (403).
MANAGE = only({"operator": 200, "coordinator": 403}, default=404)
# POST-only actions: GET is 405 for who may use them.
ACTION = only({"operator": 405, "coordinator": 403}, default=404)
# Health and disability data: nobody in the matrix holds the explicit permission.
SPECIAL = only({"operator": 403, "coordinator": 403}, default=404)
IMPORT = only({"operator": 200})
# The person's own pages: a user without a record gets the page explaining how to get one.
OWN = only(
    dict.fromkeys(
        ["person", "org_rep", "outsider", "space_manager", "operator", "evaluator", "coordinator"],
        200,
    )
)
OWN_ACTION = only(
    dict.fromkeys(
        ["person", "org_rep", "outsider", "space_manager", "operator", "evaluator", "coordinator"],
        405,
    )
)
# Something named in the URL that only the person's own profile holds: 404 for the others.
OWN_THING = only({"person": 200}, default=404)
OWN_THING_ACTION = only({"person": 405}, default=404)
API_OWN = {**dict.fromkeys(PERSONAS, 404), "anonymous": 401}
API_STAFF = {
    "anonymous": 401,
    "person": 404,
    "org_rep": 404,
    "outsider": 404,
    "space_manager": 404,
    "operator": 200,
    "evaluator": 404,
    "coordinator": 200,
}


def _person(objs: dict[str, Any]) -> dict[str, Any]:
    return {"person_pk": objs["registered"].pk}


def _with_cv(objs: dict[str, Any]) -> dict[str, Any]:
    """The registered person with a CV, uploaded once through the service."""
    if "registered_cv" not in objs:
        from lavorete.people.services import person_cv_set
        from lavorete.people.tests.registry_support import pdf

        objs["registered_cv"] = person_cv_set(actor=None, person=objs["registered"], upload=pdf())
    return _person(objs)


def _own_skill(objs: dict[str, Any]) -> Any:
    if "person_skill" not in objs:
        from lavorete.people.services import person_skill_add
        from lavorete.people.tests.registry_support import make_skills

        objs["person_skill"] = person_skill_add(
            actor=None, person=objs["registered"], skill=make_skills()["weld"]
        )
    return objs["person_skill"]


def _own_language(objs: dict[str, Any]) -> dict[str, Any]:
    from lavorete.people.services import person_language_set

    person_language_set(actor=None, person=objs["registered"], language="en", level="B2")
    return {"language": "en"}


def _own_consent(objs: dict[str, Any]) -> dict[str, Any]:
    from lavorete.people.services import consent_give

    consent_give(actor=None, person=objs["registered"], purpose="newsletter")
    return {"purpose": "newsletter"}


def _skill(objs: dict[str, Any]) -> dict[str, Any]:
    return {**_person(objs), "skill_pk": _own_skill(objs).pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "people:person": (_person, READ),
    "people:edit": (_person, MANAGE),
    "people:languages": (_person, READ),
    "people:language_remove": (lambda o: {**_person(o), "language": "en"}, ACTION),
    "people:skills": (_person, READ),
    "people:skill_edit": (_skill, MANAGE),
    "people:skill_remove": (_skill, ACTION),
    "people:cv": (_person, READ),
    "people:cv_download": (_with_cv, READ),
    "people:cv_remove": (_person, ACTION),
    "people:invite": (_person, ACTION),
    "people:consents": (_person, READ),
    "people:consent_withdraw": (lambda o: {**_person(o), "purpose": "programme"}, ACTION),
    "people:special": (_person, SPECIAL),
    "people:import": (NO_KWARGS, IMPORT),
    "people:import_template": (NO_KWARGS, IMPORT),
    # API
    "api-1.0.0:get_person": (lambda o: {"person_id": o["registered"].pk}, API_STAFF),
    "api-1.0.0:my_profile": (NO_KWARGS, {**API_OWN, "person": 200}),
    # the person's own pages
    "people_me:profile": (NO_KWARGS, OWN),
    "people_me:edit": (NO_KWARGS, OWN),
    "people_me:languages": (NO_KWARGS, OWN),
    "people_me:language_remove": (_own_language, OWN_THING_ACTION),
    "people_me:skills": (NO_KWARGS, OWN),
    "people_me:skill_edit": (lambda o: {"skill_pk": _own_skill(o).pk}, OWN_THING),
    "people_me:skill_remove": (lambda o: {"skill_pk": _own_skill(o).pk}, OWN_THING_ACTION),
    "people_me:cv": (NO_KWARGS, OWN),
    "people_me:cv_download": (lambda o: _with_cv(o) and {}, OWN),
    "people_me:cv_remove": (NO_KWARGS, OWN_ACTION),
    "people_me:consents": (NO_KWARGS, OWN),
    "people_me:consent_withdraw": (_own_consent, OWN_THING_ACTION),
}

# url name, kwargs factory, persona allowed to use the form
FORMS: list[tuple[str, Any, str | None]] = [
    ("people:edit", _person, "operator"),
    ("people:languages", _person, "operator"),
    ("people:skills", _person, "operator"),
    ("people:skill_edit", _skill, "operator"),
    ("people:consents", _person, "operator"),
    ("people:import", NO_KWARGS, "operator"),
    ("people_me:edit", NO_KWARGS, "person"),
    ("people_me:languages", NO_KWARGS, "person"),
    ("people_me:skills", NO_KWARGS, "person"),
    ("people_me:skill_edit", lambda o: {"skill_pk": _own_skill(o).pk}, "person"),
    ("people_me:consents", NO_KWARGS, "person"),
]
