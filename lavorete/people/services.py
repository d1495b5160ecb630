"""Every write to the people registry: one atomic transaction each, audited.

Audit entries of people's records name the fields that changed, never their
values: the trail must not become a second copy of the registry.
"""

import zipfile
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.permissions import has_perm
from lavorete.core.servicekit import (
    integrity_as_validation,
    reject_unknown,
    strip_strings,
    validate,
)
from lavorete.core.validators import validate_document
from lavorete.people.consents import CONSENT_TEXTS, current_text
from lavorete.people.languages import LANGUAGES
from lavorete.people.models import (
    CefrLevel,
    Consent,
    Person,
    PersonLanguage,
    PersonSkill,
    SkillEvidence,
    SkillLevel,
    SpecialCategoryData,
)

# Fields a person_create / person_update may set (the CV has its own service).
PERSON_FIELDS = frozenset(
    {
        "user",
        "first_name",
        "last_name",
        "email",
        "phone",
        "tax_code",
        "birth_date",
        "gender",
        "residence",
        "address",
        "education_level",
        "education_title",
        "employment_status",
        "employment_status_since",
        "is_neet",
        "is_returning_mother",
        "is_migrant",
        "hours_per_week",
        "mobility_km",
        "driving_licence",
    }
)
# The oldest birth date the registry accepts.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_CONSTRAINT_FIELDS = {
    "people_person_tax_code_unique": "tax_code",
    "people_person_hours_in_week": "hours_per_week",
}


def normalise_person_tax_code(value: str) -> str:
    """A codice fiscale without spaces, upper case."""
    return "".join((value or "").split()).upper()


def _person_errors(person: Person) -> dict[str, list[Any]]:
    """Rules full_clean() can't know: dates against today, a name to call the person."""
    errors: dict[str, list[Any]] = {}
    today = timezone.localdate()
    if not person.first_name and not person.last_name:
        errors.setdefault("last_name", []).append(
            ValidationError(_("Give at least a first or a last name."), code="required")
        )
    if person.birth_date is not None:
        if person.birth_date > today:
            errors.setdefault("birth_date", []).append(
                ValidationError(_("The birth date can't be in the future."), code="future")
            )
        elif person.birth_date < EARLIEST_BIRTH_DATE:
            errors.setdefault("birth_date", []).append(
                ValidationError(_("The birth date is too far in the past."), code="too_old")
            )
    since = person.employment_status_since
    if since is not None and since > today:
        errors.setdefault("employment_status_since", []).append(
            ValidationError(_("This date can't be in the future."), code="future")
        )
    if since is not None and person.birth_date is not None and since < person.birth_date:
        errors.setdefault("employment_status_since", []).append(
            ValidationError(_("This date is before the birth date."), code="before_birth")
        )
    return errors


