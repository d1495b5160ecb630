"""Representatives hiring at once never fill more positions than the opportunity has
(PostgreSQL: a hire locks the opportunity's row before counting the hires)."""

import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from lavorete.conftest import grant, make_user
from lavorete.core.roles import Role, ScopeKind
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyStatus, OpportunityStatus
from lavorete.pathways.models import Outcome
from lavorete.people.models import ConsentPurpose
from lavorete.people.services import consent_give, person_create
from lavorete.territory.models import Municipality

pytestmark = [
    pytest.mark.race,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks are what is under test: PostgreSQL (SQLite serialises every writer).",
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _territory_after_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Put the municipalities back once the transactional tests emptied the tables."""
    yield
    with django_db_blocker.unblock():
        if not Municipality.objects.exists():
            call_command("load_municipalities", verbosity=0)


@pytest.fixture
def committed(transactional_db: None) -> Iterator[None]:
    if not Municipality.objects.exists():
        call_command("load_municipalities", verbosity=0)
    yield


def at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released together; each returns a value or its exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:
            results[i] = exc
        finally:
            connections[DEFAULT_DB_ALIAS].close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _hires(opportunity: Any, operator: Any, programme: Any, organisation: Any) -> list[Any]:
    """Three representatives at once hire three shared candidates for two positions."""
    from lavorete.opportunities.services import opportunity_update
    from lavorete.pathways.services import enrolment_create, pathway_template_default

    opportunity_update(actor=None, opportunity=opportunity, positions=2)
    pathway_template_default(actor=None, programme=programme)
    jobs: list[Callable[[], Any]] = []
    for i in range(3):
        rep = grant(
            make_user(f"rep{i}@example.org"),
            Role.ORGANISATION_REPRESENTATIVE,
            ScopeKind.ORGANISATION,
            organisation.pk,
        )
        record = person_create(actor=operator, first_name=f"Candidata{i}", last_name="Gara")
        enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
        consent_give(actor=operator, person=record, purpose=ConsentPurpose.PROFILE_SHARING)
        candidacy = pipeline.candidacy_apply(actor=operator, opportunity=opportunity, person=record)
        candidacy = pipeline.candidacy_share(actor=operator, candidacy=candidacy)
        jobs.append(
            partial(
                pipeline.candidacy_move,
                actor=rep,
                candidacy=candidacy,
                status=CandidacyStatus.HIRED,
            )
        )
    return at_once(jobs)


def _slow_placement(monkeypatch: Any) -> None:
    """Widen the window between counting the hires and committing."""
    record = pipeline._record_placement

    def slow(actor: Any, candidacy: Any) -> str:
        time.sleep(0.5)
        return record(actor, candidacy)

    monkeypatch.setattr(pipeline, "_record_placement", slow)


def test_the_positions_are_never_oversold(
    committed, monkeypatch, opportunity, operator, programme, organisation
):
    _slow_placement(monkeypatch)
    results = _hires(opportunity, operator, programme, organisation)
    hired = [r for r in results if isinstance(r, Candidacy)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(hired), len(refused)) == (2, 1), results
    assert refused[0].error_list[0].code in {"filled", "not_hiring"}
    assert Candidacy.objects.filter(status=CandidacyStatus.HIRED).count() == 2
    assert Outcome.objects.count() == 2
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FILLED


def test_control_without_the_lock_a_position_is_oversold(
    committed, monkeypatch, opportunity, operator, programme, organisation
):
    """The control: without the opportunity's row lock, every hire counts none and passes."""

    class Unlocked:
        class objects:  # noqa: N801 - stands in for the model's manager
            @staticmethod
            def select_for_update() -> Any:
                from lavorete.opportunities.models import Opportunity

                return Opportunity.objects.all()

    _slow_placement(monkeypatch)
    monkeypatch.setattr(pipeline, "Opportunity", Unlocked)
    results = _hires(opportunity, operator, programme, organisation)
    assert all(isinstance(r, Candidacy) for r in results), results
    assert Candidacy.objects.filter(status=CandidacyStatus.HIRED).count() == 3
