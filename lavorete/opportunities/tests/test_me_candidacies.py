"""The person's own candidacy pages: list, apply, share (with the consent), withdraw."""

import pytest
from django.urls import reverse

from lavorete.conftest import make_user
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import Candidacy, CandidacyStatus
from lavorete.people.models import ConsentPurpose
from lavorete.people.services import consent_give

pytestmark = pytest.mark.django_db

S = CandidacyStatus


def _another_opportunity(organisation, programme, title="Magazziniere"):
    from lavorete.opportunities.services import opportunity_create, opportunity_publish
    from lavorete.territory.models import Municipality

    made = opportunity_create(
        actor=None,
        organisation=organisation,
        programme=programme,
        kind="job",
        title=title,
        municipality=Municipality.objects.get(name="Segrate"),
        contract_type="determinato",
    )
    return opportunity_publish(actor=None, opportunity=made)


def test_the_person_applies_from_the_board(client, person, registered, opportunity):
    client.force_login(person)
    url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert not Candidacy.objects.exists()  # a GET changes nothing
    response = client.post(url, {"opportunity": opportunity.pk, "message": "Mi piace"})
    assert response.status_code == 302
    assert response["Location"] == reverse("candidacies_me:list")
    candidacy = Candidacy.objects.get()
    assert (candidacy.person, candidacy.status, candidacy.message) == (
        registered,
        S.APPLIED,
        "Mi piace",
    )
    again = client.get(url)
    assert "already" in again.content.decode() or "già" in again.content.decode()
    client.post(url, {"opportunity": opportunity.pk, "message": "Di nuovo"})
    candidacy.refresh_from_db()
    assert candidacy.message == "Mi piace"


def test_a_form_from_another_page_changes_nothing(client, person, registered, opportunity):
    client.force_login(person)
    url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    response = client.post(url, {"opportunity": opportunity.pk + 1})
    assert response.status_code == 200
    assert not Candidacy.objects.exists()


def test_without_a_record_the_page_explains_how_to_get_one(client, opportunity):
    client.force_login(make_user("nuova@example.org"))
    url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("portal:programmes") in page.content.decode()
    assert client.post(url, {"opportunity": opportunity.pk}).status_code == 200
    assert not Candidacy.objects.exists()


def test_a_closed_opportunity_has_no_apply_page(client, person, registered, opportunity):
    from lavorete.opportunities.services import opportunity_close

    opportunity_close(actor=None, opportunity=opportunity)
    client.force_login(person)
    url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    assert client.get(url).status_code == 404


def test_the_list_puts_proposals_first_and_hides_suggestions(
    client, person, registered, opportunity, operator, organisation, programme
):
    applied = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    other = _another_opportunity(organisation, programme)
    proposed = pipeline.candidacy_propose(
        actor=operator, opportunity=other, person=registered, message="Ti piacerà"
    )
    third = _another_opportunity(organisation, programme, title="Fotografo di prodotto")
    pipeline.candidacy_suggest(actor=None, opportunity=third, person=registered)
    client.force_login(person)
    html = client.get(reverse("candidacies_me:list")).content.decode()
    assert html.index(other.title) < html.index(opportunity.title)
    assert "Ti piacerà" in html
    assert third.title not in html
    assert reverse("candidacies_me:share", kwargs={"candidacy_pk": applied.pk}) in html
    assert reverse("candidacies_me:apply", kwargs={"opportunity_pk": other.pk}) in html
    assert proposed.code not in html  # the code is the company's name for it, not hers


def test_accepting_a_proposal(client, person, registered, opportunity, operator):
    pipeline.candidacy_propose(actor=operator, opportunity=opportunity, person=registered)
    client.force_login(person)
    url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    client.post(url, {"opportunity": opportunity.pk, "message": ""})
    assert Candidacy.objects.get().status == S.APPLIED


def test_sharing_gives_the_consent_and_shares(client, person, registered, opportunity):
    candidacy = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    client.force_login(person)
    url = reverse("candidacies_me:share", kwargs={"candidacy_pk": candidacy.pk})
    page = client.get(url)
    assert 'name="agree"' in page.content.decode()
    # Without ticking the consent, nothing happens.
    assert client.post(url, {"candidacy": candidacy.pk}).status_code == 200
    candidacy.refresh_from_db()
    assert candidacy.status == S.APPLIED
    response = client.post(url, {"candidacy": candidacy.pk, "agree": "on"})
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.status == S.SHARED
    assert pipeline.has_sharing_consent(registered)


