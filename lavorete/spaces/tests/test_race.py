"""Concurrent bookings through the real HTTP stack: the database guard holds, and is needed.

On PostgreSQL (`make test-postgres` in CI) members hit the same slot at once
through a live server: exactly one booking is created (three for a 3-seat pool),
every other request gets 409 with a clear "already booked" message, never a
5xx. A control run without the exclusion constraint, with the service's
check-then-insert window widened, shows the race the constraint prevents.

On SQLite the guard is the write lock taken when a transaction starts
(IMMEDIATE): concurrent bookings queue behind it and all but one get the clear
refusal; the control, with transactions started DEFERRED, shows requests
failing with "database is locked" instead. pytest-django's SQLite test
database lives in memory, where threads can't wait for a lock, so these tests
run on a file copy of it (or on the test database itself when it is a file).
"""

import datetime as dt
import http.client
import importlib
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import Client

from lavorete.conftest import make_user
from lavorete.spaces import services
from lavorete.spaces.models import Booking, BookingStatus
from lavorete.territory.models import Municipality

pytestmark = pytest.mark.race

ROME = ZoneInfo("Europe/Rome")
SLOT = {"date": "2030-03-04", "start": "09:00", "end": "11:00"}
NO_OVERLAP = importlib.import_module("lavorete.spaces.migrations.0002_booking_no_overlap")

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The race through HTTP runs on PostgreSQL (make test-postgres, as in CI): "
    "on SQLite the write lock serialises requests, tested below.",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="The SQLite write-lock test needs SQLite."
)


@pytest.fixture(scope="module", autouse=True)
def _territory_after_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Load the municipalities again once the module's transactional tests emptied the tables.

    A transactional test empties every table when it ends, municipalities
    included, which the session loaded once for all the tests that follow.
    """
    yield
    with django_db_blocker.unblock():
        if not Municipality.objects.exists():
            call_command("load_municipalities", verbosity=0)


@pytest.fixture
def committed_db(transactional_db: None) -> Iterator[None]:
    """Committed data, which the live server's threads can see; the territory if a flush took it.

    The live server runs each request in a new thread: with persistent
    connections each thread would leave one open, and fifty requests a test
    soon pass PostgreSQL's max_connections. Here each request closes its own.
    """
    if not Municipality.objects.exists():
        call_command("load_municipalities", verbosity=0)
    settings_dict = connections.settings[DEFAULT_DB_ALIAS]
    max_age = settings_dict.get("CONN_MAX_AGE", 0)
    settings_dict["CONN_MAX_AGE"] = 0
    try:
        yield
    finally:
        settings_dict["CONN_MAX_AGE"] = max_age


@dataclass
class Member:
    """A logged-in HTTP client's credentials: the session and CSRF cookies and the token."""

    cookie: str
    csrf_token: str


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


