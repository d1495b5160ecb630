"""Background tasks of pathways: thin wrappers around services."""

from django_tasks import task

from lavorete.pathways.services import follow_up_reminders_send


@task()
def follow_up_reminders() -> int:
    """E-mail each operator the follow-ups due this week (run daily)."""
    return follow_up_reminders_send()
