"""Candidacies and matches in the person's export (Art. 15/20) and erasure (Art. 17)."""

import pytest

from lavorete.core.models import AuditEntry
from lavorete.matching.models import Match
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyEvent
from lavorete.pathways.models import Outcome
from lavorete.people.gdpr import person_access_log, person_erase, person_export_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hired(opportunity, registered, person, operator, org_rep):
    pipeline.candidacy_propose(
        actor=operator, opportunity=opportunity, person=registered, message="Proposta per te"
    )
    candidacy = pipeline.candidacy_apply(
        actor=person, opportunity=opportunity, person=registered, message="Lettera breve"
    )
    pipeline.candidacy_share(actor=person, candidacy=candidacy, give_consent=True)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status="hired", note="Assunta")
    Match.objects.create(
        person=registered, opportunity=opportunity, score=0.82, essential=0.75, person_rank=1
    )
    return candidacy


def test_the_export_holds_the_candidacies_with_their_steps_and_the_matches(hired, registered):
    data = person_export_data(registered)
    (candidacy,) = data["candidacies"]
    assert candidacy["opportunity"] == "Tirocinio in comunicazione digitale"
    assert candidacy["organisation"] == "Cooperativa Sociale Ponte Verde"
    assert candidacy["message"] == "Lettera breve"
    assert candidacy["shared_at"]
    steps = [(s["to_status"], s["note"]) for s in candidacy["steps"]]
    assert steps[0][1] == "Proposta per te"
    assert steps[-1][1].startswith("Assunta")
    assert len(steps) == 4
    (match,) = data["matches"]
    assert (match["opportunity"], match["score"]) == ("Tirocinio in comunicazione digitale", 0.82)
    assert match["computed_at"]


def test_erasure_deletes_candidacies_and_matches_and_keeps_the_placement(
    hired, registered, coordinator
):
    outcome = Outcome.objects.get()
    person_erase(actor=coordinator, person=registered, reason="request")
    assert not Candidacy.objects.exists()
    assert not CandidacyEvent.objects.exists()
    assert not Match.objects.exists()
    # The job placement stays for the programme's figures.
    assert Outcome.objects.filter(pk=outcome.pk, kind="job").exists()
    entry = AuditEntry.objects.get(action="person.erase")
    assert entry.changes["deleted"]["candidacies"] == 1
    assert entry.changes["deleted"]["matches"] == 1


def test_the_company_reading_the_shared_profile_is_in_the_persons_access_log(
    client, hired, registered, org_rep
):
    from django.urls import reverse

    client.force_login(org_rep)
    client.get(reverse("pipeline:candidacy", kwargs={"candidacy_pk": hired.pk}))
    who = {row.actor_id for row in person_access_log(registered)}
    assert org_rep.pk in who
