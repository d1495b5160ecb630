"""Background tasks of the core: outgoing e-mail goes through the task queue."""

from typing import Any

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one e-mail; the worker retries nothing, a failure stays visible in the results."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, reply_to=reply_to
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def enqueue_email(message: Any) -> None:
    """Queue a Django e-mail message built elsewhere (allauth, services)."""
    html = None
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = content
    send_email.enqueue(
        subject=str(message.subject),
        body=str(message.body),
        to=list(message.to),
        from_email=message.from_email,
        html=html,
        reply_to=list(message.reply_to) or None,
    )
