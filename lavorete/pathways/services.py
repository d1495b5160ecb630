"""Every write to a person's pathway: one atomic transaction each, audited."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.permissions import has_perm
from lavorete.core.servicekit import integrity_as_validation, merge_errors, validate
from lavorete.network.models import (
    Organisation,
    Programme,
    ProgrammeLegalBasis,
    ProgrammePartner,
)
from lavorete.pathways.models import (
    CATEGORY_FIELDS,
    ENDED_STATUSES,
    FOLLOW_UP_MONTHS,
    Attendance,
    CaseNote,
    ContractType,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Gate,
    Goal,
    GoalStatus,
    Outcome,
    OutcomeKind,
    ProgrammeTarget,
    Referral,
    ReferralStatus,
    ServiceDelivery,
    ServiceKind,
    ServiceMode,
    Stage,
    StageKind,
    StageTransition,
    TargetKind,
)
from lavorete.people.consents import REFERRAL_TEXT
from lavorete.people.models import (
    Category,
    Consent,
    ConsentPurpose,
    Person,
    SpecialCategoryData,
    months_before,
)
from lavorete.people.services import consent_give, person_create

# The pathway a programme gets when nobody has designed its own.
DEFAULT_STAGES: list[tuple[str, str]] = [
    (StageKind.INTAKE, ""),
    (StageKind.ORIENTATION, ""),
    (StageKind.WORK_DESIGN, "assessment"),
    (StageKind.TRAINING, "plan"),
    (StageKind.PROJECT_LAB, ""),
    (StageKind.JOB_SEARCH, ""),
    (StageKind.PLACED, ""),
    (StageKind.FOLLOW_UP, ""),
]


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def intake_profile(person: Person, day: date) -> dict[str, Any]:
    """The enrolment's snapshot of the person: municipality and category flags on `day`."""
    disability = SpecialCategoryData.objects.filter(person=person, has_disability=True).exists()
    categories = person.categories(day, disability=disability)
    return {
        "municipality_id": person.residence_id,
        **{field: code in categories for code, field in CATEGORY_FIELDS.items()},
    }


def pathway_template_default(*, actor: Any, programme: Programme) -> list[Stage]:
    """Give a programme the standard pathway, if it has no stages yet."""
    with transaction.atomic():
        existing = list(Stage.objects.select_for_update().filter(programme=programme))
        if existing:
            return existing
        stages = [
            Stage.objects.create(
                programme=programme,
                position=index,
                name=str(StageKind(kind).label),
                kind=kind,
                gate=gate,
            )
            for index, (kind, gate) in enumerate(DEFAULT_STAGES, start=1)
        ]
        audit_record(
            actor=actor,
            action="pathway.template_default",
            target=programme,
            changes={"stages": [s.kind for s in stages]},
        )
    return stages


def enrolment_create(
    *,
    actor: Any,
    person: Person,
    programme: Programme,
    tutor: Any = None,
    enrolled_on: date | None = None,
) -> Enrolment:
    """Take a person into a programme, at its first stage, with the tutor who follows them."""
    enrolled_on = enrolled_on or timezone.localdate()
    errors: dict[str, list[Any]] = {}
    if person.anonymised_at is not None:
        raise ValidationError(_("This record has been anonymised."), code="anonymised")
    if enrolled_on > timezone.localdate():
        errors["enrolled_on"] = [
            ValidationError(_("The enrolment date can't be in the future."), code="future")
        ]
    if Enrolment.objects.filter(person=person, programme=programme).exists():
        errors.setdefault("programme", []).append(
            ValidationError(_("The person is already enrolled in this programme."), code="taken")
        )
    with transaction.atomic(), integrity_as_validation():
        first = Stage.objects.filter(programme=programme).order_by("position").first()
        enrolment = Enrolment(
            person=person,
            programme=programme,
            tutor=tutor,
            stage=first,
            enrolled_on=enrolled_on,
            created_by=_actor(actor),
            **intake_profile(person, enrolled_on),
        )
        validate(enrolment, errors, validate_constraints=False)
        enrolment.save()
        StageTransition.objects.create(
            enrolment=enrolment,
            from_stage=None,
            to_stage=first,
            from_status="",
            to_status=EnrolmentStatus.ACTIVE,
            by=_actor(actor),
        )
        audit_record(
            actor=actor,
            action="enrolment.create",
            target=enrolment,
            changes={"programme": programme.pk, "tutor": getattr(tutor, "pk", None)},
        )
    return enrolment


# --- helpers -----------------------------------------------------------------------

