"""Background tasks of opportunities: thin wrappers around services."""

from django_tasks import task

from lavorete.opportunities.services import opportunities_close_expired


@task()
def close_expired_opportunities() -> int:
    """Close the open opportunities past their closing date (run daily)."""
    return opportunities_close_expired()
