"""Intake: register and enrol in one transaction; consent under a consent-based programme."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lavorete.pathways.models import Enrolment, StageTransition
from lavorete.pathways.services import intake, pathway_template_default, programme_legal_basis_set
from lavorete.people.models import Consent, Person


@pytest.fixture
def ready(programme):
    pathway_template_default(actor=None, programme=programme)
    return programme


def test_it_registers_and_enrols_at_the_first_stage(operator, ready, municipality):
    enrolment = intake(
        actor=operator,
        programme=ready,
        tutor=operator,
        first_name="Lia",
        last_name="Nuova",
        residence=municipality,
        birth_date=dt.date(2001, 2, 3),
        gender="female",
    )
    assert enrolment.stage is not None
    assert enrolment.stage.position == 1
    assert enrolment.cat_under_30 and enrolment.cat_woman
    assert StageTransition.objects.filter(enrolment=enrolment).count() == 1


def test_it_writes_nothing_when_the_person_is_invalid(operator, ready):
    with pytest.raises(ValidationError) as exc:
        intake(
            actor=operator,
            programme=ready,
            tutor=operator,
            first_name="",
            last_name="",
            tax_code="NOTACODE",
            birth_date=dt.date(2100, 1, 1),
        )
    assert {"last_name", "tax_code", "birth_date"} <= set(exc.value.error_dict)
    assert not Person.objects.exists()
    assert not Enrolment.objects.exists()


def test_it_refuses_a_tutor_from_another_programme(operator, other_operator, ready):
    with pytest.raises(ValidationError) as exc:
        intake(actor=operator, programme=ready, tutor=other_operator, last_name="Rossi")
    assert "tutor" in exc.value.error_dict
    assert not Person.objects.exists()


def test_it_requires_consent_when_the_programme_works_on_consent(operator, coordinator, ready):
    programme_legal_basis_set(actor=coordinator, programme=ready, legal_basis="consent")
    with pytest.raises(ValidationError) as exc:
        intake(actor=operator, programme=ready, tutor=operator, last_name="Rossi")
    assert exc.value.error_dict["consents"][0].code == "consent_required"
    assert not Person.objects.exists()
    enrolment = intake(
        actor=operator,
        programme=ready,
        tutor=operator,
        last_name="Rossi",
        consents=["programme"],
    )
    consent = Consent.objects.get(person=enrolment.person)
    assert consent.purpose == "programme"
    assert consent.text_version == "2026-11"
