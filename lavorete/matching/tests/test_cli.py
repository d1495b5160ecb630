"""`python -m lavorete.matching`, run as a user runs it: in a subprocess, on files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

A, B, C = "http://data.europa.eu/esco/skill/a", "esco:b", "esco:c"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lavorete.matching", *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )


def _jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture
def files(tmp_path):
    opps = _jsonl(
        tmp_path / "opps.jsonl",
        [
            {"id": 1, "essential": [A, B], "optional": [C], "lat": 45.60, "lon": 9.30},
            {"id": "shop", "essential": [A]},
            {"id": "far", "essential": [C]},
        ],
    )
    people = _jsonl(
        tmp_path / "people.jsonl",
        [
            {"id": "anna", "skills": [A, C], "lat": 45.40, "lon": 9.30},
            {"id": 7, "skills": []},
            {"id": "bruno", "skills": [B]},
        ],
    )
    return opps, people


def test_it_writes_one_line_per_person_in_input_order(files, tmp_path):
    opps, people = files
    result = _run("--opportunities", str(opps), "--people", str(people), "--top", "5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["person"] for line in lines] == ["anna", 7, "bruno"]
    anna = lines[0]["matches"]
    # N = 3 people; a, b and c are each held by one: every rarity is ln(1 + 3/2), so the
    # skills asked weigh the same. "shop" (a) and "far" (c): full essential match, score 1.
    # Opportunity 1: essential 1/2, optional 1 -> (0.60·0.5 + 0.25·1) / 0.85 = 0.647059,
    # 22.2 km away, within the default 25 km.
    assert anna == [
        {"opportunity": "shop", "score": 1.0, "matched": [A], "missing": [], "km": None},
        {"opportunity": "far", "score": 1.0, "matched": [C], "missing": [], "km": None},
        {"opportunity": 1, "score": 0.6471, "matched": [A, C], "missing": [B], "km": 22.2},
    ]
    assert lines[1] == {"person": 7, "matches": []}
    # bruno holds b: 1 is (0.60·0.5) / 0.85 = 0.352941
    assert lines[2]["matches"] == [
        {"opportunity": 1, "score": 0.3529, "matched": [B], "missing": [A], "km": None}
    ]


def test_top_and_output_file(files, tmp_path):
    opps, people = files
    out = tmp_path / "out.jsonl"
    args = ["--opportunities", str(opps), "--people", str(people), "--top", "1"]
    result = _run(*args, "--output", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [len(line["matches"]) for line in lines] == [1, 0, 1]
    fast = _run(*args, "--fast", cwd=tmp_path)
    assert [json.loads(line) for line in fast.stdout.splitlines()] == lines


def test_empty_files_give_explicit_empty_results(tmp_path):
    opps = _jsonl(tmp_path / "opps.jsonl", [])
    people = _jsonl(tmp_path / "people.jsonl", [{"id": "a", "skills": [A]}, ""])
    result = _run("--opportunities", str(opps), "--people", str(people), "--top", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"person": "a", "matches": []}\n'
    nobody = _jsonl(tmp_path / "nobody.jsonl", [])
    out = tmp_path / "out.jsonl"
    result = _run(
        *("--opportunities", str(opps), "--people", str(nobody), "--top", "3"),
        *("--output", str(out)),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text() == ""


def test_every_problem_is_reported_and_nothing_written(tmp_path):
    opps = _jsonl(
        tmp_path / "opps.jsonl",
        [
            {"id": 1, "essential": [A]},
            "{not json",
            "[1, 2]",
            {"id": 1, "essential": [A]},
            {"essential": [A]},
            {"id": 2.5, "essential": [A]},
            {"id": True, "essential": [A]},
            {"id": 3, "essential": A},
            {"id": 4, "essential": [A, 5]},
            {"id": 5, "essential": [A], "lat": 45.5},
            {"id": 6, "essential": [A], "lat": 95, "lon": 9},
            {"id": 7, "essential": [A], "lat": 45, "lon": "9"},
            {"id": 8, "essentials": [A]},
        ],
    )
    people = _jsonl(
        tmp_path / "people.jsonl",
        [{"id": "x", "skills": [A]}, {"id": "y", "skills": None}, {"id": "x", "skills": []}],
    )
    out = tmp_path / "out.jsonl"
    result = _run(
        *("--opportunities", str(opps), "--people", str(people)),
        *("--top", "-3", "--output", str(out)),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert not out.exists()
    assert set(tmp_path.iterdir()) == {opps, people}  # no temporary file left either
    err = result.stderr
    expected = [
        "--top: expected a positive integer, got '-3'",
        f"{opps}:2: not valid JSON",
        f"{opps}:3: expected a JSON object, found an array",
        f"{opps}:4: duplicate id 1 (first on line 1)",
        f"{opps}:5: missing 'id'",
        f"{opps}:6: 'id' must be a string or an integer",
        f"{opps}:7: 'id' must be a string or an integer",
        f"{opps}:8: 'essential' must be a list",
        f"{opps}:9: 'essential' must be a list",
        f"{opps}:10: 'lat' and 'lon' go together",
        f"{opps}:11: 'lat' must be a number between -90 and 90",
        f"{opps}:12: 'lon' must be a number between -180 and 180",
        f"{opps}:13: unknown field 'essentials'",
        f"{opps}:13: missing 'essential'",
        f"{people}:2: 'skills' must be a list",
        f"{people}:3: duplicate id 'x' (first on line 1)",
        "16 problem(s) found: nothing written.",
    ]
    for message in expected:
        assert message in err


@pytest.mark.parametrize("top", ["0", "abc", "1.5", ""])
def test_top_must_be_a_positive_integer(files, tmp_path, top):
    opps, people = files
    result = _run("--opportunities", str(opps), "--people", str(people), "--top", top, cwd=tmp_path)
    assert result.returncode == 2
    assert "--top: expected a positive integer" in result.stderr
    assert result.stdout == ""


def test_missing_file_is_named(files, tmp_path):
    opps, _ = files
    missing = tmp_path / "nope.jsonl"
    out = tmp_path / "out.jsonl"
    result = _run(
        *("--opportunities", str(opps), "--people", str(missing), "--top", "3"),
        *("--output", str(out)),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert f"{missing}: no such file" in result.stderr
    assert not out.exists()


def test_problems_are_capped(tmp_path):
    opps = _jsonl(tmp_path / "opps.jsonl", ["{"] * 80)
    people = _jsonl(tmp_path / "people.jsonl", [])
    result = _run("--opportunities", str(opps), "--people", str(people), "--top", "3", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 52
    assert lines[-2] == "... and 30 more problems"
    assert lines[-1] == "80 problem(s) found: nothing written."


def test_not_utf8_and_nan(tmp_path):
    opps = tmp_path / "opps.jsonl"
    opps.write_bytes(b'{"id": "\xff", "essential": []}\n')
    people = _jsonl(tmp_path / "people.jsonl", ['{"id": 1, "skills": [], "lat": NaN, "lon": 1}'])
    result = _run("--opportunities", str(opps), "--people", str(people), "--top", "3", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{opps}: not UTF-8 text" in result.stderr
    assert f"{people}:1: 'lat' must be a number" in result.stderr