# Longest free text a note, reason or comment may hold: a page, not a dossier.
MAX_TEXT = 10_000
MAX_REASON = 2_000
# How far ahead a group session may be planned, a job may start.
MAX_DAYS_AHEAD = 366
# A follow-up may be answered from this many days before it is due.
FOLLOW_UP_EARLY_DAYS = 30


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _add(errors: dict[str, list[Any]], field: str, message: str, code: str) -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _raise(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(
    errors: dict[str, list[Any]], field: str, value: Any, limit: int, *, required: bool
) -> str:
    """A stripped string, or an error when it is missing or longer than `limit`."""
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if "\x00" in text:
        _add(errors, field, _("The text holds a character that isn't allowed."), "invalid")
    if required and not text:
        _add(errors, field, _("This field is required."), "required")
    if len(text) > limit:
        _add(
            errors,
            field,
            _("Keep it under %(limit)s characters.") % {"limit": limit},
            "max_length",
        )
    return text


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day."""
    return months_before(day, -months)


def _locked(enrolment: Enrolment) -> Enrolment:
    return Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)


def _require_open(enrolment: Enrolment) -> None:
    if not enrolment.is_open:
        raise ValidationError(_("This pathway has ended: reopen it first."), code="ended")


def _same_programme(enrolment: Enrolment, programme: Programme) -> None:
    if enrolment.programme_id != programme.pk:
        raise ValidationError(
            _("This person is not enrolled in this programme."), code="other_programme"
        )


def _at(on: date) -> datetime:
    """When a change dated `on` happened: now if today, else midday of that day."""
    if on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(on, time(12)))


def may_tutor(user: Any, programme: Programme) -> bool:
    """Can `user` follow people of `programme` (an operator there)?"""
    return user is not None and has_perm(user, "pathways.manage_enrolment", programme)


def _check_tutor(errors: dict[str, list[Any]], tutor: Any, programme: Programme) -> None:
    if tutor is not None and not may_tutor(tutor, programme):
        _add(errors, "tutor", _("The tutor must be an operator of the programme."), "not_operator")


# --- programme set-up ----------------------------------------------------------------


def programme_target_set(
    *, actor: Any, programme: Programme, kind: str, category: str = "", value: Any
) -> ProgrammeTarget:
    """Set how many people (of a category) the programme means to reach, place, complete."""
    errors: dict[str, list[Any]] = {}
    category = (category or "").strip()
    if kind not in TargetKind.values:
        _add(errors, "kind", _("Choose a valid target."), "invalid_choice")
    if category and category not in Category.values:
        _add(errors, "category", _("Choose a valid category."), "invalid_choice")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 10_000_000:
        _add(errors, "value", _("Give a whole number greater than zero."), "invalid")
    _raise(errors)
    with transaction.atomic(), integrity_as_validation():
        target, created = ProgrammeTarget.objects.select_for_update().get_or_create(
            programme=programme, kind=kind, category=category, defaults={"value": value}
        )
        if not created:
            target.value = value
            target.save(update_fields=["value"])
        audit_record(
            actor=actor,
            action="programme.target_set",
            target=programme,
            changes={"fields": ["value"], "kind": kind, "category": category},
        )
    return target


def programme_target_remove(*, actor: Any, target: ProgrammeTarget) -> None:
    """Drop one of the programme's targets."""
    with transaction.atomic():
        programme = target.programme
        kind, category = target.kind, target.category
        target.delete()
        audit_record(
            actor=actor,
            action="programme.target_remove",
            target=programme,
            changes={"kind": kind, "category": category},
        )


def programme_legal_basis_set(*, actor: Any, programme: Programme, legal_basis: str) -> Programme:
    """Record why the programme may process its participants' data (public task or consent)."""
    if legal_basis not in ProgrammeLegalBasis.values:
        raise _error("legal_basis", _("Choose a valid legal basis."), "invalid_choice")
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if locked.legal_basis != legal_basis:
            locked.legal_basis = legal_basis
            locked.save(update_fields=["legal_basis", "updated_at"])
            audit_record(
                actor=actor,
                action="programme.legal_basis",
                target=locked,
                changes={"fields": ["legal_basis"]},
            )
    programme.legal_basis = legal_basis
    return programme


def _stage_errors(name: Any, kind: Any, gate: Any) -> tuple[str, dict[str, list[Any]]]:
    errors: dict[str, list[Any]] = {}
    clean = _text(errors, "name", name, 100, required=True)
    if kind not in StageKind.values:
        _add(errors, "kind", _("Choose a valid kind of stage."), "invalid_choice")
    if gate not in Gate.values:
        _add(errors, "gate", _("Choose a valid gate."), "invalid_choice")
    return clean, errors


def stage_add(*, actor: Any, programme: Programme, name: str, kind: str, gate: str = "") -> Stage:
    """Add a stage at the end of the programme's pathway."""
    clean, errors = _stage_errors(name, kind, gate)
    _raise(errors)
    with transaction.atomic(), integrity_as_validation():
        Programme.objects.select_for_update().get(pk=programme.pk)
        last = Stage.objects.filter(programme=programme).aggregate(m=Max("position"))["m"] or 0
        stage = Stage.objects.create(
            programme=programme, position=last + 1, name=clean, kind=kind, gate=gate
        )
        audit_record(
            actor=actor,
            action="pathway.stage_add",
            target=programme,
            changes={"stage": stage.pk, "kind": kind, "gate": gate},
        )
    return stage


def stage_update(*, actor: Any, stage: Stage, name: str, kind: str, gate: str) -> Stage:
    """Rename a stage, change its kind or its gate."""
    clean, errors = _stage_errors(name, kind, gate)
    _raise(errors)
    with transaction.atomic():
        locked = Stage.objects.select_for_update().get(pk=stage.pk)
        changed = [
            f
            for f, v in (("name", clean), ("kind", kind), ("gate", gate))
            if getattr(locked, f) != v
        ]
        locked.name, locked.kind, locked.gate = clean, kind, gate
        locked.save(update_fields=["name", "kind", "gate"])
        if changed:
            audit_record(
                actor=actor,
                action="pathway.stage_update",
                target=locked.programme,
                changes={"stage": locked.pk, "fields": changed},
            )
    return locked


def stage_move(*, actor: Any, stage: Stage, up: bool) -> Stage:
    """Swap a stage with the one before (up) or after it."""
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=stage.programme_id)
        stages = list(Stage.objects.filter(programme_id=stage.programme_id).order_by("position"))
        index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
        other_index = index - 1 if up else index + 1
        if not 0 <= other_index < len(stages):
            return stages[index]
        mine, other = stages[index], stages[other_index]
        spare = max(s.position for s in stages) + 1
        mine_position, other_position = mine.position, other.position
        Stage.objects.filter(pk=mine.pk).update(position=spare)
        Stage.objects.filter(pk=other.pk).update(position=mine_position)
        Stage.objects.filter(pk=mine.pk).update(position=other_position)
        mine.position = other_position
        audit_record(
            actor=actor,
            action="pathway.stage_move",
            target=mine.programme,
            changes={"stage": mine.pk, "position": other_position},
        )
    return mine


