"""The personas and status helpers of the URL x persona matrix, shared by every app's expectations."""

from collections.abc import Callable
from typing import Any

PERSONAS = [
    "anonymous",
    "person",
    "org_rep",
    "outsider",
    "space_manager",
    "operator",
    "evaluator",
    "coordinator",
]

PUBLIC = dict.fromkeys(PERSONAS, 200)
LOGGED_IN = {**dict.fromkeys(PERSONAS, 200), "anonymous": 302}


def only(allowed: dict[str, int], *, default: int = 403) -> dict[str, int]:
    """Anonymous is sent to the login, the listed personas get their status, others `default`."""
    return {"anonymous": 302, **dict.fromkeys(PERSONAS[1:], default), **allowed}


# url name -> (kwargs factory, expected status per persona). The rule: no role at
# all or no such right anywhere -> 403; the right somewhere but this object
# outside the persona's scopes -> 404; in scope without the right -> 403.
Kwargs = Callable[[dict[str, Any]], dict[str, Any]]
NO_KWARGS: Kwargs = lambda objs: {}  # noqa: E731
