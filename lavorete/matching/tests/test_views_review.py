"""The matching pages after the browser review (/tmp/review_d.md, C #17-#28): links an operator
may follow, the name search, the cards, the company's link and invitations, the statuses, the
reasons' labels and the person's answer to a proposal.

Texts added by the review are compared with their translation (`tr`), so the tests hold before
and after the Italian catalogue gets them."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from lavorete.matching import services
from lavorete.matching.tests import test_services as shared
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyStatus

pytestmark = pytest.mark.django_db

matched = shared.matched
make_person = shared.make_person


def tr(text: str) -> str:
    """`text` in Italian, as the catalogue has it (or in English until it does)."""
    with translation.override("it"):
        return gettext(text)


def shows(text: str, html: str) -> bool:
    """Does the page show `text` (written by a template tag, or escaped as a variable)?"""
    return text in html or escape(text) in html


def page(client: Any, user: Any, name: str, **kwargs: Any) -> str:
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def elsewhere(other_organisation: Any, esco_skills: dict[str, Any]) -> Any:
    """An open opportunity of another organisation, through no programme of the operator's,
    in Paola's municipality and asking what she has."""
    from lavorete.opportunities.services import opportunity_create, opportunity_publish
    from lavorete.territory.models import Municipality

    made = opportunity_create(
        actor=None,
        organisation=other_organisation,
        programme=None,
        kind="volunteer",
        title="Volontari per la ciclofficina",
        description="Riparare biciclette.",
        municipality=Municipality.objects.get(name="Pioltello"),
        contract_type="",
        weekly_hours=None,
        positions=1,
        essential=[(esco_skills["storytelling"], 1), (esco_skills["photography"], 1)],
        optional=[],
        languages=[],
    )
    return opportunity_publish(actor=None, opportunity=made)


# --- C #17, #19: the caseload's links and its name search ----------------------------------------


def test_a_match_outside_her_programmes_links_to_the_public_board(
    client: Any, operator: Any, matched: Any, opportunity: Any, elsewhere: Any
) -> None:
    services.matches_recompute()
    html = page(client, operator, "matching:caseload")
    mine = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    theirs = reverse("matching:opportunity", kwargs={"opportunity_pk": elsewhere.pk})
    assert elsewhere.title in html
    assert f'href="{mine}"' in html
    assert f'href="{theirs}"' not in html
    assert f'href="{reverse("board:detail", kwargs={"pk": elsewhere.pk})}"' in html
    # Every candidates link the page shows opens.
    assert client.get(mine).status_code == 200


def test_the_caseload_searches_by_the_beginning_of_a_name(
    client: Any, operator: Any, programme: Any, matched: Any, esco_skills: dict[str, Any]
) -> None:
    make_person(operator, programme, "Beatrice", esco_skills, {"storytelling": 2})
    client.force_login(operator)
    url = reverse("matching:caseload")
    found = client.get(url, {"q": "pers pao"}).content.decode()
    assert "Paola Persona" in found and "Beatrice" not in found
    assert 'value="pers pao"' in found
    both = client.get(url, {"q": "  "}).content.decode()
    assert "Paola Persona" in both and "Beatrice Prova" in both
    none = client.get(url, {"q": "Zzz"}).content.decode()
    assert "Paola" not in none and shows(tr("Nobody of your programmes has that name."), none)
    # Garbage is harmless.
    assert client.get(url, {"q": "%_'\"<>" * 50}).status_code == 200


def test_the_search_reads_in_a_constant_number_of_queries(
    client: Any,
    operator: Any,
    programme: Any,
    matched: Any,
    opportunity: Any,
    elsewhere: Any,
    esco_skills: dict[str, Any],
) -> None:
    client.force_login(operator)
    url = reverse("matching:caseload")
    services.matches_recompute()
    client.get(url, {"q": "P"})
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "P"})
    for i in range(4):
        make_person(operator, programme, f"Altra{i}", esco_skills, {"storytelling": 2})
    services.matches_recompute()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"q": "P"})
    assert response.content.decode().count("<li><a href") >= 4
    assert len(many) == len(few)


# --- C #18: one person's matches -----------------------------------------------------------------


def test_a_persons_matches_are_plain_cards(
    client: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    html = page(client, operator, "matching:person", person_pk=matched.pk)
    assert opportunity.title in html
    assert "card-wrapper" not in html and "card-space" not in html


# --- C #20, #21, #22, #23: an opportunity's suggested people -------------------------------------


def test_the_company_finds_its_suggested_people_from_its_opportunity(
    client: Any, org_rep: Any, operator: Any, coordinator: Any, opportunity: Any
) -> None:
    link = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    for user in (org_rep, operator):
        html = page(client, user, "opportunities:detail", pk=opportunity.pk)
        assert f'href="{link}"' in html, user
    # The coordinator may see the opportunity but not its candidates: no link to a 404.
    html = page(client, coordinator, "opportunities:detail", pk=opportunity.pk)
    assert f'href="{link}"' not in html


def test_a_closed_opportunity_has_no_link_to_suggestions(
    client: Any, org_rep: Any, opportunity: Any
) -> None:
    from lavorete.opportunities.services import opportunity_close

    opportunity_close(actor=None, opportunity=opportunity)
    link = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    assert f'href="{link}"' not in page(client, org_rep, "opportunities:detail", pk=opportunity.pk)


def test_the_page_is_titled_suggested_people_and_explains_the_code(
    client: Any, org_rep: Any, matched: Any, opportunity: Any
) -> None:
    html = page(client, org_rep, "matching:opportunity", opportunity_pk=opportunity.pk)
    assert f'<h1 class="h2 mb-1">{tr("Suggested people")}</h1>' in html
    assert "(C-…)" in html
    code = services.candidate_code(opportunity.pk, matched.pk)
    assert f'<span class="text-nowrap">{code}</span>' in html


def test_the_operator_sees_where_each_candidacy_stands(
    client: Any, operator: Any, matched: Any, opportunity: Any, programme: Any, esco_skills: Any
) -> None:
    other = make_person(
        operator, programme, "Beatrice", esco_skills, {"storytelling": 3, "photography": 2}
    )
    url = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    html = page(client, operator, "matching:opportunity", opportunity_pk=opportunity.pk)
    assert html.count(tr("Propose") + "<span") == 2
    pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=matched)
    pipeline.candidacy_suggest(actor=None, opportunity=opportunity, person=other)
    html = client.get(url).content.decode()
    with translation.override("it"):
        proposed = escape(str(CandidacyStatus.PROPOSED.label))
        suggested = escape(str(CandidacyStatus.SUGGESTED.label))
    assert f"{tr('Candidacy:')} {proposed}" in html
    assert f"{tr('Candidacy:')} {suggested}" in html
    # A suggestion may still be proposed; a proposal is not offered again.
    assert html.count(tr("Propose") + "<span") == 1
    assert f'{tr("Propose")}<span class="visually-hidden"> · {other}' in html


