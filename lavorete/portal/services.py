"""Writes of the public portal."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.tasks import send_email
from lavorete.portal.models import Feedback


def feedback_submit(
    *, actor: Any, message: str, email: str = "", page: str = "", language: str = ""
) -> Feedback:
    """Store a feedback message and notify the administrators by e-mail (in the background)."""
    message = message.strip()
    if len(message) < 5:
        raise ValidationError({"message": _("Write a few words so we can understand.")})
    with transaction.atomic():
        feedback = Feedback(
            message=message,
            email=email.strip(),
            page=page[:500],
            language=language[:8],
            user=actor if getattr(actor, "is_authenticated", False) else None,
        )
        feedback.full_clean()
        feedback.save()
        audit_record(actor=actor, action="feedback.submit", target=feedback)
        transaction.on_commit(
            lambda: send_email.enqueue(
                subject=f"[{settings.SITE_NAME}] Feedback #{feedback.pk}",
                body=f"{feedback.message}\n\n-- {feedback.email or 'anonymous'} · {feedback.page}",
                to=[settings.ADMINS_EMAIL],
                reply_to=[feedback.email] if feedback.email else None,
            )
        )
    return feedback
