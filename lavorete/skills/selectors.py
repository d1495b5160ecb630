"""Reading the taxonomy: labels in the user's language with the English fallback, and search.

Search finds skills (or occupations) by any label in Italian or English,
ignoring case and accents and forgiving small typos: labels are matched on
their normalised text, first as substrings, then with rapidfuzz's weighted
ratio. The label index lives in each process and is rebuilt when the labels
change (their count and highest id are its version: one small query).
"""

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from lavorete.skills.importer import normalise
from lavorete.skills.models import Label, LabelKind, Occupation, Skill

FALLBACK_LANGUAGE = "en"
SEARCH_LANGUAGES = ("it", "en")


@dataclass(frozen=True)
class Shown:
    """A concept's label as shown to a user: `fallback` when not in their language."""

    text: str
    language: str
    fallback: bool
    description: str = ""


def preferred_labels(concepts: list[Any], language: str, field: str = "skill") -> dict[int, Shown]:
    """The preferred label of each concept in `language`, else in English (marked)."""
    ids = [c.pk for c in concepts]
    rows = Label.objects.filter(
        **{f"{field}_id__in": ids},
        kind=LabelKind.PREFERRED,
        language__in={language, FALLBACK_LANGUAGE},
    ).values_list(f"{field}_id", "language", "text", "description")
    found: dict[int, Shown] = {}
    for concept_id, lang, text, description in rows:
        if lang == language or concept_id not in found:
            found[concept_id] = Shown(text, lang, lang != language, description)
    return found


@dataclass(frozen=True)
class Hit:
    id: int
    uri: str
    label: Shown
    matched: str
    score: float


class _Index:
    """Every searchable label of one concept kind, normalised, kept in memory."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.version: tuple[int, int | None] | None = None
        self.texts: list[str] = []
        self.owners: list[int] = []
        self.lock = threading.Lock()

    def current(self) -> tuple[list[str], list[int]]:
        filters = {f"{self.field}__isnull": False, "language__in": SEARCH_LANGUAGES}
        version_row = Label.objects.filter(**filters).aggregate(n=Count("id"), top=Max("id"))
        version = (version_row["n"], version_row["top"])
        with self.lock:
            if version != self.version:
                rows = Label.objects.filter(**filters).values_list("normalised", f"{self.field}_id")
                self.texts = [text for text, _owner in rows]
                self.owners = [owner for _text, owner in rows]
                self.version = version
            return self.texts, self.owners


_INDEXES = {"skill": _Index("skill"), "occupation": _Index("occupation")}


def search(query: str, language: str, *, kind: str = "skill", limit: int = 20) -> list[Hit]:
    """Skills (or occupations) whose Italian or English labels match `query`, best first."""
    wanted = normalise(query or "")[:200]
    if len(wanted) < 2:
        return []
    texts, owners = _INDEXES[kind].current()
    best: dict[int, tuple[float, str]] = {}

    def keep(owner: int, score: float, text: str) -> None:
        if score > best.get(owner, (-1.0, ""))[0]:
            best[owner] = (score, text)

    for position, text in enumerate(texts):
        if wanted in text:
            # Substring matches first; a label starting with the query ranks higher.
            keep(
                owners[position],
                200.0 - len(text) / 10 + (50 if text.startswith(wanted) else 0),
                text,
            )
    if len(best) < limit:
        for text, score, position in process.extract(
            wanted, texts, scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=80
        ):
            keep(owners[position], float(score), text)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
    model = Skill if kind == "skill" else Occupation
    concepts = {c.pk: c for c in model.objects.filter(pk__in=[owner for owner, _ in ranked])}
    shown = preferred_labels(list(concepts.values()), language, kind)
    return [
        Hit(owner, concepts[owner].uri, shown[owner], text, round(score, 1))
        for owner, (score, text) in ranked
        if owner in concepts and owner in shown
    ]


def occupation_skills(
    occupation: Occupation, language: str
) -> dict[str, list[tuple[Skill, Shown]]]:
    """The essential and optional skills of an occupation, with their labels."""
    relations = list(occupation.relations.select_related("skill"))
    shown = preferred_labels([r.skill for r in relations], language)
    result: dict[str, list[tuple[Skill, Shown]]] = {"essential": [], "optional": []}
    for relation in relations:
        if relation.skill_id in shown:
            result[relation.relation].append((relation.skill, shown[relation.skill_id]))
    for items in result.values():
        items.sort(key=lambda pair: pair[1].text.casefold())
    return result