def stage_remove(*, actor: Any, stage: Stage) -> None:
    """Remove a stage nobody is in and nobody passed through; the others close ranks."""
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=stage.programme_id)
        if Enrolment.objects.filter(stage=stage).exists():
            raise ValidationError(
                _("People are at this stage: move them before removing it."), code="in_use"
            )
        if StageTransition.objects.filter(Q(from_stage=stage) | Q(to_stage=stage)).exists():
            raise ValidationError(
                _("Pathways have passed through this stage: rename it instead of removing it."),
                code="has_history",
            )
        programme = stage.programme
        position = stage.position
        stage.delete()
        for later in Stage.objects.filter(programme=programme, position__gt=position).order_by(
            "position"
        ):
            Stage.objects.filter(pk=later.pk).update(position=later.position - 1)
        audit_record(
            actor=actor,
            action="pathway.stage_remove",
            target=programme,
            changes={"position": position},
        )


# --- intake ----------------------------------------------------------------------------


def _consent_give(*, actor: Any, person: Person, purpose: str) -> Consent:
    """Record the consent on the text in force for `purpose` (the people app's service)."""
    return consent_give(actor=actor, person=person, purpose=purpose)


def has_programme_consent(person: Person) -> bool:
    """Has the person an active consent to take part in a programme?"""
    return Consent.objects.filter(
        person=person, purpose=ConsentPurpose.PROGRAMME, withdrawn_at__isnull=True
    ).exists()


def intake(
    *,
    actor: Any,
    programme: Programme,
    tutor: Any = None,
    consents: Iterable[str] = (),
    enrolled_on: date | None = None,
    **person_fields: Any,
) -> Enrolment:
    """Register a person and enrol them in the programme, both or neither.

    Under a programme whose legal basis is consent, the person's consent to
    take part is required and recorded with the version of its text.
    """
    consents = set(consents)
    errors: dict[str, list[Any]] = {}
    unknown = consents - set(ConsentPurpose.values)
    if unknown:
        _add(errors, "consents", _("Choose valid consents."), "invalid_choice")
    if (
        programme.legal_basis == ProgrammeLegalBasis.CONSENT
        and ConsentPurpose.PROGRAMME not in consents
    ):
        _add(
            errors,
            "consents",
            _("This programme works on consent: the person must agree to take part."),
            "consent_required",
        )
    _check_tutor(errors, tutor, programme)
    with transaction.atomic():
        try:
            person = person_create(actor=actor, **person_fields)
        except ValidationError as exc:
            merge_errors(errors, exc)
            raise ValidationError(errors) from exc
        _raise(errors)
        for purpose in sorted(consents):
            _consent_give(actor=actor, person=person, purpose=purpose)
        enrolment = enrolment_create(
            actor=actor, person=person, programme=programme, tutor=tutor, enrolled_on=enrolled_on
        )
    return enrolment


# --- moves and status ------------------------------------------------------------------


def gate_problem(enrolment: Enrolment, stage: Stage, approver: Any) -> str | None:
    """Why `enrolment` can't enter `stage` yet, or None when its gate is open."""
    if stage.gate == Gate.ASSESSMENT:
        assessed = Attendance.objects.filter(
            enrolment=enrolment,
            present=True,
            delivery__kind=ServiceKind.ASSESSMENT,
            delivery__held_on__lte=timezone.localdate(),
        ).exists()
        if not assessed:
            return str(
                _("This stage requires a skills assessment the person attended: record it first.")
            )
    elif stage.gate == Gate.PLAN:
        if enrolment.plan_agreed_on is None or not enrolment.goals.exists():
            return str(
                _(
                    "This stage requires an agreed plan with at least one goal: agree the plan first."
                )
            )
    elif stage.gate == Gate.APPROVAL and (
        approver is None or not has_perm(approver, "pathways.approve_stage", enrolment.programme)
    ):
        return str(
            _(
                "This stage requires a coordinator's approval: ask a coordinator of the "
                "programme to make this move."
            )
        )
    return None


def _transition(
    enrolment: Enrolment,
    *,
    actor: Any,
    from_stage: Stage | None,
    to_stage: Stage | None,
    from_status: str,
    to_status: str,
    reason: str,
    at: datetime | None = None,
    approved_by: Any = None,
) -> StageTransition:
    return StageTransition.objects.create(
        enrolment=enrolment,
        from_stage=from_stage,
        to_stage=to_stage,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        approved_by=approved_by,
        by=_actor(actor),
        at=at or timezone.now(),
    )


