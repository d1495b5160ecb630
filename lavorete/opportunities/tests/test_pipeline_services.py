"""The candidacy services: every move allowed and refused, and by whom."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lavorete.conftest import grant, make_user
from lavorete.core.models import AuditEntry
from lavorete.core.roles import Role, ScopeKind
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyEvent, CandidacyStatus
from lavorete.people.models import ConsentPurpose
from lavorete.people.services import consent_give, consent_withdraw

pytestmark = pytest.mark.django_db

S = CandidacyStatus


def _code(exc_info: pytest.ExceptionInfo[ValidationError]) -> str:
    error = exc_info.value
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code or ""
    return error.error_list[0].code or ""


def applied(opportunity, registered, person):
    return pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)


def shared(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    consent_give(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    return pipeline.candidacy_share(actor=person, candidacy=candidacy)


# --- suggest and propose ----------------------------------------------------------------


def test_the_system_suggests_once(opportunity, registered):
    first = pipeline.candidacy_suggest(
        actor=None, opportunity=opportunity, person=registered, score=0.8
    )
    again = pipeline.candidacy_suggest(
        actor=None, opportunity=opportunity, person=registered, score=0.1
    )
    assert first.pk == again.pk
    assert again.status == S.SUGGESTED
    assert again.score == 0.8
    assert list(first.events.values_list("from_status", "to_status")) == [("", "suggested")]


def test_an_operator_of_the_person_suggests_others_may_not(
    opportunity, registered, operator, other_operator, org_rep
):
    for actor in (other_operator, org_rep):
        with pytest.raises(ValidationError) as exc:
            pipeline.candidacy_suggest(actor=actor, opportunity=opportunity, person=registered)
        assert _code(exc) == "not_allowed"
    made = pipeline.candidacy_suggest(actor=operator, opportunity=opportunity, person=registered)
    assert made.proposed_by == operator


def test_a_score_outside_zero_to_one_is_refused(opportunity, registered):
    for score in (-0.1, 1.5, "0.5", True):
        with pytest.raises(ValidationError):
            pipeline.candidacy_suggest(
                actor=None, opportunity=opportunity, person=registered, score=score
            )
    assert not Candidacy.objects.exists()


def test_the_operator_proposes_and_the_person_gets_a_short_e_mail(
    opportunity, registered, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        candidacy = pipeline.candidacy_propose(
            actor=operator,
            opportunity=opportunity,
            person=registered,
            message="Ti potrebbe interessare",
        )
    assert candidacy.status == S.PROPOSED
    assert candidacy.events.get().note == "Ti potrebbe interessare"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [registered.email]
    assert "Paola" in sent.body
    assert "/area-personale/candidature/" in sent.body
    for secret in ("Persona", registered.tax_code, registered.phone, opportunity.title):
        assert secret not in sent.body
        assert secret not in sent.subject


def test_a_suggestion_becomes_a_proposal(opportunity, registered, operator):
    pipeline.candidacy_suggest(actor=None, opportunity=opportunity, person=registered)
    candidacy = pipeline.candidacy_propose(
        actor=operator, opportunity=opportunity, person=registered
    )
    assert candidacy.status == S.PROPOSED
    assert list(candidacy.events.values_list("to_status", flat=True)) == ["suggested", "proposed"]
    again = pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=registered)
    assert again.events.count() == 2


def test_only_an_operator_who_sees_the_person_proposes(
    opportunity, registered, other_operator, org_rep, person, coordinator
):
    for actor in (other_operator, org_rep, person, coordinator, None):
        with pytest.raises(ValidationError) as exc:
            pipeline.candidacy_propose(actor=actor, opportunity=opportunity, person=registered)
        assert _code(exc) == "not_allowed"
    assert not Candidacy.objects.exists()


def test_proposing_after_applying_is_refused(opportunity, registered, person, operator):
    applied(opportunity, registered, person)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=registered)
    assert _code(exc) == "invalid_transition"


def test_a_closed_or_draft_opportunity_takes_no_candidacies(
    opportunity, registered, person, operator
):
    from lavorete.opportunities.services import opportunity_close

    opportunity_close(actor=None, opportunity=opportunity)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    assert _code(exc) == "not_open"
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=registered)
    assert _code(exc) == "not_open"
    assert not Candidacy.objects.exists()


def test_an_opportunity_past_its_closing_date_takes_no_application(opportunity, registered, person):
    type(opportunity).objects.filter(pk=opportunity.pk).update(
        opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2020, 2, 1)
    )
    opportunity.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    assert _code(exc) == "not_open"


# --- apply ----------------------------------------------------------------------------


def test_the_person_applies_once(opportunity, registered, person):
    candidacy = pipeline.candidacy_apply(
        actor=person, opportunity=opportunity, person=registered, message="Mi piace raccontare"
    )
    again = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    assert candidacy.pk == again.pk
    assert again.message == "Mi piace raccontare"
    assert candidacy.events.count() == 1
    entry = AuditEntry.objects.get(action="candidacy.apply")
    assert "Mi piace" not in str(entry.changes)


def test_the_operator_applies_on_the_persons_behalf(opportunity, registered, operator):
    candidacy = pipeline.candidacy_apply(actor=operator, opportunity=opportunity, person=registered)
    assert candidacy.status == S.APPLIED
    assert candidacy.events.get().actor == operator


def test_accepting_a_proposal_is_applying(opportunity, registered, person, operator):
    pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=registered)
    candidacy = pipeline.candidacy_apply(
        actor=person, opportunity=opportunity, person=registered, message="Volentieri"
    )
    assert candidacy.status == S.APPLIED
    assert candidacy.message == "Volentieri"


def test_nobody_else_applies_for_the_person(
    opportunity, registered, org_rep, other_operator, coordinator, outsider
):
    stranger = make_user("sconosciuto@example.org")
    for actor in (org_rep, other_operator, coordinator, outsider, stranger, None):
        with pytest.raises(ValidationError) as exc:
            pipeline.candidacy_apply(actor=actor, opportunity=opportunity, person=registered)
        assert _code(exc) == "not_allowed"
    assert not Candidacy.objects.exists()


def test_an_anonymised_person_cant_apply(opportunity, registered, operator):
    from lavorete.people.gdpr import person_erase

    person_erase(actor=None, person=registered, reason="request")
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_apply(actor=operator, opportunity=opportunity, person=registered)
    assert _code(exc) == "anonymised"


def test_a_withdrawn_candidacy_cant_be_reopened(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    pipeline.candidacy_withdraw(actor=person, candidacy=candidacy)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    assert _code(exc) == "withdrawn"


@pytest.mark.parametrize("message", ["x" * 2001, "nul\x00byte", ["a"], 3])
def test_a_bad_message_is_refused(opportunity, registered, person, message):
    with pytest.raises(ValidationError):
        pipeline.candidacy_apply(
            actor=person, opportunity=opportunity, person=registered, message=message
        )
    assert not Candidacy.objects.exists()


# --- share ----------------------------------------------------------------------------


def test_sharing_needs_the_consent(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_share(actor=person, candidacy=candidacy)
    assert _code(exc) == "no_consent"
    candidacy.refresh_from_db()
    assert candidacy.status == S.APPLIED
    assert candidacy.shared_at is None


def test_a_withdrawn_consent_doesnt_count(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    consent_give(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    consent_withdraw(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_share(actor=person, candidacy=candidacy)
    assert _code(exc) == "no_consent"


def test_a_consent_on_an_old_text_doesnt_count(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    consent = consent_give(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    type(consent).objects.filter(pk=consent.pk).update(text_version="2000-01")
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_share(actor=person, candidacy=candidacy)
    assert _code(exc) == "no_consent"


def test_the_person_shares_with_consent(opportunity, registered, person):
    candidacy = shared(opportunity, registered, person)
    assert candidacy.status == S.SHARED
    assert candidacy.shared_at is not None
    assert candidacy.events.last().to_status == S.SHARED


def test_the_person_gives_the_consent_while_sharing(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    pipeline.candidacy_share(actor=person, candidacy=candidacy, give_consent=True)
    assert candidacy.status == S.SHARED
    assert pipeline.has_sharing_consent(registered)


def test_only_the_person_gives_the_consent_while_sharing(opportunity, registered, person, operator):
    candidacy = applied(opportunity, registered, person)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_share(actor=operator, candidacy=candidacy, give_consent=True)
    assert _code(exc) == "consent_by_person"
    assert not pipeline.has_sharing_consent(registered)


def test_the_operator_shares_with_the_persons_consent(opportunity, registered, person, operator):
    candidacy = applied(opportunity, registered, person)
    consent_give(actor=operator, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    pipeline.candidacy_share(actor=operator, candidacy=candidacy)
    assert candidacy.status == S.SHARED


def test_the_company_cant_share(opportunity, registered, person, org_rep):
    candidacy = applied(opportunity, registered, person)
    consent_give(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_share(actor=org_rep, candidacy=candidacy)
    assert _code(exc) == "not_allowed"


def test_only_an_applied_candidacy_is_shared(opportunity, registered, person, operator):
    consent_give(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    candidacy = pipeline.candidacy_propose(
        actor=operator, opportunity=opportunity, person=registered
    )
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_share(actor=person, candidacy=candidacy)
    assert _code(exc) == "invalid_transition"


# --- the company's moves -----------------------------------------------------------------


def test_the_company_interviews_and_turns_down(opportunity, registered, person, org_rep):
    candidacy = shared(opportunity, registered, person)
    pipeline.candidacy_move(
        actor=org_rep, candidacy=candidacy, status=S.INTERVIEW, note="Colloquio martedì"
    )
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.NOT_SELECTED)
    assert candidacy.status == S.NOT_SELECTED
    steps = list(candidacy.events.values_list("to_status", "note"))
    assert steps[-2:] == [("interview", "Colloquio martedì"), ("not_selected", "")]


def test_the_company_turns_down_an_application_it_never_saw(
    opportunity, registered, person, org_rep
):
    candidacy = applied(opportunity, registered, person)
    pipeline.candidacy_move(
        actor=org_rep, candidacy=candidacy, status=S.NOT_SELECTED, note="Profilo lontano"
    )
    candidacy.refresh_from_db()
    assert candidacy.status == S.NOT_SELECTED
    # Turned down unseen: the profile was never shared, and still isn't.
    assert candidacy.shared_at is None
    assert not candidacy.is_shared
    assert list(candidacy.events.values_list("to_status", flat=True))[-1] == "not_selected"


@pytest.mark.parametrize("status", [S.INTERVIEW, S.HIRED])
def test_an_application_not_shared_cant_go_to_interview_or_hire(
    opportunity, registered, person, org_rep, status
):
    candidacy = applied(opportunity, registered, person)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=status)
    assert _code(exc) == "invalid_transition"


@pytest.mark.parametrize("status", [S.APPLIED, S.SHARED, S.WITHDRAWN, S.SUGGESTED, "boss"])
def test_the_company_makes_only_its_own_moves(opportunity, registered, person, org_rep, status):
    candidacy = applied(opportunity, registered, person)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=status)
    assert _code(exc) == "invalid_choice"


def test_outsiders_cant_move_a_candidacy(
    opportunity, registered, person, outsider, other_operator, coordinator
):
    candidacy = shared(opportunity, registered, person)
    for actor in (outsider, other_operator, coordinator, person, None):
        with pytest.raises(ValidationError) as exc:
            pipeline.candidacy_move(actor=actor, candidacy=candidacy, status=S.INTERVIEW)
        assert _code(exc) == "not_allowed"
    candidacy.refresh_from_db()
    assert candidacy.status == S.SHARED


def test_an_operator_in_the_opportunitys_scope_moves(opportunity, registered, person, operator):
    candidacy = shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=operator, candidacy=candidacy, status=S.INTERVIEW)
    assert candidacy.status == S.INTERVIEW


def test_a_final_step_is_final(opportunity, registered, person, org_rep):
    candidacy = shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.NOT_SELECTED)
    for status in (S.INTERVIEW, S.HIRED):
        with pytest.raises(ValidationError) as exc:
            pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=status)
        assert _code(exc) == "invalid_transition"
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_withdraw(actor=person, candidacy=candidacy)
    assert _code(exc) == "closed"


def test_a_long_note_is_refused(opportunity, registered, person, org_rep):
    candidacy = shared(opportunity, registered, person)
    with pytest.raises(ValidationError):
        pipeline.candidacy_move(
            actor=org_rep, candidacy=candidacy, status=S.INTERVIEW, note="x" * 401
        )
    candidacy.refresh_from_db()
    assert candidacy.status == S.SHARED


# --- withdraw ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["person", "operator"])
def test_the_person_or_their_operator_withdraws(opportunity, registered, request, who):
    candidacy = shared(opportunity, registered, request.getfixturevalue("person"))
    pipeline.candidacy_withdraw(
        actor=request.getfixturevalue(who), candidacy=candidacy, note="Ho trovato altro"
    )
    assert candidacy.status == S.WITHDRAWN
    assert candidacy.events.last().note == "Ho trovato altro"


def test_the_company_cant_withdraw(opportunity, registered, person, org_rep):
    candidacy = applied(opportunity, registered, person)
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_withdraw(actor=org_rep, candidacy=candidacy)
    assert _code(exc) == "not_allowed"


def test_the_operator_dismisses_a_suggestion(opportunity, registered, operator):
    candidacy = pipeline.candidacy_suggest(actor=None, opportunity=opportunity, person=registered)
    pipeline.candidacy_withdraw(actor=operator, candidacy=candidacy)
    assert candidacy.status == S.WITHDRAWN


def test_every_step_is_an_event_and_an_audit_entry(opportunity, registered, person, org_rep):
    candidacy = shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.INTERVIEW)
    steps = list(CandidacyEvent.objects.filter(candidacy=candidacy).values_list("to_status"))
    assert [s for (s,) in steps] == ["applied", "shared", "interview"]
    actions = list(
        AuditEntry.objects.filter(target_type="opportunities.candidacy")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["candidacy.apply", "candidacy.share", "candidacy.move"]


def test_an_unused_timestamp_is_left_alone(opportunity, registered, person):
    candidacy = applied(opportunity, registered, person)
    assert candidacy.shared_at is None
    assert candidacy.created_at <= timezone.now()


def test_an_operator_of_the_organisation_scope_is_not_the_persons_operator(
    opportunity, registered, organisation
):
    # An operator granted on the organisation sees its opportunities, not the person.
    user = grant(
        make_user("op.org@example.org", mfa=True),
        Role.OPERATOR,
        ScopeKind.ORGANISATION,
        organisation.pk,
    )
    with pytest.raises(ValidationError):
        pipeline.candidacy_apply(actor=user, opportunity=opportunity, person=registered)