def person_create(*, actor: Any, **fields: Any) -> Person:
    """Register a person; every rule is checked and reported at once, nothing saved on error."""
    reject_unknown(fields, PERSON_FIELDS)
    strip_strings(fields)
    if "tax_code" in fields:
        fields["tax_code"] = normalise_person_tax_code(fields["tax_code"])
    person = Person(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    for name, value in fields.items():
        setattr(person, name, value)
    with transaction.atomic(), integrity_as_validation():
        validate(person, _person_errors(person), _CONSTRAINT_FIELDS)
        person.save()
        audit_record(
            actor=actor,
            action="person.create",
            target=person,
            changes={"fields": sorted(k for k, v in fields.items() if v not in ("", None))},
        )
    return person


def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    """Change a person's record; the enrolments' intake figures are left as they were."""
    reject_unknown(fields, PERSON_FIELDS)
    if person.anonymised_at is not None:
        raise ValidationError(_("This record has been anonymised and can't be changed."))
    strip_strings(fields)
    if "tax_code" in fields:
        fields["tax_code"] = normalise_person_tax_code(fields["tax_code"])
    changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
    with transaction.atomic(), integrity_as_validation():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        validate(locked, _person_errors(locked), _CONSTRAINT_FIELDS)
        locked.save()
        if changed:
            audit_record(
                actor=actor, action="person.update", target=locked, changes={"fields": changed}
            )
    for name, value in fields.items():
        setattr(person, name, value)
    person.updated_at = locked.updated_at
    return person


SPECIAL_FIELDS = frozenset(
    {"has_disability", "disability_percentage", "protected_category_l68", "health_notes"}
)


def special_data_set(*, actor: Any, person: Person, **fields: Any) -> SpecialCategoryData:
    """Record a person's health and disability data (callers check the explicit permission)."""
    reject_unknown(fields, SPECIAL_FIELDS)
    strip_strings(fields)
    with transaction.atomic():
        data, _created = SpecialCategoryData.objects.select_for_update().get_or_create(
            person=person
        )
        changed = sorted(k for k, v in fields.items() if getattr(data, k) != v)
        for name, value in fields.items():
            setattr(data, name, value)
        data.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        validate(data)
        data.save()
        audit_record(
            actor=actor,
            action="person.special_data",
            target=person,
            changes={"fields": changed},
        )
    return data


# --- what a person may change about themselves ---------------------------------------

# A person keeps their contacts, education, work situation and availability up to
# date. Identity (names, codice fiscale, birth date, gender), the municipality of
# residence and the declared categories decide who a programme may take in and
# what it reports: operators record them, after checking, and the person asks an
# operator to correct them (right to rectification, Art. 16).
SELF_EDITABLE_FIELDS = frozenset(
    {
        "email",
        "phone",
        "address",
        "education_level",
        "education_title",
        "employment_status",
        "employment_status_since",
        "hours_per_week",
        "mobility_km",
        "driving_licence",
    }
)


def _refuse_anonymised(person: Person) -> None:
    if person.anonymised_at is not None:
        raise ValidationError(
            _("This record has been anonymised and can't be changed."), code="anonymised"
        )


def person_self_update(*, person: Person, **fields: Any) -> Person:
    """The person changes their own contacts, education, work situation or availability."""
    unknown = sorted(set(fields) - SELF_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: ValidationError(
                    _("Only an operator can change this: ask yours."), code="not_self_editable"
                )
                for name in unknown
            }
        )
    _refuse_anonymised(person)
    strip_strings(fields)
    changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
    with transaction.atomic(), integrity_as_validation():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        validate(locked, _person_errors(locked), _CONSTRAINT_FIELDS)
        locked.save()
        if changed:
            audit_record(
                actor=person.user,
                action="person.self_update",
                target=locked,
                changes={"fields": changed},
            )
    for name, value in fields.items():
        setattr(person, name, value)
    person.updated_at = locked.updated_at
    return person


# --- languages -----------------------------------------------------------------------


def person_language_set(*, actor: Any, person: Person, language: str, level: str) -> PersonLanguage:
    """Add a language to the person's profile, or change its CEFR level."""
    _refuse_anonymised(person)
    code = (language or "").strip().lower()
    errors: dict[str, list[Any]] = {}
    if code not in LANGUAGES:
        errors["language"] = [
            ValidationError(_("Choose a language from the list."), code="invalid")
        ]
    if level not in CefrLevel.values:
        errors["level"] = [ValidationError(_("Choose a level from the list."), code="invalid")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), integrity_as_validation():
        row, created = PersonLanguage.objects.select_for_update().get_or_create(
            person=person, language=code, defaults={"level": level}
        )
        changed = not created and row.level != level
        if changed:
            row.level = level
            row.save(update_fields=["level"])
        if created or changed:
            audit_record(
                actor=actor,
                action="person.language_set",
                target=person,
                changes={"fields": ["language", "level"] if created else ["level"]},
            )
    return row


