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


def lockout_response(
    request: Any, credentials: dict[str, Any] | None, *args: Any, **kwargs: Any
) -> Any:
    """The page shown while a login is paused after repeated failures (HTTP 429)."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/lockout.html", {"cooloff_minutes": minutes}, status=429)


def client_ip(request: Any) -> str:
    """The client's address, trusting X-Forwarded-For only from TRUSTED_PROXY_COUNT proxies."""
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import PermissionDenied

    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:
        return str(request.META.get("REMOTE_ADDR", ""))
