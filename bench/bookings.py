"""Bookings benchmark: concurrent members booking over HTTP on PostgreSQL, then the yearly report.

1. A fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/lavorete_bench: dropped and created
   again), migrated, with 100 spaces of 5 resources each built through the
   services.
2. gunicorn serves the project (production settings over plain HTTP) on a free
   port; C clients (threads, one keep-alive connection and one logged-in
   session each) POST random slots to /api/v1/bookings for T seconds or A
   attempts. writes_per_s = bookings created / elapsed seconds.
3. A self-join with tstzrange && counts the active bookings of one unit that
   overlap: overlaps_found must be 0.
4. A year of bookings and check-ins for the 100 spaces is generated in SQL, and
   `network_report` over that year by month is timed: occupancy_report_s.

Prints one JSON line; when PostgreSQL is unreachable, a line with "skipped"
and the reason. Knobs: BENCH_CLIENTS (16), BENCH_SECONDS (20), BENCH_ATTEMPTS
(0: no limit), BENCH_WORKERS (cores + 1) and BENCH_THREADS (4) of gunicorn,
BENCH_WORKER_CLASS (gthread), BENCH_KEEP_DB=1,
BENCH_PREPARED=false (PostgreSQL prepared statements off).
"""

import datetime as dt
import http.client
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lavorete_bench"
N_SPACES = 100
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
OVERLAPS_SQL = """
SELECT count(*) FROM spaces_booking a
JOIN spaces_booking b
  ON a.unit_id = b.unit_id AND a.id < b.id
 AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
WHERE a.status = 'active' AND b.status = 'active'
"""
# A year of bookings: on each working day, each unit is booked in the morning
# and/or the afternoon with some probability; a check-in goes with each booking.
YEAR_OF_BOOKINGS_SQL = """
WITH members AS (
    SELECT array_agg(id) AS ids FROM core_user WHERE email LIKE 'bench-member-%%'
)
INSERT INTO spaces_booking (
    unit_id, resource_id, space_id, member_id, starts_at, ends_at, local_date, minutes,
    status, plan_hours, list_price, member_amount, funder_amount, subsidised_hours,
    service_hours_owed, idempotency_key, created_at, cancel_reason)
SELECT u.id, r.id, r.space_id,
       members.ids[1 + floor(random() * array_length(members.ids, 1))::int],
       (d.day + s.start_at) AT TIME ZONE 'Europe/Rome',
       (d.day + s.start_at + s.length) AT TIME ZONE 'Europe/Rome',
       d.day, extract(epoch FROM s.length)::int / 60,
       'active', 0, 0, 0, 0, 0, 0, '', now(), ''
FROM spaces_unit u
JOIN spaces_resource r ON r.id = u.resource_id
CROSS JOIN members
CROSS JOIN generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d(day)
CROSS JOIN (VALUES (time '09:00', interval '3 hours'), (time '14:00', interval '4 hours'))
    AS s(start_at, length)
WHERE extract(isodow FROM d.day) < 6 AND random() < %(share)s
"""
CHECKINS_SQL = """
INSERT INTO spaces_checkin (space_id, member_id, booking_id, checked_in_at, checked_out_at,
                            local_date, via, guest_name)
SELECT b.space_id, b.member_id, b.id, b.starts_at, b.ends_at, b.local_date, 'desk', ''
FROM spaces_booking b WHERE b.local_date BETWEEN %(first)s AND %(last)s
ON CONFLICT DO NOTHING
"""


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps({"bench": "bookings", "db": "postgresql", **payload}), flush=True)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(ZoneInfo("Europe/Rome")).date()


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _recreate_database(url: str, *, create: bool = True) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _environment(url: str, workdir: str) -> dict[str, str]:
    """Production settings (DEBUG off), over plain HTTP on the loopback interface."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LAVORETE_VAR_DIR": workdir,
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        # 409 answers are logged as warnings by django.request: not what is measured.
        "LOG_LEVEL": "ERROR",
        "DATABASE_PREPARED_STATEMENTS": os.environ.get("BENCH_PREPARED", "true"),
    }


# --- the network -------------------------------------------------------------------


@dataclass
class Network:
    spaces: list[Any]
    resources: list[tuple[int, int]]  # (resource id, slot minutes)
    days: list[dt.date]


def _build_network() -> Network:
    """100 spaces with a pool, a meeting room, a fixed desk, an office and a 3D printer each."""
    from decimal import Decimal

    from lavorete.network.services import organisation_create
    from lavorete.spaces import services
    from lavorete.spaces.calendar import is_public_holiday
    from lavorete.territory.models import Municipality

    municipalities = list(Municipality.objects.filter(province__abbreviation="BG")[:N_SPACES])
    organisation = organisation_create(
        actor=None,
        name="Rete di coworking di prova",
        kind="cooperative",
        legal_form="social_cooperative",
        municipality=municipalities[0],
    )
    week = [(d, dt.time(8), dt.time(20)) for d in range(5)] + [(5, dt.time(9), dt.time(13))]
    kinds = [
        ("hot_desk_pool", "Open space", 8, Decimal("2.50")),
        ("meeting_room", "Sala riunioni", 10, Decimal("15.00")),
        ("fixed_desk", "Postazione fissa", 1, Decimal("4.00")),
        ("private_office", "Ufficio", 4, Decimal("12.00")),
        ("equipment", "Stampante 3D", 1, Decimal("6.00")),
    ]
    spaces, resources = [], []
    for i in range(N_SPACES):
        space = services.space_create(
            actor=None,
            organisation=organisation,
            name=f"Coworking di prova {i:03d}",
            municipality=municipalities[i % len(municipalities)],
            address=f"Via Roma {i + 1}",
            theme="digital",
            status="active",
            opened_on=dt.date(2024, 1, 1),
            setup_months=2,
            rampup_months=10,
        )
        services.opening_hours_set(actor=None, space=space, rows=week)
        for kind, name, capacity, price in kinds:
            resource = services.resource_create(
                actor=None,
                space=space,
                kind=kind,
                name=name,
                capacity=capacity,
                hourly_price=price,
                cancellation_hours=24,
            )
            resources.append((resource.pk, resource.slot_minutes))
        spaces.append(space)
    # Working days four to eight weeks ahead: always in the future, never a holiday.
    first = _today() + dt.timedelta(days=28)
    days = [
        first + dt.timedelta(days=n)
        for n in range(28)
        if (first + dt.timedelta(days=n)).weekday() < 5
        and not is_public_holiday(first + dt.timedelta(days=n))
    ]
    return Network(spaces, resources, days)


@dataclass
class Client:
    cookie: str
    token: str = ""
    port: int = 0
    conn: http.client.HTTPConnection | None = None


def _clients(count: int) -> list[Client]:
    """Members with a session each, as the login page would leave them."""
    from django.conf import settings
    from django.test import Client as TestClient

    from lavorete.core.services import user_create

    result = []
    for i in range(count):
        user = user_create(
            actor=None, email=f"bench-client-{i:03d}@example.org", email_verified=True
        )
        client = TestClient()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        result.append(Client(cookie=f"{settings.SESSION_COOKIE_NAME}={session}"))
    return result


def _connect(port: int, client: Client) -> None:
    """Open the client's keep-alive connection and fetch its CSRF token, as a real client does."""
    from http.cookies import SimpleCookie

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/api/v1/csrf", headers={"Cookie": client.cookie})
    response = conn.getresponse()
    client.token = json.loads(response.read())["csrf_token"]
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    if "csrftoken" in jar:
        client.cookie += f"; csrftoken={jar['csrftoken'].value}"
    client.conn = conn
    client.port = port