def person_language_remove(*, actor: Any, person: Person, language: str) -> None:
    """Take a language off the person's profile (nothing happens if it isn't there)."""
    _refuse_anonymised(person)
    with transaction.atomic():
        deleted, _rows = PersonLanguage.objects.filter(person=person, language=language).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="person.language_remove",
                target=person,
                changes={"fields": ["language", "level"]},
            )


# --- skills --------------------------------------------------------------------------


def _resolve_skill(skill: Any) -> Any:
    """An ESCO skill given as itself, its id or its URI; a clear error if there is none."""
    from lavorete.skills.models import Skill

    if isinstance(skill, Skill):
        return skill
    found = None
    if isinstance(skill, int) or (isinstance(skill, str) and skill.strip().isdigit()):
        number = int(skill)
        if 0 < number < 2**63:
            found = Skill.objects.filter(pk=number).first()
    elif isinstance(skill, str) and skill.strip():
        found = Skill.objects.filter(uri=skill.strip()[:200]).first()
    if found is None:
        raise ValidationError(
            {"skill": ValidationError(_("This skill is not in the ESCO list."), code="unknown")}
        )
    return found


def _check_skill_terms(actor: Any, person: Person, level: Any, evidence: Any) -> None:
    """Level 1-4; evidence other than self-declared only from staff who manage the person."""
    errors: dict[str, list[Any]] = {}
    if level not in SkillLevel.values:
        errors["level"] = [ValidationError(_("Choose a level from 1 to 4."), code="invalid")]
    if evidence not in SkillEvidence.values:
        errors["evidence"] = [ValidationError(_("Choose how the skill is proven."), code="invalid")]
    elif evidence != SkillEvidence.SELF_DECLARED and not _is_staff_for(actor, person):
        errors["evidence"] = [
            ValidationError(
                _(
                    "Only an operator following the person can record an assessed or certified skill."
                ),
                code="not_staff",
            )
        ]
    if errors:
        raise ValidationError(errors)


def _is_staff_for(actor: Any, person: Person) -> bool:
    # No actor: the system itself (the demo, a data migration) records what it was given.
    if actor is None:
        return True
    return has_perm(actor, "people.manage_person", person)


def _may_edit_skill(actor: Any, row: PersonSkill) -> None:
    """A person can't overwrite what an operator assessed or a certificate proves."""
    if row.evidence != SkillEvidence.SELF_DECLARED and not _is_staff_for(actor, row.person):
        raise ValidationError(
            _("An operator recorded this skill as assessed or certified: ask them to change it."),
            code="not_staff",
        )


def person_skill_add(
    *,
    actor: Any,
    person: Person,
    skill: Any,
    level: int = SkillLevel.INTERMEDIATE,
    evidence: str = SkillEvidence.SELF_DECLARED,
) -> PersonSkill:
    """Add an ESCO skill to the person's profile, with its level and evidence."""
    _refuse_anonymised(person)
    found = _resolve_skill(skill)
    _check_skill_terms(actor, person, level, evidence)
    if PersonSkill.objects.filter(person=person, skill=found).exists():
        raise ValidationError(
            {"skill": ValidationError(_("This skill is already in the profile."), code="taken")}
        )
    staff_evidence = evidence != SkillEvidence.SELF_DECLARED
    with transaction.atomic(), integrity_as_validation():
        row = PersonSkill.objects.create(
            person=person,
            skill=found,
            level=level,
            evidence=evidence,
            assessed_by=actor
            if staff_evidence and getattr(actor, "is_authenticated", False)
            else None,
        )
        audit_record(
            actor=actor,
            action="person.skill_add",
            target=person,
            changes={"fields": ["skill", "level", "evidence"]},
        )
    return row


