"""URL x persona expectations and forms under garbage input for this area of the spaces app.

Merged into lavorete/tests/test_url_matrix.py and test_bad_input.py.
"""

import io
from typing import Any

from lavorete.tests.matrix import LOGGED_IN, NO_KWARGS, PUBLIC, Kwargs, only

# Only the member whose booking it is; anybody else's is 404, never 403.
OWN_BOOKING = only({"person": 200}, default=404)
SPACE_STAFF = only({"space_manager": 200, "coordinator": 200})


def _slug(objs: dict[str, Any]) -> dict[str, Any]:
    return {"slug": objs["space"].slug}


def _photo(objs: dict[str, Any]) -> dict[str, Any]:
    """A photo of the (public) space, added once through the service."""
    if "photo" not in objs:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from lavorete.spaces.services import photo_add

        buffer = io.BytesIO()
        Image.new("RGB", (4, 3), "green").save(buffer, format="PNG")
        image = SimpleUploadedFile("sala.png", buffer.getvalue(), "image/png")
        objs["photo"] = photo_add(
            actor=None, space=objs["space"], image=image, alt_text="La sala riunioni"
        )
    return {"pk": objs["photo"].pk}


def _kiosk(objs: dict[str, Any]) -> dict[str, Any]:
    return {"slug": objs["space"].slug, "token": objs["space"].kiosk_token}


def _feed(objs: dict[str, Any]) -> dict[str, Any]:
    """The person's personal calendar feed (its token exists only once, when created)."""
    if "feed_token" not in objs:
        from lavorete.spaces.services import feed_rotate

        objs["feed_token"] = feed_rotate(owner=objs["booking"].member)
    return {"token": objs["feed_token"]}


EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "spaces:network": (NO_KWARGS, PUBLIC),
    "spaces:public_space": (_slug, PUBLIC),
    "spaces:photo": (_photo, PUBLIC),
    "spaces:book": (_slug, LOGGED_IN),
    "spaces:my_bookings": (NO_KWARGS, LOGGED_IN),
    "spaces:booking_cancel": (lambda o: {"pk": o["booking"].pk}, OWN_BOOKING),
    "spaces:feed_rotate": (NO_KWARGS, LOGGED_IN),
    "spaces:my_plan": (NO_KWARGS, LOGGED_IN),
    "spaces:tier_request": (_slug, LOGGED_IN),
    "spaces:guest_signin": (NO_KWARGS, LOGGED_IN),
    "spaces:kiosk": (_kiosk, PUBLIC),
    "spaces:feed": (_feed, PUBLIC),
    "spaces:resource_feed_rotate": (lambda o: {"pk": o["room"].pk}, SPACE_STAFF),
}

# (url name, kwargs factory, persona who submits or None for anonymous)
FORMS: list[tuple[str, Any, str | None]] = [
    ("spaces:book", _slug, "person"),
    ("spaces:booking_cancel", lambda o: {"pk": o["booking"].pk}, "person"),
    ("spaces:tier_request", _slug, "outsider"),
    ("spaces:guest_signin", NO_KWARGS, "person"),
    ("spaces:kiosk", _kiosk, None),
]
