"""Referrals: only with the person's consent, only to a partner of the receiving programme."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lavorete.network.services import programme_partner_add
from lavorete.pathways import services
from lavorete.pathways.models import Enrolment, Referral


@pytest.fixture
def receiving(other_programme):
    services.pathway_template_default(actor=None, programme=other_programme)
    return other_programme


def _refer(operator, enrolment, programme, organisation, consents=True):
    return services.referral_create(
        actor=operator,
        enrolment=enrolment,
        to_programme=programme,
        to_organisation=organisation,
        reason="Serve un corso di saldatura",
        person_consents=consents,
    )


def test_it_refuses_without_the_persons_consent(operator, enrolment, receiving, other_organisation):
    with pytest.raises(ValidationError) as exc:
        _refer(operator, enrolment, receiving, other_organisation, consents=False)
    assert exc.value.error_dict["person_consents"][0].code == "consent_required"
    assert not Referral.objects.exists()


def test_it_refuses_an_organisation_that_is_not_a_partner(
    operator, enrolment, receiving, organisation
):
    with pytest.raises(ValidationError) as exc:
        _refer(operator, enrolment, receiving, organisation)
    assert "to_organisation" in exc.value.error_dict


def test_it_records_the_consent_version_and_the_receiver_accepts(
    operator, other_operator, enrolment, receiving, other_organisation
):
    referral = _refer(operator, enrolment, receiving, other_organisation)
    assert referral.consent_text_version == "2026-11"
    with pytest.raises(ValidationError):
        _refer(operator, enrolment, receiving, other_organisation)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=operator, referral=referral)
    created = services.referral_accept(actor=other_operator, referral=referral)
    assert created.programme == receiving and created.tutor == other_operator
    assert Enrolment.objects.filter(person=enrolment.person).count() == 2
    with pytest.raises(ValidationError):
        services.referral_decline(actor=other_operator, referral=referral, note="no")


def test_a_partner_that_is_not_the_lead_is_accepted(operator, enrolment, receiving, organisation):
    programme_partner_add(
        actor=None, programme=receiving, organisation=organisation, role="partner"
    )
    assert _refer(operator, enrolment, receiving, organisation).status == "proposed"


def test_the_receiver_declines_and_the_sender_withdraws(
    operator, other_operator, enrolment, receiving, other_organisation
):
    referral = _refer(operator, enrolment, receiving, other_organisation)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=other_operator, referral=referral, note="")
    services.referral_decline(actor=other_operator, referral=referral, note="Posti esauriti")
    referral = _refer(operator, enrolment, receiving, other_organisation)
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(actor=other_operator, referral=referral)
    assert services.referral_withdraw(actor=operator, referral=referral).status == "withdrawn"
