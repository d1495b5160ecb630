"""Caseload benchmark: the operator's caseload and the programme dashboard over HTTP,
on PostgreSQL, with 100,000 people.

1. A fresh PostgreSQL database (BENCH_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/lavorete_bench_caseload: dropped and
   created again), migrated, with the Italian municipalities.
2. BENCH_PEOPLE (100,000) invented people, each enrolled in one of four
   programmes (40%, 30%, 20%, 10%) of the standard pathway. The rows are what
   the services write (registry record, enrolment with its intake snapshot
   from `Person.categories`, a transition for every stage reached and every
   status change, outcomes with their follow-ups at 3, 6 and 12 months), built
   as model instances and loaded with COPY, so building takes seconds, not the
   hours one service call per row would.
3. An operator with an OPERATOR grant on the largest programme (~40,000
   people), TOTP set up as every staff member must, and a logged-in session;
   10% of that programme's people have the operator as tutor.
4. gunicorn serves the project (production settings, plain HTTP) with
   (cores + 1) workers; one keep-alive client requests, one after the other,
   the caseload (/gestione/percorsi/ with varied filters, searches and pages)
   and the programme dashboard, BENCH_REQUESTS (150) times each after a
   warm-up; p50 and p95 of the wall-clock time of each request. Repeat views
   of the dashboard read its figures from the cache (kept until the next
   audited write); dashboard_uncached_* time views that each follow a write.

Prints one JSON line; when PostgreSQL is unreachable, a line with "skipped".
Knobs: BENCH_PEOPLE, BENCH_REQUESTS, BENCH_WORKERS, BENCH_THREADS (4),
BENCH_KEEP_DB=1.
"""

import datetime as dt
import http.client
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bookings import (  # noqa: E402 (the shared plumbing of the HTTP benchmarks)
    _environment,
    _percentile,
    _recreate_database,
    _server_shape,
    _start_gunicorn,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/lavorete_bench_caseload"
SHARES = (0.4, 0.3, 0.2, 0.1)
TODAY = dt.date(2026, 11, 22)

FIRST_NAMES = [
    "Anna",
    "Marco",
    "Giulia",
    "Luca",
    "Sara",
    "Paolo",
    "Elena",
    "Andrea",
    "Chiara",
    "Matteo",
    "Francesca",
    "Davide",
    "Laura",
    "Simone",
    "Valentina",
    "Stefano",
    "Alessia",
    "Roberto",
    "Martina",
    "Fabio",
    "Silvia",
    "Giorgio",
    "Federica",
    "Enrico",
    "Ilaria",
    "Marta",
    "Omar",
    "Fatima",
    "Ionut",
    "Amina",
    "Karim",
    "Li",
    "Mei",
    "Svetlana",
    "Ahmed",
    "Nadia",
    "Pietro",
    "Irene",
    "Ugo",
]
LAST_NAMES = [
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "DeLuca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "DeSantis",
    "DAngelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "DeRosa",
    "Gatti",
    "Pellegrini",
    "Palumbo",
]


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps({"bench": "caseload", "db": "postgresql", **payload}), flush=True)


# --- loading rows as the services write them ---------------------------------------------


def _copy(model: Any, rows: Iterable[Any]) -> int:
    """COPY rows into the model's table: model instances or dicts of column values (by
    attribute name, primary key included); what a row leaves out takes the model's default."""
    from django.db import connections
    from django.db.models.fields.files import FieldFile

    connection = connections["default"]
    fields = list(model._meta.concrete_fields)
    blank = model()
    defaults = {
        f.attname: f.get_db_prep_save(getattr(blank, f.attname), connection) for f in fields
    }
    attnames = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def plain(value: Any) -> Any:
        # Choices are str subclasses and a blank file is a FieldFile: hand plain values over.
        if isinstance(value, FieldFile):
            return value.name or ""
        return str(value) if isinstance(value, str) else value

    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = row if isinstance(row, dict) else row.__dict__
            copy.write_row([plain(values.get(a, defaults[a])) for a in attnames])
            count += 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "  # noqa: S608
            f"(SELECT max(id) FROM {table}))"
        )
    return count


