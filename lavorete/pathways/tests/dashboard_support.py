"""Builders for the dashboard tests: people registered and enrolled through the services.

Stage moves, status changes and outcomes are written by `rows_as_services_write_*`:
plain model rows shaped exactly as the pathways services write them (a
transition for every move, follow-ups at 3, 6 and 12 months for a job or a
business), so these tests don't depend on the casework forms.
"""

import datetime as dt
import itertools
from typing import Any

from lavorete.pathways.models import (
    ENDED_STATUSES,
    FOLLOW_UP_MONTHS,
    Enrolment,
    FollowUp,
    Outcome,
    OutcomeKind,
    Stage,
    StageTransition,
)
from lavorete.pathways.services import enrolment_create, pathway_template_default
from lavorete.people.services import person_create

_numbers = itertools.count(1)


def enrol(
    programme: Any,
    *,
    actor: Any = None,
    residence: Any = None,
    birth_date: dt.date = dt.date(1998, 5, 1),
    gender: str = "female",
    enrolled_on: dt.date | None = None,
    **fields: Any,
) -> Enrolment:
    """An invented person registered and enrolled at the programme's first stage."""
    pathway_template_default(actor=None, programme=programme)
    number = next(_numbers)
    person = person_create(
        actor=actor,
        first_name="Nome",
        last_name=f"Inventato {number}",
        birth_date=birth_date,
        gender=gender,
        residence=residence,
        **fields,
    )
    return enrolment_create(
        actor=actor,
        person=person,
        programme=programme,
        tutor=actor,
        enrolled_on=enrolled_on or dt.date(2026, 1, 15),
    )


def stage(programme: Any, kind: str) -> Stage:
    return Stage.objects.get(programme=programme, kind=kind)


def rows_as_services_write_move(enrolment: Enrolment, to_stage: Stage) -> None:
    """What enrolment_move writes: the new stage and its transition."""
    StageTransition.objects.create(
        enrolment=enrolment,
        from_stage=enrolment.stage,
        to_stage=to_stage,
        from_status=enrolment.status,
        to_status=enrolment.status,
    )
    enrolment.stage = to_stage
    enrolment.save(update_fields=["stage"])


def rows_as_services_write_status(enrolment: Enrolment, status: str, on: dt.date) -> None:
    """What enrolment_complete / _drop / _suspend write: the status and its transition."""
    StageTransition.objects.create(
        enrolment=enrolment,
        from_stage=enrolment.stage,
        to_stage=enrolment.stage,
        from_status=enrolment.status,
        to_status=status,
    )
    enrolment.status = status
    enrolment.ended_on = on if status in ENDED_STATUSES else None
    enrolment.save(update_fields=["status", "ended_on"])


def rows_as_services_write_outcome(
    enrolment: Enrolment, kind: str, start_date: dt.date, contract_type: str = ""
) -> Outcome:
    """What outcome_record writes: the outcome and, for a job or business, its follow-ups."""
    outcome = Outcome.objects.create(
        enrolment=enrolment,
        kind=kind,
        contract_type=contract_type,
        employer_name="Azienda inventata" if kind == OutcomeKind.JOB else "",
        start_date=start_date,
    )
    if kind in (OutcomeKind.JOB, OutcomeKind.SELF_EMPLOYMENT):
        FollowUp.objects.bulk_create(
            FollowUp(
                outcome=outcome,
                months=months,
                due_on=_add_months(start_date, months),
                assigned_to=enrolment.tutor,
            )
            for months in FOLLOW_UP_MONTHS
        )
    return outcome


def rows_as_services_write_follow_up(outcome: Outcome, months: int, still_in_work: bool) -> None:
    """What follow_up_complete writes."""
    from django.utils import timezone

    FollowUp.objects.filter(outcome=outcome, months=months).update(
        done_at=timezone.now(), still_in_work=still_in_work
    )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))
