"""After erasure, no table and no upload holds any of the person's values; figures stay.

The scan reads every table the database has (not only the models: sessions,
login records, task results, third-party tables) with raw SQL, every column,
and every file under MEDIA_ROOT.
"""

import json
import os
from typing import Any

import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse

from lavorete.core.models import AuditEntry
from lavorete.pathways.models import Enrolment, Outcome
from lavorete.people.gdpr import person_erase
from lavorete.people.permissions import log_person_read
from lavorete.people.tests.privacy_support import VALUES, full_person, log_in


def _figures(programme: Any) -> Any:
    try:
        from lavorete.pathways.dashboard import programme_figures
    except ImportError:  # pragma: no cover - the dashboard ships with the pathways
        return _counts(programme)
    return programme_figures(programme)


def _counts(programme: Any) -> dict[str, Any]:
    enrolments = Enrolment.objects.filter(programme=programme)
    rows = enrolments.values_list(
        "status", "stage_id", "municipality_id", *[f"cat_{c}" for c in ("woman", "migrant")]
    )
    outcomes = Outcome.objects.filter(enrolment__programme=programme).values_list(
        "kind", "contract_type", "start_date", "weekly_hours", "employer_id"
    )
    return {"enrolments": sorted(map(str, rows)), "outcomes": sorted(map(str, outcomes))}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _variants(needle: str) -> list[str]:
    # As stored in JSON on SQLite (non-ASCII escaped) and as typed.
    return [needle.lower(), json.dumps(needle)[1:-1].lower()]


def scan_database(needles: dict[str, str]) -> list[str]:
    """Every (table, column, needle) where a needle appears, in any table of the database."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - table names from the DB
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = _text(value).lower()
                    if not text:
                        continue
                    for key, needle in needles.items():
                        if any(v in text for v in _variants(needle)):
                            found.append(f"{table}.{column}: {key}")
    return sorted(set(found))


def scan_media(root: str, needles: dict[str, str]) -> list[str]:
    found = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                content = handle.read().decode("utf-8", "replace").lower()
            for key, needle in needles.items():
                if needle.lower() in content or needle.lower() in path.lower():
                    found.append(f"{path}: {key}")
    return found


# What the person wrote to a company and what the company and the operator noted.
CANDIDACY_VALUES = {
    "candidacy_message": "MESSAGGIO-ZQ-0015",
    "proposal_note": "PROPOSTA-ZQ-0016",
    "interview_note": "COLLOQUIO-ZQ-0017",
}


def _candidacy_and_match(person: Any, programme: Any, operator: Any, org_rep: Any) -> None:
    """An opportunity proposed to the person, applied to with a message, shared, interviewed;
    a stored match; the company opens the shared profile (logged)."""
    from lavorete.matching.models import Match
    from lavorete.opportunities import pipeline
    from lavorete.opportunities.services import opportunity_create, opportunity_publish
    from lavorete.territory.models import Municipality

    made = opportunity_create(
        actor=None,
        organisation=programme.lead_organisation,
        programme=programme,
        kind="job",
        title="Intagliatore",
        municipality=Municipality.objects.get(name="Segrate"),
        contract_type="determinato",
    )
    opportunity = opportunity_publish(actor=None, opportunity=made)
    Match.objects.create(
        person=person, opportunity=opportunity, score=0.7, essential=0.5, person_rank=1
    )
    pipeline.candidacy_propose(
        actor=operator,
        opportunity=opportunity,
        person=person,
        message=CANDIDACY_VALUES["proposal_note"],
    )
    candidacy = pipeline.candidacy_apply(
        actor=person.user,
        opportunity=opportunity,
        person=person,
        message=CANDIDACY_VALUES["candidacy_message"],
    )
    pipeline.candidacy_share(actor=person.user, candidacy=candidacy, give_consent=True)
    pipeline.candidacy_move(
        actor=org_rep,
        candidacy=candidacy,
        status="interview",
        note=CANDIDACY_VALUES["interview_note"],
    )


def _read_through_pages(
    client: Any, operator: Any, coordinator: Any, person: Any, org_rep: Any
) -> None:
    """Staff open the person's file: the access log gets rows, as in real use."""
    for user in (operator, coordinator):
        client.force_login(user)
        for name in (
            "pathways:person_file",
            "people:person",
            "people:special",
            "privacy:person_export",
        ):
            try:
                url = reverse(name, kwargs={"person_pk": person.pk})
            except NoReverseMatch:
                continue
            assert client.get(url).status_code in {200, 403}, name
    candidacy = person.candidacies.first()
    if candidacy is not None:
        client.force_login(org_rep)
        url = reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk})
        assert VALUES["last_name"] in client.get(url).content.decode()
    client.force_login(operator)
    # Someone searched the caseload by surname: the query string is in the log too.
    client.get(reverse("pathways:caseload"), {"q": VALUES["last_name"]})
    client.logout()
    log_person_read(operator, person, ["first_name", "last_name"], path=f"/persone/{person.pk}/")


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> str:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


def test_erasure_leaves_no_value_in_any_table_or_upload(
    client,
    media,
    programme,
    other_programme,
    operator,
    coordinator,
    org_rep,
    space,
    room,
    django_capture_on_commit_callbacks,
):
    person = full_person(
        programme=programme,
        other_programme=other_programme,
        operator=operator,
        space=space,
        room=room,
    )
    log_in(client, VALUES["email"])
    client.logout()
    log_in(client, VALUES["email"])  # an open session too
    _candidacy_and_match(person, programme, operator, org_rep)
    _read_through_pages(client, operator, coordinator, person, org_rep)
    values = {**VALUES, **CANDIDACY_VALUES}
    # The scan can find what it looks for: every value is there before erasure.
    before = scan_database(values) + scan_media(media, values)
    missing = {k for k in values if not any(line.endswith(f": {k}") for line in before)}
    assert missing == set()
    figures = _figures(programme)

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(actor=coordinator, person=person, reason="request")

    assert scan_database(values) == []
    assert scan_media(media, values) == []
    assert not person.candidacies.exists()
    assert not person.matches.exists()
    assert _figures(programme) == figures
    entry = AuditEntry.objects.get(action="person.erase")
    assert entry.target_label == f"person #{person.pk}"
    assert not any(v.lower() in json.dumps(entry.changes).lower() for v in VALUES.values())
