"""Funders' caps hold under concurrent requests (PostgreSQL: row locks on the tier)."""

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from lavorete.conftest import make_user
from lavorete.network.services import organisation_create
from lavorete.spaces import services
from lavorete.spaces.models import Booking, GrantStatus, TierGrant
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


def funded_tier(space: Any, **cap: Any) -> Any:
    funder = organisation_create(
        actor=None,
        name="Fondazione Tetto",
        kind="foundation",
        legal_form="foundation",
        municipality=space.municipality,
    )
    return services.tier_create(
        actor=None,
        space=space,
        name="Tetto",
        categories=["neet"],
        discount_percent=100,
        funder_organisation=funder,
        **cap,
    )


def test_an_hours_cap_is_never_exceeded_by_concurrent_bookings(committed, space, room, pool):
    tier = funded_tier(space, cap_kind="hours", cap=5)
    members = [make_user(f"cap{i}@example.org") for i in range(12)]
    for member in members:
        grant = services.tier_request(member=member, tier=tier, category="neet")
        services.tier_verify(actor=None, grant=grant, method="operator", today=dt.date(2030, 1, 2))
    day = dt.date(2030, 3, 4)
    slots = []
    for i, member in enumerate(members):
        resource = room if i < 9 else pool  # nine room hours, three pool seats: 12 bookings
        start = dt.time(8 + i) if i < 9 else dt.time(9)
        end = dt.time(9 + i) if i < 9 else dt.time(10)
        slots.append((member, resource, *services.local_slot(space, day, start, end)))

    results = at_once(
        [
            partial(services.booking_create, actor=m, member=m, resource=r, starts_at=s, ends_at=e)
            for m, r, s, e in slots
        ]
    )
    assert all(isinstance(r, Booking) for r in results), results
    subsidised = sum((b.subsidised_hours for b in Booking.objects.filter(tier=tier)), Decimal(0))
    assert subsidised == Decimal("5.00")
    assert Booking.objects.filter(subsidised_hours__gt=0).count() == 5


def test_a_seat_cap_is_never_exceeded_by_concurrent_verifications(committed, space):
    tier = funded_tier(space, cap_kind="seats", cap=3)
    requests = [
        services.tier_request(member=make_user(f"seat{i}@example.org"), tier=tier, category="neet")
        for i in range(10)
    ]
    results = at_once(
        [partial(services.tier_verify, actor=None, grant=g, method="operator") for g in requests]
    )
    assert sum(isinstance(r, TierGrant) for r in results) == 3
    assert all(isinstance(r, (TierGrant, ValidationError)) for r in results), results
    assert TierGrant.objects.filter(tier=tier, status=GrantStatus.VERIFIED).count() == 3
