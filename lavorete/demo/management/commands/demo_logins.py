from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core.management.base import BaseCommand

from lavorete.core.models import User
from lavorete.demo.personas import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Print the demo logins, one per persona."

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout.write
        out("")
        out(self.style.MIGRATE_HEADING(f"Lavorete demo — {settings.SITE_URL}"))
        out(f"Password for every demo login: {DEMO_PASSWORD}")
        out("Staff logins ask for a TOTP code: add the secret to an authenticator app,")
        out("or use one of the recovery codes (each works once).")
        out("")
        for persona in PERSONAS:
            user = User.objects.filter(email=persona.email).first()
            if user is None:
                continue
            out(f"  {persona.email:<40} {persona.description}")
            if persona.totp_secret:
                codes: list[str] = []
                rc = Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.RECOVERY_CODES
                ).first()
                if rc is not None:
                    codes = RecoveryCodes(rc).get_unused_codes()[:3]
                out(f"  {'':<40} TOTP secret {persona.totp_secret}")
                if codes:
                    out(f"  {'':<40} recovery codes {' '.join(codes)}")
        out("")