def enrolment_move(
    *,
    actor: Any,
    enrolment: Enrolment,
    to_stage: Stage,
    reason: str = "",
    approved_by: Any = None,
) -> StageTransition:
    """Move an active enrolment to another stage of its programme, through the stage's gate."""
    errors: dict[str, list[Any]] = {}
    reason = _text(errors, "reason", reason, MAX_REASON, required=False)
    _raise(errors)
    with transaction.atomic():
        locked = _locked(enrolment)
        _require_open(locked)
        if locked.status != EnrolmentStatus.ACTIVE:
            raise ValidationError(_("The pathway is suspended: resume it first."), code="suspended")
        if to_stage.programme_id != locked.programme_id:
            raise _error(
                "to_stage", _("This stage belongs to another programme."), "other_programme"
            )
        if to_stage.pk == locked.stage_id:
            raise _error("to_stage", _("The person is already at this stage."), "same_stage")
        approver = approved_by or _actor(actor)
        problem = gate_problem(locked, to_stage, approver)
        if problem:
            raise _error("to_stage", problem, "gate")
        from_stage = locked.stage
        locked.stage = to_stage
        locked.save(update_fields=["stage"])
        transition = _transition(
            locked,
            actor=actor,
            from_stage=from_stage,
            to_stage=to_stage,
            from_status=locked.status,
            to_status=locked.status,
            reason=reason,
            approved_by=approver if to_stage.gate == Gate.APPROVAL else None,
        )
        audit_record(
            actor=actor,
            action="enrolment.move",
            target=locked,
            changes={"fields": ["stage"], "to_stage": to_stage.pk},
        )
    enrolment.stage = to_stage
    return transition


def _status_change(
    *,
    actor: Any,
    enrolment: Enrolment,
    to_status: str,
    allowed_from: frozenset[str],
    reason: str,
    reason_required: bool,
    on: date | None,
    action: str,
) -> StageTransition:
    errors: dict[str, list[Any]] = {}
    reason = _text(errors, "reason", reason, MAX_REASON, required=reason_required)
    today = timezone.localdate()
    on = on or today
    if not isinstance(on, date):
        _add(errors, "on", _("Give a valid date."), "invalid")
    elif on > today:
        _add(errors, "on", _("The date can't be in the future."), "future")
    elif on < enrolment.enrolled_on:
        _add(errors, "on", _("The date can't be before the enrolment."), "before_enrolment")
    _raise(errors)
    with transaction.atomic():
        locked = _locked(enrolment)
        if locked.status not in allowed_from:
            if not locked.is_open:
                raise ValidationError(_("This pathway has ended: reopen it first."), code="ended")
            raise ValidationError(
                _("The pathway's status doesn't allow this change."), code="status"
            )
        from_status = locked.status
        locked.status = to_status
        locked.ended_on = on if to_status in ENDED_STATUSES else None
        locked.save(update_fields=["status", "ended_on"])
        transition = _transition(
            locked,
            actor=actor,
            from_stage=locked.stage,
            to_stage=locked.stage,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            at=_at(on),
        )
        audit_record(actor=actor, action=action, target=locked, changes={"fields": ["status"]})
    enrolment.status, enrolment.ended_on = locked.status, locked.ended_on
    return transition


_OPEN = frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.SUSPENDED})


def enrolment_suspend(
    *, actor: Any, enrolment: Enrolment, reason: str, on: date | None = None
) -> StageTransition:
    """Pause an active pathway (illness, a temporary job…); the reason is required."""
    return _status_change(
        actor=actor,
        enrolment=enrolment,
        to_status=EnrolmentStatus.SUSPENDED,
        allowed_from=frozenset({EnrolmentStatus.ACTIVE}),
        reason=reason,
        reason_required=True,
        on=on,
        action="enrolment.suspend",
    )


def enrolment_resume(
    *, actor: Any, enrolment: Enrolment, reason: str = "", on: date | None = None
) -> StageTransition:
    """Take a suspended pathway up again."""
    return _status_change(
        actor=actor,
        enrolment=enrolment,
        to_status=EnrolmentStatus.ACTIVE,
        allowed_from=frozenset({EnrolmentStatus.SUSPENDED}),
        reason=reason,
        reason_required=False,
        on=on,
        action="enrolment.resume",
    )


def enrolment_complete(
    *, actor: Any, enrolment: Enrolment, reason: str = "", on: date | None = None
) -> StageTransition:
    """Close a pathway that reached its end; `on` is its last day."""
    return _status_change(
        actor=actor,
        enrolment=enrolment,
        to_status=EnrolmentStatus.COMPLETED,
        allowed_from=_OPEN,
        reason=reason,
        reason_required=False,
        on=on,
        action="enrolment.complete",
    )


def enrolment_drop(
    *, actor: Any, enrolment: Enrolment, reason: str, on: date | None = None
) -> StageTransition:
    """Record that the person left the pathway; the reason is required."""
    return _status_change(
        actor=actor,
        enrolment=enrolment,
        to_status=EnrolmentStatus.DROPPED,
        allowed_from=_OPEN,
        reason=reason,
        reason_required=True,
        on=on,
        action="enrolment.drop",
    )


def enrolment_reopen(
    *, actor: Any, enrolment: Enrolment, reason: str, on: date | None = None
) -> StageTransition:
    """Open an ended pathway again (the person came back); the reason is required."""
    return _status_change(
        actor=actor,
        enrolment=enrolment,
        to_status=EnrolmentStatus.ACTIVE,
        allowed_from=frozenset(ENDED_STATUSES),
        reason=reason,
        reason_required=True,
        on=on,
        action="enrolment.reopen",
    )


STATUS_CHANGES = {
    "suspend": enrolment_suspend,
    "resume": enrolment_resume,
    "complete": enrolment_complete,
    "drop": enrolment_drop,
    "reopen": enrolment_reopen,
}


def enrolment_tutor_set(*, actor: Any, enrolment: Enrolment, tutor: Any) -> Enrolment:
    """Give the pathway another tutor (an operator of the programme), or none."""
    errors: dict[str, list[Any]] = {}
    _check_tutor(errors, tutor, enrolment.programme)
    _raise(errors)
    with transaction.atomic():
        locked = _locked(enrolment)
        _require_open(locked)
        locked.tutor = tutor
        locked.save(update_fields=["tutor"])
        audit_record(
            actor=actor,
            action="enrolment.tutor",
            target=locked,
            changes={"fields": ["tutor"], "tutor": getattr(tutor, "pk", None)},
        )
    enrolment.tutor = tutor
    return locked


