"""Stored matches follow the changes of people and opportunities, after each commit."""

from typing import Any

import pytest

from lavorete.matching import services
from lavorete.matching.models import Match
from lavorete.matching.tests import test_services as shared
from lavorete.people.models import ConsentPurpose

pytestmark = pytest.mark.django_db

matched = shared.matched


@pytest.fixture
def stored(matched: Any, opportunity: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Paola's matches stored by a recompute, the fixtures' queued refreshes dropped."""
    shared.forget_queued_refreshes()
    with django_capture_on_commit_callbacks(execute=True):
        services.matches_recompute()
    return Match.objects.get(person=matched, opportunity=opportunity)


def queued(callbacks: list[Any]) -> list[tuple[str, int]]:
    return [c.key for c in callbacks if isinstance(c, services._Scheduled)]


def test_a_new_skill_refreshes_the_persons_matches_after_commit(
    stored: Any,
    matched: Any,
    esco_skills: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lavorete.people.services import person_skill_add

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        person_skill_add(actor=None, person=matched, skill=esco_skills["web_analytics"], level=4)
        # Nothing is recomputed before the commit.
        assert Match.objects.get(pk=stored.pk).score == stored.score
    assert queued(callbacks) == [("person", matched.pk)]
    fresh = Match.objects.get(person=matched, opportunity=stored.opportunity)
    assert fresh.score > stored.score and fresh.essential == 1.0


def test_several_changes_in_one_transaction_queue_one_refresh(
    stored: Any,
    matched: Any,
    esco_skills: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    from lavorete.people.services import person_language_set, person_skill_add

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        person_skill_add(actor=None, person=matched, skill=esco_skills["web_analytics"])
        person_language_set(actor=None, person=matched, language="en", level="B2")
        matched.skills.filter(skill=esco_skills["photography"]).delete()
    assert queued(callbacks) == [("person", matched.pk)]


def test_a_withdrawn_consent_deletes_the_matches_at_once(
    stored: Any, matched: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from lavorete.people.services import consent_withdraw

    with django_capture_on_commit_callbacks(execute=False):
        consent_withdraw(actor=None, person=matched, purpose=ConsentPurpose.MATCHING)
        assert not Match.objects.filter(person=matched).exists()


def test_a_closed_opportunity_leaves_the_stored_lists(
    stored: Any, opportunity: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from lavorete.opportunities.services import opportunity_close

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        opportunity_close(actor=None, opportunity=opportunity)
    assert ("opportunity", opportunity.pk) in queued(callbacks)
    assert not Match.objects.filter(opportunity=opportunity).exists()


def test_a_published_opportunity_enters_the_lists(
    stored: Any,
    matched: Any,
    organisation: Any,
    programme: Any,
    esco_skills: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        made = shared.make_opportunity(
            organisation, programme, esco_skills, {"storytelling": 1}, title="Narratrice"
        )
    row = Match.objects.get(person=matched, opportunity=made)
    assert row.person_rank == 1 and row.opportunity_rank == 1
    assert Match.objects.get(person=matched, opportunity=stored.opportunity).person_rank == 2


def test_changing_a_required_skill_refreshes_the_opportunity(
    stored: Any,
    opportunity: Any,
    esco_skills: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from lavorete.opportunities.services import opportunity_skill_remove

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        opportunity_skill_remove(
            actor=None, opportunity=opportunity, skill=esco_skills["web_analytics"]
        )
    assert ("opportunity", opportunity.pk) in queued(callbacks)
    # Rows are rewritten, not updated: found again by their pair.
    assert Match.objects.get(person=stored.person, opportunity=opportunity).essential == 1.0


def test_moving_home_refreshes_the_distance(
    stored: Any, matched: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from lavorete.people.services import person_update
    from lavorete.territory.models import Municipality

    with django_capture_on_commit_callbacks(execute=True):
        person_update(
            actor=None, person=matched, residence=Municipality.objects.get(name="Sondrio")
        )
    row = Match.objects.get(person=matched, opportunity=stored.opportunity)
    assert row.km is not None and row.km > 80 and row.score < stored.score


def test_a_policy_change_recomputes_everything(
    stored: Any, programme: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.policy_set(
            actor=coordinator,
            programme=programme,
            priority_categories=["woman"],
            priority_bonus="0.20",
        )
    assert queued(callbacks) == [("all", 0)]
    assert Match.objects.get(pk__isnull=False).score == pytest.approx(min(1.0, stored.score + 0.20))


def test_the_recompute_command_prints_its_summary(stored: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("recompute_matches", stdout=out)
    assert "1 matches stored for 1 people and 1 open opportunities" in out.getvalue()
