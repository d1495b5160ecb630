"""Consents per purpose: the text version recorded, giving twice a no-op, withdrawal dated."""

import pytest
from django.core.exceptions import ValidationError

from lavorete.people import consents
from lavorete.people.consents import ConsentText
from lavorete.people.models import Consent
from lavorete.people.services import consent_give, consent_withdraw

pytestmark = pytest.mark.django_db


def test_it_records_the_current_text_version(registered):
    consent = consent_give(actor=registered.user, person=registered, purpose="newsletter")
    assert consent.text_version == consents.current_text("newsletter").version
    assert consent.is_active and consent.recorded_by == registered.user


def test_giving_twice_returns_the_active_consent(operator, registered):
    first = consent_give(actor=operator, person=registered, purpose="programme")
    again = consent_give(actor=operator, person=registered, purpose="programme")
    assert again.pk == first.pk
    assert Consent.objects.count() == 1


def test_a_new_text_version_closes_the_old_consent(registered, monkeypatch):
    old = consent_give(actor=None, person=registered, purpose="newsletter")
    monkeypatch.setitem(
        consents.CONSENT_TEXTS, "newsletter", ConsentText("newsletter", "2027-01", "New text")
    )
    new = consent_give(actor=None, person=registered, purpose="newsletter")
    old.refresh_from_db()
    assert old.withdrawn_at is not None and new.text_version == "2027-01"


def test_withdrawing_sets_the_date_and_a_new_consent_can_follow(registered):
    consent_give(actor=None, person=registered, purpose="profile_sharing")
    withdrawn = consent_withdraw(actor=None, person=registered, purpose="profile_sharing")
    assert withdrawn.withdrawn_at is not None
    assert withdrawn.withdrawn_at >= withdrawn.given_at
    again = consent_give(actor=None, person=registered, purpose="profile_sharing")
    assert again.pk != withdrawn.pk
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_it_refuses_to_withdraw_what_was_not_given(registered):
    with pytest.raises(ValidationError) as caught:
        consent_withdraw(actor=None, person=registered, purpose="newsletter")
    assert caught.value.error_list[0].code == "not_given"


def test_it_refuses_an_unknown_purpose(registered):
    with pytest.raises(ValidationError):
        consent_give(actor=None, person=registered, purpose="marketing")
    assert not Consent.objects.exists()
