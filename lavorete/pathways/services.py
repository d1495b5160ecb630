"""Every write to a person's pathway: one atomic transaction each, audited."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.servicekit import integrity_as_validation, validate
from lavorete.network.models import Programme
from lavorete.pathways.models import (
    CATEGORY_FIELDS,
    Enrolment,
    EnrolmentStatus,
    Stage,
    StageKind,
    StageTransition,
)
from lavorete.people.models import Person, SpecialCategoryData

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
