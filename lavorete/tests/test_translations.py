"""Italian first: every string of the interface has its Italian translation."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "locale" / "it" / "LC_MESSAGES" / "django.po"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_italian_catalog_is_complete_and_valid():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.django_db
def test_pages_speak_italian_by_default_and_english_on_request(client):
    italian = client.get("/").content.decode()
    assert 'lang="it"' in italian
    assert "Programmi" in italian
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert 'lang="en"' in english
    assert "Programmes" in english
