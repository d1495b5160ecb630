"""Security helpers wired through settings."""

from typing import Any


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """The login that axes counts failures against (allauth logs in by e-mail)."""
    credentials = credentials or {}
    for key in ("email", "username", "login"):
        value = credentials.get(key)
        if value:
            return str(value).strip().lower()
    if request is not None and hasattr(request, "POST"):
        return str(request.POST.get("login", "")).strip().lower()
    return ""
