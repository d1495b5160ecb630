"""URL x persona expectations and forms under garbage input for this area of the spaces app.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

from typing import Any

from lavorete.tests.matrix import NO_KWARGS, Kwargs, only

# Occupancy is for the space's staff and the coordinator; every other role, and
# people without a role, are refused (the space manager's organisation runs the space).
STAFF = only({"space_manager": 200, "coordinator": 200})


def _space(objs: dict[str, Any]) -> dict[str, Any]:
    return {"pk": objs["space"].pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "spaces:occupancy_network": (NO_KWARGS, STAFF),
    "spaces:occupancy_network_export": (lambda o: {"fmt": "csv"}, STAFF),
    "spaces:occupancy": (_space, STAFF),
    "spaces:occupancy_export": (lambda o: {**_space(o), "fmt": "xlsx"}, STAFF),
}

# (url name, kwargs factory, persona who submits or None for anonymous)
FORMS: list[tuple[str, Any, str | None]] = []