# --- services delivered ----------------------------------------------------------------


def _attendance_errors(
    errors: dict[str, list[Any]],
    programme: Programme,
    held_on: date,
    attendances: list[tuple[Enrolment, bool]],
) -> None:
    today = timezone.localdate()
    seen: set[int] = set()
    for enrolment, present in attendances:
        if enrolment.pk in seen:
            _add(errors, "attendances", _("A person is listed twice."), "duplicate")
            continue
        seen.add(enrolment.pk)
        if enrolment.programme_id != programme.pk:
            _add(
                errors,
                "attendances",
                _("Everyone must be enrolled in the service's programme."),
                "other_programme",
            )
        elif enrolment.enrolled_on > held_on:
            _add(
                errors,
                "attendances",
                _("A person was not yet enrolled on the service's date."),
                "before_enrolment",
            )
        elif enrolment.ended_on is not None and enrolment.ended_on < held_on:
            _add(
                errors,
                "attendances",
                _("A person's pathway had ended before the service's date."),
                "ended",
            )
        if present and held_on > today:
            _add(
                errors,
                "attendances",
                _("Nobody can have attended a session that hasn't happened yet."),
                "future",
            )


def service_record(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    mode: str,
    held_on: date,
    duration_minutes: int,
    operator: Any = None,
    title: str = "",
    attendances: Iterable[tuple[Enrolment, bool]] = (),
) -> ServiceDelivery:
    """Record a service given to one person (individual) or a group, with who attended.

    An individual service lists exactly one person and is in the past. A group
    session may be planned up to a year ahead, its attendance recorded later
    (`attendance_set`): nobody is marked present before the day.
    """
    attendances = list(attendances)
    errors: dict[str, list[Any]] = {}
    title = _text(errors, "title", title, 200, required=False)
    today = timezone.localdate()
    if kind not in ServiceKind.values:
        _add(errors, "kind", _("Choose a valid service."), "invalid_choice")
    if mode not in ServiceMode.values:
        _add(errors, "mode", _("Choose individual or group."), "invalid_choice")
    if not isinstance(held_on, date):
        _add(errors, "held_on", _("Give a valid date."), "invalid")
        held_on = today
    elif mode == ServiceMode.INDIVIDUAL and held_on > today:
        _add(errors, "held_on", _("An individual service can't be in the future."), "future")
    elif held_on > today + timedelta(days=MAX_DAYS_AHEAD):
        _add(errors, "held_on", _("A session can be planned up to a year ahead."), "too_far")
    if (
        not isinstance(duration_minutes, int)
        or isinstance(duration_minutes, bool)
        or not 0 < duration_minutes <= 24 * 60
    ):
        _add(
            errors,
            "duration_minutes",
            _("Give the duration in minutes, up to 1440 (a day)."),
            "invalid",
        )
    if mode == ServiceMode.INDIVIDUAL and len(attendances) != 1:
        _add(
            errors,
            "attendances",
            _("An individual service is given to exactly one person."),
            "one_person",
        )
    if mode == ServiceMode.GROUP and not attendances:
        _add(errors, "attendances", _("Choose who takes part in the session."), "required")
    operator = operator if operator is not None else _actor(actor)
    if operator is not None and not has_perm(operator, "pathways.record_service", programme):
        _add(errors, "operator", _("The operator must work in the programme."), "not_operator")
    _attendance_errors(errors, programme, held_on, attendances)
    _raise(errors)
    with transaction.atomic():
        delivery = ServiceDelivery.objects.create(
            programme=programme,
            kind=kind,
            mode=mode,
            title=title,
            held_on=held_on,
            duration_minutes=duration_minutes,
            operator=operator,
        )
        Attendance.objects.bulk_create(
            Attendance(delivery=delivery, enrolment=e, present=bool(p)) for e, p in attendances
        )
        audit_record(
            actor=actor,
            action="service.record",
            target=delivery,
            changes={
                "kind": kind,
                "mode": mode,
                "enrolments": sorted(e.pk for e, _p in attendances),
            },
        )
    return delivery


def attendance_set(
    *, actor: Any, delivery: ServiceDelivery, attendances: Iterable[tuple[Enrolment, bool]]
) -> ServiceDelivery:
    """Record who attended (adding participants to a group session, marking presence)."""
    attendances = list(attendances)
    errors: dict[str, list[Any]] = {}
    _attendance_errors(errors, delivery.programme, delivery.held_on, attendances)
    if delivery.mode == ServiceMode.INDIVIDUAL:
        existing = set(delivery.attendances.values_list("enrolment_id", flat=True))
        if any(e.pk not in existing for e, _p in attendances):
            _add(
                errors,
                "attendances",
                _("An individual service is given to exactly one person."),
                "one_person",
            )
    _raise(errors)
    with transaction.atomic():
        ServiceDelivery.objects.select_for_update().get(pk=delivery.pk)
        for enrolment, present in attendances:
            Attendance.objects.update_or_create(
                delivery=delivery, enrolment=enrolment, defaults={"present": bool(present)}
            )
        audit_record(
            actor=actor,
            action="service.attendance",
            target=delivery,
            changes={"fields": ["present"], "enrolments": sorted(e.pk for e, _p in attendances)},
        )
    return delivery


# --- case notes ----------------------------------------------------------------------------


