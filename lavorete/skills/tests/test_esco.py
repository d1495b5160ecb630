"""Importing ESCO and finding skills by their Italian or English labels."""

import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lavorete.skills.importer import EscoImportError, import_esco, normalise
from lavorete.skills.models import IscoGroup, Label, Occupation, OccupationSkill, Skill
from lavorete.skills.selectors import occupation_skills, preferred_labels, search

pytestmark = pytest.mark.django_db

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "esco"
OCC = "http://data.europa.eu/esco/occupation/0001"
PYTHON = "http://data.europa.eu/esco/skill/python"
SQL = "http://data.europa.eu/esco/skill/sql"
TEAM = "http://data.europa.eu/esco/skill/teamwork"


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture
def esco(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "ISCOGroups_en.csv",
        """
        conceptType,conceptUri,code,preferredLabel,altLabels,description
        ISCOGroup,http://data.europa.eu/esco/isco/C2512,2512,Software developers,,
        """,
    )
    write(
        tmp_path,
        "skills_en.csv",
        f"""
        conceptType,conceptUri,skillType,preferredLabel,altLabels,description
        KnowledgeSkillCompetence,{PYTHON},knowledge,Python (computer programming),"Python
        python programming",The Python language.
        KnowledgeSkillCompetence,{SQL},knowledge,SQL,structured query language,
        KnowledgeSkillCompetence,{TEAM},skill/competence,work in teams,teamwork,
        """,
    )
    write(
        tmp_path,
        "occupations_en.csv",
        f"""
        conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,description,code
        Occupation,{OCC},2512,software developer,programmer,Writes software.,2512.4
        """,
    )
    write(
        tmp_path,
        "occupationSkillRelations_en.csv",
        f"""
        occupationUri,relationType,skillType,skillUri
        {OCC},essential,knowledge,{PYTHON}
        {OCC},optional,knowledge,{SQL}
        {OCC},essential,skill,http://data.europa.eu/esco/skill/not-in-this-file
        """,
    )
    return tmp_path


def test_an_english_import_then_an_italian_one(esco: Path):
    summary = import_esco(esco)
    assert summary.created == {"isco_groups": 1, "skills": 3, "occupations": 1}
    assert (summary.relations, summary.relations_skipped) == (2, 1)
    occupation = Occupation.objects.get(uri=OCC)
    assert occupation.isco_group == IscoGroup.objects.get(code="2512")
    assert Skill.objects.get(uri=TEAM).skill_type == "skill"

    write(
        esco,
        "skills_it.csv",
        f"""
        conceptType,conceptUri,skillType,preferredLabel,altLabels,description
        KnowledgeSkillCompetence,{TEAM},skill/competence,lavorare in squadra,"lavoro di squadra
        collaborare con i colleghi",
        """,
    )
    again = import_esco(esco)
    assert again.languages == ["en", "it"]
    assert again.created == {"isco_groups": 0, "skills": 0, "occupations": 0}
    assert Skill.objects.count() == 3 and OccupationSkill.objects.count() == 2
    skills = list(Skill.objects.order_by("uri"))
    shown = preferred_labels(skills, "it")
    team = Skill.objects.get(uri=TEAM)
    sql = Skill.objects.get(uri=SQL)
    assert (shown[team.pk].text, shown[team.pk].fallback) == ("lavorare in squadra", False)
    assert (shown[sql.pk].text, shown[sql.pk].language, shown[sql.pk].fallback) == (
        "SQL",
        "en",
        True,
    )


