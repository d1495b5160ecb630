import base64
import hashlib
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlparse

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings

from lavorete.core.tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (verification, password reset) leave through the task queue."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Without django.contrib.sites allauth would greet "from" an empty name.
        context["current_site"] = SimpleNamespace(
            name=settings.SITE_NAME, domain=urlparse(settings.SITE_URL).netloc
        )
        message = self.render_mail(template_prefix, email, context)
        enqueue_email(message)


class MFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets are stored encrypted, so a database dump alone can't mint codes."""

    @staticmethod
    def _fernet() -> Fernet:
        digest = hashlib.sha256(f"lavorete-mfa:{settings.SECRET_KEY}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode("ascii")).decode()