def log_in(base_url: str, user: Any) -> Member:
    """A session for `user`, and a CSRF token fetched as a real client would."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    conn = _connection(base_url)
    conn.request("GET", "/api/v1/csrf", headers={"Cookie": cookie})
    response = conn.getresponse()
    token = json.loads(response.read())["csrf_token"]
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    conn.close()
    return Member(
        cookie=f"{cookie}; {settings.CSRF_COOKIE_NAME}={jar[settings.CSRF_COOKIE_NAME].value}",
        csrf_token=token,
    )


def _connection(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname or "localhost", parts.port, timeout=120)


def warm_connection(base_url: str, member: Member) -> http.client.HTTPConnection:
    """A keep-alive connection the server has already accepted and served once.

    Opening fifty at the same instant would overflow the live server's listen
    queue (ten), and the kernel would reset some: a test artefact, not the
    race under test. So connections are opened one by one, and only the
    bookings leave together.
    """
    conn = _connection(base_url)
    conn.request("GET", "/api/v1/csrf", headers={"Cookie": member.cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 200
    assert response.getheader("Connection") != "close"
    return conn


def post_at_once(
    base_url: str, requests: list[tuple[Member, dict[str, Any], dict[str, str]]]
) -> list[Answer]:
    """POST every booking request at the same moment, one thread and connection each."""
    conns = [warm_connection(base_url, member) for member, _, _ in requests]
    barrier = threading.Barrier(len(requests))
    answers: list[Answer | None] = [None] * len(requests)
    errors: list[BaseException] = []

    def send(index: int, member: Member, body: dict[str, Any], extra: dict[str, str]) -> None:
        conn = conns[index]
        try:
            barrier.wait(timeout=60)
            conn.request(
                "POST",
                "/api/v1/bookings",
                body=json.dumps(body),
                headers={
                    "Content-Type": "application/json",
                    "Accept-Language": "en",
                    "Cookie": member.cookie,
                    "X-CSRFToken": member.csrf_token,
                    **extra,
                },
            )
            response = conn.getresponse()
            raw = response.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"raw": raw.decode("utf-8", "replace")[:500]}
            answers[index] = Answer(response.status, payload)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def members(base_url: str, count: int) -> list[Member]:
    users = [make_user(f"socio{i:02d}@example.org", f"Socio {i:02d}") for i in range(count)]
    return [log_in(base_url, user) for user in users]


def summary(answers: list[Answer]) -> Counter[int]:
    return Counter(a.status for a in answers)


# --- PostgreSQL: the exclusion constraint ----------------------------------------------


@on_postgresql
def test_fifty_members_one_room_one_booking(committed_db, live_server, room):
    crowd = members(live_server.url, 50)
    answers = post_at_once(live_server.url, [(m, {"resource": room.pk, **SLOT}, {}) for m in crowd])
    assert summary(answers) == {201: 1, 409: 49}, [a.body for a in answers if a.status >= 500]
    for answer in answers:
        if answer.status == 409:
            assert answer.body["code"] == "taken"
            assert answer.body["detail"] == "Sala Martesana is already booked for this slot."
    assert Booking.objects.filter(resource=room).count() == 1


@on_postgresql
def test_fifty_members_a_three_seat_pool_three_bookings(committed_db, live_server, pool):
    crowd = members(live_server.url, 50)
    answers = post_at_once(live_server.url, [(m, {"resource": pool.pk, **SLOT}, {}) for m in crowd])
    assert summary(answers) == {201: 3, 409: 47}
    assert {a.body["detail"] for a in answers if a.status == 409} == {
        "All seats of Open space are booked for this slot."
    }
    bookings = Booking.objects.filter(resource=pool)
    assert bookings.count() == 3
    assert bookings.values("unit").distinct().count() == 3


@on_postgresql
def test_one_key_twenty_times_at_once_one_booking(committed_db, live_server, room):
    member = members(live_server.url, 1)[0]
    key = {"Idempotency-Key": "5f0c9c1e-race"}
    answers = post_at_once(live_server.url, [(member, {"resource": room.pk, **SLOT}, key)] * 20)
    booking = Booking.objects.get()
    assert summary(answers) == {201: 1, 200: 19}, [a.body for a in answers if a.status >= 300]
    assert {a.body["id"] for a in answers} == {booking.pk}


@on_postgresql
def test_control_without_the_constraint_the_race_double_books(
    committed_db, live_server, room, monkeypatch
):
    """The same 50 requests, with the guard dropped and the check-then-insert window visible."""
    crowd = members(live_server.url, 50)
    monkeypatch.setattr(services, "_before_insert", lambda: time.sleep(0.05))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE spaces_booking DROP CONSTRAINT booking_no_overlap")
    try:
        answers = post_at_once(
            live_server.url, [(m, {"resource": room.pk, **SLOT}, {}) for m in crowd]
        )
        created = Booking.objects.filter(resource=room, status=BookingStatus.ACTIVE).count()
        print(f"control run: {created} active bookings of one room for the same slot")
        assert created > 1, "without the exclusion constraint the race should double-book"
        assert summary(answers)[201] == created
        assert not [a for a in answers if a.status >= 500]
    finally:
        Booking.objects.filter(resource=room).delete()
        with connection.cursor() as cursor:
            cursor.execute(NO_OVERLAP.CREATE)


# --- SQLite: the IMMEDIATE write lock --------------------------------------------------


@on_sqlite
def test_sqlite_serialises_bookings_over_http(committed_db, live_server, room):
    if _in_memory():
        pytest.skip(
            "pytest-django's SQLite test database is in memory (shared cache): threads get "
            "'table is locked' instead of waiting, and the live server shares one "
            "connection. The in-process test below runs on a file copy instead."
        )
    crowd = members(live_server.url, 12)
    answers = post_at_once(live_server.url, [(m, {"resource": room.pk, **SLOT}, {}) for m in crowd])
    assert summary(answers) == {201: 1, 409: 11}
    assert Booking.objects.filter(resource=room).count() == 1


def _in_memory() -> bool:
    """Is the SQLite test database in memory (pytest-django's default) rather than a file?"""
    return bool(connection.is_in_memory_db())  # type: ignore[attr-defined]


def _file_copy(target: Path) -> Path:
    """The test database, copied to a file: what a real installation's SQLite looks like."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    connection.connection.backup(copy)
    copy.close()
    return target


def _on_database(settings_dict: dict[str, Any] | None) -> None:
    """Give this thread its own connection with `settings_dict` (the project's SQLite options)."""
    if settings_dict is not None:
        connections[DEFAULT_DB_ALIAS] = SQLiteWrapper(settings_dict, DEFAULT_DB_ALIAS)


def book_from_threads(
    room: Any, users: list[Any], settings_dict: dict[str, Any] | None
) -> tuple[Counter[str], list[int]]:
    """The members book the same slot at once, each thread on its own connection."""
    starts_at, ends_at = services.local_slot(
        room.space, dt.date(2030, 3, 4), dt.time(9), dt.time(11)
    )
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    created: list[int] = []

    def book(user: Any) -> None:
        _on_database(settings_dict)
        try:
            barrier.wait(timeout=60)
            booking = services.booking_create(
                actor=user, member=user, resource=room, starts_at=starts_at, ends_at=ends_at
            )
            created.append(booking.pk)
            outcomes.append("booked")
        except services.SlotTakenError:
            outcomes.append("taken")
        except Exception as exc:  # what a control run shows, and what must not happen otherwise
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    run_threads(book, users)
    return Counter(outcomes), created


def _count_bookings(room: Any, database: Path | None) -> int:
    if database is None:
        return Booking.objects.filter(resource=room).count()
    with sqlite3.connect(database) as copy:
        (count,) = copy.execute(
            "SELECT count(*) FROM spaces_booking WHERE resource_id = ?", [room.pk]
        ).fetchone()
    return int(count)


@on_sqlite
def test_sqlite_write_lock_serialises_concurrent_bookings(
    committed_db, room, tmp_path, monkeypatch
):
    """Twelve threads book the same slot through the service: one booking, eleven clear refusals."""
    users = [make_user(f"socio{i:02d}@example.org") for i in range(12)]
    database = _file_copy(tmp_path / "race.sqlite3") if _in_memory() else None
    on_copy = {**connection.settings_dict, "NAME": str(database)} if database else None
    # The window between the check and the insert is wide open: only the lock closes it.
    monkeypatch.setattr(services, "_before_insert", lambda: time.sleep(0.02))
    outcomes, _created = book_from_threads(room, users, on_copy)
    assert outcomes == {"booked": 1, "taken": 11}
    assert _count_bookings(room, database) == 1


@on_sqlite
def test_sqlite_control_without_the_immediate_lock(committed_db, room, tmp_path, monkeypatch):
    """The same with transactions started DEFERRED: requests fail instead of queueing."""
    users = [make_user(f"socio{i:02d}@example.org") for i in range(12)]
    database = _file_copy(tmp_path / "race.sqlite3") if _in_memory() else None
    deferred = {
        **connection.settings_dict,
        "NAME": str(database) if database else connection.settings_dict["NAME"],
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "transaction_mode": "DEFERRED"},
    }
    monkeypatch.setattr(services, "_before_insert", lambda: time.sleep(0.02))
    outcomes, _created = book_from_threads(room, users, deferred)
    failed = sum(n for outcome, n in outcomes.items() if outcome not in {"booked", "taken"})
    print(f"SQLite control run (DEFERRED): {dict(outcomes)}")
    assert failed or outcomes["booked"] > 1, outcomes


def run_threads(target: Callable[[Any], None], items: list[Any]) -> None:
    threads = [threading.Thread(target=target, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
