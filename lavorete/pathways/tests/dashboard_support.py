"""Builders for the dashboard tests: people registered, enrolled and followed through the
services, as an operator would."""

import datetime as dt
import itertools
from typing import Any

from lavorete.pathways import services
from lavorete.pathways.models import Enrolment, FollowUp, Outcome, Stage, StageTransition
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


def move(enrolment: Enrolment, to_stage: Stage) -> StageTransition:
    """Move to a stage without a gate (orientation, project lab, job search...)."""
    return services.enrolment_move(actor=enrolment.tutor, enrolment=enrolment, to_stage=to_stage)


def set_status(enrolment: Enrolment, status: str, on: dt.date) -> StageTransition:
    change = {
        "completed": services.enrolment_complete,
        "dropped": services.enrolment_drop,
        "suspended": services.enrolment_suspend,
    }[status]
    return change(actor=enrolment.tutor, enrolment=enrolment, reason="Motivo di prova", on=on)


def record_outcome(
    enrolment: Enrolment, kind: str, start_date: dt.date, contract_type: str = ""
) -> Outcome:
    """Record an outcome; a job or a business gets its follow-ups at 3, 6 and 12 months."""
    return services.outcome_record(
        actor=enrolment.tutor,
        enrolment=enrolment,
        kind=kind,
        start_date=start_date,
        contract_type=contract_type,
        employer_name="Azienda inventata" if kind == "job" else "",
    )


def answer_follow_up(outcome: Outcome, months: int, still_in_work: bool) -> FollowUp:
    follow_up = FollowUp.objects.get(outcome=outcome, months=months)
    return services.follow_up_complete(
        actor=outcome.enrolment.tutor, follow_up=follow_up, still_in_work=still_in_work
    )