class Ids:
    """Primary keys handed out in order, as the database would."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def _build(people_n: int, rng: random.Random) -> dict[str, Any]:
    """Programmes, people, enrolments, transitions, outcomes and follow-ups."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from lavorete.core.roles import Role, Scope, ScopeKind
    from lavorete.core.services import role_grant, user_create
    from lavorete.network.services import organisation_create, programme_create
    from lavorete.pathways.models import (
        CATEGORY_FIELDS,
        FOLLOW_UP_MONTHS,
        ContractType,
        Enrolment,
        EnrolmentStatus,
        FollowUp,
        Outcome,
        ProgrammeTarget,
        StageTransition,
    )
    from lavorete.pathways.services import add_months, pathway_template_default
    from lavorete.people.models import Person
    from lavorete.territory.models import Municipality

    municipalities = list(Municipality.objects.filter(province__abbreviation="MI")[:25])
    organisation = organisation_create(
        actor=None,
        name="Consorzio di prova per il lavoro",
        kind="cooperative",
        legal_form="social_cooperative",
        municipality=municipalities[0],
    )
    programmes, stages = [], {}
    for i, name in enumerate(["Lavoro vicino", "Ripartire", "Nuove rotte", "Passo dopo passo"]):
        programme = programme_create(
            actor=None,
            name=name,
            slug=f"bench-programme-{i}",
            lead_organisation=organisation,
            municipalities=municipalities,
            status="active",
        )
        stages[programme.pk] = pathway_template_default(actor=None, programme=programme)
        programmes.append(programme)
        for kind, value in [("reached", 50_000), ("placements", 8_000), ("completions", 20_000)]:
            ProgrammeTarget.objects.create(programme=programme, kind=kind, value=value)
        ProgrammeTarget.objects.create(
            programme=programme, kind="reached", category="woman", value=20_000
        )
    operator = user_create(
        actor=None, email="bench-operator@example.org", password="bench-password-1"
    )
    role_grant(
        actor=None,
        user=operator,
        role=Role.OPERATOR,
        scope=Scope(ScopeKind.PROGRAMME, programmes[0].pk),
    )
    TOTP.activate(operator, generate_totp_secret())
    tutors = {}
    for programme in programmes:
        tutors[programme.pk] = [operator] if programme == programmes[0] else []
        for i in range(10 - len(tutors[programme.pk])):
            tutor = user_create(actor=None, email=f"bench-tutor-{programme.pk}-{i}@example.org")
            role_grant(
                actor=None,
                user=tutor,
                role=Role.OPERATOR,
                scope=Scope(ScopeKind.PROGRAMME, programme.pk),
            )
            tutors[programme.pk].append(tutor)

    person_ids, enrolment_ids, transition_ids = Ids(), Ids(), Ids()
    outcome_ids, follow_up_ids = Ids(), Ids()
    people: list[Any] = []
    enrolments: list[Any] = []
    transitions: list[Any] = []
    outcomes: list[Any] = []
    follow_ups: list[Any] = []
    now = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)
    contracts = ContractType.values
    # Where people are: many at the first stages, fewer further on (a funnel).
    stage_weights = [22, 20, 15, 13, 8, 10, 8, 4]
    for index in range(people_n):
        share_point = index / people_n
        cumulative, programme_index = 0.0, 0
        for programme_index, share in enumerate(SHARES):  # noqa: B007
            cumulative += share
            if share_point < cumulative:
                break
        programme = programmes[programme_index]
        pathway = stages[programme.pk]
        enrolled_on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 680))
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 46 * 365))
        unemployed_since = enrolled_on - dt.timedelta(days=rng.randrange(30, 1500))
        residence = rng.choice(municipalities)
        person = Person(
            id=person_ids.next(),
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            email=f"persona{index}@example.org",
            birth_date=birth,
            gender=rng.choice(["female", "male", "female", "male", "undisclosed"]),
            residence=residence,
            employment_status="unemployed",
            employment_status_since=max(unemployed_since, birth + dt.timedelta(days=6000)),
            is_neet=rng.random() < 0.08,
            is_returning_mother=rng.random() < 0.05,
            is_migrant=rng.random() < 0.15,
            created_at=now,
            updated_at=now,
        )
        people.append(person)
        categories = person.categories(enrolled_on, disability=rng.random() < 0.04)
        position = rng.choices(range(len(pathway)), weights=stage_weights)[0]
        stage = pathway[position]
        roll = rng.random()
        status = (
            EnrolmentStatus.ACTIVE
            if roll < 0.7
            else EnrolmentStatus.SUSPENDED
            if roll < 0.75
            else EnrolmentStatus.COMPLETED
            if roll < 0.9
            else EnrolmentStatus.DROPPED
        )
        tutor = tutors[programme.pk][index % 10]
        ended_on = None
        if status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED):
            ended_on = min(enrolled_on + dt.timedelta(days=rng.randrange(30, 400)), TODAY)
        enrolment = dict(
            id=enrolment_ids.next(),
            person_id=person.id,
            programme_id=programme.pk,
            tutor_id=tutor.pk,
            stage_id=stage.pk,
            status=status,
            enrolled_on=enrolled_on,
            ended_on=ended_on,
            plan_agreed_on=enrolled_on + dt.timedelta(days=20) if position >= 3 else None,
            created_by_id=tutor.pk,
            created_at=now,
            municipality_id=residence.pk,
            **{field: code in categories for code, field in CATEGORY_FIELDS.items()},
        )
        enrolments.append(enrolment)
        at = dt.datetime.combine(enrolled_on, dt.time(10), tzinfo=dt.UTC)
        previous = None
        for step in pathway[: position + 1]:
            transitions.append(
                {
                    "id": transition_ids.next(),
                    "enrolment_id": enrolment["id"],
                    "from_stage_id": previous.pk if previous else None,
                    "to_stage_id": step.pk,
                    "from_status": "" if previous is None else EnrolmentStatus.ACTIVE,
                    "to_status": EnrolmentStatus.ACTIVE,
                    "reason": "",
                    "by_id": tutor.pk,
                    "at": at,
                }
            )
            previous = step
            at += dt.timedelta(days=14)
        if status != EnrolmentStatus.ACTIVE:
            transitions.append(
                {
                    "id": transition_ids.next(),
                    "enrolment_id": enrolment["id"],
                    "from_stage_id": stage.pk,
                    "to_stage_id": stage.pk,
                    "from_status": EnrolmentStatus.ACTIVE,
                    "to_status": status,
                    "reason": "Motivo registrato dall'operatore",
                    "by_id": tutor.pk,
                    "at": at,
                }
            )
        if stage.kind in ("placed", "follow_up") or (
            status == EnrolmentStatus.COMPLETED and rng.random() < 0.4
        ):
            kind = "job" if rng.random() < 0.85 else "self_employment"
            start = min(enrolled_on + dt.timedelta(days=rng.randrange(60, 300)), TODAY)
            outcome = {
                "id": outcome_ids.next(),
                "enrolment_id": enrolment["id"],
                "kind": kind,
                "employer_name": "Azienda del territorio" if kind == "job" else "",
                "contract_type": rng.choice(contracts) if kind == "job" else "",
                "start_date": start,
                "weekly_hours": rng.choice([20, 24, 30, 36, 40]) if kind == "job" else None,
                "recorded_by_id": tutor.pk,
                "created_at": now,
            }
            outcomes.append(outcome)
            for months in FOLLOW_UP_MONTHS:
                due = add_months(start, months)
                done = due <= TODAY and rng.random() < 0.8
                follow_ups.append(
                    {
                        "id": follow_up_ids.next(),
                        "outcome_id": outcome["id"],
                        "months": months,
                        "due_on": due,
                        "assigned_to_id": tutor.pk,
                        "done_at": dt.datetime.combine(due, dt.time(11), tzinfo=dt.UTC)
                        if done
                        else None,
                        "done_by_id": tutor.pk if done else None,
                        "still_in_work": (rng.random() < 0.75) if done else None,
                    }
                )
        elif stage.kind == "training" and rng.random() < 0.3:
            outcomes.append(
                {
                    "id": outcome_ids.next(),
                    "enrolment_id": enrolment["id"],
                    "kind": "training",
                    "start_date": min(enrolled_on + dt.timedelta(days=90), TODAY),
                    "recorded_by_id": tutor.pk,
                    "created_at": now,
                }
            )
    counts = {
        "people": _copy(Person, people),
        "enrolments": _copy(Enrolment, enrolments),
        "transitions": _copy(StageTransition, transitions),
        "outcomes": _copy(Outcome, outcomes),
        "follow_ups": _copy(FollowUp, follow_ups),
    }
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "operator": operator,
        "programme": programmes[0],
        "stages": stages[programmes[0].pk],
        "big_programme_people": sum(1 for e in enrolments if e["programme_id"] == programmes[0].pk),
        "counts": counts,
    }


