"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.

Programme dashboards are for whoever holds pathways.view_dashboard on the
programme: its coordinator, operators and evaluators (and fund administrators).
Everyone else holds that right nowhere, so gets 403; a programme outside a
holder's scopes is 404 (see test_dashboard_views.py).
"""

from typing import Any

from lavorete.tests.matrix import NO_KWARGS, Kwargs, only

DASHBOARD = only({"operator": 200, "evaluator": 200, "coordinator": 200})


def _programme(objs: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objs["programme"].pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "programme_dashboard:index": (NO_KWARGS, DASHBOARD),
    "programme_dashboard:programme": (_programme, DASHBOARD),
    "programme_dashboard:export": (lambda o: {**_programme(o), "fmt": "csv"}, DASHBOARD),
}

# url name, kwargs factory, persona allowed to use the form
FORMS: list[tuple[str, Any, str | None]] = []
