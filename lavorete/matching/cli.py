"""`python -m lavorete.matching`: the best opportunities for each person, from two JSON Lines files.

    python -m lavorete.matching --opportunities OPPS.jsonl --people PEOPLE.jsonl --top 10
        [--output FILE] [--fast]

Opportunities: one object a line, `{"id", "essential": [skill URIs], "optional": [...],
"lat", "lon"}`; people: `{"id", "skills": [skill URIs], "lat", "lon"}` (`optional`, `lat`
and `lon` may be left out; lat and lon go together). Every skill counts at level 1 and the
default weights apply; rarity comes from the people file. Writes one line per person, in
the order of the people file:

    {"person": id, "matches": [{"opportunity": id, "score": 0.8123,
      "matched": [...], "missing": [...], "km": 12.3}]}

Everything is checked before anything is computed: every problem found is reported on
stderr with its file and line, the exit code is 2 and nothing is written. `--fast` uses the
pruned batch computation (near-exact, much faster on large files) instead of the exact one.

No Django here either: the command runs with NumPy and SciPy alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from lavorete.matching.core import Engine, OpportunityInput, PersonInput, haversine_km

MAX_PROBLEMS = 50
EXIT_INVALID = 2
OPPORTUNITY_FIELDS = {"id", "essential", "optional", "lat", "lon"}
PERSON_FIELDS = {"id", "skills", "lat", "lon"}


@dataclass
class Problems:
    """Problems found in the input, reported all together (up to a cap)."""

    items: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(message)

    def report(self, out: TextIO) -> None:
        for item in self.items:
            print(item, file=out)
        if self.count > len(self.items):
            print(f"... and {self.count - len(self.items)} more problems", file=out)
        print(f"{self.count} problem(s) found: nothing written.", file=out)


@dataclass
class Record:
    id: Any
    line: int
    lists: dict[str, list[str]]
    lat: float | None
    lon: float | None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else "an array"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _read(
    path: str,
    fields: set[str],
    required: tuple[str, ...],
    lists: tuple[str, ...],
    problems: Problems,
) -> list[Record]:
    """The file's records, each checked; problems go to `problems` as `path:line: message`."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        problems.add(f"{path}: no such file")
        return []
    except IsADirectoryError:
        problems.add(f"{path}: is a directory, not a file")
        return []
    except UnicodeDecodeError as exc:
        problems.add(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return []
    except OSError as exc:
        problems.add(f"{path}: cannot be read ({exc.strerror})")
        return []
    records: list[Record] = []
    seen: dict[Any, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        where = f"{path}:{number}"
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.add(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(item, dict):
            problems.add(f"{where}: expected a JSON object, found {_json_type(item)}")
            continue
        ok = True
        for name in sorted(set(item) - fields):
            problems.add(f"{where}: unknown field {name!r} (expected {', '.join(sorted(fields))})")
            ok = False
        for name in required:
            if name not in item:
                problems.add(f"{where}: missing {name!r}")
                ok = False
        identifier = item.get("id")
        if "id" in item:
            if isinstance(identifier, bool) or not isinstance(identifier, str | int):
                problems.add(f"{where}: 'id' must be a string or an integer")
                ok = False
            elif isinstance(identifier, str) and not identifier.strip():
                problems.add(f"{where}: 'id' is empty")
                ok = False
            elif identifier in seen:
                problems.add(
                    f"{where}: duplicate id {identifier!r} (first on line {seen[identifier]})"
                )
                ok = False
            else:
                seen[identifier] = number
        values: dict[str, list[str]] = {}
        for name in lists:
            value = item.get(name, [])
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                problems.add(f"{where}: {name!r} must be a list of skill URIs (non-empty strings)")
                ok = False
            else:
                values[name] = list(dict.fromkeys(value))
        lat: Any = item.get("lat")
        lon: Any = item.get("lon")
        if (lat is None) != (lon is None):
            problems.add(f"{where}: 'lat' and 'lon' go together (only one given)")
            ok = False
        elif lat is not None:
            if not _is_number(lat) or not -90 <= lat <= 90:
                problems.add(f"{where}: 'lat' must be a number between -90 and 90")
                ok = False
            if not _is_number(lon) or not -180 <= lon <= 180:
                problems.add(f"{where}: 'lon' must be a number between -180 and 180")
                ok = False
        if ok:
            records.append(
                Record(
                    id=identifier,
                    line=number,
                    lists=values,
                    lat=None if lat is None else float(lat),
                    lon=None if lon is None else float(lon),
                )
            )
    return records


def _top(value: str, problems: Problems) -> int:
    try:
        k = int(value)
    except ValueError:
        k = 0
    if k <= 0 or str(k) != value.strip().lstrip("+"):
        problems.add(f"--top: expected a positive integer, got {value!r}")
        return 0
    return k


def _results(
    opportunities: list[Record], people: list[Record], k: int, *, fast: bool
) -> list[dict[str, Any]]:
    engine = Engine(
        [
            OpportunityInput(
                id=o.id,
                essential=dict.fromkeys(o.lists["essential"], 1),
                optional=dict.fromkeys(o.lists["optional"], 1),
                lat=o.lat,
                lon=o.lon,
            )
            for o in opportunities
        ],
        [
            PersonInput(id=p.id, skills=dict.fromkeys(p.lists["skills"], 1), lat=p.lat, lon=p.lon)
            for p in people
        ],
    )
    by_id = {o.id: o for o in opportunities}
    tops = engine.top_for_people(k, exact=not fast)
    lines = []
    for person, top in zip(people, tops, strict=True):
        held = set(person.lists["skills"])
        matches = []
        for opportunity_id, score in top:
            opp = by_id[opportunity_id]
            km = None
            if person.lat is not None and opp.lat is not None:
                km = round(haversine_km(person.lat, person.lon, opp.lat, opp.lon), 1)  # type: ignore[arg-type]
            matches.append(
                {
                    "opportunity": opportunity_id,
                    "score": round(score, 4),
                    "matched": [
                        s for s in opp.lists["essential"] + opp.lists["optional"] if s in held
                    ],
                    "missing": [s for s in opp.lists["essential"] if s not in held],
                    "km": km,
                }
            )
        lines.append({"person": person.id, "matches": matches})
    return lines


def _write(lines: list[dict[str, Any]], output: str | None) -> None:
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    # Written beside the target and renamed over it: a reader never sees half a file.
    directory = os.path.dirname(os.path.abspath(output))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".matching-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, output)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lavorete.matching",
        description="Score every person of PEOPLE against the opportunities of OPPS and write "
        "each person's best K as one JSON line.",
    )
    parser.add_argument("--opportunities", required=True, metavar="OPPS.jsonl")
    parser.add_argument("--people", required=True, metavar="PEOPLE.jsonl")
    parser.add_argument("--top", required=True, metavar="K", help="matches per person (K >= 1)")
    parser.add_argument("--output", metavar="FILE", help="where to write (default: stdout)")
    parser.add_argument(
        "--fast", action="store_true", help="pruned batch computation (near-exact, faster)"
    )
    args = parser.parse_args(argv)
    problems = Problems()
    k = _top(args.top, problems)
    opportunities = _read(
        args.opportunities,
        OPPORTUNITY_FIELDS,
        ("id", "essential"),
        ("essential", "optional"),
        problems,
    )
    people = _read(args.people, PERSON_FIELDS, ("id", "skills"), ("skills",), problems)
    if args.output is not None:
        directory = os.path.dirname(os.path.abspath(args.output))
        if os.path.isdir(args.output):
            problems.add(f"--output {args.output}: is a directory")
        elif not os.path.isdir(directory):
            problems.add(f"--output {args.output}: the directory {directory} doesn't exist")
    if problems.count:
        problems.report(sys.stderr)
        return EXIT_INVALID
    _write(_results(opportunities, people, k, fast=args.fast), args.output)
    return 0