def person_skill_update(
    *, actor: Any, person_skill: PersonSkill, level: int, evidence: str | None = None
) -> PersonSkill:
    """Change the level (and, for staff, the evidence) of a skill in the profile."""
    _refuse_anonymised(person_skill.person)
    _may_edit_skill(actor, person_skill)
    evidence = evidence or person_skill.evidence
    _check_skill_terms(actor, person_skill.person, level, evidence)
    changed = [
        name
        for name, value in (("level", level), ("evidence", evidence))
        if getattr(person_skill, name) != value
    ]
    with transaction.atomic():
        person_skill.level = level
        person_skill.evidence = evidence
        if "evidence" in changed or (changed and evidence != SkillEvidence.SELF_DECLARED):
            is_user = getattr(actor, "is_authenticated", False)
            person_skill.assessed_by = (
                actor if evidence != SkillEvidence.SELF_DECLARED and is_user else None
            )
        person_skill.save(update_fields=["level", "evidence", "assessed_by"])
        if changed:
            audit_record(
                actor=actor,
                action="person.skill_update",
                target=person_skill.person,
                changes={"fields": changed},
            )
    return person_skill


def person_skill_remove(*, actor: Any, person_skill: PersonSkill) -> None:
    """Take a skill off the person's profile."""
    person = person_skill.person
    _refuse_anonymised(person)
    with transaction.atomic():
        person_skill.delete()
        audit_record(
            actor=actor,
            action="person.skill_remove",
            target=person,
            changes={"fields": ["skill", "level", "evidence"]},
        )


# --- CV ------------------------------------------------------------------------------

CV_EXTENSIONS = frozenset({"pdf", "odt", "docx"})
# The entry that makes a ZIP container a text document of each kind.
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _container_is(upload: File, extension: str) -> bool:
    """Whether a ZIP upload really is an OpenDocument text or a Word document."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension == "docx":
                return "word/document.xml" in names
            return "mimetype" in names and archive.read("mimetype").strip() == _ODT_MIMETYPE
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        return False
    finally:
        upload.seek(0)


def validate_cv(upload: File) -> None:
    """A CV is a PDF, ODT or DOCX document whose content matches its name, within the size."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in CV_EXTENSIONS:
        raise ValidationError(
            _("Unsupported file type. Upload the CV as a PDF, ODT or DOCX document."),
            code="file_type",
        )
    validate_document(upload)
    if extension in {"odt", "docx"} and not _container_is(upload, extension):
        raise ValidationError(
            _("The file's content does not match its type (.%(ext)s)."),
            code="file_content",
            params={"ext": extension},
        )


def _delete_file_later(storage: Any, name: str) -> None:
    """Delete a stored file once the transaction that stopped using it has committed."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def person_cv_set(*, actor: Any, person: Person, upload: File) -> Person:
    """Store the person's CV, replacing (and deleting) the previous one."""
    _refuse_anonymised(person)
    try:
        validate_cv(upload)
    except ValidationError as exc:
        raise ValidationError({"cv": exc.error_list}) from exc
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        old_name = locked.cv.name or ""
        locked.cv.save(f"cv.{extension}", upload, save=False)
        new_name = locked.cv.name or ""
        try:
            locked.cv_uploaded_at = timezone.now()
            locked.save(update_fields=["cv", "cv_uploaded_at", "updated_at"])
            audit_record(
                actor=actor,
                action="person.cv_set",
                target=locked,
                changes={"fields": ["cv", "cv_uploaded_at"]},
            )
        except Exception:
            locked.cv.storage.delete(new_name)
            raise
        _delete_file_later(locked.cv.storage, old_name)
    person.cv = locked.cv
    person.cv_uploaded_at = locked.cv_uploaded_at
    return person


def person_cv_remove(*, actor: Any, person: Person) -> Person:
    """Delete the person's CV, from the record and from the storage."""
    _refuse_anonymised(person)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        old_name = locked.cv.name or ""
        if not old_name:
            return person
        storage = locked.cv.storage
        locked.cv = ""
        locked.cv_uploaded_at = None
        locked.save(update_fields=["cv", "cv_uploaded_at", "updated_at"])
        audit_record(
            actor=actor,
            action="person.cv_remove",
            target=locked,
            changes={"fields": ["cv", "cv_uploaded_at"]},
        )
        _delete_file_later(storage, old_name)
    person.cv = locked.cv
    person.cv_uploaded_at = None
    return person


