"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

from typing import Any

from lavorete.tests.matrix import Kwargs

EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {}

FORMS: list[tuple[str, Any, str | None]] = []
