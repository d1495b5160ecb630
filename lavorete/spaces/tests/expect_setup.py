"""URL x persona expectations and forms under garbage input for this area of the spaces app.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

from typing import Any

from lavorete.tests.matrix import LOGGED_IN, NO_KWARGS, PUBLIC, Kwargs, only  # noqa: F401

MANAGERS = {"space_manager": 200, "coordinator": 200}

EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "spaces:space_list": (NO_KWARGS, only(MANAGERS)),
}

# (url name, kwargs factory, persona who submits or None for anonymous)
FORMS: list[tuple[str, Any, str | None]] = []