def case_note_add(*, actor: Any, enrolment: Enrolment, text: str) -> CaseNote:
    """Add a case note. Notes are append-only: a correction is a new note, so the
    record of what the operators knew and when stays true."""
    errors: dict[str, list[Any]] = {}
    text = _text(errors, "text", text, MAX_TEXT, required=True)
    _raise(errors)
    with transaction.atomic():
        note = CaseNote.objects.create(enrolment=enrolment, author=_actor(actor), text=text)
        audit_record(
            actor=actor,
            action="case_note.add",
            target=enrolment,
            changes={"fields": ["text"], "note": note.pk},
        )
    return note


# --- plan and goals ----------------------------------------------------------------------


def _goal_fields(
    errors: dict[str, list[Any]], title: Any, description: Any, due_on: Any, enrolled_on: date
) -> tuple[str, str]:
    clean_title = _text(errors, "title", title, 200, required=True)
    clean_description = _text(errors, "description", description, MAX_REASON, required=False)
    if due_on is not None:
        if not isinstance(due_on, date):
            _add(errors, "due_on", _("Give a valid date."), "invalid")
        elif due_on < enrolled_on:
            _add(errors, "due_on", _("The date can't be before the enrolment."), "before_enrolment")
        elif due_on > timezone.localdate() + timedelta(days=3 * MAX_DAYS_AHEAD):
            _add(errors, "due_on", _("The date is too far ahead."), "too_far")
    return clean_title, clean_description


def goal_add(
    *,
    actor: Any,
    enrolment: Enrolment,
    title: str,
    description: str = "",
    due_on: date | None = None,
) -> Goal:
    """Add a goal to the plan the person and the tutor share."""
    errors: dict[str, list[Any]] = {}
    title, description = _goal_fields(errors, title, description, due_on, enrolment.enrolled_on)
    _raise(errors)
    with transaction.atomic():
        locked = _locked(enrolment)
        _require_open(locked)
        goal = Goal.objects.create(
            enrolment=locked,
            title=title,
            description=description,
            due_on=due_on,
            created_by=_actor(actor),
        )
        audit_record(
            actor=actor,
            action="goal.add",
            target=locked,
            changes={"goal": goal.pk, "fields": ["title", "description", "due_on"]},
        )
    return goal


def goal_update(
    *, actor: Any, goal: Goal, title: str, description: str = "", due_on: date | None = None
) -> Goal:
    """Change a goal's wording or date."""
    errors: dict[str, list[Any]] = {}
    title, description = _goal_fields(
        errors, title, description, due_on, goal.enrolment.enrolled_on
    )
    _raise(errors)
    with transaction.atomic():
        _require_open(_locked(goal.enrolment))
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        changed = [
            f
            for f, v in (("title", title), ("description", description), ("due_on", due_on))
            if getattr(locked, f) != v
        ]
        locked.title, locked.description, locked.due_on = title, description, due_on
        locked.save(update_fields=["title", "description", "due_on"])
        if changed:
            audit_record(
                actor=actor,
                action="goal.update",
                target=locked.enrolment,
                changes={"goal": locked.pk, "fields": changed},
            )
    return locked


def goal_close(*, actor: Any, goal: Goal, status: str, on: date | None = None) -> Goal:
    """Mark a goal achieved or dropped (or open it again)."""
    if status not in GoalStatus.values:
        raise _error("status", _("Choose a valid status."), "invalid_choice")
    on = on or timezone.localdate()
    with transaction.atomic():
        _require_open(_locked(goal.enrolment))
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        locked.status = status
        locked.closed_on = None if status == GoalStatus.OPEN else on
        locked.save(update_fields=["status", "closed_on"])
        audit_record(
            actor=actor,
            action="goal.close",
            target=locked.enrolment,
            changes={"goal": locked.pk, "fields": ["status"]},
        )
    return locked


def plan_agree(*, actor: Any, enrolment: Enrolment, on: date | None = None) -> Enrolment:
    """Record the day the person and the tutor agreed the plan (it needs a goal)."""
    today = timezone.localdate()
    on = on or today
    errors: dict[str, list[Any]] = {}
    if not isinstance(on, date):
        _add(errors, "on", _("Give a valid date."), "invalid")
    elif on > today:
        _add(errors, "on", _("The date can't be in the future."), "future")
    elif on < enrolment.enrolled_on:
        _add(errors, "on", _("The date can't be before the enrolment."), "before_enrolment")
    _raise(errors)
    with transaction.atomic():
        locked = _locked(enrolment)
        _require_open(locked)
        if not locked.goals.exists():
            raise ValidationError(
                _("Add at least one goal before agreeing the plan."), code="no_goal"
            )
        locked.plan_agreed_on = on
        locked.save(update_fields=["plan_agreed_on"])
        audit_record(
            actor=actor, action="plan.agree", target=locked, changes={"fields": ["plan_agreed_on"]}
        )
    enrolment.plan_agreed_on = on
    return locked


def goal_comment_by_person(
    *, actor: Any, goal: Goal, comment: str, status: str | None = None
) -> Goal:
    """The person comments on one of their own goals and may mark it achieved (or open)."""
    person_user = goal.enrolment.person.user_id
    if actor is None or not getattr(actor, "is_authenticated", False) or person_user != actor.pk:
        raise PermissionDenied
    errors: dict[str, list[Any]] = {}
    comment = _text(errors, "person_comment", comment, MAX_REASON, required=False)
    if status is not None and status not in (GoalStatus.OPEN, GoalStatus.ACHIEVED):
        _add(errors, "status", _("Choose in progress or achieved."), "invalid_choice")
    _raise(errors)
    with transaction.atomic():
        _require_open(_locked(goal.enrolment))
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.status == GoalStatus.DROPPED:
            raise ValidationError(_("This goal was dropped."), code="dropped")
        changed = []
        if locked.person_comment != comment:
            locked.person_comment = comment
            changed.append("person_comment")
        if status is not None and status != locked.status:
            locked.status = status
            locked.closed_on = timezone.localdate() if status == GoalStatus.ACHIEVED else None
            changed.append("status")
        locked.save(update_fields=["person_comment", "status", "closed_on"])
        if changed:
            audit_record(
                actor=actor,
                action="goal.person_comment",
                target=locked.enrolment,
                changes={"goal": locked.pk, "fields": changed},
            )
    return locked


