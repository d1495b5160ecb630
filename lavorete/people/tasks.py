"""Background tasks of the people registry: thin wrappers around services."""

import datetime as dt
from typing import Any

from django_tasks import task

from lavorete.people.gdpr import people_apply_retention


@task()
def apply_retention(*, today: str | None = None) -> dict[str, Any]:
    """Anonymise the records past their retention period (run it daily)."""
    summary = people_apply_retention(today=dt.date.fromisoformat(today) if today else None)
    return {
        "anonymised": len(summary.anonymised),
        "special_data_deleted": len(summary.special_data_deleted),
        "skipped_recent_account": len(summary.skipped_recent_account),
    }
