"""A hire records the job placement on the person's pathway and fills the opportunity."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lavorete.opportunities import pipeline
from lavorete.opportunities.models import CandidacyStatus, OpportunityStatus
from lavorete.pathways.models import EnrolmentStatus, Outcome
from lavorete.people.models import ConsentPurpose
from lavorete.people.services import consent_give, person_create

pytestmark = pytest.mark.django_db

S = CandidacyStatus


def _shared(opportunity, record, actor):
    candidacy = pipeline.candidacy_apply(actor=actor, opportunity=opportunity, person=record)
    consent_give(actor=actor, person=record, purpose=ConsentPurpose.PROFILE_SHARING)
    return pipeline.candidacy_share(actor=actor, candidacy=candidacy)


def _another(programme, operator, name="Marco"):
    from lavorete.pathways.services import enrolment_create

    record = person_create(actor=operator, first_name=name, last_name="Secondo")
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    return record


def _opportunity(organisation, programme, esco_skills, **terms):
    from lavorete.opportunities.services import opportunity_create, opportunity_publish
    from lavorete.territory.models import Municipality

    fields = {
        "kind": "job",
        "title": "Addetta vendite",
        "municipality": Municipality.objects.get(name="Segrate"),
        "contract_type": "determinato",
        "weekly_hours": 20,
        "positions": 1,
        "essential": [(esco_skills["customer_service"], 1)],
        **terms,
    }
    made = opportunity_create(actor=None, organisation=organisation, programme=programme, **fields)
    return opportunity_publish(actor=None, opportunity=made)


def test_a_hire_records_the_placement_with_its_follow_ups(
    opportunity, registered, person, org_rep, enrolment, operator
):
    candidacy = _shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.INTERVIEW)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.HIRED, note="Benvenuta")
    candidacy.refresh_from_db()
    outcome = candidacy.outcome
    assert outcome is not None
    assert outcome.enrolment == enrolment
    assert outcome.kind == "job"
    assert outcome.employer == opportunity.organisation
    assert outcome.contract_type == "tirocinio"
    assert outcome.weekly_hours == 30
    assert outcome.start_date == timezone.localdate()
    assert sorted(outcome.follow_ups.values_list("months", flat=True)) == [3, 6, 12]
    # The follow-ups go to the person's tutor.
    assert set(outcome.follow_ups.values_list("assigned_to", flat=True)) == {operator.pk}
    note = candidacy.events.last().note
    assert note.startswith("Benvenuta")
    with translation.override("it"):
        assert note.endswith(_("Job placement recorded on the person's pathway."))
    assert "Cittadinanza al lavoro" not in note


def test_the_last_position_filled_fills_the_opportunity(
    opportunity, registered, person, org_rep, programme, operator
):
    from lavorete.opportunities.services import opportunity_update

    opportunity_update(actor=None, opportunity=opportunity, positions=2)
    first = _shared(opportunity, registered, person)
    second = _shared(opportunity, _another(programme, operator), operator)
    third = _shared(opportunity, _another(programme, operator, "Luca"), operator)
    pipeline.candidacy_move(actor=org_rep, candidacy=first, status=S.HIRED)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    pipeline.candidacy_move(actor=org_rep, candidacy=second, status=S.HIRED)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FILLED
    with pytest.raises(ValidationError) as exc:
        pipeline.candidacy_move(actor=org_rep, candidacy=third, status=S.HIRED)
    assert exc.value.error_list[0].code in {"filled", "not_hiring"}
    third.refresh_from_db()
    assert third.status == S.SHARED
    assert Outcome.objects.count() == 2
    # The others can still be told they weren't selected.
    pipeline.candidacy_move(actor=org_rep, candidacy=third, status=S.NOT_SELECTED)


def test_a_hire_after_the_closing_date_still_counts(opportunity, registered, person, org_rep):
    from lavorete.opportunities.services import opportunity_close

    candidacy = _shared(opportunity, registered, person)
    opportunity_close(actor=None, opportunity=opportunity)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.HIRED)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FILLED
    assert Outcome.objects.count() == 1


def test_without_an_open_pathway_the_hire_is_recorded_without_outcome(
    opportunity, registered, person, org_rep, enrolment, operator
):
    from lavorete.pathways.services import enrolment_drop

    candidacy = _shared(opportunity, registered, person)
    enrolment_drop(actor=operator, enrolment=enrolment, reason="Trasferita")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.DROPPED
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.HIRED)
    candidacy.refresh_from_db()
    assert candidacy.status == S.HIRED
    assert candidacy.outcome is None
    assert not Outcome.objects.exists()
    with translation.override("it"):
        expected = _("No pathway outcome recorded: the person has no open pathway.")
    assert candidacy.events.last().note == expected


def test_the_pathway_of_the_opportunitys_programme_is_preferred(
    opportunity, registered, person, org_rep, other_programme, enrolment
):
    from lavorete.pathways.services import enrolment_create, pathway_template_default

    pathway_template_default(actor=None, programme=other_programme)
    enrolment_create(
        actor=None, person=registered, programme=other_programme, enrolled_on=timezone.localdate()
    )
    candidacy = _shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.HIRED)
    candidacy.refresh_from_db()
    assert candidacy.outcome.enrolment == enrolment


@pytest.mark.parametrize("kind", ["challenge", "volunteer"])
def test_a_challenge_or_volunteer_role_records_no_job(
    organisation, programme, esco_skills, registered, person, org_rep, kind
):
    opportunity = _opportunity(organisation, programme, esco_skills, kind=kind, contract_type="")
    candidacy = _shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.HIRED)
    candidacy.refresh_from_db()
    assert candidacy.status == S.HIRED
    assert candidacy.outcome is None
    assert not Outcome.objects.exists()
    assert candidacy.events.last().note


def test_a_job_records_its_contract(
    organisation, programme, esco_skills, registered, person, org_rep
):
    opportunity = _opportunity(organisation, programme, esco_skills)
    candidacy = _shared(opportunity, registered, person)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=S.HIRED)
    candidacy.refresh_from_db()
    assert candidacy.outcome.contract_type == "determinato"
    assert candidacy.outcome.weekly_hours == 20