# --- outcomes and follow-ups ------------------------------------------------------------


def outcome_record(
    *,
    actor: Any,
    enrolment: Enrolment,
    kind: str,
    start_date: date,
    employer: Organisation | None = None,
    employer_name: str = "",
    contract_type: str = "",
    weekly_hours: int | None = None,
    description: str = "",
) -> Outcome:
    """Record what the pathway led to; a job or a business schedules follow-ups at 3, 6 and
    12 months, due from the start date and assigned to the tutor (or whoever records it)."""
    errors: dict[str, list[Any]] = {}
    employer_name = _text(errors, "employer_name", employer_name, 200, required=False)
    description = _text(errors, "description", description, 300, required=False)
    contract_type = (contract_type or "").strip()
    today = timezone.localdate()
    if kind not in OutcomeKind.values:
        _add(errors, "kind", _("Choose a valid outcome."), "invalid_choice")
    if kind == OutcomeKind.JOB:
        if not contract_type:
            _add(errors, "contract_type", _("A job needs its contract type."), "required")
        if employer is None and not employer_name:
            _add(errors, "employer_name", _("Name the employer."), "required")
    elif contract_type:
        _add(errors, "contract_type", _("Only a job has a contract type."), "not_a_job")
    if contract_type and contract_type not in ContractType.values:
        _add(errors, "contract_type", _("Choose a valid contract type."), "invalid_choice")
    if employer is not None and employer_name:
        _add(
            errors,
            "employer_name",
            _("Choose a partner organisation or write the employer's name, not both."),
            "both",
        )
    if not isinstance(start_date, date):
        _add(errors, "start_date", _("Give a valid date."), "invalid")
    elif start_date < enrolment.enrolled_on:
        _add(errors, "start_date", _("The date can't be before the enrolment."), "before_enrolment")
    elif start_date > today + timedelta(days=MAX_DAYS_AHEAD):
        _add(errors, "start_date", _("The date is too far ahead."), "too_far")
    if weekly_hours is not None and (
        not isinstance(weekly_hours, int)
        or isinstance(weekly_hours, bool)
        or not 0 < weekly_hours <= 60
    ):
        _add(errors, "weekly_hours", _("Give the weekly hours, from 1 to 60."), "invalid")
    _raise(errors)
    with transaction.atomic():
        locked = _locked(enrolment)
        outcome = Outcome.objects.create(
            enrolment=locked,
            kind=kind,
            employer=employer,
            employer_name=employer_name,
            contract_type=contract_type,
            start_date=start_date,
            weekly_hours=weekly_hours,
            description=description,
            recorded_by=_actor(actor),
        )
        if kind in (OutcomeKind.JOB, OutcomeKind.SELF_EMPLOYMENT):
            assignee = locked.tutor or _actor(actor)
            FollowUp.objects.bulk_create(
                FollowUp(
                    outcome=outcome,
                    months=months,
                    due_on=add_months(start_date, months),
                    assigned_to=assignee,
                )
                for months in FOLLOW_UP_MONTHS
            )
        audit_record(
            actor=actor,
            action="outcome.record",
            target=locked,
            changes={"outcome": outcome.pk, "kind": kind, "contract_type": contract_type},
        )
    return outcome


def follow_up_complete(
    *, actor: Any, follow_up: FollowUp, still_in_work: bool, note: str = ""
) -> FollowUp:
    """Answer a follow-up: is the person still in work?"""
    errors: dict[str, list[Any]] = {}
    note = _text(errors, "note", note, MAX_REASON, required=False)
    if not isinstance(still_in_work, bool):
        _add(errors, "still_in_work", _("Say whether the person is still in work."), "required")
    if follow_up.due_on > timezone.localdate() + timedelta(days=FOLLOW_UP_EARLY_DAYS):
        _add(
            errors,
            "still_in_work",
            _("This follow-up is not due yet: answer it from a month before its date."),
            "too_early",
        )
    _raise(errors)
    with transaction.atomic():
        locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if locked.done_at is not None:
            raise ValidationError(_("This follow-up was already answered."), code="done")
        locked.done_at = timezone.now()
        locked.done_by = _actor(actor)
        locked.still_in_work = still_in_work
        locked.note = note
        locked.save(update_fields=["done_at", "done_by", "still_in_work", "note"])
        audit_record(
            actor=actor,
            action="follow_up.complete",
            target=locked.outcome.enrolment,
            changes={"follow_up": locked.pk, "fields": ["still_in_work", "note"]},
        )
    return locked


# --- referrals ---------------------------------------------------------------------------


