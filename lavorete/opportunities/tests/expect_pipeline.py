"""URL x persona expectations and forms under garbage input for the candidacy pipeline.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py. The
candidacy is the registered person's for the opportunity of
`expect_opportunities` (an open internship of `organisation` through
`programme`), made through the services: applied, or shared with consent and
a CV for the pages that need it.
"""

from typing import Any

from lavorete.opportunities.tests.expect_opportunities import _opportunity
from lavorete.tests.matrix import PERSONAS, Kwargs, only

# The pipeline of an opportunity: its company and the programme's operators;
# the representative of another company 404; no right to see candidates anywhere 403.
PIPELINE = only({"org_rep": 200, "operator": 200, "outsider": 404})
# A candidacy: its company and the operators in scope; everyone else learns nothing.
CANDIDACY = only({"org_rep": 200, "operator": 200}, default=404)
# On the person's behalf: their operator; the company sees the candidacy but may not.
ON_BEHALF = only({"org_rep": 403, "operator": 200}, default=404)
# The person's own pages: a user without a record gets a page explaining how to get one.
OWN = only(dict.fromkeys(PERSONAS[1:], 200))
OWN_THING = only({"person": 200}, default=404)
API_OWN = {**dict.fromkeys(PERSONAS, 200), "anonymous": 401}


def _applied(objs: dict[str, Any]) -> Any:
    if "candidacy_applied" not in objs:
        from lavorete.opportunities.pipeline import candidacy_apply

        registered = objs["registered"]
        objs["candidacy_applied"] = candidacy_apply(
            actor=registered.user,
            opportunity=_opportunity(objs),
            person=registered,
            message="Mi interessa",
        )
    return objs["candidacy_applied"]


def _shared(objs: dict[str, Any]) -> Any:
    """Applied, shared with the person's consent, and the person has a CV."""
    if "candidacy_shared" not in objs:
        from lavorete.opportunities.pipeline import candidacy_share
        from lavorete.people.services import person_cv_set
        from lavorete.people.tests.registry_support import pdf

        registered = objs["registered"]
        if not registered.cv:
            person_cv_set(actor=None, person=registered, upload=pdf())
        objs["candidacy_shared"] = candidacy_share(
            actor=registered.user, candidacy=_applied(objs), give_consent=True
        )
    return objs["candidacy_shared"]


def _opportunity_pk(objs: dict[str, Any]) -> dict[str, Any]:
    return {"opportunity_pk": _opportunity(objs).pk}


def _applied_pk(objs: dict[str, Any]) -> dict[str, Any]:
    return {"candidacy_pk": _applied(objs).pk}


def _shared_pk(objs: dict[str, Any]) -> dict[str, Any]:
    return {"candidacy_pk": _shared(objs).pk}


def _api_applied(objs: dict[str, Any]) -> dict[str, Any]:
    return {"candidacy_id": _applied(objs).pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "pipeline:opportunity": (_opportunity_pk, PIPELINE),
    "pipeline:candidacy": (_shared_pk, CANDIDACY),
    "pipeline:cv": (_shared_pk, CANDIDACY),
    "pipeline:move": (_shared_pk, CANDIDACY),
    "pipeline:share": (_applied_pk, ON_BEHALF),
    "pipeline:apply": (_applied_pk, ON_BEHALF),
    "pipeline:withdraw": (_applied_pk, ON_BEHALF),
    "candidacies_me:list": (lambda objs: {}, OWN),
    "candidacies_me:apply": (_opportunity_pk, OWN),
    "candidacies_me:share": (_applied_pk, OWN_THING),
    "candidacies_me:withdraw": (_applied_pk, OWN_THING),
    # API (lavorete/api/candidacies.py): a user without a record has no candidacies.
    "api-1.0.0:my_candidacies": (lambda objs: {}, API_OWN),
    # POST /v1/me/candidacies shares its address with the list: a GET lists.
    "api-1.0.0:apply_candidacy": (lambda objs: {}, API_OWN),
    "api-1.0.0:withdraw_candidacy": (_api_applied, dict.fromkeys(PERSONAS, 405)),
}

# url name, kwargs factory, persona allowed to use the form
FORMS: list[tuple[str, Any, str | None]] = [
    ("pipeline:move", _shared_pk, "org_rep"),
    ("pipeline:share", _applied_pk, "operator"),
    ("pipeline:apply", _applied_pk, "operator"),
    ("pipeline:withdraw", _applied_pk, "operator"),
    ("candidacies_me:apply", _opportunity_pk, "person"),
    ("candidacies_me:share", _applied_pk, "person"),
    ("candidacies_me:withdraw", _applied_pk, "person"),
]
