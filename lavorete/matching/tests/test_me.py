"""The person's own matching pages: my matches with reasons, my skill gaps, the consent."""

from typing import Any

import pytest
from django.urls import reverse

from lavorete.matching.tests import test_services as shared
from lavorete.people.models import Consent, ConsentPurpose

pytestmark = pytest.mark.django_db

matched = shared.matched


def test_my_matches_show_their_reasons_with_links(
    client: Any, person: Any, matched: Any, opportunity: Any
) -> None:
    client.force_login(person)
    html = client.get(reverse("matching_me:matches")).content.decode()
    assert opportunity.title in html
    assert "3 di 4 competenze essenziali; manca: analisi web" in html
    assert "km" in html
    assert reverse("board:detail", kwargs={"pk": opportunity.pk}) in html
    assert reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk}) in html


def test_an_applied_opportunity_shows_the_candidacy_instead_of_apply(
    client: Any, person: Any, matched: Any, opportunity: Any
) -> None:
    from lavorete.opportunities.pipeline import candidacy_apply

    candidacy_apply(actor=person, opportunity=opportunity, person=matched)
    client.force_login(person)
    html = client.get(reverse("matching_me:matches")).content.decode()
    assert reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk}) not in html
    assert "Candidatura inviata" in html


def test_without_consent_the_page_explains_and_offers_it(
    client: Any, person: Any, registered: Any, opportunity: Any
) -> None:
    client.force_login(person)
    html = client.get(reverse("matching_me:matches")).content.decode()
    assert "Non hai ancora dato il consenso ad essere abbinato" in html
    assert reverse("matching_me:consent") in html
    assert opportunity.title not in html


def test_giving_the_consent_from_the_page(
    client: Any,
    person: Any,
    registered: Any,
    opportunity: Any,
    esco_skills: dict[str, Any],
) -> None:
    shared.give_skills(registered, esco_skills, {"storytelling": 2})
    client.force_login(person)
    response = client.post(reverse("matching_me:consent"))
    assert response.status_code == 302
    assert Consent.objects.filter(
        person=registered, purpose=ConsentPurpose.MATCHING, withdrawn_at__isnull=True
    ).exists()
    html = client.get(reverse("matching_me:matches")).content.decode()
    assert opportunity.title in html


def test_getting_the_consent_page_changes_nothing(
    client: Any, person: Any, registered: Any
) -> None:
    client.force_login(person)
    assert client.get(reverse("matching_me:consent")).status_code == 405
    assert not Consent.objects.filter(purpose=ConsentPurpose.MATCHING).exists()


def test_without_a_record_the_page_says_an_operator_must_invite_them(
    client: Any, outsider: Any
) -> None:
    client.force_login(outsider)
    html = client.get(reverse("matching_me:matches")).content.decode()
    assert "un operatore" in html
    assert reverse("matching_me:consent") not in html
    assert client.post(reverse("matching_me:consent")).status_code == 404


def test_my_skill_gaps(client: Any, person: Any, matched: Any, opportunity: Any) -> None:
    client.force_login(person)
    html = client.get(reverse("matching_me:gaps")).content.decode()
    assert "analisi web" in html
    # What she has is not a gap.
    assert "raccontare storie di marca" not in html


def test_skill_gaps_rank_what_most_matches_ask(
    matched: Any,
    opportunity: Any,
    organisation: Any,
    programme: Any,
    esco_skills: dict[str, Any],
) -> None:
    from lavorete.matching import services

    shared.make_opportunity(
        organisation,
        programme,
        esco_skills,
        {"storytelling": 1, "web_analytics": 2},
        title="Analista",
    )
    shared.make_opportunity(
        organisation,
        programme,
        esco_skills,
        {"social_media": 1, "photography": 4},
        title="Fotografo",
    )
    gaps = services.person_skill_gaps(matched)
    assert [(g.label, g.count) for g in gaps] == [
        ("analisi web", 2),
        ("fotografia di prodotto", 1),
    ]


def test_the_skill_gaps_without_consent_explain(client: Any, person: Any, registered: Any) -> None:
    client.force_login(person)
    html = client.get(reverse("matching_me:gaps")).content.decode()
    assert "Non hai ancora dato il consenso ad essere abbinato" in html
