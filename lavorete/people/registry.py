"""Reads of one person's profile sections (languages, skills, consents), ready to show.

The caller has already checked that the user may see the person (permissions.py).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import get_language

from lavorete.people.consents import CONSENT_TEXTS
from lavorete.people.languages import language_name
from lavorete.people.models import Consent, ConsentPurpose, Person, PersonLanguage, PersonSkill
from lavorete.skills.selectors import Shown, preferred_labels


@dataclass(frozen=True)
class LanguageRow:
    code: str
    name: str
    level: str
    level_label: str


@dataclass(frozen=True)
class SkillRow:
    pk: int
    uri: str
    label: Shown | None
    level: int
    level_label: str
    evidence: str
    evidence_label: str


@dataclass(frozen=True)
class ConsentRow:
    purpose: str
    purpose_label: str
    text_version: str
    current_version: str
    given_at: datetime
    withdrawn_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def outdated(self) -> bool:
        return self.is_active and self.text_version != self.current_version


def _ui_language() -> str:
    language = (get_language() or "it")[:2]
    return language if language in {"it", "en"} else "it"


def person_languages(person: Person) -> list[LanguageRow]:
    """The person's languages, by name in the user's language."""
    rows = [
        LanguageRow(r.language, language_name(r.language), r.level, r.get_level_display())
        for r in PersonLanguage.objects.filter(person=person)
    ]
    return sorted(rows, key=lambda r: r.name.casefold())


def person_skills(person: Person, *, only: int | None = None) -> list[SkillRow]:
    """The person's ESCO skills with their labels (English where the user's language lacks one)."""
    queryset = PersonSkill.objects.filter(person=person).select_related("skill")
    if only is not None:
        queryset = queryset.filter(pk=only)
    rows = list(queryset)
    labels = preferred_labels([r.skill for r in rows], _ui_language())
    result = [
        SkillRow(
            r.pk,
            r.skill.uri,
            labels.get(r.skill_id),
            r.level,
            r.get_level_display(),
            r.evidence,
            r.get_evidence_display(),
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r.level, (r.label.text if r.label else r.uri).casefold()))


def person_consents(person: Person) -> list[ConsentRow]:
    """Every consent the person gave, newest first, with the version of the text now in force."""
    return [
        ConsentRow(
            c.purpose,
            c.get_purpose_display(),
            c.text_version,
            CONSENT_TEXTS[c.purpose].version if c.purpose in CONSENT_TEXTS else "",
            c.given_at,
            c.withdrawn_at,
        )
        for c in Consent.objects.filter(person=person)
    ]


def active_purposes(person: Person) -> set[str]:
    """The purposes the person consents to now."""
    return set(
        Consent.objects.filter(person=person, withdrawn_at__isnull=True).values_list(
            "purpose", flat=True
        )
    )


def consent_texts() -> list[dict[str, Any]]:
    """The texts in force, with their purpose's name."""
    return [
        {
            "purpose": t.purpose,
            "label": ConsentPurpose(t.purpose).label,
            "version": t.version,
            "text": t.text,
        }
        for t in CONSENT_TEXTS.values()
    ]
