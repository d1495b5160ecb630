from pathlib import Path

import pytest

from lavorete.skills.importer import import_esco
from lavorete.skills.models import Occupation

SHIPPED = Path(__file__).resolve().parents[2] / "skills" / "data" / "esco"


@pytest.fixture
def esco(db):
    import_esco(SHIPPED)


def test_skills_and_occupations_are_found_with_typos(client, esco):
    skills = client.get("/api/v1/skills", {"q": "javscript", "lang": "it"}).json()
    assert skills[0]["label"]["text"].lower().startswith("javascript")
    assert skills[0]["label"]["fallback"] is True  # only English labels are shipped
    occupations = client.get("/api/v1/occupations", {"q": "sofware developer"}).json()
    assert any(o["label"]["text"] == "software developer" for o in occupations[:3])
    assert client.get("/api/v1/skills", {"q": "a\x00b"}).status_code == 200


def test_an_occupation_lists_its_essential_skills(client, esco):
    occupation = Occupation.objects.filter(relations__isnull=False).distinct()[0]
    data = client.get(f"/api/v1/occupations/{occupation.pk}", {"lang": "en"}).json()
    assert data["uri"] == occupation.uri
    assert data["essential"] and data["essential"][0]["label"]["language"] == "en"
    assert client.get("/api/v1/occupations/99999999999999999999999").status_code in (404, 422)
    assert client.get("/api/v1/occupations/0").status_code == 404
