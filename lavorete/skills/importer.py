"""Import the official ESCO CSV distribution: whatever languages are in the folder.

Files read (any subset; `xx` is a language code, e.g. `it`, `en`):

    ISCOGroups_xx.csv, skills_xx.csv, occupations_xx.csv,
    occupationSkillRelations_xx.csv (or occupationSkillRelations.csv)

Every file is read and checked first; if any row is wrong, nothing is written
and every problem is reported with its file and line. Then one transaction
adds new concepts, updates changed ones and replaces the labels of each
imported language, so running it twice changes nothing.
"""

import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from lavorete.skills.models import (
    IscoGroup,
    Label,
    LabelKind,
    Occupation,
    OccupationSkill,
    RelationType,
    Skill,
    SkillType,
)

FILE_NAME = re.compile(
    r"^(?P<kind>ISCOGroups|skills|occupations|occupationSkillRelations)(?:_(?P<lang>[a-z]{2,3}))?\.csv$"
)
REQUIRED = {
    "ISCOGroups": {"conceptUri", "code", "preferredLabel"},
    "skills": {"conceptUri", "preferredLabel"},
    "occupations": {"conceptUri", "preferredLabel"},
    "occupationSkillRelations": {"occupationUri", "relationType", "skillUri"},
}
URI = re.compile(r"^https?://\S+$")
SKILL_TYPES = {
    "skill/competence": SkillType.SKILL,
    "skill": SkillType.SKILL,
    "knowledge": SkillType.KNOWLEDGE,
    "": "",
}
BATCH = 2000

csv.field_size_limit(10 * 1024 * 1024)


