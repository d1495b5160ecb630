"""Services delivered, attendance, case notes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lavorete.core.models import AuditEntry
from lavorete.pathways import services
from lavorete.pathways.models import Attendance, CaseNote, ServiceDelivery


def _record(actor, programme, mode, attendances, held_on=None, **kw):
    return services.service_record(
        actor=actor,
        programme=programme,
        kind=kw.pop("kind", "coaching"),
        mode=mode,
        held_on=held_on or timezone.localdate(),
        duration_minutes=kw.pop("duration_minutes", 90),
        attendances=attendances,
        **kw,
    )


def test_an_individual_service_has_exactly_one_person(operator, programme, enrolment, second):
    with pytest.raises(ValidationError) as exc:
        _record(operator, programme, "individual", [(enrolment, True), (second, True)])
    assert exc.value.error_dict["attendances"][0].code == "one_person"
    delivery = _record(operator, programme, "individual", [(enrolment, True)])
    assert delivery.operator == operator


def test_a_group_session_takes_many_of_the_same_programme(
    operator, programme, enrolment, second, other_programme
):
    delivery = _record(operator, programme, "group", [(enrolment, True), (second, False)])
    assert Attendance.objects.filter(delivery=delivery).count() == 2
    from lavorete.pathways.services import enrolment_create, pathway_template_default

    pathway_template_default(actor=None, programme=other_programme)
    foreign = enrolment_create(actor=None, person=second.person, programme=other_programme)
    with pytest.raises(ValidationError) as exc:
        _record(operator, programme, "group", [(enrolment, True), (foreign, True)])
    assert exc.value.error_dict["attendances"][0].code == "other_programme"


def test_it_plans_a_group_session_and_records_attendance_later(operator, programme, enrolment):
    later = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(ValidationError):
        _record(operator, programme, "individual", [(enrolment, False)], held_on=later)
    with pytest.raises(ValidationError) as exc:
        _record(operator, programme, "group", [(enrolment, True)], held_on=later)
    assert exc.value.error_dict["attendances"][0].code == "future"
    delivery = _record(operator, programme, "group", [(enrolment, False)], held_on=later)
    with pytest.raises(ValidationError):
        services.attendance_set(actor=operator, delivery=delivery, attendances=[(enrolment, True)])
    ServiceDelivery.objects.filter(pk=delivery.pk).update(held_on=timezone.localdate())
    delivery.refresh_from_db()
    services.attendance_set(actor=operator, delivery=delivery, attendances=[(enrolment, True)])
    assert Attendance.objects.get(delivery=delivery).present


@pytest.mark.parametrize("minutes", [0, 1441, True])
def test_it_refuses_an_impossible_duration(operator, programme, enrolment, minutes):
    with pytest.raises(ValidationError) as exc:
        _record(operator, programme, "individual", [(enrolment, True)], duration_minutes=minutes)
    assert "duration_minutes" in exc.value.error_dict
    assert not ServiceDelivery.objects.exists()


def test_it_refuses_an_operator_of_another_programme(
    operator, other_operator, programme, enrolment
):
    with pytest.raises(ValidationError) as exc:
        _record(operator, programme, "individual", [(enrolment, True)], operator=other_operator)
    assert "operator" in exc.value.error_dict


def test_case_notes_are_added_and_audited_without_their_text(operator, enrolment):
    note = services.case_note_add(actor=operator, enrolment=enrolment, text="  Motivata  ")
    assert note.text == "Motivata"
    assert note.author == operator
    entry = AuditEntry.objects.get(action="case_note.add")
    assert "Motivata" not in str(entry.changes)


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001, "a\x00b"])
def test_it_refuses_an_empty_or_oversize_note(operator, enrolment, text):
    with pytest.raises(ValidationError):
        services.case_note_add(actor=operator, enrolment=enrolment, text=text)
    assert not CaseNote.objects.exists()
