"""Back-office pages of opportunities: who may do what, and that each page does it."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lavorete.core.models import AuditEntry
from lavorete.opportunities import services
from lavorete.opportunities.models import Opportunity, OpportunityStatus

pytestmark = pytest.mark.django_db


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def make(organisation: Any, title: str = "Magazziniere", **extra: Any) -> Opportunity:
    from lavorete.territory.models import Municipality

    return services.opportunity_create(
        actor=None,
        organisation=organisation,
        kind=extra.pop("kind", "job"),
        title=title,
        municipality=Municipality.objects.get(name="Segrate"),
        **extra,
    )


def form_data(organisation: Any, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": organisation.pk,
        "programme": "",
        "kind": "job",
        "title": "Addetta alle vendite",
        "description": "Negozio di quartiere.",
        "occupation": "",
        "occupation_q": "",
        "municipality": "Segrate (MI)",
        "contract_type": "determinato",
        "weekly_hours": "30",
        "positions": "2",
        "opens_on": "2026-11-22",
        "closes_on": "",
        **extra,
    }


# --- list ----------------------------------------------------------------------------


def test_the_list_shows_each_user_the_opportunities_of_their_scope(
    client: Any,
    org_rep: Any,
    outsider: Any,
    operator: Any,
    coordinator: Any,
    opportunity: Any,
    other_organisation: Any,
) -> None:
    theirs = make(other_organisation, "Saldatore")
    url = reverse("opportunities:list")
    for user, sees, hidden in (
        (org_rep, opportunity, theirs),
        (operator, opportunity, theirs),
        (outsider, theirs, opportunity),
    ):
        page = login(client, user).get(url).content.decode()
        assert sees.title in page
        assert hidden.title not in page
    page = login(client, coordinator).get(url).content.decode()
    assert opportunity.title in page
    assert theirs.title in page


def test_the_list_filters_by_status_kind_organisation_and_programme(
    client: Any, coordinator: Any, opportunity: Any, other_organisation: Any, programme: Any
) -> None:
    make(other_organisation, "Saldatore")
    login(client, coordinator)
    url = reverse("opportunities:list")
    assert "Saldatore" not in client.get(url, {"status": "open"}).content.decode()
    assert "Saldatore" in client.get(url, {"status": "draft"}).content.decode()
    assert "Saldatore" not in client.get(url, {"kind": "internship"}).content.decode()
    assert "Saldatore" not in client.get(url, {"programme": programme.pk}).content.decode()
    page = client.get(url, {"organisation": other_organisation.pk}).content.decode()
    assert "Saldatore" in page
    assert opportunity.title not in page
    # An invalid filter is ignored, never an error.
    assert client.get(url, {"organisation": "x", "status": "nonsense"}).status_code == 200


def test_the_list_counts_candidacies_by_status_in_constant_queries(
    client: Any, org_rep: Any, organisation: Any, opportunity: Any, registered: Any, person: Any
) -> None:
    from lavorete.opportunities.pipeline import candidacy_apply

    candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    login(client, org_rep)
    url = reverse("opportunities:list")
    client.get(url)  # warm the caches (grants, sessions)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    row = next(r for r in page.context["rows"] if r["opportunity"] == opportunity)
    assert [(status, n) for status, _label, n in row["counts"]] == [("applied", 1)]
    assert row["opportunity"].n_total == 1
    for n in range(6):
        services.opportunity_publish(
            actor=None, opportunity=make(organisation, f"Posto {n}", weekly_hours=20)
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert "Posto 5" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_people_without_opportunity_rights_get_403(
    client: Any, person: Any, space_manager: Any, evaluator: Any, opportunity: Any
) -> None:
    for user in (person, space_manager, evaluator):
        login(client, user)
        assert client.get(reverse("opportunities:list")).status_code == 403
        assert client.get(reverse("opportunities:detail", args=[opportunity.pk])).status_code == 403


# --- create ----------------------------------------------------------------------------


def test_a_representative_posts_a_draft_for_their_organisation(
    client: Any, org_rep: Any, organisation: Any
) -> None:
    login(client, org_rep)
    response = client.post(reverse("opportunities:create"), form_data(organisation))
    made = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunities:detail", args=[made.pk])
    assert made.status == OpportunityStatus.DRAFT
    assert made.organisation == organisation
    assert made.created_by == org_rep
    assert made.positions == 2


def test_the_form_offers_only_organisations_the_user_may_manage(
    client: Any, org_rep: Any, organisation: Any, other_organisation: Any
) -> None:
    login(client, org_rep)
    page = client.get(reverse("opportunities:create")).content.decode()
    assert organisation.name in page
    assert other_organisation.name not in page
    response = client.post(reverse("opportunities:create"), form_data(other_organisation))
    assert response.status_code == 200
    assert not Opportunity.objects.exists()


def test_an_operator_posts_on_behalf_of_a_partner_of_their_programme(
    client: Any, operator: Any, programme: Any, other_organisation: Any
) -> None:
    from lavorete.network.services import programme_partner_add

    programme_partner_add(
        actor=None, programme=programme, organisation=other_organisation, role="partner"
    )
    login(client, operator)
    response = client.post(
        reverse("opportunities:create"),
        form_data(other_organisation, programme=programme.pk),
    )
    assert response.status_code == 302
    made = Opportunity.objects.get()
    assert (made.organisation, made.programme, made.created_by) == (
        other_organisation,
        programme,
        operator,
    )


def test_the_service_refusal_shows_beside_the_field(
    client: Any, org_rep: Any, organisation: Any
) -> None:
    login(client, org_rep)
    response = client.post(
        reverse("opportunities:create"),
        form_data(organisation, contract_type="tirocinio", municipality=""),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_contract_type_error"' in page
    assert 'id="id_municipality_error"' in page
    assert not Opportunity.objects.exists()


def test_choosing_an_occupation_prefills_its_essential_skills(
    client: Any, org_rep: Any, organisation: Any, esco_skills: dict[str, Any]
) -> None:
    from lavorete.skills.models import Occupation, OccupationSkill

    occupation = Occupation.objects.create(uri="http://data.europa.eu/esco/occupation/test")
    for key, relation in (("storytelling", "essential"), ("photography", "optional")):
        OccupationSkill.objects.create(
            occupation=occupation, skill=esco_skills[key], relation=relation
        )
    login(client, org_rep)
    client.post(
        reverse("opportunities:create"),
        form_data(organisation, occupation=occupation.pk, prefill_skills="on"),
    )
    made = Opportunity.objects.get()
    assert made.occupation == occupation
    assert list(made.skills.values_list("skill_id", "relation")) == [
        (esco_skills["storytelling"].pk, "essential")
    ]


# --- one opportunity -----------------------------------------------------------------------


def test_the_detail_shows_skills_with_their_labels_and_the_links(
    client: Any, org_rep: Any, opportunity: Any
) -> None:
    page = login(client, org_rep).get(reverse("opportunities:detail", args=[opportunity.pk]))
    text = page.content.decode()
    assert "raccontare storie di marca" in text
    assert "analisi web" in text
    assert "Italiano" in text
    assert reverse("opportunities:publish", args=[opportunity.pk]) not in text  # already open
    assert reverse("opportunities:close", args=[opportunity.pk]) in text


def test_the_detail_warns_when_no_skill_is_asked(
    client: Any, org_rep: Any, organisation: Any
) -> None:
    made = make(organisation)
    page = login(client, org_rep).get(reverse("opportunities:detail", args=[made.pk]))
    assert "l'abbinamento non può suggerire" in page.content.decode()
    assert 'class="alert alert-warning"' in page.content.decode()


def test_outsiders_get_404_on_every_page_of_the_opportunity(
    client: Any, outsider: Any, other_operator: Any, opportunity: Any
) -> None:
    skill_row = opportunity.skills.first()
    gets = ["detail", "update", "skills", "languages"]
    posts = ["publish", "close", "fill", "skills_from_occupation"]
    for user in (outsider, other_operator):
        login(client, user)
        for name in gets:
            assert (
                client.get(reverse(f"opportunities:{name}", args=[opportunity.pk])).status_code
                == 404
            )
        for name in posts:
            assert (
                client.post(reverse(f"opportunities:{name}", args=[opportunity.pk])).status_code
                == 404
            )
        url = reverse("opportunities:skill_remove", args=[opportunity.pk, skill_row.pk])
        assert client.post(url).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    assert opportunity.skills.count() == 5


def test_get_changes_nothing(client: Any, org_rep: Any, opportunity: Any) -> None:
    skill_row = opportunity.skills.first()
    login(client, org_rep)
    entries = AuditEntry.objects.count()
    for name in ("publish", "skills_from_occupation"):
        assert (
            client.get(reverse(f"opportunities:{name}", args=[opportunity.pk])).status_code == 405
        )
    # Closing and marking as filled ask for a confirmation: their GET only shows the page.
    for name in ("close", "fill"):
        assert (
            client.get(reverse(f"opportunities:{name}", args=[opportunity.pk])).status_code == 200
        )
    url = reverse("opportunities:skill_remove", args=[opportunity.pk, skill_row.pk])
    assert client.get(url).status_code == 405
    url = reverse("opportunities:language_remove", args=[opportunity.pk, "it"])
    assert client.get(url).status_code == 405
    for name in ("detail", "update", "skills", "languages"):
        client.get(reverse(f"opportunities:{name}", args=[opportunity.pk]))
    assert AuditEntry.objects.count() == entries
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN


def test_the_owner_edits_the_terms(client: Any, org_rep: Any, opportunity: Any) -> None:
    login(client, org_rep)
    url = reverse("opportunities:update", args=[opportunity.pk])
    page = client.get(url).content.decode()
    assert 'value="Segrate (MI)"' in page
    data = form_data(
        opportunity.organisation,
        kind="internship",
        title="Tirocinio in marketing digitale",
        contract_type="tirocinio",
        opens_on=opportunity.opens_on.isoformat(),
        programme=opportunity.programme_id,
    )
    response = client.post(url, data)
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Tirocinio in marketing digitale"
    assert opportunity.weekly_hours == 30


def test_the_operator_manages_skills_and_languages(
    client: Any, operator: Any, opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    login(client, operator)
    skills_url = reverse("opportunities:skills", args=[opportunity.pk])
    row = opportunity.skills.get(skill=esco_skills["web_analytics"])
    response = client.post(
        reverse("opportunities:skill_edit", args=[opportunity.pk, row.pk]),
        {"relation": "optional", "level": "3"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.relation, row.level) == ("optional", 3)
    client.post(reverse("opportunities:skill_remove", args=[opportunity.pk, row.pk]))
    assert not opportunity.skills.filter(pk=row.pk).exists()
    response = client.post(
        skills_url,
        {"skill": esco_skills["web_analytics"].pk, "relation": "essential", "level": "2"},
    )
    assert response.status_code == 302
    assert opportunity.skills.get(skill=esco_skills["web_analytics"]).level == 2
    languages_url = reverse("opportunities:languages", args=[opportunity.pk])
    assert client.post(languages_url, {"language": "en", "level": "A2"}).status_code == 302
    client.post(reverse("opportunities:language_remove", args=[opportunity.pk, "it"]))
    assert list(opportunity.languages.values_list("language", flat=True)) == ["en"]


def test_the_skill_picker_without_javascript_offers_choices(
    client: Any, org_rep: Any, opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    login(client, org_rep)
    response = client.post(
        reverse("opportunities:skills", args=[opportunity.pk]),
        {"skill": "", "skill_q": "storie", "relation": "essential", "level": "1"},
    )
    assert response.status_code == 200
    assert "raccontare storie di marca" in response.content.decode()
    assert 'type="radio"' in response.content.decode()


def confirm(opportunity: Opportunity) -> dict[str, Any]:
    """What a status change's confirmation page posts."""
    return {"opportunity": opportunity.pk}