class EscoImportError(Exception):
    """The files can't be imported; `problems` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: what search compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@dataclass
class Concept:
    uri: str
    labels: list[tuple[str, str]]  # (kind, text)
    description: str
    extra: dict[str, str]


@dataclass
class Parsed:
    isco: dict[str, dict[str, Concept]] = field(default_factory=dict)  # lang -> uri -> concept
    skills: dict[str, dict[str, Concept]] = field(default_factory=dict)
    occupations: dict[str, dict[str, Concept]] = field(default_factory=dict)
    relations: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def languages(self) -> list[str]:
        return sorted(set(self.isco) | set(self.skills) | set(self.occupations))


@dataclass
class Summary:
    languages: list[str]
    created: dict[str, int]
    updated: dict[str, int]
    labels: int
    relations: int
    relations_skipped: int

    def lines(self) -> list[str]:
        out = [f"Languages: {', '.join(self.languages) or '-'}"]
        out.extend(
            f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated"
            for kind in ("isco_groups", "skills", "occupations")
        )
        out.append(f"labels written: {self.labels}")
        out.append(
            f"occupation-skill relations: {self.relations}"
            f" ({self.relations_skipped} skipped: a concept not in the taxonomy)"
        )
        return out


Progress = Callable[[Iterable[Any], str, int], Iterable[Any]]


def _no_progress(rows: Iterable[Any], _desc: str, _total: int) -> Iterable[Any]:
    return rows


def _labels(row: dict[str, str]) -> list[tuple[str, str]]:
    labels = [(LabelKind.PREFERRED.value, row["preferredLabel"].strip())]
    for alt in (row.get("altLabels") or "").splitlines():
        alt = alt.strip()
        if alt and alt != labels[0][1]:
            labels.append((LabelKind.ALTERNATIVE.value, alt))
    return labels


def _read(path: Path, kind: str, problems: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = REQUIRED[kind] - set(reader.fieldnames or [])
            if missing:
                problems.append(f"{path.name}: missing columns {', '.join(sorted(missing))}")
                return
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    problems.append(f"{path.name}:{reader.line_num}: wrong number of columns")
                    continue
                yield reader.line_num, row
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{path.name}: not a readable UTF-8 CSV file ({exc})")


def parse(directory: Path, progress: Progress = _no_progress) -> Parsed:
    """Read and check every ESCO file in `directory`; raise EscoImportError on any problem."""
    if not directory.is_dir():
        raise EscoImportError([f"{directory}: not a folder"])
    files = sorted(p for p in directory.iterdir() if FILE_NAME.match(p.name))
    if not files:
        raise EscoImportError(
            [f"{directory}: no ESCO CSV files (skills_xx.csv, occupations_xx.csv…)"]
        )
    parsed = Parsed()
    problems: list[str] = []
    for path in files:
        match = FILE_NAME.match(path.name)
        if match is None:  # pragma: no cover - files were chosen by this pattern
            continue
        kind, lang = match["kind"], match["lang"] or ""
        if kind != "occupationSkillRelations" and not lang:
            problems.append(f"{path.name}: the file name must end with a language code, e.g. _it")
            continue
        rows = list(_read(path, kind, problems))
        for line, row in progress(rows, path.name, len(rows)):
            where = f"{path.name}:{line}"
            if kind == "occupationSkillRelations":
                occupation, skill = row["occupationUri"].strip(), row["skillUri"].strip()
                relation = row["relationType"].strip().lower()
                if not URI.match(occupation) or not URI.match(skill):
                    problems.append(f"{where}: occupationUri and skillUri must be URIs")
                elif relation not in RelationType.values:
                    problems.append(f"{where}: relationType must be essential or optional")
                else:
                    parsed.relations[(occupation, skill)] = relation
                continue
            uri = row["conceptUri"].strip()
            if not URI.match(uri):
                problems.append(f"{where}: conceptUri must be a URI")
                continue
            if not row["preferredLabel"].strip():
                problems.append(f"{where}: preferredLabel is empty")
                continue
            extra: dict[str, str] = {}
            if kind == "skills":
                skill_type = (row.get("skillType") or "").strip().lower()
                if skill_type not in SKILL_TYPES:
                    problems.append(f"{where}: unknown skillType {skill_type!r}")
                    continue
                extra["skill_type"] = SKILL_TYPES[skill_type]
            elif kind == "ISCOGroups":
                code = row["code"].strip()
                if not code.isdigit() or len(code) > 4:
                    problems.append(f"{where}: code must be an ISCO-08 code of 1 to 4 digits")
                    continue
                extra["code"] = code
            else:
                isco = (row.get("iscoGroup") or "").strip()
                if isco and (not isco.isdigit() or len(isco) > 4):
                    problems.append(f"{where}: iscoGroup must be an ISCO-08 code")
                    continue
                extra["isco"] = isco
                extra["code"] = (row.get("code") or "").strip()[:40]
            target = {"skills": parsed.skills, "ISCOGroups": parsed.isco}.get(
                kind, parsed.occupations
            )
            target.setdefault(lang, {})[uri] = Concept(
                uri, _labels(row), (row.get("description") or "").strip(), extra
            )
    if problems:
        raise EscoImportError(problems)
    return parsed


def _merged(per_language: dict[str, dict[str, Concept]]) -> dict[str, dict[str, str]]:
    """Language-independent fields of each concept, from whichever file has it."""
    result: dict[str, dict[str, str]] = {}
    for concepts in per_language.values():
        for uri, concept in concepts.items():
            result.setdefault(uri, {}).update(concept.extra)
    return result


def _upsert(model: type[Any], wanted: dict[str, dict[str, Any]]) -> tuple[dict[str, int], int, int]:
    """Create missing concepts and update changed fields; return uri -> id and counts."""
    existing = {obj.uri: obj for obj in model.objects.filter(uri__in=list(wanted))}
    new = [model(uri=uri, **fields) for uri, fields in wanted.items() if uri not in existing]
    model.objects.bulk_create(new, batch_size=BATCH)
    changed = []
    for uri, fields in wanted.items():
        obj = existing.get(uri)
        if obj is not None and any(getattr(obj, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(obj, k, v)
            changed.append(obj)
    if changed:
        model.objects.bulk_update(
            changed, list(next(iter(wanted.values())).keys()), batch_size=BATCH
        )
    ids = dict(model.objects.filter(uri__in=list(wanted)).values_list("uri", "id"))
    return ids, len(new), len(changed)


def _replace_labels(
    per_language: dict[str, dict[str, Concept]], ids: dict[str, int], fk: str
) -> int:
    written = 0
    for lang, concepts in per_language.items():
        concept_ids = [ids[uri] for uri in concepts]
        for start in range(0, len(concept_ids), BATCH):
            Label.objects.filter(
                language=lang, **{f"{fk}__in": concept_ids[start : start + BATCH]}
            ).delete()
        rows = [
            Label(
                **{f"{fk}_id": ids[uri]},
                language=lang,
                kind=kind,
                text=text[:500],
                normalised=normalise(text)[:500],
                description=concept.description if kind == LabelKind.PREFERRED else "",
            )
            for uri, concept in concepts.items()
            for kind, text in concept.labels
        ]
        Label.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written


def import_esco(directory: Path, progress: Progress = _no_progress) -> Summary:
    """Import the ESCO files of `directory` (see the module docstring)."""
    parsed = parse(directory, progress)
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    with transaction.atomic():
        isco_fields = {uri: {"code": f["code"]} for uri, f in _merged(parsed.isco).items()}
        isco_ids, created["isco_groups"], updated["isco_groups"] = (
            _upsert(IscoGroup, isco_fields) if isco_fields else ({}, 0, 0)
        )
        isco_by_code = dict(IscoGroup.objects.values_list("code", "id"))
        skill_fields = {
            uri: {"skill_type": f.get("skill_type", "")}
            for uri, f in _merged(parsed.skills).items()
        }
        skill_ids, created["skills"], updated["skills"] = (
            _upsert(Skill, skill_fields) if skill_fields else ({}, 0, 0)
        )
        occupation_fields = {
            uri: {"code": f.get("code", ""), "isco_group_id": isco_by_code.get(f.get("isco", ""))}
            for uri, f in _merged(parsed.occupations).items()
        }
        occupation_ids, created["occupations"], updated["occupations"] = (
            _upsert(Occupation, occupation_fields) if occupation_fields else ({}, 0, 0)
        )
        labels = _replace_labels(parsed.isco, isco_ids, "isco_group")
        labels += _replace_labels(parsed.skills, skill_ids, "skill")
        labels += _replace_labels(parsed.occupations, occupation_ids, "occupation")
        relations, skipped = _import_relations(parsed.relations)
    return Summary(parsed.languages, created, updated, labels, relations, skipped)


def _import_relations(relations: dict[tuple[str, str], str]) -> tuple[int, int]:
    if not relations:
        return 0, 0
    occupations = dict(
        Occupation.objects.filter(uri__in={o for o, _s in relations}).values_list("uri", "id")
    )
    skills = dict(Skill.objects.filter(uri__in={s for _o, s in relations}).values_list("uri", "id"))
    wanted = {
        (occupations[o], skills[s]): relation
        for (o, s), relation in relations.items()
        if o in occupations and s in skills
    }
    existing = {
        (r.occupation_id, r.skill_id): r
        for r in OccupationSkill.objects.filter(occupation_id__in={o for o, _s in wanted})
    }
    new = [
        OccupationSkill(occupation_id=o, skill_id=s, relation=rel)
        for (o, s), rel in wanted.items()
        if (o, s) not in existing
    ]
    changed = []
    for key, rel in wanted.items():
        row = existing.get(key)
        if row is not None and row.relation != rel:
            row.relation = rel
            changed.append(row)
    OccupationSkill.objects.bulk_create(new, batch_size=BATCH)
    OccupationSkill.objects.bulk_update(changed, ["relation"], batch_size=BATCH)
    return len(wanted), len(relations) - len(wanted)
