"""Background tasks of matching: thin wrappers around the services.

The signals queue the two refreshes after each change is committed; the
nightly `recompute_matches` command (or task) rebuilds everything.
"""

from typing import Any

from django_tasks import task

from lavorete.matching import services


@task()
def refresh_person_matches(person_id: int) -> int:
    """Recompute one person's stored matches (after a change to their profile or consent)."""
    return services.person_matches_refresh(person_id)


@task()
def refresh_opportunity_matches(opportunity_id: int) -> int:
    """Recompute one opportunity's stored candidates (after it changed, opened or closed)."""
    return services.opportunity_matches_refresh(opportunity_id)


@task()
def recompute_matches() -> dict[str, Any]:
    """Recompute every stored match (nightly, and after a policy changes)."""
    return services.matches_recompute().as_dict()
