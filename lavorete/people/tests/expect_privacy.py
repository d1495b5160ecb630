"""URL x persona expectations and forms under garbage input for this area.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

from typing import Any

from lavorete.tests.matrix import LOGGED_IN, Kwargs, only

# Pages about one person: only coordinators (export and erase rights); the person's
# tutor sees the person but lacks the right (403); everyone else learns nothing (404).
COORDINATOR_OF_PERSON = only({"coordinator": 200, "operator": 403}, default=404)


def _person(objs: dict[str, Any]) -> dict[str, Any]:
    return {"person_pk": objs["registered"].pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "privacy:person_export": (_person, COORDINATOR_OF_PERSON),
    "privacy:person_export_download": (
        lambda o: {**_person(o), "fmt": "json"},
        COORDINATOR_OF_PERSON,
    ),
    "privacy:person_erase": (_person, COORDINATOR_OF_PERSON),
    # The person's own pages: everyone logged in reaches their own; without a record
    # the downloads and the log are 404 (the `person` persona has one: `registered`).
    "my_data:index": (lambda o: {}, LOGGED_IN),
    "my_data:download": (
        lambda o: {"fmt": "json"},
        only({"person": 200}, default=404),
    ),
    "my_data:access_log": (lambda o: {}, only({"person": 200}, default=404)),
    "my_data:erasure_request": (lambda o: {}, only({}, default=405)),
}

# url name, kwargs factory, persona allowed to use the form
FORMS: list[tuple[str, Any, str | None]] = [
    ("privacy:person_erase", _person, "coordinator"),
]
