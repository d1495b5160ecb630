"""Malformed values sent to every form: a clear error, never a 500, nothing written."""

import re
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lavorete.matching.tests import expect_matching
from lavorete.opportunities.tests import expect_opportunities, expect_pipeline
from lavorete.pathways.tests import expect_dashboard, expect_pathways
from lavorete.people.tests import expect_people, expect_privacy
from lavorete.spaces.tests import expect_member, expect_ops, expect_reports, expect_setup

# url name, kwargs factory, persona allowed to use the form
FORMS: list[tuple[str, Any, str | None]] = [
    ("core:role_grant", lambda o: {}, "coordinator"),
    ("portal:feedback", lambda o: {}, None),
    ("territory:district_create", lambda o: {}, "coordinator"),
    ("territory:district_update", lambda o: {"pk": o["district"].pk}, "coordinator"),
    ("network:organisation_create", lambda o: {}, "coordinator"),
    ("network:organisation_update", lambda o: {"pk": o["organisation"].pk}, "org_rep"),
    ("network:contact_create", lambda o: {"pk": o["organisation"].pk}, "org_rep"),
    (
        "network:contact_update",
        lambda o: {"pk": o["organisation"].pk, "contact_pk": o["contact"].pk},
        "org_rep",
    ),
    ("network:agreement_create", lambda o: {}, "coordinator"),
    ("network:agreement_update", lambda o: {"pk": o["agreement"].pk}, "coordinator"),
    ("network:programme_create", lambda o: {}, "coordinator"),
    ("network:programme_update", lambda o: {"pk": o["programme"].pk}, "coordinator"),
    ("network:programme_partner_add", lambda o: {"pk": o["programme"].pk}, "coordinator"),
    ("account_signup", lambda o: {}, None),
    ("account_login", lambda o: {}, None),
]
for _area in (
    expect_setup,
    expect_ops,
    expect_member,
    expect_reports,
    expect_people,
    expect_privacy,
    expect_pathways,
    expect_dashboard,
    expect_opportunities,
    expect_pipeline,
    expect_matching,
):
    FORMS.extend(_area.FORMS)

GARBAGE: list[Any] = [
    "",
    " ",
    "x" * 20000,
    "nul\x00byte",
    "-1e309",
    "9" * 40,
    "2026-02-30",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example")',
    "\U0001f600" * 3,
    ["a", "b"],
]

FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')
FILE_FIELD = re.compile(
    r'<input[^>]*type="file"[^>]*\sname="([^"]+)"|<input[^>]*\sname="([^"]+)"[^>]*type="file"'
)
IGNORED = {"csrfmiddlewaretoken", "language", "next"}
UNTRACKED_APPS = {"axes", "sessions", "django_tasks_db", "admin"}


def snapshot() -> dict[str, int]:
    """Row counts of every model that a form could write to."""
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label not in UNTRACKED_APPS
    }


def form_fields(html: str) -> tuple[set[str], set[str]]:
    main = html.split('id="main-content"', 1)[-1]
    names = set(FIELD_NAME.findall(main)) - IGNORED
    files = {a or b for a, b in FILE_FIELD.findall(main)}
    return names - files, files


@pytest.mark.parametrize(("name", "kwargs_of", "who"), FORMS, ids=[f[0] for f in FORMS])
def test_garbage_in_every_field_is_refused_without_writing(
    client, personas, objects, name, kwargs_of, who, settings
):
    settings.AXES_FAILURE_LIMIT = 1000  # the lockout has its own test
    if who:
        client.force_login(personas[who])
    url = reverse(name, kwargs=kwargs_of(objects))
    page = client.get(url)
    assert page.status_code == 200, url
    fields, files = form_fields(page.content.decode())
    assert fields, f"no form fields found on {url}"
    before = snapshot()
    for value in GARBAGE:
        data: dict[str, Any] = dict.fromkeys(fields, value)
        for file_field in files:
            data[file_field] = SimpleUploadedFile(
                "evil.pdf", b"MZ\x90\x00not a pdf", "application/pdf"
            )
        response = client.post(url, data)
        assert response.status_code in (200, 400), (url, repr(value)[:40], response.status_code)
        assert snapshot() == before, (url, repr(value)[:40])