def test_an_invited_candidate_reads_invited_and_cant_be_invited_twice(
    client: Any, org_rep: Any, matched: Any, opportunity: Any
) -> None:
    client.force_login(org_rep)
    url = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    code = services.candidate_code(opportunity.pk, matched.pk)
    assert f'value="{code}"' in client.get(url).content.decode()
    assert client.post(url, {"candidate": code}).status_code == 302
    html = client.get(url).content.decode()
    assert shows(tr("Invited"), html) and f'value="{code}"' not in html
    again = client.post(url, {"candidate": code})
    assert again.status_code == 200
    assert shows(
        tr("This candidate is already invited: their operator decides whether to propose it."),
        again.content.decode(),
    )
    from lavorete.core.models import AuditEntry

    assert AuditEntry.objects.filter(action=services.INVITE_ACTION).count() == 1
    assert Candidacy.objects.filter(person=matched, opportunity=opportunity).count() == 1


def test_invited_shows_only_the_companys_own_invitations(
    client: Any, org_rep: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    """An operator's proposal stays between her and the person: the company's row is unchanged."""
    pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=matched)
    html = page(client, org_rep, "matching:opportunity", opportunity_pk=opportunity.pk)
    code = services.candidate_code(opportunity.pk, matched.pk)
    assert f'value="{code}"' in html and not shows(tr("Invited"), html)
    with translation.override("it"):
        assert escape(str(CandidacyStatus.PROPOSED.label)) not in html


# --- C #24, #27: the person's own matches --------------------------------------------------------


def test_my_matches_label_the_distance_and_the_optional_skills(
    client: Any, person: Any, matched: Any, opportunity: Any, elsewhere: Any
) -> None:
    html = page(client, person, "matching_me:matches")
    # Paola lives in Pioltello: Segrate is a few km away, the bike workshop in her municipality.
    with translation.override("it"):
        distance = escape(gettext("Distance: %(km)s km")).split("%")[0]
    assert distance in html
    assert shows(tr("In the same municipality"), html)
    # She serves customers, the internship's optional skill; none is asked on the other.
    with translation.override("it"):
        optional = gettext("Optional skills: %(covered)d of %(total)d") % {
            "covered": 1,
            "total": 1,
        }
    assert shows(optional, html)
    assert not shows(optional.replace("1", "0", 1), html)


def test_no_optional_skill_held_says_so_in_words(
    operator: Any, programme: Any, opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    someone = make_person(
        operator,
        programme,
        "Carla",
        esco_skills,
        {"storytelling": 3, "social_media": 2, "photography": 2},
    )
    with translation.override("it"):
        found = services.matches_for_person(someone)
        reasons = next(m for m in found if m.opportunity.pk == opportunity.pk).reasons
        expected = ngettext(
            "Not the optional skill asked", "None of the %(total)d optional skills asked", 1
        ) % {"total": 1}
        assert expected in reasons
        assert not any("0 di" in r or "0 of" in r for r in reasons)


def test_a_proposal_reads_as_from_her_operator_with_accept_and_apply(
    client: Any, person: Any, operator: Any, matched: Any, opportunity: Any
) -> None:
    pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=matched)
    html = page(client, person, "matching_me:matches")
    apply = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    assert shows(tr("Proposed by your operator"), html)
    assert f'href="{apply}">{tr("Accept and apply")}' in html


def test_a_suggestion_is_not_shown_to_the_person(
    client: Any, person: Any, matched: Any, opportunity: Any
) -> None:
    pipeline.candidacy_suggest(actor=None, opportunity=opportunity, person=matched)
    html = page(client, person, "matching_me:matches")
    apply = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    with translation.override("it"):
        assert escape(str(CandidacyStatus.SUGGESTED.label)) not in html
    assert f'href="{apply}">{tr("Apply")}' in html


def test_the_tabs_are_short_and_wrap(client: Any, person: Any, matched: Any) -> None:
    html = page(client, person, "matching_me:matches")
    assert "nav-tabs flex-wrap" in html
    assert f">{tr('Skill gaps')}</a>" in html


# --- C #26: the policies table -------------------------------------------------------------------


def test_the_policies_table_names_what_distance_and_hours_take_off(
    client: Any, coordinator: Any, programme: Any
) -> None:
    html = page(client, coordinator, "matching:policies")
    assert shows(tr("Most taken off for distance"), html)
    assert shows(tr("Most taken off for hours"), html)
    assert shows(tr("Weight of essential skills"), html)
