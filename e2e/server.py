"""The server the browser tests drive: a separate process serving the demo.

Why a separate process rather than pytest-django's `live_server`: that
fixture needs `transactional_db`, which empties the database after every
test, so the demo would have to be rebuilt for each test. A thread inside
the test process would also share its settings (loaded for unit tests),
pytest-django's process-wide block on database access, and Playwright's
event loop. Here one process builds a throw-away database once (migrate +
`demo`), then gunicorn serves it with the production-shaped e2e.settings
until the session ends. Tests only talk HTTP to it, like a browser does.
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent

_PREPARE = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); "
    "call_command('demo', verbosity=0)"
)
_LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


class ServerError(RuntimeError):
    """The e2e server could not be prepared or started."""


@dataclass
class LiveSite:
    url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    drop_database: str | None = None

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


def _postgres_database(url: str) -> tuple[str, str]:
    """A dedicated database next to the one in `url`: (its URL, its name)."""
    base, _, name = url.rpartition("/")
    name = name.split("?")[0] or "lavorete"
    e2e_name = f"{name}_e2e"
    return f"{base}/{e2e_name}", e2e_name


def _recreate_postgres(url: str, name: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    maintenance = url.rpartition("/")[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _database_url(workdir: Path) -> tuple[str, str | None]:
    """SQLite in `workdir`, or a fresh PostgreSQL database when the run targets PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        e2e_url, name = _postgres_database(url)
        _recreate_postgres(e2e_url, name, create=True)
        return e2e_url, name
    return f"sqlite:///{workdir / 'e2e.sqlite3'}", None


def server_env(workdir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "e2e.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            "DEBUG": "false",
            "SECRET_KEY": "e2e-only-secret-key-not-used-anywhere-else-0123456789",
            "DATABASE_URL": database_url,
            "LAVORETE_VAR_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _wait_for_url(process: subprocess.Popen[bytes], log_path: Path, deadline: float) -> str:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()}")
        match = _LISTENING.search(log_path.read_text(errors="replace"))
        if match:
            return match.group(1)
        time.sleep(0.1)
    raise ServerError(f"gunicorn did not start in time:\n{log_path.read_text()}")


def _wait_healthy(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise ServerError(f"{url}/healthz did not answer 200 in time")


def start(workdir: Path, log_path: Path) -> LiveSite:
    """Build the demo database in `workdir` and serve it; the caller must stop() it."""
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    (workdir / "media").mkdir(exist_ok=True)
    database_url, pg_name = _database_url(workdir)
    env = server_env(workdir, database_url)
    prepared = subprocess.run(
        [sys.executable, "-c", _PREPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if prepared.returncode != 0:
        output = f"{prepared.stdout}\n{prepared.stderr}".strip()
        raise ServerError(f"migrate + demo failed (last lines):\n{output[-6000:]}")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log: IO[bytes] = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind=127.0.0.1:0",
            "--workers=1",
            "--threads=8",
            "--timeout=120",
            "--access-logfile=-",
            "--access-logformat=%(s)s %(m)s %(U)s %(q)s %(M)sms",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    site = LiveSite(url="", log_path=log_path, process=process, drop_database=pg_name)
    try:
        deadline = time.monotonic() + 60
        site.url = _wait_for_url(process, log_path, deadline)
        _wait_healthy(site.url, deadline)
    except BaseException:
        stop(site)
        raise
    return site


def stop(site: LiveSite) -> None:
    """Stop the server and drop its PostgreSQL database, if it made one."""
    if site.process.poll() is None:
        site.process.terminate()
        try:
            site.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            site.process.kill()
            site.process.wait()
    if site.drop_database:
        e2e_url, name = _postgres_database(os.environ["DATABASE_URL"])
        _recreate_postgres(e2e_url, name, create=False)
