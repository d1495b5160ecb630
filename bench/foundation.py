"""Foundation benchmark: territory load, permission checks, searches and list pages.

Builds a throw-away SQLite database in a temporary directory, so it never
touches the developer's data, and prints one JSON line of figures.
"""

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="lavorete-bench-")
    os.environ["LAVORETE_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from stdnum import luhn

    from lavorete.core.models import User
    from lavorete.core.permissions import forget_grants, has_perm
    from lavorete.core.roles import Role, Scope, ScopeKind
    from lavorete.core.services import role_grant, user_create
    from lavorete.network.selectors import organisation_list
    from lavorete.network.services import organisation_create
    from lavorete.territory.models import Municipality
    from lavorete.territory.selectors import municipality_search

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_municipalities", verbosity=0)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    call_command("load_municipalities", verbosity=0)
    reload_s = time.perf_counter() - started

    municipalities = list(Municipality.objects.order_by("istat_code")[:500])
    n_orgs = 1000
    orgs = []
    started = time.perf_counter()
    for i in range(n_orgs):
        base = f"{8800000 + i:07d}015"
        orgs.append(
            organisation_create(
                actor=None,
                name=f"Organizzazione di prova {i:04d}",
                kind="company",
                legal_form="srl",
                municipality=municipalities[i % len(municipalities)],
                vat_number=base + luhn.calc_check_digit(base),
            )
        )
    create_ms = (time.perf_counter() - started) / n_orgs * 1000

    rep = user_create(actor=None, email="bench-rep@example.org", password="bench-password-1")
    for org in orgs[:50]:
        role_grant(
            actor=None,
            user=rep,
            role=Role.ORGANISATION_REPRESENTATIVE,
            scope=Scope(ScopeKind.ORGANISATION, org.pk),
        )
    rep = User.objects.get(pk=rep.pk)
    forget_grants(rep)
    checks = 20000
    started = time.perf_counter()
    for i in range(checks):
        has_perm(rep, "network.manage_organisation", orgs[i % n_orgs])
    has_perm_us = (time.perf_counter() - started) / checks * 1e6

    searches = ["pio", "san giovanni", "milano", "reggio", "santa maria", "015175", "bergamo"]
    samples = []
    for _ in range(10):
        for query in searches:
            started = time.perf_counter()
            list(municipality_search(query)[:20])
            samples.append((time.perf_counter() - started) * 1000)

    list_samples = []
    for _ in range(20):
        started = time.perf_counter()
        list(organisation_list(rep)[:25])
        list_samples.append((time.perf_counter() - started) * 1000)

    coordinator = user_create(actor=None, email="bench-coord@example.org", password="x" * 12)
    role_grant(
        actor=None, user=coordinator, role=Role.COORDINATOR, scope=Scope(ScopeKind.NETWORK, 0)
    )
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(coordinator, generate_totp_secret())
    client = Client()
    client.force_login(coordinator)
    page_samples = []
    for page in range(1, 21):
        started = time.perf_counter()
        response = client.get("/gestione/organizzazioni/", {"page": page})
        assert response.status_code == 200, response.status_code
        page_samples.append((time.perf_counter() - started) * 1000)

    print(
        json.dumps(
            {
                "bench": "foundation",
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, SQLite",
                "municipalities": Municipality.objects.count(),
                "with_coordinates": Municipality.objects.exclude(latitude=None).count(),
                "load_municipalities_s": round(load_s, 2),
                "reload_municipalities_s": round(reload_s, 2),
                "organisation_create_ms": round(create_ms, 2),
                "has_perm_us": round(has_perm_us, 2),
                "municipality_search_ms_p50": round(statistics.median(samples), 2),
                "municipality_search_ms_p95": round(_percentile(samples, 0.95), 2),
                "organisation_list_ms_p50": round(statistics.median(list_samples), 2),
                "organisation_page_ms_p50": round(statistics.median(page_samples), 2),
                "organisation_page_ms_p95": round(_percentile(page_samples, 0.95), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
