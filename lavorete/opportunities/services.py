"""Every write to an opportunity: one atomic transaction each, audited.

Who may call which service is the views' and the API's business (they ask
`has_perm` on the opportunity); the services check that what they are given
makes sense. A remote opportunity may still name a municipality (where the
organisation is, or where the occasional meeting happens); one that is not
remote must name it. Candidacies and their pipeline live in `pipeline.py`.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.servicekit import integrity_as_validation, strip_strings, validate
from lavorete.network.models import Organisation, Programme
from lavorete.opportunities.models import (
    Candidacy,
    CandidacyStatus,
    Opportunity,
    OpportunityKind,
    OpportunityLanguage,
    OpportunitySkill,
    OpportunityStatus,
)
from lavorete.pathways.models import ContractType
from lavorete.people.languages import LANGUAGES
from lavorete.people.models import CefrLevel, SkillLevel
from lavorete.skills.models import Occupation, RelationType, Skill

# The fields `opportunity_update` may change.
EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "title",
        "description",
        "municipality",
        "is_remote",
        "occupation",
        "contract_type",
        "weekly_hours",
        "positions",
        "opens_on",
        "closes_on",
        "programme",
    }
)
# Statuses in which an opportunity can no longer be changed (a closed one is reopened first).
LOCKED_STATUSES = frozenset({OpportunityStatus.CLOSED, OpportunityStatus.FILLED})
# Contract types each kind accepts (blank means "not said yet" for a job).
KIND_CONTRACTS: dict[str, frozenset[str]] = {
    OpportunityKind.JOB: frozenset(set(ContractType.values) - {ContractType.TRAINEESHIP}),
    OpportunityKind.INTERNSHIP: frozenset({ContractType.TRAINEESHIP}),
    OpportunityKind.CHALLENGE: frozenset(),
    OpportunityKind.VOLUNTEER: frozenset(),
}
MAX_WEEKLY_HOURS = 60
MAX_POSITIONS = 500


# --- checks ------------------------------------------------------------------------


def _error(errors: dict[str, list[Any]], field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _key(value: Any) -> Any:
    """How a skill given by the caller is looked up: itself, its id or its URI."""
    if isinstance(value, str):
        stripped = value.strip()[:200]
        return int(stripped) if stripped.isdigit() and len(stripped) < 19 else stripped
    if isinstance(value, bool):
        return None
    return value


def _resolve_skills(values: list[Any]) -> tuple[dict[Any, Skill], list[str]]:
    """The skills given as themselves, their ids or their URIs (by key); and those not found."""
    keys = [_key(value) for value in values]
    ids = {k for k in keys if isinstance(k, int) and 0 < k < 2**63}
    uris = {k for k in keys if isinstance(k, str) and k}
    found: dict[Any, Skill] = {}
    if uris:
        found.update((s.uri, s) for s in Skill.objects.filter(uri__in=uris))
    if ids:
        found.update((s.pk, s) for s in Skill.objects.filter(pk__in=ids))
    unknown: list[str] = []
    for value, key in zip(values, keys, strict=True):
        if isinstance(value, Skill) and value.pk is not None:
            found[key] = value
        elif key is None or key not in found:
            unknown.append(str(value)[:200] or '""')
    return found, unknown


def _check_skill_rows(
    essential: Iterable[Any], optional: Iterable[Any], errors: dict[str, list[Any]]
) -> list[tuple[Skill, str, int]]:
    """The (skill, relation, level) rows, or errors naming what is wrong with them."""
    given: list[tuple[str, Any, Any]] = []
    sources: tuple[tuple[str, str, Iterable[Any]], ...] = (
        (RelationType.ESSENTIAL, "essential", essential),
        (RelationType.OPTIONAL, "optional", optional),
    )
    for relation, field, rows in sources:
        try:
            pairs = list(rows or ())
        except TypeError:
            _error(errors, field, _("Give the skills as a list."), "invalid")
            continue
        for pair in pairs:
            try:
                value, level = pair
            except (TypeError, ValueError):
                _error(errors, field, _("Give each skill with its level."), "invalid")
                continue
            given.append((relation, value, level))
    if not given:
        return []
    found, unknown = _resolve_skills([value for _relation, value, _level in given])
    if unknown:
        _error(
            errors,
            "essential" if any(r == RelationType.ESSENTIAL for r, _v, _l in given) else "optional",
            _("These skills are not in the ESCO list: %(skills)s.")
            % {"skills": ", ".join(sorted(set(unknown)))},
            "unknown_skill",
        )
    result: list[tuple[Skill, str, int]] = []
    seen: dict[int, str] = {}
    for relation, value, level in given:
        field = "essential" if relation == RelationType.ESSENTIAL else "optional"
        skill = found.get(_key(value))
        if level not in SkillLevel.values or isinstance(level, bool):
            _error(errors, field, _("Choose a level from 1 to 4."), "invalid_level")
            continue
        if skill is None:
            continue
        if skill.pk in seen:
            if seen[skill.pk] != relation:
                _error(
                    errors,
                    "optional",
                    _("A skill can't be both essential and optional: %(skill)s.")
                    % {"skill": skill.uri},
                    "both_relations",
                )
            else:
                _error(
                    errors,
                    field,
                    _("This skill is listed twice: %(skill)s.") % {"skill": skill.uri},
                    "duplicate_skill",
                )
            continue
        seen[skill.pk] = relation
        result.append((skill, relation, int(level)))
    return result


def _check_language(code: Any, level: Any, errors: dict[str, list[Any]], field: str) -> str:
    clean = code.strip().lower() if isinstance(code, str) else ""
    if clean not in LANGUAGES:
        _error(errors, field, _("Choose a language from the list."), "unknown_language")
    if level not in CefrLevel.values:
        _error(errors, field, _("Choose a CEFR level from the list."), "invalid_cefr")
    return clean


def _check_language_rows(
    languages: Iterable[Any], errors: dict[str, list[Any]]
) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    try:
        pairs = list(languages or ())
    except TypeError:
        _error(errors, "languages", _("Give the languages as a list."), "invalid")
        return result
    seen: set[str] = set()
    for pair in pairs:
        try:
            code, level = pair
        except (TypeError, ValueError):
            _error(errors, "languages", _("Give each language with its level."), "invalid")
            continue
        before = len(errors.get("languages", []))
        clean = _check_language(code, level, errors, "languages")
        if len(errors.get("languages", [])) > before:
            continue
        if clean in seen:
            _error(errors, "languages", _("A language is listed twice."), "duplicate_language")
            continue
        seen.add(clean)
        result.append((clean, level))
    return result


def _resolve_occupation(value: Any, errors: dict[str, list[Any]]) -> Occupation | None:
    if value is None or value == "":
        return None
    if isinstance(value, Occupation):
        return value
    found = None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        found = Occupation.objects.filter(pk=value).first()
    elif isinstance(value, str) and value.strip():
        found = Occupation.objects.filter(uri=value.strip()[:200]).first()
    if found is None:
        _error(errors, "occupation", _("This occupation is not in the ESCO list."), "unknown")
    return found


def organisation_in_programme(organisation: Organisation, programme: Programme) -> bool:
    """Does the organisation lead or take part in the programme?"""
    return Programme.objects.filter(
        Q(lead_organisation=organisation) | Q(partners__organisation=organisation),
        pk=programme.pk,
    ).exists()


def _check_terms(
    opportunity: Opportunity, errors: dict[str, list[Any]], *, dates_changed: bool
) -> None:
    """The rules that span fields: place, contract for the kind, hours, positions, dates."""
    if opportunity.kind not in OpportunityKind.values:
        _error(errors, "kind", _("Choose a kind from the list."), "invalid_kind")
    elif opportunity.kind == OpportunityKind.INTERNSHIP and not opportunity.contract_type:
        opportunity.contract_type = ContractType.TRAINEESHIP
    if not opportunity.title:
        _error(errors, "title", _("Give the opportunity a title."), "required")
    for name in ("title", "description", "contract_type"):
        value = getattr(opportunity, name)
        if isinstance(value, str) and "\x00" in value:
            _error(errors, name, _("Remove the null characters from the text."), "null_character")
            setattr(opportunity, name, value.replace("\x00", ""))
    if not opportunity.is_remote and opportunity.municipality_id is None:
        _error(
            errors,
            "municipality",
            _("Choose the municipality where it takes place, or mark it as remote."),
            "place_or_remote",
        )
    allowed = KIND_CONTRACTS.get(opportunity.kind)
    if allowed is not None and opportunity.contract_type:
        if not allowed:
            _error(
                errors,
                "contract_type",
                _("Only job vacancies and internships have a contract type."),
                "no_contract_for_kind",
            )
        elif opportunity.contract_type not in allowed:
            message = (
                _("An internship's contract type is tirocinio.")
                if opportunity.kind == OpportunityKind.INTERNSHIP
                else _(
                    "Choose a contract type for a job from the list (a tirocinio is an internship)."
                )
            )
            _error(errors, "contract_type", message, "contract_for_kind")
    hours = opportunity.weekly_hours
    if hours is not None and (
        not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_WEEKLY_HOURS
    ):
        _error(
            errors,
            "weekly_hours",
            _("Weekly hours go from 1 to %(max)s.") % {"max": MAX_WEEKLY_HOURS},
            "hours_range",
        )
    positions = opportunity.positions
    if (
        not isinstance(positions, int)
        or isinstance(positions, bool)
        or not 1 <= positions <= MAX_POSITIONS
    ):
        _error(
            errors,
            "positions",
            _("Positions go from 1 to %(max)s.") % {"max": MAX_POSITIONS},
            "positions_range",
        )
    opens_on, closes_on = opportunity.opens_on, opportunity.closes_on
    if not isinstance(opens_on, date):
        _error(errors, "opens_on", _("Give the date it opens."), "required")
    elif isinstance(closes_on, date):
        if closes_on < opens_on:
            _error(
                errors,
                "closes_on",
                _("The closing date can't come before the opening date."),
                "closes_before_opening",
            )
        elif dates_changed and closes_on < timezone.localdate():
            _error(errors, "closes_on", _("The closing date has already passed."), "closes_in_past")


def _check_programme(
    organisation: Organisation, programme: Programme | None, errors: dict[str, list[Any]]
) -> None:
    if programme is not None and not organisation_in_programme(organisation, programme):
        _error(
            errors,
            "programme",
            _("The organisation neither leads nor takes part in this programme."),
            "not_partner",
        )


def _refuse_locked(opportunity: Opportunity) -> None:
    if opportunity.status == OpportunityStatus.CLOSED:
        raise ValidationError(
            _("This opportunity is closed: reopen it before changing it."), code="closed"
        )
    if opportunity.status == OpportunityStatus.FILLED:
        raise ValidationError(
            _("This opportunity has been filled and can no longer be changed."), code="filled"
        )


def _validate(opportunity: Opportunity, errors: dict[str, list[Any]]) -> None:
    # Rules already reported with a clear message are not repeated by the
    # database constraints' generic ones.
    validate(opportunity, errors, exclude=["created_by"], validate_constraints=not errors)


# --- opportunities -----------------------------------------------------------------


def opportunity_create(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    title: str,
    description: str = "",
    municipality: Any = None,
    is_remote: bool = False,
    occupation: Any = None,
    contract_type: str = "",
    weekly_hours: int | None = None,
    positions: int = 1,
    opens_on: date | None = None,
    closes_on: date | None = None,
    programme: Programme | None = None,
    essential: Iterable[Any] = (),
    optional: Iterable[Any] = (),
    languages: Iterable[Any] = (),
) -> Opportunity:
    """A new draft opportunity of `organisation`, with its required skills and languages."""
    values: dict[str, Any] = {
        "title": title or "",
        "description": description or "",
        "contract_type": contract_type or "",
    }
    strip_strings(values)
    errors: dict[str, list[Any]] = {}
    opportunity = Opportunity(
        organisation=organisation,
        programme=programme,
        kind=kind,
        municipality=municipality,
        is_remote=bool(is_remote),
        occupation=_resolve_occupation(occupation, errors),
        weekly_hours=weekly_hours,
        positions=positions,
        opens_on=opens_on or timezone.localdate(),
        closes_on=closes_on,
        status=OpportunityStatus.DRAFT,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    _check_terms(opportunity, errors, dates_changed=True)
    _check_programme(organisation, programme, errors)
    skill_rows = _check_skill_rows(essential, optional, errors)
    language_rows = _check_language_rows(languages, errors)
    _validate(opportunity, errors)
    with transaction.atomic(), integrity_as_validation():
        opportunity.save()
        OpportunitySkill.objects.bulk_create(
            OpportunitySkill(opportunity=opportunity, skill=skill, relation=relation, level=level)
            for skill, relation, level in skill_rows
        )
        OpportunityLanguage.objects.bulk_create(
            OpportunityLanguage(opportunity=opportunity, language=code, level=level)
            for code, level in language_rows
        )
        audit_record(
            actor=actor,
            action="opportunity.create",
            target=opportunity,
            changes={
                "organisation": organisation.pk,
                "kind": opportunity.kind,
                "skills": len(skill_rows),
                "languages": len(language_rows),
            },
        )
    return opportunity


def opportunity_update(*, actor: Any, opportunity: Opportunity, **fields: Any) -> Opportunity:
    """Change an opportunity's terms (not its skills or languages).

    Fewer positions than before, all taken by the people already hired, fill it.
    """
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: ValidationError(_("This field can't be changed here."), code="not_editable")
                for name in unknown
            }
        )
    _refuse_locked(opportunity)
    strip_strings(fields)
    for name in ("description", "contract_type"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    errors: dict[str, list[Any]] = {}
    if "occupation" in fields:
        fields["occupation"] = _resolve_occupation(fields["occupation"], errors)
    with transaction.atomic(), integrity_as_validation():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        _refuse_locked(locked)
        before = {name: getattr(locked, name) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        if "is_remote" in fields:
            locked.is_remote = bool(fields["is_remote"])
        dates_changed = any(
            name in fields and before[name] != fields[name] for name in ("opens_on", "closes_on")
        )
        _check_terms(locked, errors, dates_changed=dates_changed)
        if "programme" in fields:
            _check_programme(locked.organisation, locked.programme, errors)
        hired = 0
        if "positions" in fields and isinstance(locked.positions, int):
            hired = Candidacy.objects.filter(
                opportunity=locked, status=CandidacyStatus.HIRED
            ).count()
            if locked.positions < hired:
                _error(
                    errors,
                    "positions",
                    _("%(n)s people have already been hired: the positions can't be fewer.")
                    % {"n": hired},
                    "positions_below_hires",
                )
        _validate(locked, errors)
        changed = sorted(name for name in fields if before[name] != getattr(locked, name))
        if changed:
            locked.save()
            audit_record(
                actor=actor,
                action="opportunity.update",
                target=locked,
                changes={"fields": changed},
            )
        if "positions" in changed and hired and hired >= locked.positions:
            # Fewer positions, all of them taken by the people already hired.
            opportunity_mark_filled(actor=actor, opportunity=locked)
    for name in (*fields, "contract_type", "status", "updated_at"):
        setattr(opportunity, name, getattr(locked, name))
    return opportunity


def opportunity_skill_set(
    *, actor: Any, opportunity: Opportunity, skill: Any, relation: str, level: int
) -> OpportunitySkill:
    """Require a skill (essential or optional, at a level), or change how it is required."""
    _refuse_locked(opportunity)
    errors: dict[str, list[Any]] = {}
    if relation not in RelationType.values:
        _error(errors, "relation", _("Choose essential or optional."), "invalid")
    if level not in SkillLevel.values or isinstance(level, bool):
        _error(errors, "level", _("Choose a level from 1 to 4."), "invalid_level")
    found, unknown = _resolve_skills([skill])
    if unknown:
        _error(errors, "skill", _("This skill is not in the ESCO list."), "unknown_skill")
    if errors:
        raise ValidationError(errors)
    resolved = found[_key(skill)]
    with transaction.atomic(), integrity_as_validation():
        Opportunity.objects.select_for_update().filter(pk=opportunity.pk).first()
        row, created = OpportunitySkill.objects.get_or_create(
            opportunity=opportunity,
            skill=resolved,
            defaults={"relation": relation, "level": level},
        )
        changed = not created and (row.relation, row.level) != (relation, level)
        if changed:
            row.relation, row.level = relation, level
            row.save(update_fields=["relation", "level"])
        if created or changed:
            audit_record(
                actor=actor,
                action="opportunity.skill_set",
                target=opportunity,
                changes={"skill": resolved.uri, "relation": relation, "level": level},
            )
    return row


def opportunity_skill_remove(*, actor: Any, opportunity: Opportunity, skill: Any) -> None:
    """No longer require a skill (nothing happens if it wasn't required)."""
    _refuse_locked(opportunity)
    found, unknown = _resolve_skills([skill])
    if unknown:
        return
    resolved = found[_key(skill)]
    with transaction.atomic():
        deleted, _rows = OpportunitySkill.objects.filter(
            opportunity=opportunity, skill=resolved
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="opportunity.skill_remove",
                target=opportunity,
                changes={"skill": resolved.uri},
            )


def opportunity_skills_from_occupation(
    *, actor: Any, opportunity: Opportunity, level: int = SkillLevel.BASIC
) -> int:
    """Require the essential skills of the opportunity's ESCO occupation not yet listed.

    Returns how many were added; the ones already required keep their terms.
    """
    _refuse_locked(opportunity)
    if opportunity.occupation_id is None:
        raise ValidationError(
            {"occupation": ValidationError(_("Choose an occupation first."), code="required")}
        )
    with transaction.atomic():
        present = set(
            OpportunitySkill.objects.filter(opportunity=opportunity).values_list(
                "skill_id", flat=True
            )
        )
        wanted = [
            skill_id
            for skill_id in Skill.objects.filter(
                relations__occupation_id=opportunity.occupation_id,
                relations__relation=RelationType.ESSENTIAL,
            ).values_list("pk", flat=True)
            if skill_id not in present
        ]
        OpportunitySkill.objects.bulk_create(
            OpportunitySkill(
                opportunity=opportunity,
                skill_id=skill_id,
                relation=RelationType.ESSENTIAL,
                level=level,
            )
            for skill_id in wanted
        )
        if wanted:
            audit_record(
                actor=actor,
                action="opportunity.skills_from_occupation",
                target=opportunity,
                changes={"occupation": opportunity.occupation_id, "added": len(wanted)},
            )
    return len(wanted)


def opportunity_language_set(
    *, actor: Any, opportunity: Opportunity, language: str, level: str
) -> OpportunityLanguage:
    """Require a language at a minimum CEFR level, or change the level."""
    _refuse_locked(opportunity)
    errors: dict[str, list[Any]] = {}
    code = _check_language(language, level, errors, "language")
    if errors:
        if "language" in errors and len(errors["language"]) == 2:
            errors["level"] = [errors["language"].pop()]
        raise ValidationError(errors)
    with transaction.atomic(), integrity_as_validation():
        row, created = OpportunityLanguage.objects.get_or_create(
            opportunity=opportunity, language=code, defaults={"level": level}
        )
        changed = not created and row.level != level
        if changed:
            row.level = level
            row.save(update_fields=["level"])
        if created or changed:
            audit_record(
                actor=actor,
                action="opportunity.language_set",
                target=opportunity,
                changes={"language": code, "level": level},
            )
    return row


def opportunity_language_remove(*, actor: Any, opportunity: Opportunity, language: str) -> None:
    """No longer require a language (nothing happens if it wasn't required)."""
    _refuse_locked(opportunity)
    with transaction.atomic():
        deleted, _rows = OpportunityLanguage.objects.filter(
            opportunity=opportunity, language=str(language)[:8]
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="opportunity.language_remove",
                target=opportunity,
                changes={"language": str(language)[:8]},
            )


# --- status --------------------------------------------------------------------------


def _set_status(
    *, actor: Any, opportunity: Opportunity, allowed_from: frozenset[str], to: str, action: str
) -> Opportunity:
    with transaction.atomic():
        locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if locked.status not in allowed_from:
            raise ValidationError(
                _("This can't be done to an opportunity that is %(status)s.")
                % {"status": locked.get_status_display().lower()},
                code="invalid_status",
            )
        previous = locked.status
        locked.status = to
        fields = ["status", "updated_at"]
        if to == OpportunityStatus.OPEN:
            if locked.closes_on is not None and locked.closes_on < timezone.localdate():
                raise ValidationError(
                    {
                        "closes_on": ValidationError(
                            _("Its closing date has passed: move it later to publish it again."),
                            code="expired",
                        )
                    }
                )
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        audit_record(actor=actor, action=action, target=locked, changes={"status": [previous, to]})
    opportunity.status = locked.status
    opportunity.published_at = locked.published_at
    opportunity.updated_at = locked.updated_at
    return opportunity


def opportunity_publish(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Open a draft (or reopen a closed opportunity) on the board; not one past its closing date."""
    return _set_status(
        actor=actor,
        opportunity=opportunity,
        allowed_from=frozenset({OpportunityStatus.DRAFT, OpportunityStatus.CLOSED}),
        to=OpportunityStatus.OPEN,
        action="opportunity.publish",
    )


def opportunity_close(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Take a draft or open opportunity off the board; it can be reopened."""
    return _set_status(
        actor=actor,
        opportunity=opportunity,
        allowed_from=frozenset({OpportunityStatus.DRAFT, OpportunityStatus.OPEN}),
        to=OpportunityStatus.CLOSED,
        action="opportunity.close",
    )


def opportunity_mark_filled(*, actor: Any, opportunity: Opportunity) -> Opportunity:
    """Record that every position has been filled (from open, or closed while hiring went on).

    Marking a filled opportunity again changes nothing.
    """
    if opportunity.status == OpportunityStatus.FILLED:
        return opportunity
    return _set_status(
        actor=actor,
        opportunity=opportunity,
        allowed_from=frozenset({OpportunityStatus.OPEN, OpportunityStatus.CLOSED}),
        to=OpportunityStatus.FILLED,
        action="opportunity.mark_filled",
    )


def opportunities_close_expired(*, today: date | None = None) -> int:
    """Close the open opportunities whose closing date has passed; how many were closed."""
    day = today or timezone.localdate()
    closed = 0
    with transaction.atomic():
        expired = Opportunity.objects.select_for_update().filter(
            status=OpportunityStatus.OPEN, closes_on__lt=day
        )
        for opportunity in expired:
            opportunity.status = OpportunityStatus.CLOSED
            opportunity.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=None,
                action="opportunity.close_expired",
                target=opportunity,
                changes={"status": [OpportunityStatus.OPEN, OpportunityStatus.CLOSED]},
            )
            closed += 1
    return closed