# --- the requests --------------------------------------------------------------------------


def _session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _caseload_paths(built: dict[str, Any], rng: random.Random) -> Iterator[str]:
    """Caseload addresses as an operator uses them: pages, filters, searches, their own."""
    programme = built["programme"].pk
    stage_ids = [s.pk for s in built["stages"]]
    pages = max(1, built["big_programme_people"] // 50)
    shapes = [
        lambda: "",
        lambda: f"?page={rng.randrange(2, 20)}",
        lambda: f"?page={rng.randrange(1, pages)}",
        lambda: f"?q={rng.choice(LAST_NAMES)[:5].lower()}",
        lambda: f"?q={rng.choice(FIRST_NAMES)}+{rng.choice(LAST_NAMES)}",
        lambda: f"?q=persona{rng.randrange(0, 100_000)}",
        lambda: f"?stage={rng.choice(stage_ids)}",
        lambda: f"?status={rng.choice(['active', 'suspended', 'completed', 'dropped'])}",
        lambda: "?mine=1",
        lambda: f"?mine=1&page={rng.randrange(2, 8)}",
        lambda: f"?programme={programme}&stage={rng.choice(stage_ids)}&status=active&page=2",
        lambda: f"?category={rng.choice(['woman', 'under_30', 'long_term_unemployed'])}",
        lambda: f"?q={rng.choice(LAST_NAMES)[:4].lower()}&status=active&mine=1",
    ]
    while True:
        yield "/gestione/percorsi/" + rng.choice(shapes)()


def _timed(conn: http.client.HTTPConnection, path: str, cookie: str) -> float:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}\n{body[:500]!r}")
    return elapsed