# --- the server ----------------------------------------------------------------------


def _server_shape() -> tuple[int, int]:
    """gunicorn workers and threads: a process per core plus one, so a core never waits
    while a process waits for the database, and a few threads each to overlap the
    round trips (3 x 4 measured best on 2 cores, ahead of 2 x 8 and 4 x 4)."""
    workers = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 2) + 1)))
    return workers, int(os.environ.get("BENCH_THREADS", "4"))


def _start_gunicorn(env: dict[str, str], workdir: str) -> tuple[subprocess.Popen[bytes], int]:
    workers, threads = _server_shape()
    log_path = Path(workdir) / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind=127.0.0.1:0",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--worker-class={os.environ.get('BENCH_WORKER_CLASS', 'gthread')}",
                "--timeout=120",
                "--keep-alive=60",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        match = LISTENING.search(log_path.read_text(errors="replace"))
        if match:
            port = int(match.group(1))
            _wait_healthy(port, deadline)
            return process, port
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start in time")


def _wait_healthy(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz")


# --- CPU accounting ------------------------------------------------------------------


def _cpu_of(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    result = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        result[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return result


def _server_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    return [master, *map(int, children)]


def _database_pids() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


@dataclass
class CpuSnapshot:
    app: dict[int, float]
    db: dict[int, float]
    client: float

    @classmethod
    def take(cls, master: int) -> "CpuSnapshot":
        return cls(_cpu_of(_server_pids(master)), _cpu_of(_database_pids()), time.process_time())

    def since(self, before: "CpuSnapshot") -> dict[str, float]:
        """CPU seconds used in between, by the app server, PostgreSQL and this client."""

        def spent(after: dict[int, float], earlier: dict[int, float]) -> float:
            return sum(cpu - earlier.get(pid, 0.0) for pid, cpu in after.items())

        return {
            "app": spent(self.app, before.app),
            "db": spent(self.db, before.db),
            "client": self.client - before.client,
        }


# --- the load --------------------------------------------------------------------------


@dataclass
class Tally:
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    attempts: int = 0

    def take(self, limit: int) -> bool:
        with self.lock:
            if limit and self.attempts >= limit:
                return False
            self.attempts += 1
            return True

    def record(self, status: int, ms: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies_ms.append(ms)


def _book(client: Client, network: Network, rng: random.Random) -> tuple[int, float]:
    resource_id, _step = rng.choice(network.resources)
    day = rng.choice(network.days)
    start = rng.randrange(8 * 2, 18 * 2)  # half hours from 08:00 to 17:30
    length = rng.choice([2, 2, 3, 4])  # one to two hours
    body = {
        "resource": resource_id,
        "date": day.isoformat(),
        "start": f"{start // 2:02d}:{start % 2 * 30:02d}",
        "end": f"{(start + length) // 2:02d}:{(start + length) % 2 * 30:02d}",
    }
    assert client.conn is not None
    started = time.perf_counter()
    client.conn.request(
        "POST",
        "/api/v1/bookings",
        body=json.dumps(body),
        headers={
            "Content-Type": "application/json",
            "Cookie": client.cookie,
            "X-CSRFToken": client.token,
        },
    )
    response = client.conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def _load(
    clients: list[Client], network: Network, seconds: float, attempts: int
) -> tuple[Tally, float]:
    tally = Tally()
    barrier = threading.Barrier(len(clients) + 1)
    stop_at: list[float] = []

    def run(index: int, client: Client) -> None:
        rng = random.Random(index)
        barrier.wait()
        while time.monotonic() < stop_at[0] and tally.take(attempts):
            try:
                status, ms = _book(client, network, rng)
            except (OSError, http.client.HTTPException):
                status, ms = 0, 0.0  # counted as an error; start over on a new connection
                client.conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
            tally.record(status, ms)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    stop_at.append(started + seconds)
    barrier.wait()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


# --- the year ------------------------------------------------------------------------


def _year_of_bookings(first: dt.date, last: dt.date) -> int:
    from django.db import connection

    from lavorete.core.models import User
    from lavorete.spaces.models import Booking

    User.objects.bulk_create(
        [User(email=f"bench-member-{i:04d}@example.org", full_name="") for i in range(500)]
    )
    with connection.cursor() as cursor:
        cursor.execute(YEAR_OF_BOOKINGS_SQL, {"first": first, "last": last, "share": 0.45})
        cursor.execute(CHECKINS_SQL, {"first": first, "last": last})
        cursor.execute("ANALYZE")
    return Booking.objects.filter(local_date__gte=first, local_date__lte=last).count()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    clients_n = int(os.environ.get("BENCH_CLIENTS", "16"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    attempts_limit = int(os.environ.get("BENCH_ATTEMPTS", "0"))
    try:
        _recreate_database(url)
    except Exception as exc:  # psycopg's errors, a missing server, a refused login
        _emit({"skipped": True, "reason": f"PostgreSQL unreachable at {url}: {exc}".strip()})
        return
    workdir = tempfile.mkdtemp(prefix="lavorete-bench-bookings-")
    env = _environment(url, workdir)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lavorete.spaces.models import Booking, BookingStatus, Space
    from lavorete.spaces.occupancy import network_report

    server = None
    try:
        call_command("migrate", verbosity=0)
        call_command("load_municipalities", "--no-coordinates", verbosity=0)
        started = time.perf_counter()
        network = _build_network()
        build_s = time.perf_counter() - started
        clients = _clients(clients_n)
        server, port = _start_gunicorn(env, workdir)
        for client in clients:
            _connect(port, client)
        before = Booking.objects.count()
        load_avg = os.getloadavg()[0]
        cpu_before = CpuSnapshot.take(server.pid)
        tally, elapsed = _load(clients, network, seconds, attempts_limit)
        cpu = CpuSnapshot.take(server.pid).since(cpu_before)
        created = Booking.objects.filter(status=BookingStatus.ACTIVE).count() - before
        per_request = {k: round(v * 1000 / max(tally.attempts, 1), 2) for k, v in cpu.items()}
        cpu_per_request = sum(per_request.values())
        with connection.cursor() as cursor:
            cursor.execute(OVERLAPS_SQL)
            (overlaps,) = cursor.fetchone()

        today = _today()
        first, last = dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
        started = time.perf_counter()
        year_bookings = _year_of_bookings(first, last)
        generate_s = time.perf_counter() - started
        timings = []
        for _run in range(3):
            started = time.perf_counter()
            report = network_report(Space.objects.all(), first, last, granularity="month")
            timings.append(time.perf_counter() - started)
        assert len(report.keys) == N_SPACES

        statuses = tally.statuses
        _emit(
            {
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "clients": clients_n,
                "server": "gunicorn gthread {}x{}".format(*_server_shape()),
                "seconds": round(elapsed, 2),
                "attempts": tally.attempts,
                "bookings_created": created,
                "created_201": statuses.get(201, 0),
                "taken_409": statuses.get(409, 0),
                "refused_4xx": sum(n for s, n in statuses.items() if 400 <= s < 500 and s != 409),
                "errors_5xx": sum(n for s, n in statuses.items() if s >= 500 or s == 0),
                "overlaps_found": overlaps,
                "writes_per_s": round(created / elapsed, 1),
                # Where a request's CPU goes, and the rate the machine's cores would allow
                # if the benchmark had them to itself (other work shares them: load_avg_1m).
                "cpu_ms_per_request": per_request,
                "cpu_bound_requests_per_s": round((os.cpu_count() or 1) * 1000 / cpu_per_request, 1)
                if cpu_per_request
                else None,
                "load_avg_1m_before": round(load_avg, 2),
                "request_ms_p50": round(statistics.median(tally.latencies_ms or [0]), 1),
                "request_ms_p95": round(_percentile(tally.latencies_ms, 0.95), 1),
                "network_build_s": round(build_s, 2),
                "year_bookings": year_bookings,
                "year_generate_s": round(generate_s, 2),
                "occupancy_report_s": round(timings[0], 3),
                "occupancy_report_warm_s": round(min(timings[1:]), 3),
            }
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        connection.close()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            _recreate_database(url, create=False)


if __name__ == "__main__":
    main()
