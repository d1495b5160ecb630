"""The public board: only open opportunities within their dates, filters, the apply button."""

import datetime as dt
from typing import Any

import pytest
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from lavorete.opportunities import services
from lavorete.opportunities.models import Opportunity
from lavorete.territory.models import Municipality

pytestmark = pytest.mark.django_db


def make(organisation: Any, title: str, *, publish: bool = True, **extra: Any) -> Opportunity:
    values: dict[str, Any] = {
        "kind": "job",
        "municipality": Municipality.objects.get(name=extra.pop("where", "Pioltello")),
        **extra,
    }
    made = services.opportunity_create(actor=None, organisation=organisation, title=title, **values)
    return services.opportunity_publish(actor=None, opportunity=made) if publish else made


def titles(response: Any) -> set[str]:
    return {o.title for o in response.context["opportunities"]}


def test_the_board_shows_only_open_opportunities_within_their_dates(
    client: Any, organisation: Any, opportunity: Any
) -> None:
    today = timezone.localdate()
    make(organisation, "Bozza", publish=False)
    closed = make(organisation, "Chiusa")
    services.opportunity_close(actor=None, opportunity=closed)
    filled = make(organisation, "Coperta")
    services.opportunity_mark_filled(actor=None, opportunity=filled)
    expired = make(organisation, "Scaduta")
    Opportunity.objects.filter(pk=expired.pk).update(
        opens_on=today - dt.timedelta(days=10), closes_on=today - dt.timedelta(days=1)
    )
    later = make(organisation, "Futura")
    Opportunity.objects.filter(pk=later.pk).update(opens_on=today + dt.timedelta(days=3))
    response = client.get(reverse("board:index"))
    assert titles(response) == {opportunity.title}
    for hidden in Opportunity.objects.exclude(pk=opportunity.pk):
        assert client.get(reverse("board:detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("board:detail", args=[opportunity.pk])).status_code == 200


def test_the_board_filters(
    client: Any, organisation: Any, other_organisation: Any, opportunity: Any
) -> None:
    from lavorete.territory.services import district_create

    district = district_create(
        actor=None,
        name="Ambito di prova",
        slug="ambito-di-prova",
        description="",
        municipalities=list(Municipality.objects.filter(name__in=["Pioltello", "Segrate"])),
    )
    make(other_organisation, "Saldatore a distanza", is_remote=True, kind="volunteer")
    make(other_organisation, "Magazziniere", where="Vimodrone")
    url = reverse("board:index")
    assert titles(client.get(url, {"kind": "volunteer"})) == {"Saldatore a distanza"}
    assert titles(client.get(url, {"remote": "yes"})) == {"Saldatore a distanza"}
    assert "Saldatore a distanza" not in titles(client.get(url, {"remote": "no"}))
    segrate = Municipality.objects.get(name="Segrate")
    assert titles(client.get(url, {"municipality": segrate.pk})) == {opportunity.title}
    in_district = titles(client.get(url, {"district": district.pk}))
    assert opportunity.title in in_district
    assert "Magazziniere" not in in_district
    assert titles(client.get(url, {"organisation": organisation.pk})) == {opportunity.title}
    # Invalid filters are ignored, never a server error.
    response = client.get(url, {"municipality": "abc", "district": "99999999999999999999"})
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_the_search_finds_titles_occupations_and_skills_in_both_languages(
    client: Any, opportunity: Any
) -> None:
    url = reverse("board:index")
    assert titles(client.get(url, {"q": "comunicazione"})) == {opportunity.title}
    assert titles(client.get(url, {"q": "analisi web"})) == {opportunity.title}
    assert titles(client.get(url, {"q": "web analytics"})) == {opportunity.title}
    assert titles(client.get(url, {"q": "saldatura"})) == set()
    assert client.get(url, {"q": "a\x00b"}).status_code == 200


def test_the_board_is_paginated(client: Any, organisation: Any) -> None:
    for n in range(25):
        make(organisation, f"Posto {n}")
    first = client.get(reverse("board:index"))
    assert len(first.context["opportunities"]) == 20
    second = client.get(reverse("board:index"), {"page": 2})
    assert len(second.context["opportunities"]) == 5
    assert client.get(reverse("board:index"), {"page": "last"}).status_code == 200


def test_the_detail_shows_what_it_asks_and_a_login_prompt_to_visitors(
    client: Any, opportunity: Any
) -> None:
    page = client.get(reverse("board:detail", args=[opportunity.pk])).content.decode()
    assert "raccontare storie di marca" in page
    assert "Segrate" in page
    assert reverse("account_login") in page


def test_labels_missing_in_the_language_fall_back_to_english_and_say_so(
    client: Any, opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    esco_skills["web_analytics"].labels.filter(language="it").delete()
    page = client.get(reverse("board:detail", args=[opportunity.pk])).content.decode()
    assert '<span lang="en">web analytics</span>' in page
    assert "ESCO" in page


@override_settings(LANGUAGE_CODE="en")
def test_labels_follow_the_language(client: Any, opportunity: Any) -> None:
    page = client.get(
        reverse("board:detail", args=[opportunity.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "tell brand stories" in page


def test_a_logged_in_person_gets_the_apply_button_when_applying_exists(
    client: Any, person: Any, opportunity: Any
) -> None:
    from django.urls import NoReverseMatch

    client.force_login(person)
    page = client.get(reverse("board:detail", args=[opportunity.pk])).content.decode()
    try:
        apply_url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    except NoReverseMatch:
        assert reverse("account_login") not in page.split('id="main-content"', 1)[1]
    else:
        assert apply_url in page


def test_the_board_queries_do_not_grow_with_rows(
    client: Any, organisation: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(15):
        make(organisation, f"Posto {n}")
    with django_assert_max_num_queries(12):
        client.get(reverse("board:index"))


def test_the_other_filters_fold_under_more_filters_open_when_one_is_set(
    client: Any, opportunity: Any
) -> None:
    html = client.get(reverse("board:index")).content.decode()
    form = html.split('role="search"', 1)[1].split("</form>", 1)[0]
    # The search and the municipality come first, the other four inside <details>.
    head, details = form.split("<details", 1)
    assert 'name="q"' in head and 'name="municipality"' in head
    for name in ("kind", "remote", "organisation", "district"):
        assert f'name="{name}"' in details
    assert details.startswith(' class="lv-more-filters mt-3 mb-3">')  # closed
    html = client.get(reverse("board:index"), {"kind": "internship"}).content.decode()
    assert '<details class="lv-more-filters mt-3 mb-3" open>' in html
    html = client.get(reverse("board:index"), {"q": "tirocinio"}).content.decode()
    assert '<details class="lv-more-filters mt-3 mb-3" open>' not in html
