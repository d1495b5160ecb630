"""Back-office matching pages: scoping, what each viewer reads, the forms, query counts."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.matching import services
from lavorete.matching.tests import test_services as shared
from lavorete.opportunities.models import Candidacy, CandidacyStatus

pytestmark = pytest.mark.django_db

matched = shared.matched  # the consenting Paola, as a fixture here too
make_person = shared.make_person


def page(client: Any, user: Any, name: str, **kwargs: Any) -> Any:
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs))


@pytest.fixture
def stranger(operator: Any, programme: Any, esco_skills: dict[str, Any]) -> Any:
    """Someone of the same programme with the same skills who did NOT agree to be matched."""
    return make_person(
        operator,
        programme,
        "Sconosciuta",
        esco_skills,
        {"storytelling": 4, "social_media": 4, "web_analytics": 4},
        consent=False,
    )


# --- the operator's people ---------------------------------------------------------------------


def test_the_operator_sees_her_people_with_their_best_matches(
    client: Any, operator: Any, matched: Any, opportunity: Any, stranger: Any
) -> None:
    services.matches_recompute()
    response = page(client, operator, "matching:caseload")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Paola Persona" in html and opportunity.title in html
    assert "Sconosciuta Prova" in html
    assert "Non ha dato il consenso all'abbinamento" in html
    # Each person listed is logged as read.
    assert PersonalDataAccess.objects.filter(subject_id=str(matched.pk)).exists()


def test_another_programmes_operator_sees_none_of_them(
    client: Any, other_operator: Any, matched: Any, opportunity: Any
) -> None:
    services.matches_recompute()
    html = page(client, other_operator, "matching:caseload").content.decode()
    assert "Paola" not in html


def test_the_caseload_reads_in_a_constant_number_of_queries(
    client: Any,
    operator: Any,
    programme: Any,
    matched: Any,
    opportunity: Any,
    esco_skills: dict[str, Any],
) -> None:
    client.force_login(operator)
    url = reverse("matching:caseload")
    services.matches_recompute()
    client.get(url)  # warm the caches every request shares
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(4):
        make_person(operator, programme, f"Altra{i}", esco_skills, {"storytelling": 2})
    services.matches_recompute()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("<li><a href") >= 5
    assert len(many) == len(few)


# --- one person's matches ----------------------------------------------------------------------


def test_a_persons_matches_explain_themselves_and_the_read_is_logged(
    client: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    response = page(client, operator, "matching:person", person_pk=matched.pk)
    html = response.content.decode()
    assert "3 di 4 competenze essenziali; manca: analisi web" in html
    assert opportunity.title in html
    read = PersonalDataAccess.objects.get(subject_id=str(matched.pk))
    assert "matches" in read.fields


@pytest.mark.parametrize("who", ["other_operator", "org_rep", "outsider"])
def test_a_persons_matches_are_404_outside_her_programmes(
    client: Any, request: Any, who: str, matched: Any, opportunity: Any
) -> None:
    user = request.getfixturevalue(who)
    assert page(client, user, "matching:person", person_pk=matched.pk).status_code == 404


def test_without_consent_the_page_says_so(
    client: Any, operator: Any, registered: Any, opportunity: Any
) -> None:
    html = page(client, operator, "matching:person", person_pk=registered.pk).content.decode()
    assert "non ha dato il consenso ad essere abbinata" in html
    assert 'name="opportunity"' not in html


def test_the_operator_proposes_a_matched_opportunity(
    client: Any, operator: Any, matched: Any, opportunity: Any, mailoutbox: Any
) -> None:
    client.force_login(operator)
    url = reverse("matching:person", kwargs={"person_pk": matched.pk})
    response = client.post(url, {"opportunity": opportunity.pk, "message": "Ti si addice"})
    assert response.status_code == 302
    candidacy = Candidacy.objects.get(person=matched, opportunity=opportunity)
    assert candidacy.status == CandidacyStatus.PROPOSED
    assert candidacy.score is not None and 0 < candidacy.score <= 1
    html = client.get(url).content.decode()
    assert "Proposta alla persona" in html


def test_an_opportunity_not_among_her_matches_cant_be_proposed_here(
    client: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    client.force_login(operator)
    url = reverse("matching:person", kwargs={"person_pk": matched.pk})
    response = client.post(url, {"opportunity": opportunity.pk + 1000})
    assert response.status_code == 200
    assert not Candidacy.objects.exists()


# --- an opportunity's candidates -----------------------------------------------------------------


def test_operators_see_candidates_by_name_and_never_who_didnt_consent(
    client: Any, operator: Any, matched: Any, opportunity: Any, stranger: Any
) -> None:
    response = page(client, operator, "matching:opportunity", opportunity_pk=opportunity.pk)
    html = response.content.decode()
    assert "Paola Persona" in html
    assert "Sconosciuta" not in html
    assert PersonalDataAccess.objects.filter(subject_id=str(matched.pk)).exists()


def test_the_company_sees_anonymised_candidates_only(
    client: Any, org_rep: Any, matched: Any, opportunity: Any, stranger: Any
) -> None:
    response = page(client, org_rep, "matching:opportunity", opportunity_pk=opportunity.pk)
    html = response.content.decode()
    assert response.status_code == 200
    code = services.candidate_code(opportunity.pk, matched.pk)
    assert code in html
    # Never a name, contact, municipality, birth date or gender; nobody without consent.
    for value in ("Paola", "Persona", "persona@example.org", "333", "Pioltello", "1998"):
        assert value not in html, value
    assert "Femmina" not in html and "Sconosciuta" not in html
    assert "raccontare storie di marca" in html  # skills held
    assert "analisi web" in html  # missing
    # The company's view of people is not logged as a read of anyone's record.
    assert not PersonalDataAccess.objects.exists()


def test_another_company_gets_404(client: Any, outsider: Any, opportunity: Any) -> None:
    response = page(client, outsider, "matching:opportunity", opportunity_pk=opportunity.pk)
    assert response.status_code == 404


def test_the_company_invites_an_anonymised_candidate(
    client: Any, org_rep: Any, matched: Any, opportunity: Any
) -> None:
    client.force_login(org_rep)
    url = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    code = services.candidate_code(opportunity.pk, matched.pk)
    response = client.post(url, {"candidate": code})
    assert response.status_code == 302
    candidacy = Candidacy.objects.get(person=matched, opportunity=opportunity)
    assert candidacy.status == CandidacyStatus.SUGGESTED
    entry = AuditEntry.objects.get(action="matching.candidate_invite")
    assert entry.actor == org_rep and entry.changes == {"candidate": code}


def test_a_made_up_code_invites_nobody(
    client: Any, org_rep: Any, matched: Any, opportunity: Any
) -> None:
    client.force_login(org_rep)
    url = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    response = client.post(url, {"candidate": "P-DEADBEEF"})
    assert response.status_code == 200
    assert "non è più tra gli abbinamenti" in response.content.decode()
    assert not Candidacy.objects.exists()


def test_a_withdrawn_consent_hides_the_candidate_from_the_company(
    client: Any, org_rep: Any, matched: Any, opportunity: Any
) -> None:
    from lavorete.people.models import ConsentPurpose
    from lavorete.people.services import consent_withdraw

    code = services.candidate_code(opportunity.pk, matched.pk)
    consent_withdraw(actor=None, person=matched, purpose=ConsentPurpose.MATCHING)
    html = page(
        client, org_rep, "matching:opportunity", opportunity_pk=opportunity.pk
    ).content.decode()
    assert code not in html
    client.post(
        reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk}),
        {"candidate": code},
    )
    assert not Candidacy.objects.exists()


def test_a_closed_opportunity_has_no_candidates(
    client: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    from lavorete.opportunities.services import opportunity_close

    opportunity_close(actor=None, opportunity=opportunity)
    html = page(
        client, operator, "matching:opportunity", opportunity_pk=opportunity.pk
    ).content.decode()
    assert "Opportunità chiusa" in html and "Paola" not in html


# --- policies ---------------------------------------------------------------------------------


def test_the_coordinator_edits_a_policy(client: Any, coordinator: Any, programme: Any) -> None:
    client.force_login(coordinator)
    url = reverse("matching:policy", kwargs={"programme_pk": programme.pk})
    html = client.get(url).content.decode()
    assert "esplicita" in html  # the help text on the priority
    data = {
        "essential": "0.70",
        "optional": "0.20",
        "languages": "0.10",
        "distance": "0.30",
        "hours": "0.10",
        "radius_km": "30",
        "top_n": "10",
        "priority_categories": ["neet", "migrant"],
        "priority_bonus": "0.05",
    }
    assert client.post(url, data).status_code == 302
    policy = services._policy_for(programme)
    assert policy.weights.essential == 0.7 and policy.top_n == 10
    assert policy.categories == {"neet", "migrant"}
    listing = client.get(reverse("matching:policies")).content.decode()
    assert programme.name in listing and "+0,05" in listing


def test_a_policy_over_the_limits_is_refused_on_the_form(
    client: Any, coordinator: Any, programme: Any
) -> None:
    from lavorete.matching.models import MatchingPolicy

    client.force_login(coordinator)
    url = reverse("matching:policy", kwargs={"programme_pk": programme.pk})
    data = {
        "essential": "0.60",
        "optional": "0.25",
        "languages": "0.15",
        "distance": "0.80",
        "hours": "0.50",
        "radius_km": "25",
        "top_n": "20",
        "priority_bonus": "0.10",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "al massimo l&#x27;intero punteggio" in html
    assert "richiede le categorie" in html
    assert not MatchingPolicy.objects.exists()


def test_operators_may_not_set_policies(client: Any, operator: Any, programme: Any) -> None:
    response = page(client, operator, "matching:policy", programme_pk=programme.pk)
    assert response.status_code == 403


def test_the_company_never_learns_that_a_priority_applied(
    client: Any,
    org_rep: Any,
    operator: Any,
    coordinator: Any,
    programme: Any,
    matched: Any,
    opportunity: Any,
) -> None:
    # Paola is a woman: the programme gives women priority, which says something of her.
    services.policy_set(
        actor=coordinator, programme=programme, priority_categories=["woman"], priority_bonus="0.1"
    )
    url = {"opportunity_pk": opportunity.pk}
    assert "priorità" in page(client, operator, "matching:opportunity", **url).content.decode()
    html = page(client, org_rep, "matching:opportunity", **url).content.decode()
    assert services.candidate_code(opportunity.pk, matched.pk) in html
    assert "priorità" not in html.split('id="main-content"', 1)[-1].lower()
