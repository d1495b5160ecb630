from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lavorete.core.permissions import has_any_role


def lavorete(request: HttpRequest) -> dict[str, Any]:
    """Site-wide template context: name, languages and whether to show the back office."""
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "show_backoffice": bool(user is not None and has_any_role(user)),
    }
