from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lavorete.core.permissions import is_staff_member

# Paths a staff member without a second factor may still reach: the account
# pages (where TOTP is set up), language switch, static files and probes.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/readyz", "/favicon")


class StaffMFARequiredMiddleware:
    """Send staff roles without TOTP to set it up before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.LAVORETE_REQUIRE_STAFF_MFA
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and is_staff_member(user)
            and not Authenticator.objects.filter(user_id=user.pk, type="totp").exists()
        ):
            messages.warning(
                request,
                _(
                    "Your role gives access to personal data: set up two-factor "
                    "authentication to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
