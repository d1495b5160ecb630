"""Outcomes schedule follow-ups at 3, 6 and 12 months; follow-ups are answered once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lavorete.pathways import services
from lavorete.pathways.models import FollowUp, Outcome


def _job(actor, enrolment, **kw):
    values = {
        "kind": "job",
        "employer_name": "Officina Rossi",
        "contract_type": "apprendistato",
        "start_date": enrolment.enrolled_on,
        "weekly_hours": 38,
    }
    values.update(kw)
    return services.outcome_record(actor=actor, enrolment=enrolment, **values)


def test_a_job_schedules_follow_ups_at_3_6_and_12_months(operator, enrolment):
    outcome = _job(operator, enrolment, start_date=dt.date(2026, 11, 30))
    rows = list(
        FollowUp.objects.filter(outcome=outcome).values_list("months", "due_on", "assigned_to")
    )
    assert rows == [
        (3, dt.date(2027, 2, 28), operator.pk),
        (6, dt.date(2027, 5, 30), operator.pk),
        (12, dt.date(2027, 11, 30), operator.pk),
    ]


def test_self_employment_schedules_follow_ups_for_the_recorder_without_tutor(
    operator, coordinator, enrolment
):
    services.enrolment_tutor_set(actor=operator, enrolment=enrolment, tutor=None)
    enrolment.refresh_from_db()
    outcome = services.outcome_record(
        actor=coordinator,
        enrolment=enrolment,
        kind="self_employment",
        start_date=enrolment.enrolled_on,
        description="Laboratorio di sartoria",
    )
    assert set(outcome.follow_ups.values_list("assigned_to", flat=True)) == {coordinator.pk}


def test_training_has_no_follow_ups(operator, enrolment):
    outcome = services.outcome_record(
        actor=operator, enrolment=enrolment, kind="training", start_date=enrolment.enrolled_on
    )
    assert not outcome.follow_ups.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contract_type": ""}, "contract_type"),
        ({"contract_type": "nero"}, "contract_type"),
        ({"employer_name": ""}, "employer_name"),
        ({"weekly_hours": 70}, "weekly_hours"),
        ({"start_date": dt.date(2000, 1, 1)}, "start_date"),
    ],
)
def test_it_refuses_an_incomplete_job(operator, enrolment, changes, field):
    with pytest.raises(ValidationError) as exc:
        _job(operator, enrolment, **changes)
    assert field in exc.value.error_dict
    assert not Outcome.objects.exists()


def test_it_refuses_a_contract_type_outside_a_job(operator, enrolment):
    with pytest.raises(ValidationError) as exc:
        _job(operator, enrolment, kind="training")
    assert "contract_type" in exc.value.error_dict


def test_a_follow_up_is_answered_once_and_not_too_early(operator, enrolment):
    outcome = _job(operator, enrolment, start_date=timezone.localdate())
    three, six, _twelve = outcome.follow_ups.order_by("months")
    with pytest.raises(ValidationError) as exc:
        services.follow_up_complete(actor=operator, follow_up=six, still_in_work=True)
    assert exc.value.error_dict["still_in_work"][0].code == "too_early"
    FollowUp.objects.filter(pk=three.pk).update(due_on=timezone.localdate())
    three.refresh_from_db()
    done = services.follow_up_complete(
        actor=operator, follow_up=three, still_in_work=False, note="Contratto non rinnovato"
    )
    assert done.done_by == operator and done.still_in_work is False
    with pytest.raises(ValidationError):
        services.follow_up_complete(actor=operator, follow_up=three, still_in_work=True)