# --- consents ------------------------------------------------------------------------


def _check_purpose(purpose: str) -> None:
    if purpose not in CONSENT_TEXTS:
        raise ValidationError(
            {"purpose": ValidationError(_("Choose a purpose from the list."), code="invalid")}
        )


def consent_give(*, actor: Any, person: Person, purpose: str) -> Consent:
    """Record the person's consent on the text in force for `purpose`.

    Giving it again on the same text changes nothing and returns the active consent;
    a consent on an older text is closed and a new one records the current version.
    """
    _refuse_anonymised(person)
    _check_purpose(purpose)
    text = current_text(purpose)
    with transaction.atomic(), integrity_as_validation():
        # Lock the person so two clicks can't both create the active consent.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        active = Consent.objects.filter(
            person=person, purpose=purpose, withdrawn_at__isnull=True
        ).first()
        if active is not None and active.text_version == text.version:
            return active
        now = timezone.now()
        if active is not None:
            active.withdrawn_at = now
            active.save(update_fields=["withdrawn_at"])
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            text_version=text.version,
            given_at=now,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="person.consent_give",
            target=person,
            changes={"fields": ["purpose", "text_version", "given_at"]},
        )
    return consent


def consent_withdraw(*, actor: Any, person: Person, purpose: str) -> Consent:
    """Withdraw the person's active consent for `purpose` (from now on; the past stays lawful)."""
    _refuse_anonymised(person)
    _check_purpose(purpose)
    with transaction.atomic():
        active = (
            Consent.objects.select_for_update()
            .filter(person=person, purpose=purpose, withdrawn_at__isnull=True)
            .first()
        )
        if active is None:
            raise ValidationError(
                _("There is no consent to withdraw for this purpose."), code="not_given"
            )
        active.withdrawn_at = max(timezone.now(), active.given_at)
        active.save(update_fields=["withdrawn_at"])
        audit_record(
            actor=actor,
            action="person.consent_withdraw",
            target=person,
            changes={"fields": ["withdrawn_at"]},
        )
    return active


def person_account_invite(*, actor: Any, person: Person) -> Any:
    """Give the person their personal area: link the account with their e-mail, or create it
    and e-mail them a link to choose a password.

    An existing account is linked only when its address has been verified, so
    nobody reaches a record by registering someone else's e-mail first.
    """
    from allauth.account.models import EmailAddress

    from lavorete.core.models import User
    from lavorete.core.services import user_invite

    if person.anonymised_at is not None:
        raise ValidationError(_("This record has been anonymised."), code="anonymised")
    if person.user_id is not None:
        raise ValidationError(_("The person already has a personal area."), code="linked")
    if not person.email:
        raise ValidationError(
            _("Record the person's e-mail address first: the invitation is sent there."),
            code="no_email",
        )
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.user_id is not None:
            raise ValidationError(_("The person already has a personal area."), code="linked")
        user = User.objects.filter(email__iexact=locked.email).first()
        if user is None:
            user = user_invite(actor=actor, email=locked.email, full_name=locked.full_name)
        else:
            if Person.objects.filter(user=user).exists():
                raise ValidationError(
                    _("The account with this e-mail belongs to another person's record."),
                    code="taken",
                )
            if not EmailAddress.objects.filter(
                user=user, email__iexact=locked.email, verified=True
            ).exists():
                raise ValidationError(
                    _(
                        "An account with this e-mail exists but its address is not verified: "
                        "ask the person to confirm it first."
                    ),
                    code="unverified",
                )
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
        audit_record(
            actor=actor, action="person.account_link", target=locked, changes={"fields": ["user"]}
        )
    person.user = user
    return user
