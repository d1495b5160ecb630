"""URL x persona expectations and forms under garbage input for this area of the spaces app.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py. Only the
coordinator (network-wide) and the space manager (on the managing
organisation) hold spaces.view_space / manage_space; every other persona holds
them nowhere, so gets 403. The 404 for a space manager of another space is in
test_setup_access.py.
"""

from typing import Any

from lavorete.tests.matrix import LOGGED_IN, NO_KWARGS, PUBLIC, Kwargs, only  # noqa: F401

MANAGERS = {"space_manager": 200, "coordinator": 200}
POST_ONLY = {"space_manager": 405, "coordinator": 405}


def space(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["space"].pk}


def _closure(o: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from lavorete.spaces.services import closure_add

    closure = closure_add(
        actor=None,
        space=o["space"],
        starts_on=dt.date(2030, 8, 10),
        ends_on=dt.date(2030, 8, 20),
        reason="Chiusura estiva",
    )
    return {"pk": o["space"].pk, "closure_pk": closure.pk}


def _photo(o: dict[str, Any]) -> dict[str, Any]:
    from lavorete.spaces.models import SpacePhoto

    photo = SpacePhoto.objects.create(space=o["space"], image="spaces/photos/x.png", alt_text="x")
    return {"pk": o["space"].pk, "photo_pk": photo.pk}


def _grant(o: dict[str, Any]) -> dict[str, Any]:
    from lavorete.spaces.services import qualification_grant

    grant = qualification_grant(
        actor=None, qualification=o["qualification"], member=o["booking"].member
    )
    return {"pk": o["space"].pk, "qualification_pk": o["qualification"].pk, "grant_pk": grant.pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "spaces:space_list": (NO_KWARGS, only(MANAGERS)),
    "spaces:space_create": (NO_KWARGS, only({"coordinator": 200})),
    "spaces:space_detail": (space, only(MANAGERS)),
    "spaces:space_update": (space, only(MANAGERS)),
    "spaces:opening_hours": (space, only(MANAGERS)),
    "spaces:closure_list": (space, only(MANAGERS)),
    "spaces:closure_delete": (_closure, only(POST_ONLY)),
    "spaces:photo_list": (space, only(MANAGERS)),
    "spaces:photo_delete": (_photo, only(POST_ONLY)),
    "spaces:resource_list": (space, only(MANAGERS)),
    "spaces:resource_create": (space, only(MANAGERS)),
    "spaces:resource_update": (
        lambda o: {"pk": o["space"].pk, "resource_pk": o["pool"].pk},
        only(MANAGERS),
    ),
    "spaces:qualification_list": (space, only(MANAGERS)),
    "spaces:qualification_detail": (
        lambda o: {"pk": o["space"].pk, "qualification_pk": o["qualification"].pk},
        only(MANAGERS),
    ),
    "spaces:qualification_revoke": (_grant, only(POST_ONLY)),
    "spaces:plan_list": (space, only(MANAGERS)),
    "spaces:plan_create": (space, only(MANAGERS)),
    "spaces:plan_update": (
        lambda o: {"pk": o["space"].pk, "plan_pk": o["plan"].pk},
        only(MANAGERS),
    ),
    "spaces:tier_list": (space, only(MANAGERS)),
    "spaces:tier_create": (space, only(MANAGERS)),
    "spaces:tier_update": (
        lambda o: {"pk": o["space"].pk, "tier_pk": o["tier"].pk},
        only(MANAGERS),
    ),
    "spaces:kiosk_settings": (space, only(MANAGERS)),
}

# (url name, kwargs factory, persona who submits or None for anonymous)
FORMS: list[tuple[str, Any, str | None]] = [
    ("spaces:space_create", lambda o: {}, "coordinator"),
    ("spaces:space_update", space, "space_manager"),
    ("spaces:space_update", space, "coordinator"),
    ("spaces:opening_hours", space, "space_manager"),
    ("spaces:closure_list", space, "space_manager"),
    ("spaces:photo_list", space, "space_manager"),
    ("spaces:resource_create", space, "space_manager"),
    (
        "spaces:resource_update",
        lambda o: {"pk": o["space"].pk, "resource_pk": o["pool"].pk},
        "space_manager",
    ),
    ("spaces:qualification_list", space, "space_manager"),
    (
        "spaces:qualification_detail",
        lambda o: {"pk": o["space"].pk, "qualification_pk": o["qualification"].pk},
        "space_manager",
    ),
    ("spaces:plan_create", space, "space_manager"),
    (
        "spaces:plan_update",
        lambda o: {"pk": o["space"].pk, "plan_pk": o["plan"].pk},
        "space_manager",
    ),
    ("spaces:tier_create", space, "space_manager"),
    (
        "spaces:tier_update",
        lambda o: {"pk": o["space"].pk, "tier_pk": o["tier"].pk},
        "space_manager",
    ),
]
