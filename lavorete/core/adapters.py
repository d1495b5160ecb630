from typing import Any

from allauth.account.adapter import DefaultAccountAdapter

from lavorete.core.tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (verification, password reset) leave through the task queue."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        enqueue_email(message)