def test_with_the_consent_given_sharing_is_one_click(client, person, registered, opportunity):
    candidacy = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    consent_give(actor=person, person=registered, purpose=ConsentPurpose.PROFILE_SHARING)
    client.force_login(person)
    url = reverse("candidacies_me:share", kwargs={"candidacy_pk": candidacy.pk})
    assert 'name="agree"' not in client.get(url).content.decode()
    client.post(url, {"candidacy": candidacy.pk})
    candidacy.refresh_from_db()
    assert candidacy.status == S.SHARED


def test_the_person_withdraws(client, person, registered, opportunity):
    candidacy = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    client.force_login(person)
    url = reverse("candidacies_me:withdraw", kwargs={"candidacy_pk": candidacy.pk})
    client.post(url, {"candidacy": candidacy.pk, "note": "Ho trovato lavoro"})
    candidacy.refresh_from_db()
    assert candidacy.status == S.WITHDRAWN
    assert list(candidacy.events.values_list("note", flat=True))[-1] == "Ho trovato lavoro"


def test_someone_elses_candidacy_is_404(client, registered, opportunity, operator, programme):
    from lavorete.pathways.services import enrolment_create
    from lavorete.people.services import person_create

    user = make_user("altra@example.org")
    other = person_create(actor=operator, user=user, first_name="Altra", last_name="Persona")
    enrolment_create(actor=operator, person=other, programme=programme)
    candidacy = pipeline.candidacy_apply(actor=operator, opportunity=opportunity, person=registered)
    client.force_login(user)
    for name in ("candidacies_me:share", "candidacies_me:withdraw"):
        url = reverse(name, kwargs={"candidacy_pk": candidacy.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"candidacy": candidacy.pk, "agree": "on"}).status_code == 404
    candidacy.refresh_from_db()
    assert candidacy.status == S.APPLIED


def test_a_mere_suggestion_is_not_the_persons_to_see(client, person, registered, opportunity):
    candidacy = pipeline.candidacy_suggest(actor=None, opportunity=opportunity, person=registered)
    client.force_login(person)
    url = reverse("candidacies_me:withdraw", kwargs={"candidacy_pk": candidacy.pk})
    assert client.get(url).status_code == 404


def test_the_hub_links_to_my_candidacies(client, person, registered):
    client.force_login(person)
    html = client.get(reverse("portal:me")).content.decode()
    assert reverse("candidacies_me:list") in html


def test_without_a_record_my_candidacies_is_titled_as_asked(client):
    client.force_login(make_user("donatore@example.org"))
    page = client.get(reverse("candidacies_me:list"))
    assert page.status_code == 200
    html = page.content.decode()
    title = html.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert "Il mio profilo" not in title and "My profile" not in title
    assert "My candidacies" in title or "Le mie candidature" in title
    assert reverse("portal:programmes") in html
    assert reverse("portal:me") in html.split('class="breadcrumb"', 1)[1]


def test_without_a_record_the_apply_page_leads_back_to_the_opportunity(client, opportunity):
    client.force_login(make_user("nuova@example.org"))
    html = client.get(
        reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    ).content.decode()
    crumbs = html.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
    assert reverse("board:index") in crumbs
    assert reverse("board:detail", args=[opportunity.pk]) in crumbs
    main = html.split('id="main-content"', 1)[1]
    assert main.count(reverse("board:detail", args=[opportunity.pk])) >= 2  # and a link back


def test_the_success_message_shows_once(client, person, registered, opportunity):
    client.force_login(person)
    url = reverse("candidacies_me:apply", kwargs={"opportunity_pk": opportunity.pk})
    response = client.post(url, {"opportunity": opportunity.pk, "message": ""}, follow=True)
    html = response.content.decode()
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert html.count(messages[0][:18]) == 1


def test_the_withdraw_button_says_it_withdraws_the_candidacy(
    client, person, registered, opportunity
):
    pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    client.force_login(person)
    html = client.get(reverse("candidacies_me:list")).content.decode()
    assert ">Revoca<" not in html and ">Withdraw<" not in html
    assert "Withdraw my candidacy" in html or "Ritira la" in html


def test_an_application_turned_down_unseen_reads_so(
    client, person, registered, opportunity, org_rep
):
    candidacy = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    pipeline.candidacy_move(
        actor=org_rep, candidacy=candidacy, status=S.NOT_SELECTED, note="Nota interna"
    )
    client.force_login(person)
    html = client.get(reverse("candidacies_me:list")).content.decode()
    assert "Non selezionata" in html
    assert "never learnt who you are" in html or "non ha mai saputo" in html
    assert "Nota interna" not in html  # the company's note is not the person's to read
    # Nothing left to do on it: no share, no withdraw.
    assert reverse("candidacies_me:share", kwargs={"candidacy_pk": candidacy.pk}) not in html
    assert reverse("candidacies_me:withdraw", kwargs={"candidacy_pk": candidacy.pk}) not in html