def test_running_twice_changes_nothing(esco: Path):
    import_esco(esco)
    before = sorted(Label.objects.values_list("language", "kind", "text"))
    import_esco(esco)
    assert sorted(Label.objects.values_list("language", "kind", "text")) == before
    assert Skill.objects.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "skills_en.csv",
            "conceptType,conceptUri,skillType,preferredLabel\nX,not-a-uri,knowledge,Python\n",
            "skills_en.csv:2: conceptUri must be a URI",
        ),
        (
            "skills_en.csv",
            "conceptType,conceptUri,skillType,preferredLabel\nX,http://e/s/1,magic,Python\n",
            "skills_en.csv:2: unknown skillType 'magic'",
        ),
        ("skills_en.csv", "conceptType,uri\nX,http://e/s/1\n", "missing columns"),
        (
            "occupations_en.csv",
            "conceptType,conceptUri,iscoGroup,preferredLabel\nO,http://e/o/1,12x,cook\n",
            "occupations_en.csv:2: iscoGroup must be an ISCO-08 code",
        ),
        (
            "occupationSkillRelations_en.csv",
            "occupationUri,relationType,skillUri\nhttp://e/o/1,sometimes,http://e/s/1\n",
            "relationType must be essential or optional",
        ),
        ("skills.csv", "conceptType,conceptUri,preferredLabel\n", "must end with a language code"),
        ("skills_en.csv", b"\xff\xfe\x00garbage", "not a readable UTF-8 CSV file"),
    ],
)
def test_a_bad_file_imports_nothing_and_says_where(tmp_path, esco, name, content, problem):
    for good in esco.iterdir():
        (tmp_path / "bad").mkdir(exist_ok=True)
        (tmp_path / "bad" / good.name).write_bytes(good.read_bytes())
    target = tmp_path / "bad" / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    with pytest.raises(EscoImportError) as exc:
        import_esco(tmp_path / "bad")
    assert any(problem in p for p in exc.value.problems), exc.value.problems
    assert not Skill.objects.exists() and not Label.objects.exists()


def test_the_command_reports_a_summary_and_refuses_a_missing_folder(esco: Path, tmp_path: Path):
    out = StringIO()
    call_command("import_esco", str(esco), stdout=out, stderr=StringIO())
    assert "skills: 3 new, 0 updated" in out.getvalue()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_esco", str(tmp_path / "nowhere"), stderr=StringIO())


def test_normalise_ignores_case_accents_and_spaces():
    assert normalise("  Capacità   di LAVORARE  ") == "capacita di lavorare"


def test_search_forgives_accents_typos_and_language(esco: Path):
    import_esco(esco)
    write(
        esco,
        "skills_it.csv",
        f"""
        conceptType,conceptUri,skillType,preferredLabel,altLabels,description
        KnowledgeSkillCompetence,{TEAM},skill/competence,capacità di lavorare in squadra,,
        """,
    )
    import_esco(esco)
    team = Skill.objects.get(uri=TEAM)
    for query in ("capacita di lavorare", "CAPACITÀ", "teamwork", "lavorare in sqadra", "teamwrok"):
        hits = search(query, "it")
        assert hits and hits[0].id == team.pk, (query, hits)
        assert hits[0].label.text == "capacità di lavorare in squadra"
    python_hits = search("pyton", "it")
    assert python_hits[0].uri == PYTHON
    assert python_hits[0].label.fallback  # no Italian label: the English one, marked
    assert search("x", "it") == []
    assert search("zzzzzzzz", "it") == []


def test_occupation_skills_are_split_into_essential_and_optional(esco: Path):
    import_esco(esco)
    skills = occupation_skills(Occupation.objects.get(uri=OCC), "en")
    assert [shown.text for _s, shown in skills["essential"]] == ["Python (computer programming)"]
    assert [shown.text for _s, shown in skills["optional"]] == ["SQL"]


def test_the_shipped_english_subset_imports_whole():
    summary = import_esco(SHIPPED)
    assert summary.created == {"isco_groups": 619, "skills": 1278, "occupations": 3007}
    assert summary.relations == 1932
    hits = search("sofware developer", "it", kind="occupation")
    assert any("software developer" in hit.label.text for hit in hits[:3])
    assert search("javascrpt", "en")[0].label.text.lower().startswith("javascript")


def test_the_public_pages_find_skills_and_show_an_occupation(client, esco: Path):
    import_esco(esco)
    page = client.get("/competenze/", {"q": "pyton"}, HTTP_ACCEPT_LANGUAGE="it")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Python (computer programming)" in text
    occupation = Occupation.objects.get(uri=OCC)
    found = client.get("/competenze/", {"q": "sofware develper"}).content.decode()
    assert f"/competenze/professioni/{occupation.pk}/" in found
    detail = client.get(f"/competenze/professioni/{occupation.pk}/").content.decode()
    assert "Python (computer programming)" in detail and "SQL" in detail
    for garbage in ("", "\x00", "x" * 5000, "' OR 1=1 --"):
        assert client.get("/competenze/", {"q": garbage}).status_code == 200
    assert client.get("/competenze/professioni/999999999999999999999/").status_code == 404