def referral_create(
    *,
    actor: Any,
    enrolment: Enrolment,
    to_programme: Programme,
    to_organisation: Organisation,
    reason: str,
    person_consents: bool,
) -> Referral:
    """Propose the person to a partner's programme; only with the person's consent, recorded
    with the version of the text they agreed to (people.consents.REFERRAL_TEXT)."""
    errors: dict[str, list[Any]] = {}
    reason = _text(errors, "reason", reason, MAX_REASON, required=True)
    if person_consents is not True:
        _add(
            errors,
            "person_consents",
            _("A person is referred only with their consent: ask them and tick the box."),
            "consent_required",
        )
    if to_programme.pk == enrolment.programme_id:
        _add(errors, "to_programme", _("Choose another programme."), "same_programme")
    elif not ProgrammePartner.objects.filter(
        programme=to_programme, organisation=to_organisation
    ).exists():
        _add(
            errors,
            "to_organisation",
            _("This organisation is not a partner of that programme."),
            "not_partner",
        )
    if Enrolment.objects.filter(person_id=enrolment.person_id, programme=to_programme).exists():
        _add(errors, "to_programme", _("The person is already enrolled there."), "already_enrolled")
    if Referral.objects.filter(
        person_id=enrolment.person_id, to_programme=to_programme, status=ReferralStatus.PROPOSED
    ).exists():
        _add(errors, "to_programme", _("A referral there is already waiting."), "pending")
    _raise(errors)
    with transaction.atomic(), integrity_as_validation():
        referral = Referral.objects.create(
            person_id=enrolment.person_id,
            from_enrolment=enrolment,
            to_programme=to_programme,
            to_organisation=to_organisation,
            reason=reason,
            consent_text_version=REFERRAL_TEXT.version,
            consent_given_at=timezone.now(),
            created_by=_actor(actor),
        )
        audit_record(
            actor=actor,
            action="referral.create",
            target=referral,
            changes={
                "from_programme": enrolment.programme_id,
                "to_programme": to_programme.pk,
                "fields": ["reason", "consent_text_version"],
            },
        )
    return referral


def _decide(referral: Referral, status: str, actor: Any, note: str) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.PROPOSED:
        raise ValidationError(_("This referral was already decided."), code="decided")
    locked.status = status
    locked.decided_by = _actor(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action=f"referral.{status}",
        target=locked,
        changes={"fields": ["status", "decision_note"]},
    )
    return locked


def referral_accept(
    *,
    actor: Any,
    referral: Referral,
    tutor: Any = None,
    note: str = "",
    person_consents: bool = False,
) -> Enrolment:
    """An operator of the receiving programme takes the person in: the enrolment starts there."""
    errors: dict[str, list[Any]] = {}
    note = _text(errors, "note", note, MAX_REASON, required=False)
    programme = referral.to_programme
    if not has_perm(actor, "pathways.manage_enrolment", programme):
        raise PermissionDenied
    tutor = tutor if tutor is not None else _actor(actor)
    _check_tutor(errors, tutor, programme)
    needs_consent = programme.legal_basis == ProgrammeLegalBasis.CONSENT and not (
        has_programme_consent(referral.person)
    )
    if needs_consent and person_consents is not True:
        _add(
            errors,
            "person_consents",
            _("This programme works on consent: the person must agree to take part."),
            "consent_required",
        )
    _raise(errors)
    with transaction.atomic():
        _decide(referral, ReferralStatus.ACCEPTED, actor, note)
        if needs_consent:
            _consent_give(actor=actor, person=referral.person, purpose=ConsentPurpose.PROGRAMME)
        enrolment = enrolment_create(
            actor=actor, person=referral.person, programme=programme, tutor=tutor
        )
    referral.status = ReferralStatus.ACCEPTED
    return enrolment


def referral_decline(*, actor: Any, referral: Referral, note: str) -> Referral:
    """The receiving programme declines the referral, saying why."""
    errors: dict[str, list[Any]] = {}
    note = _text(errors, "note", note, MAX_REASON, required=True)
    _raise(errors)
    if not has_perm(actor, "pathways.manage_enrolment", referral.to_programme):
        raise PermissionDenied
    with transaction.atomic():
        return _decide(referral, ReferralStatus.DECLINED, actor, note)


def referral_withdraw(*, actor: Any, referral: Referral, note: str = "") -> Referral:
    """The sending programme takes its referral back (the person changed their mind…)."""
    errors: dict[str, list[Any]] = {}
    note = _text(errors, "note", note, MAX_REASON, required=False)
    _raise(errors)
    if not has_perm(actor, "pathways.refer", referral.from_enrolment.programme):
        raise PermissionDenied
    with transaction.atomic():
        return _decide(referral, ReferralStatus.WITHDRAWN, actor, note)


# --- reminders ---------------------------------------------------------------------------


def follow_up_reminders_send(*, today: date | None = None) -> int:
    """E-mail each operator the follow-ups due within a week (overdue included): only their
    first name, a count and a link, never anything about the people. Returns the e-mails sent."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from lavorete.core.tasks import send_email

    today = today or timezone.localdate()
    until = today + timedelta(days=6)
    due = (
        FollowUp.objects.filter(
            done_at__isnull=True,
            due_on__lte=until,
            assigned_to__isnull=False,
            assigned_to__is_active=True,
            outcome__enrolment__person__anonymised_at__isnull=True,
        )
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .order_by("assigned_to")
    )
    counts = {row["assigned_to"]: row["n"] for row in due}
    link = settings.SITE_URL.rstrip("/") + reverse("pathways:tasks")
    sent = 0
    from lavorete.core.models import User

    for user in User.objects.filter(pk__in=counts).order_by("pk"):
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "first_name": (user.full_name.split() or [""])[0],
                "count": counts[user.pk],
                "until": date_format(until, "DATE_FORMAT"),
                "link": link,
                "site": settings.SITE_NAME,
            }
            subject = render_to_string(
                "pathways/email/follow_up_reminder_subject.txt", context
            ).strip()
            body = render_to_string("pathways/email/follow_up_reminder.txt", context)
        send_email.enqueue(subject=subject, body=body, to=[user.email])
        sent += 1
    return sent
