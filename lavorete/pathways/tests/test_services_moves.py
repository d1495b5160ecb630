"""Stage moves through gates, status changes, tutor changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lavorete.core.models import AuditEntry
from lavorete.pathways import services
from lavorete.pathways.models import StageTransition


def _assess(operator, enrolment, present=True):
    return services.service_record(
        actor=operator,
        programme=enrolment.programme,
        kind="assessment",
        mode="individual",
        held_on=timezone.localdate(),
        duration_minutes=60,
        attendances=[(enrolment, present)],
    )


def test_it_records_who_when_and_why(operator, enrolment, stages):
    transition = services.enrolment_move(
        actor=operator, enrolment=enrolment, to_stage=stages["orientation"], reason="Colloquio ok"
    )
    assert transition.by == operator
    assert transition.reason == "Colloquio ok"
    assert transition.from_stage == stages["intake"]
    enrolment.refresh_from_db()
    assert enrolment.stage == stages["orientation"]
    entry = AuditEntry.objects.filter(action="enrolment.move").get()
    assert "Colloquio" not in str(entry.changes)


def test_it_refuses_a_stage_of_another_programme(operator, enrolment, other_programme):
    from lavorete.pathways.services import pathway_template_default

    foreign = pathway_template_default(actor=None, programme=other_programme)[1]
    with pytest.raises(ValidationError) as exc:
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=foreign)
    assert exc.value.error_dict["to_stage"][0].code == "other_programme"


def test_it_refuses_the_assessment_gate_without_an_attended_assessment(operator, enrolment, stages):
    with pytest.raises(ValidationError) as exc:
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["work_design"])
    assert exc.value.error_dict["to_stage"][0].code == "gate"
    _assess(operator, enrolment, present=False)
    with pytest.raises(ValidationError):
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["work_design"])
    _assess(operator, enrolment, present=True)
    services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["work_design"])


def test_it_refuses_the_plan_gate_without_goals_and_agreement(operator, enrolment, stages):
    with pytest.raises(ValidationError):
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["training"])
    services.goal_add(actor=operator, enrolment=enrolment, title="Patente B")
    with pytest.raises(ValidationError):
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["training"])
    services.plan_agree(actor=operator, enrolment=enrolment)
    services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["training"])


def test_it_refuses_the_approval_gate_to_an_operator_and_lets_a_coordinator_move(
    operator, coordinator, enrolment, stages
):
    gated = stages["placed"]
    services.stage_update(
        actor=coordinator, stage=gated, name=gated.name, kind=gated.kind, gate="approval"
    )
    gated.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=gated)
    assert "coordinator" in exc.value.messages[0]
    transition = services.enrolment_move(actor=coordinator, enrolment=enrolment, to_stage=gated)
    assert transition.approved_by == coordinator


def test_it_refuses_moves_of_a_suspended_or_ended_pathway(operator, enrolment, stages):
    services.enrolment_suspend(actor=operator, enrolment=enrolment, reason="Malattia")
    with pytest.raises(ValidationError) as exc:
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["orientation"])
    assert exc.value.code == "suspended"
    services.enrolment_resume(actor=operator, enrolment=enrolment)
    services.enrolment_drop(actor=operator, enrolment=enrolment, reason="Trasferita")
    enrolment.refresh_from_db()
    assert enrolment.ended_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_move(actor=operator, enrolment=enrolment, to_stage=stages["orientation"])
    assert exc.value.code == "ended"
    with pytest.raises(ValidationError):
        services.enrolment_tutor_set(actor=operator, enrolment=enrolment, tutor=None)
    services.enrolment_reopen(actor=operator, enrolment=enrolment, reason="Tornata")
    enrolment.refresh_from_db()
    assert enrolment.status == "active" and enrolment.ended_on is None
    statuses = list(
        StageTransition.objects.filter(enrolment=enrolment).values_list("to_status", flat=True)
    )
    assert statuses == ["active", "suspended", "active", "dropped", "active"]


def test_it_requires_a_reason_to_drop_and_a_past_date(operator, enrolment):
    with pytest.raises(ValidationError) as exc:
        services.enrolment_drop(actor=operator, enrolment=enrolment, reason=" ")
    assert "reason" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.enrolment_complete(
            actor=operator, enrolment=enrolment, on=timezone.localdate() + dt.timedelta(days=1)
        )
    assert "on" in exc.value.error_dict
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


def test_it_completes_once(operator, enrolment):
    services.enrolment_complete(actor=operator, enrolment=enrolment)
    with pytest.raises(ValidationError):
        services.enrolment_complete(actor=operator, enrolment=enrolment)


def test_it_changes_the_tutor_only_to_an_operator_of_the_programme(
    operator, other_operator, coordinator, enrolment
):
    with pytest.raises(ValidationError):
        services.enrolment_tutor_set(actor=operator, enrolment=enrolment, tutor=other_operator)
    services.enrolment_tutor_set(actor=operator, enrolment=enrolment, tutor=None)
    enrolment.refresh_from_db()
    assert enrolment.tutor is None
