"""The skill picker: find an ESCO skill by typing part of its Italian or English label.

With JavaScript (static/people/skill-picker.js) the text box is an ARIA
combobox that asks `/api/v1/skills?q=` as the user types and offers the
matches in a listbox; choosing one fills a hidden input with the skill's id.
Without JavaScript the form still works: submitted with only the text, it
comes back with the matching skills as radio buttons to choose from.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lavorete.skills.models import Skill
from lavorete.skills.selectors import Shown, preferred_labels, search

QUERY_SUFFIX = "_q"
MAX_QUERY = 200
CANDIDATES = 10
_MAX_PK = 2**63 - 1


def _language() -> str:
    language = (get_language() or "it")[:2]
    return language if language in {"it", "en"} else "it"


def _skill_id(raw: Any) -> int | None:
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= _MAX_PK else None


@dataclass(frozen=True)
class Candidate:
    id: int
    label: Shown


class SkillPicker(forms.Widget):
    """A search box and a hidden skill id; the matches as radios when there is no JavaScript."""

    template_name = "people/widgets/skill_picker.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        chosen = next((str(v) for v in reversed(values) if v not in (None, "")), "")
        query = data.get(name + QUERY_SUFFIX) or ""
        return {"id": chosen[:40], "q": str(query)[:MAX_QUERY]}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + QUERY_SUFFIX not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        language = _language()
        chosen: Skill | None = None
        query = ""
        if isinstance(value, Skill):
            chosen = value
        elif isinstance(value, dict):
            query = value.get("q", "")
            pk = _skill_id(value.get("id"))
            chosen = Skill.objects.filter(pk=pk).first() if pk else None
        chosen_label = preferred_labels([chosen], language).get(chosen.pk) if chosen else None
        candidates: list[Candidate] = []
        if chosen is None and query.strip():
            candidates = [
                Candidate(h.id, h.label) for h in search(query, language, limit=CANDIDATES)
            ]
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        widget.update(
            {
                "query_name": name + QUERY_SUFFIX,
                "query": chosen_label.text if chosen_label else query,
                "chosen": chosen,
                "chosen_label": chosen_label,
                "candidates": candidates,
                "searched": bool(query.strip()) and chosen is None,
                "listbox_id": f"{widget_id}_listbox",
                "status_id": f"{widget_id}_status",
                "search_url": reverse("api-1.0.0:search_skills"),
                "language": language,
            }
        )
        return context


class SkillField(forms.Field):
    """One ESCO skill, chosen with the picker; the clean value is the Skill."""

    widget = SkillPicker
    default_error_messages = {
        "required": _("Type part of the skill's name and choose it from the list."),
        "choose": _("Choose one of the skills found for “%(query)s”."),
        "none": _("No skill matches “%(query)s”: try other words, in Italian or English."),
        "unknown": _("This skill is not in the ESCO list."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Skill"))
        kwargs.setdefault(
            "help_text",
            _(
                "Type at least two letters, in Italian or English, and choose from the "
                "suggestions. Without suggestions, press the button and choose from the list."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Skill | None:
        value = value if isinstance(value, dict) else {"id": value, "q": ""}
        raw_id = value.get("id") or ""
        query = " ".join(str(value.get("q") or "").split())
        if raw_id:
            pk = _skill_id(raw_id)
            skill = Skill.objects.filter(pk=pk).first() if pk else None
            if skill is None:
                raise ValidationError(self.error_messages["unknown"], code="unknown")
            return skill
        if not query:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        found = search(query, _language(), limit=CANDIDATES)
        code = "choose" if found else "none"
        raise ValidationError(self.error_messages[code], code=code, params={"query": query})