SLOWEST: list[tuple[float, str]] = []


def _measure(port: int, cookie: str, paths: Iterator[str], n: int, warm: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(warm):
        _timed(conn, next(paths), cookie)
    samples = []
    for _ in range(n):
        path = next(paths)
        samples.append(_timed(conn, path, cookie))
        SLOWEST.append((samples[-1], path))
    conn.close()
    return samples


def _measure_after_writes(port: int, cookie: str, path: str, n: int) -> list[float]:
    """The dashboard viewed right after each of `n` writes: what an audited write (every
    service writes one) costs the next view, which computes the figures again."""
    from lavorete.core.models import AuditEntry

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    samples = []
    for _ in range(n):
        AuditEntry.objects.create(actor_label="system", action="bench.write", target_type="bench")
        samples.append(_timed(conn, path, cookie))
    conn.close()
    return samples


def _figures_ms(programme: Any) -> float:
    """programme_figures alone, in this process: the dashboard's share of the database."""
    from lavorete.pathways.dashboard import programme_figures

    samples = []
    for _ in range(5):
        started = time.perf_counter()
        programme_figures(programme, today=TODAY)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _collect_static() -> None:
    """The static files' manifest the pages' {% static %} tags read (DEBUG is off).

    Collected with Django's manifest storage: the production storage's extra
    step, compressing every file, takes minutes and the benchmark never
    fetches a static file."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    manifest = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": manifest}}):
        call_command("collectstatic", "--noinput", verbosity=0)


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    people_n = int(os.environ.get("BENCH_PEOPLE", "100000"))
    requests_n = int(os.environ.get("BENCH_REQUESTS", "150"))
    try:
        _recreate_database(url)
    except Exception as exc:  # psycopg's errors, a missing server, a refused login
        _emit({"skipped": True, "reason": f"PostgreSQL unreachable at {url}: {exc}".strip()})
        return
    began = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="lavorete-bench-caseload-")
    env = _environment(url, workdir)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    server = None
    try:
        call_command("migrate", verbosity=0)
        call_command("load_municipalities", "--no-coordinates", verbosity=0)
        _collect_static()
        started = time.perf_counter()
        built = _build(people_n, random.Random(42))
        build_s = time.perf_counter() - started
        cookie = _session_cookie(built["operator"])
        server, port = _start_gunicorn(env, workdir)
        rng = random.Random(7)
        caseload = _measure(port, cookie, _caseload_paths(built, rng), requests_n, warm=20)
        slowest = [
            f"{ms:.0f} ms {path.split('/gestione/percorsi/', 1)[1] or '(first page)'}"
            for ms, path in sorted(SLOWEST, reverse=True)[:5]
        ]
        dashboard_path = f"/gestione/cruscotto-programmi/{built['programme'].pk}/"
        dashboard = _measure(port, cookie, iter(lambda: dashboard_path, None), requests_n, warm=5)
        after_write = _measure_after_writes(port, cookie, dashboard_path, max(requests_n // 3, 20))
        index = _measure(
            port, cookie, iter(lambda: "/gestione/cruscotto-programmi/", None), 30, warm=3
        )
        _emit(
            {
                "people": built["counts"]["people"],
                "caseload_p95_ms": round(_percentile(caseload, 0.95), 1),
                "dashboard_p95_ms": round(_percentile(dashboard, 0.95), 1),
                "caseload_p50_ms": round(statistics.median(caseload), 1),
                "caseload_slowest": slowest,
                "dashboard_p50_ms": round(statistics.median(dashboard), 1),
                # Each view right after a write: the figures computed again, not cached.
                "dashboard_uncached_p95_ms": round(_percentile(after_write, 0.95), 1),
                "dashboard_uncached_p50_ms": round(statistics.median(after_write), 1),
                "dashboard_index_p95_ms": round(_percentile(index, 0.95), 1),
                "figures_queries_ms": round(_figures_ms(built["programme"]), 1),
                "programme_people": built["big_programme_people"],
                "rows": built["counts"],
                "requests_per_page": requests_n,
                "server": "gunicorn gthread {}x{}".format(*_server_shape()),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, "
                f"Python {platform.python_version()}",
                "load_avg_1m": round(os.getloadavg()[0], 2),
                "build_s": round(build_s, 1),
                "total_s": round(time.perf_counter() - began, 1),
            }
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except Exception:
                server.kill()
        connection.close()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            _recreate_database(url, create=False)


if __name__ == "__main__":
    main()
