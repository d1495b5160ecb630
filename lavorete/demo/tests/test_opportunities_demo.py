"""The demo's opportunities: every kind and status, real ESCO occupations, the company persona's
challenge, and the job seeker meeting the Segrate internship of scenario 1."""

from collections import Counter

import pytest
from django.urls import reverse

from lavorete.core.models import User
from lavorete.demo.opportunities_demo import (
    FROM_OCCUPATION,
    OFFERS,
    SCENARIO_INTERNSHIP,
    build_opportunities,
)
from lavorete.demo.people_demo import PROGRAMME
from lavorete.opportunities.models import Candidacy, Opportunity, OpportunityStatus
from lavorete.opportunities.selectors import board, opportunities_for_user
from lavorete.people.models import Consent, ConsentPurpose, Person
from lavorete.skills.models import OccupationSkill

pytestmark = pytest.mark.django_db


def english(skill):
    return skill.labels.get(language="en", kind="preferred").text


def test_organisations_of_the_territory_post_every_kind_in_every_status(demo):
    opportunities = Opportunity.objects.all()
    assert opportunities.count() == len(OFFERS) >= 25
    assert set(opportunities.values_list("kind", flat=True)) == {
        "job",
        "internship",
        "challenge",
        "volunteer",
    }
    assert set(opportunities.values_list("status", flat=True)) == set(OpportunityStatus.values)
    assert opportunities.filter(programme__slug=PROGRAMME).count() >= 10
    places = set(opportunities.values_list("municipality__name", flat=True))
    assert places >= {
        "Segrate",
        "Pioltello",
        "Vimodrone",
        "Rodano",
        "Cernusco sul Naviglio",
        "Cinisello Balsamo",
    }
    assert opportunities.filter(is_remote=True, municipality__isnull=True).exists()
    assert opportunities.values("organisation").distinct().count() >= 8
    # Everything open is on the public board.
    assert board().count() == opportunities.filter(status=OpportunityStatus.OPEN).count()


def test_the_ict_opportunities_ask_for_their_occupations_essential_skills(demo):
    checked = 0
    for offer in OFFERS:
        if not offer.from_occupation:
            continue
        opportunity = Opportunity.objects.get(title=offer.title)
        essential = set(
            opportunity.skills.filter(relation="essential").values_list("skill_id", flat=True)
        )
        listed = set(
            OccupationSkill.objects.filter(
                occupation=opportunity.occupation, relation="essential"
            ).values_list("skill_id", flat=True)
        )
        assert len(essential) == min(FROM_OCCUPATION, len(listed)) > 0, offer.title
        assert essential <= listed
        checked += 1
    assert checked >= 8
    # Every opportunity names a real ESCO occupation with an English label.
    for opportunity in Opportunity.objects.select_related("occupation"):
        assert opportunity.occupation is not None
        assert opportunity.occupation.labels.filter(language="en").exists()


def test_the_company_persona_manages_imballaggi_and_its_packaging_challenge(demo):
    elena = User.objects.get(email="referente.azienda@demo.example.org")
    theirs = opportunities_for_user(elena, "opportunities.manage_opportunity")
    assert set(theirs.values_list("organisation__name", flat=True)) == {"Imballaggi Martesana Srl"}
    challenge = theirs.get(title="Dimezzare i rifiuti da imballaggio")
    assert challenge.kind == "challenge"
    assert challenge.status == OpportunityStatus.OPEN
    assert challenge.skills.exists()


def test_the_job_seeker_has_four_of_the_five_essential_skills_missing_web_analytics(demo):
    martina = Person.objects.get(user__email="persona@demo.example.org")
    internship = Opportunity.objects.get(title=SCENARIO_INTERNSHIP)
    assert internship.municipality is not None
    assert internship.municipality.name == "Segrate"
    assert internship.kind == "internship"
    assert internship.organisation.municipality.name == "Segrate"
    essential = {
        english(row.skill): row.skill_id
        for row in internship.skills.filter(relation="essential").select_related("skill")
    }
    assert len(essential) == 5
    hers = set(martina.skills.values_list("skill_id", flat=True))
    missing = [label for label, pk in essential.items() if pk not in hers]
    assert missing == ["web analytics"]
    active = Consent.objects.filter(person=martina, withdrawn_at__isnull=True)
    assert set(active.values_list("purpose", flat=True)) >= {
        ConsentPurpose.MATCHING,
        ConsentPurpose.PROFILE_SHARING,
    }


def test_most_of_the_programme_agree_to_be_matched(demo):
    people = Person.objects.filter(enrolments__programme__slug=PROGRAMME).distinct()
    total = people.count()
    active = Consent.objects.filter(person__in=people, withdrawn_at__isnull=True)
    matching = active.filter(purpose=ConsentPurpose.MATCHING).count()
    sharing = active.filter(purpose=ConsentPurpose.PROFILE_SHARING).count()
    assert 0.6 * total <= matching <= 0.8 * total
    assert sharing >= 0.4 * total
    # Some of them know what the ICT companies ask for.
    asked = set(
        Opportunity.objects.filter(organisation__name="Martesana Software Srl").values_list(
            "skills__skill_id", flat=True
        )
    )
    holders = people.filter(skills__skill_id__in=asked).distinct().count()
    assert holders >= 30


def test_candidacies_reach_every_step_of_the_pipeline(demo):
    statuses = Counter(Candidacy.objects.values_list("status", flat=True))
    assert set(statuses) >= {"suggested", "proposed", "applied", "shared", "interview", "hired"}
    assert Candidacy.objects.filter(
        opportunity__title="Addetta/o all'ufficio clienti",
        person__user__email="persona@demo.example.org",
        status="proposed",
    ).exists()
    for filled in Opportunity.objects.filter(status=OpportunityStatus.FILLED):
        assert filled.candidacies.filter(status="hired").count() == filled.positions


def test_the_personas_open_the_opportunity_pages(demo, client):
    elena = User.objects.get(email="referente.azienda@demo.example.org")
    client.force_login(elena)
    page = client.get(reverse("opportunities:list"))
    assert page.status_code == 200
    assert "Dimezzare i rifiuti da imballaggio" in page.content.decode()
    client.logout()
    internship = Opportunity.objects.get(title=SCENARIO_INTERNSHIP)
    detail = client.get(reverse("board:detail", args=[internship.pk]))
    assert detail.status_code == 200
    assert "web analytics" in detail.content.decode()
    assert client.get(reverse("board:index")).status_code == 200


def test_running_the_builder_again_changes_nothing(demo):
    from lavorete.demo.builders import DemoContext

    before = (Opportunity.objects.count(), Candidacy.objects.count(), Consent.objects.count())
    build_opportunities(DemoContext(rng=None, log=lambda _m: None))  # type: ignore[arg-type]
    assert (
        Opportunity.objects.count(),
        Candidacy.objects.count(),
        Consent.objects.count(),
    ) == before
