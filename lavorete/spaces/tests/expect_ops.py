"""URL x persona expectations and forms under garbage input for this area of the spaces app.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

from typing import Any

from lavorete.tests.matrix import LOGGED_IN, NO_KWARGS, PUBLIC, Kwargs, only  # noqa: F401

# Running a space needs a space role (or the coordinator's); everybody else
# holds no such right anywhere, so 403.
STAFF = only({"space_manager": 200, "coordinator": 200})
# Tier requests are also decided by the operators of the programme that funds
# the tier (the fixture's tier is funded by `programme`).
VERIFIERS = only({"space_manager": 200, "operator": 200, "coordinator": 200})


def _space(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["space"].pk}


def _member(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["space"].pk, "user_pk": o["membership"].member_id}


def _membership(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["space"].pk, "membership_pk": o["membership"].pk}


def _grant(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["tier_grant"].pk}


def _booking(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["space"].pk, "booking_pk": o["booking"].pk}


def _checkin(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["space"].pk, "checkin_pk": o["checkin"].pk}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "spaces:member_list": (_space, STAFF),
    "spaces:member_detail": (_member, STAFF),
    "spaces:service_hours_record": (_member, STAFF),
    "spaces:membership_start": (_space, STAFF),
    "spaces:membership_change": (_membership, STAFF),
    "spaces:membership_end": (_membership, STAFF),
    "spaces:verification_queue": (NO_KWARGS, VERIFIERS),
    "spaces:tier_grant_detail": (_grant, VERIFIERS),
    "spaces:tier_decide": (_grant, VERIFIERS),
    "spaces:tier_revoke": (_grant, VERIFIERS),
    # The fixture's request has no supporting document: those who may see it get 404.
    "spaces:tier_evidence": (
        _grant,
        only({"space_manager": 404, "operator": 404, "coordinator": 404}),
    ),
    "spaces:booking_calendar": (_space, STAFF),
    "spaces:booking_create_manager": (_space, STAFF),
    "spaces:booking_cancel_manager": (_booking, STAFF),
    "spaces:frontdesk": (_space, STAFF),
    "spaces:guest_checkin": (_space, STAFF),
    # POST only: after the access checks, GET is not allowed.
    "spaces:checkout": (_checkin, only({"space_manager": 405, "coordinator": 405})),
}

# (url name, kwargs factory, persona who submits or None for anonymous)
# Not here: booking_cancel_manager, whose only field is a free-text reason: any
# text is a valid reason, so garbage would rightly cancel the booking. Its bad
# input (blank, too long, NUL) is tested in test_ops_bookings.py.
FORMS: list[tuple[str, Any, str | None]] = [
    ("spaces:service_hours_record", _member, "space_manager"),
    ("spaces:membership_start", _space, "space_manager"),
    ("spaces:membership_change", _membership, "space_manager"),
    ("spaces:membership_end", _membership, "space_manager"),
    ("spaces:tier_decide", _grant, "operator"),
    ("spaces:tier_revoke", _grant, "space_manager"),
    ("spaces:booking_create_manager", _space, "space_manager"),
    ("spaces:frontdesk", _space, "space_manager"),
    ("spaces:guest_checkin", _space, "coordinator"),
]