def test_publish_close_reopen_and_fill(client: Any, org_rep: Any, organisation: Any) -> None:
    made = make(organisation)
    login(client, org_rep)
    detail = reverse("opportunities:detail", args=[made.pk])
    assert client.post(reverse("opportunities:publish", args=[made.pk]))["Location"] == detail
    made.refresh_from_db()
    assert made.status == OpportunityStatus.OPEN
    client.post(reverse("opportunities:close", args=[made.pk]), confirm(made))
    made.refresh_from_db()
    assert made.status == OpportunityStatus.CLOSED
    # A closed opportunity's edit pages are refused by the service, shown as a message.
    response = client.post(
        reverse("opportunities:languages", args=[made.pk]), {"language": "en", "level": "A2"}
    )
    assert response.status_code == 200
    assert not made.languages.exists()
    client.post(reverse("opportunities:publish", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == OpportunityStatus.OPEN
    client.post(reverse("opportunities:fill", args=[made.pk]), confirm(made))
    made.refresh_from_db()
    assert made.status == OpportunityStatus.FILLED
    response = client.post(reverse("opportunities:fill", args=[made.pk]), confirm(made))
    assert response.status_code == 200
    assert "già" in response.content.decode() or "already" in response.content.decode()


def test_the_detail_links_to_the_pipeline_and_to_the_matching_for_who_may_use_them(
    client: Any, org_rep: Any, operator: Any, opportunity: Any
) -> None:
    pipeline = reverse("pipeline:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    matching = reverse("matching:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    detail = reverse("opportunities:detail", args=[opportunity.pk])
    page = login(client, operator).get(detail).content.decode()
    assert pipeline in page
    assert matching in page
    page = login(client, org_rep).get(detail).content.decode()
    assert pipeline in page
    # The company reaches the matching's suggestions too, anonymised (review C #20).
    assert matching in page


# --- confirmations, warnings, empty choices, breadcrumbs -------------------------------


@pytest.mark.parametrize("name", ["close", "fill"])
def test_closing_and_filling_ask_for_a_confirmation_and_their_get_changes_nothing(
    client: Any, org_rep: Any, opportunity: Any, name: str
) -> None:
    login(client, org_rep)
    url = reverse(f"opportunities:{name}", args=[opportunity.pk])
    entries = AuditEntry.objects.count()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="opportunity"' in html
    assert f'action="{url}"' not in html or 'method="post"' in html
    assert AuditEntry.objects.count() == entries
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN
    # The detail's buttons lead to these pages, not straight to the change.
    detail = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert f'href="{url}"' in detail


def test_a_confirmation_from_another_page_changes_nothing(
    client: Any, org_rep: Any, opportunity: Any, organisation: Any
) -> None:
    other = make(organisation, "Altra")
    login(client, org_rep)
    response = client.post(
        reverse("opportunities:fill", args=[opportunity.pk]), {"opportunity": other.pk}
    )
    assert response.status_code == 200
    assert client.post(reverse("opportunities:close", args=[opportunity.pk])).status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.OPEN


def test_filling_is_confirmed_and_then_final(client: Any, org_rep: Any, opportunity: Any) -> None:
    login(client, org_rep)
    url = reverse("opportunities:fill", args=[opportunity.pk])
    response = client.post(url, {"opportunity": opportunity.pk})
    assert response["Location"] == reverse("opportunities:detail", args=[opportunity.pk])
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FILLED
    # Nothing more to confirm: the page says so and offers no button.
    html = client.get(url).content.decode()
    assert 'type="submit"' not in html.split('id="main-content"', 1)[1].split("<footer", 1)[0]
    close = client.get(reverse("opportunities:close", args=[opportunity.pk])).content.decode()
    assert 'class="btn btn-primary"' not in close.split('id="main-content"', 1)[1]


def test_a_draft_without_skills_warns_beside_the_publish_button(
    client: Any, org_rep: Any, organisation: Any
) -> None:
    made = make(organisation, kind="volunteer")
    login(client, org_rep)
    html = client.get(reverse("opportunities:detail", args=[made.pk])).content.decode()
    assert 'aria-describedby="publish-warning"' in html
    assert 'id="publish-warning"' in html
    # Publishing stays allowed: a volunteer role may ask for no skill.
    client.post(reverse("opportunities:publish", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == OpportunityStatus.OPEN


def test_a_draft_with_skills_has_no_publish_warning(
    client: Any, org_rep: Any, organisation: Any, esco_skills: dict[str, Any]
) -> None:
    made = make(organisation, essential=[(esco_skills["storytelling"], 1)])
    login(client, org_rep)
    html = client.get(reverse("opportunities:detail", args=[made.pk])).content.decode()
    assert 'id="publish-warning"' not in html


def test_a_draft_without_candidacies_has_no_pipeline_button(
    client: Any, org_rep: Any, organisation: Any, opportunity: Any
) -> None:
    made = make(organisation)
    login(client, org_rep)
    html = client.get(reverse("opportunities:detail", args=[made.pk])).content.decode()
    assert reverse("pipeline:opportunity", kwargs={"opportunity_pk": made.pk}) not in html
    html = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert reverse("pipeline:opportunity", kwargs={"opportunity_pk": opportunity.pk}) in html


def test_the_form_names_its_empty_choices(client: Any, org_rep: Any) -> None:
    login(client, org_rep)
    html = client.get(reverse("opportunities:create")).content.decode()
    assert "---------" not in html
    assert "No programme" in html or "Nessun programma" in html


def test_every_page_of_an_opportunity_starts_at_the_back_office(
    client: Any, org_rep: Any, opportunity: Any
) -> None:
    login(client, org_rep)
    home = reverse("core:dashboard")
    urls = [reverse("opportunities:list"), reverse("opportunities:create")] + [
        reverse(f"opportunities:{name}", args=[opportunity.pk])
        for name in ("detail", "update", "skills", "languages", "close", "fill")
    ]
    for url in urls:
        html = client.get(url).content.decode()
        crumbs = html.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
        assert f'href="{home}"' in crumbs, url


def test_the_pickers_help_names_the_button_to_press() -> None:
    from django.utils import translation

    from lavorete.opportunities.forms import OccupationField, SkillAddForm

    with translation.override("en"):
        occupation = str(OccupationField().help_text)
        skill = str(SkillAddForm().fields["skill"].help_text)
    assert "press Save" in occupation
    assert "“Save the skill”" in skill
    assert "the button" not in occupation + skill
