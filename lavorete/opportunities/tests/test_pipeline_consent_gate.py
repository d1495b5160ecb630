"""The consent gate: a company never sees who a candidate is without the person's consent,
sees the profile once shared, and loses it the moment the consent is withdrawn."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import grant, make_user
from lavorete.core.models import PersonalDataAccess
from lavorete.core.roles import Role, ScopeKind
from lavorete.opportunities import pipeline
from lavorete.opportunities.models import CandidacyStatus
from lavorete.opportunities.pipeline_selectors import distance_band, km_between
from lavorete.people.models import ConsentPurpose
from lavorete.people.services import (
    consent_give,
    consent_withdraw,
    person_create,
    person_cv_set,
    person_language_set,
    person_skill_add,
)
from lavorete.people.tests.registry_support import pdf

pytestmark = pytest.mark.django_db

SECRETS = {
    "first_name": "Ermenegilda",
    "last_name": "Scarpantibus",
    "email": "ermenegilda.scarp@example.org",
    "phone": "+39 351 7654321",
    "tax_code": "SCRRNG90A41F205K",
    "address": "Via dei Glicini 77",
}


@pytest.fixture
def candidate(operator, programme, esco_skills):
    """Someone with distinctive values in every identifying field, enrolled in `programme`."""
    from lavorete.pathways.services import enrolment_create
    from lavorete.territory.models import Municipality

    record = person_create(
        actor=operator,
        birth_date=dt.date(1990, 1, 1),
        gender="female",
        residence=Municipality.objects.get(name="Cinisello Balsamo"),
        hours_per_week=25,
        **SECRETS,
    )
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    person_skill_add(actor=operator, person=record, skill=esco_skills["storytelling"], level=2)
    person_skill_add(actor=operator, person=record, skill=esco_skills["social_media"], level=3)
    person_language_set(actor=operator, person=record, language="it", level="C2")
    person_language_set(actor=operator, person=record, language="ar", level="B2")
    person_cv_set(actor=operator, person=record, upload=pdf())
    return record


@pytest.fixture
def candidacy(opportunity, candidate, operator):
    return pipeline.candidacy_apply(
        actor=operator, opportunity=opportunity, person=candidate, message="Scrivo bene"
    )


def _pages(client, user, candidacy):
    client.force_login(user)
    board = client.get(
        reverse("pipeline:opportunity", kwargs={"opportunity_pk": candidacy.opportunity_id})
    )
    detail = client.get(reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk}))
    assert board.status_code == 200
    assert detail.status_code == 200
    return board.content.decode() + detail.content.decode()


def _assert_anonymous(html, candidacy):
    for value in [*SECRETS.values(), "Cinisello", "1990", "Scrivo bene"]:
        assert value not in html, value
    assert reverse("pipeline:cv", kwargs={"candidacy_pk": candidacy.pk}) not in html
    assert candidacy.code in html


def test_the_company_sees_an_anonymised_profile_only(client, org_rep, candidacy):
    html = _pages(client, org_rep, candidacy)
    _assert_anonymous(html, candidacy)
    # What it does see: the fit with the opportunity.
    assert "raccontare storie di marca" in html  # an essential skill held
    assert "analisi web" in html  # an essential skill missing
    assert "2 / 4" in html  # essential skills held of those asked
    km = km_between(candidacy.person.residence, candidacy.opportunity.municipality)
    assert km is not None
    assert 5 < km < 25
    with translation.override("it"):
        assert distance_band(km) in html
    assert "25" in html  # hours available
    assert not PersonalDataAccess.objects.filter(actor=org_rep).exists()


def test_the_company_doesnt_reach_the_cv_without_consent(client, org_rep, candidacy):
    client.force_login(org_rep)
    url = reverse("pipeline:cv", kwargs={"candidacy_pk": candidacy.pk})
    assert client.get(url).status_code == 404


def test_consent_given_but_not_shared_keeps_it_anonymous(client, org_rep, candidacy, operator):
    consent_give(actor=operator, person=candidacy.person, purpose=ConsentPurpose.PROFILE_SHARING)
    _assert_anonymous(_pages(client, org_rep, candidacy), candidacy)


def test_once_shared_the_company_reads_the_profile_and_it_is_logged(
    client, org_rep, candidacy, operator
):
    consent_give(actor=operator, person=candidacy.person, purpose=ConsentPurpose.PROFILE_SHARING)
    pipeline.candidacy_share(actor=operator, candidacy=candidacy)
    html = _pages(client, org_rep, candidacy)
    for value in ("Ermenegilda", "Scarpantibus", SECRETS["email"], SECRETS["phone"], "Scrivo bene"):
        assert value in html
    # Never the codice fiscale, the address, the birth date or the municipality.
    for value in (SECRETS["tax_code"], SECRETS["address"], "Cinisello", "1990"):
        assert value not in html
    reads = PersonalDataAccess.objects.filter(actor=org_rep, subject_id=str(candidacy.person_id))
    assert reads.count() == 2  # the list's name, the profile
    profile_read = reads.order_by("-pk").first()
    assert profile_read is not None
    assert set(profile_read.fields) >= {"email", "phone", "cv"}
    cv = client.get(reverse("pipeline:cv", kwargs={"candidacy_pk": candidacy.pk}))
    assert cv.status_code == 200
    assert cv["Content-Disposition"].startswith("attachment")
    assert reads.filter(fields=["cv"]).count() == 1


def test_a_withdrawn_consent_hides_the_profile_again(client, org_rep, candidacy, operator):
    person = candidacy.person
    consent_give(actor=operator, person=person, purpose=ConsentPurpose.PROFILE_SHARING)
    pipeline.candidacy_share(actor=operator, candidacy=candidacy)
    pipeline.candidacy_move(actor=org_rep, candidacy=candidacy, status=CandidacyStatus.INTERVIEW)
    assert "Scarpantibus" in _pages(client, org_rep, candidacy)
    consent_withdraw(actor=operator, person=person, purpose=ConsentPurpose.PROFILE_SHARING)
    reads_before = PersonalDataAccess.objects.filter(actor=org_rep).count()
    html = _pages(client, org_rep, candidacy)
    _assert_anonymous(html, candidacy)
    assert PersonalDataAccess.objects.filter(actor=org_rep).count() == reads_before
    cv = client.get(reverse("pipeline:cv", kwargs={"candidacy_pk": candidacy.pk}))
    assert cv.status_code == 404
    # Given again, the profile is readable again (the candidacy is still shared).
    consent_give(actor=operator, person=person, purpose=ConsentPurpose.PROFILE_SHARING)
    assert "Scarpantibus" in _pages(client, org_rep, candidacy)


def test_the_persons_operator_sees_the_name_and_it_is_logged(client, operator, candidacy):
    html = _pages(client, operator, candidacy)
    assert "Scarpantibus" in html
    assert SECRETS["email"] not in html  # contacts are on the person's file, not here
    assert PersonalDataAccess.objects.filter(
        actor=operator, subject_id=str(candidacy.person_id)
    ).exists()


def test_an_operator_in_scope_without_the_person_sees_it_anonymised(
    client, candidacy, organisation
):
    # An operator of the organisation: in the opportunity's scope, not in the person's.
    user = grant(
        make_user("op.azienda@example.org", mfa=True),
        Role.OPERATOR,
        ScopeKind.ORGANISATION,
        organisation.pk,
    )
    _assert_anonymous(_pages(client, user, candidacy), candidacy)


def test_the_company_never_sees_suggestions_and_proposals(
    client, org_rep, opportunity, candidate, operator
):
    candidacy = pipeline.candidacy_propose(
        actor=operator, opportunity=opportunity, person=candidate
    )
    client.force_login(org_rep)
    board = client.get(reverse("pipeline:opportunity", kwargs={"opportunity_pk": opportunity.pk}))
    assert candidacy.code not in board.content.decode()
    detail = client.get(reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk}))
    assert detail.status_code == 404
    # The operator who proposed it sees it.
    client.force_login(operator)
    board = client.get(reverse("pipeline:opportunity", kwargs={"opportunity_pk": opportunity.pk}))
    assert candidacy.code in board.content.decode()


def test_a_withdrawal_before_applying_stays_hidden_from_the_company(
    client, org_rep, opportunity, candidate, operator
):
    candidacy = pipeline.candidacy_propose(
        actor=operator, opportunity=opportunity, person=candidate
    )
    pipeline.candidacy_withdraw(actor=operator, candidacy=candidacy)
    client.force_login(org_rep)
    detail = client.get(reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk}))
    assert detail.status_code == 404


def test_another_company_learns_nothing(client, outsider, candidacy):
    client.force_login(outsider)
    for name, kwargs in (
        ("pipeline:opportunity", {"opportunity_pk": candidacy.opportunity_id}),
        ("pipeline:candidacy", {"candidacy_pk": candidacy.pk}),
        ("pipeline:cv", {"candidacy_pk": candidacy.pk}),
        ("pipeline:move", {"candidacy_pk": candidacy.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_the_pipeline_reads_a_fixed_number_of_queries(
    client, org_rep, opportunity, operator, programme, esco_skills
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lavorete.pathways.services import enrolment_create

    def add(n):
        for i in range(n):
            record = person_create(actor=operator, first_name=f"Nome{i}", last_name="Cognome")
            enrolment_create(actor=operator, person=record, programme=programme)
            person_skill_add(actor=operator, person=record, skill=esco_skills["storytelling"])
            candidacy = pipeline.candidacy_apply(
                actor=operator, opportunity=opportunity, person=record
            )
            consent_give(actor=operator, person=record, purpose=ConsentPurpose.PROFILE_SHARING)
            if i % 2:
                pipeline.candidacy_share(actor=operator, candidacy=candidacy)

    url = reverse("pipeline:opportunity", kwargs={"opportunity_pk": opportunity.pk})
    client.force_login(org_rep)
    add(2)
    client.get(url)  # the grants are read once, then cached
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("km", "band"),
    [
        (0.0, "within 10 km"),
        (10.0, "within 10 km"),
        (18.2, "10 to 25 km"),
        (49.0, "25 to 50 km"),
        (120.0, "over 50 km"),
        (None, "distance unknown"),
    ],
)
def test_distance_is_shown_as_a_band(km, band):
    with translation.override("en"):
        assert distance_band(km) == band
        assert distance_band(km, remote=True) == "remote work"


# --- the company's actions on an application not shared -------------------------------


def test_the_company_turns_down_an_anonymised_application_through_the_page(
    client, org_rep, candidacy
):
    client.force_login(org_rep)
    move_url = reverse("pipeline:move", kwargs={"candidacy_pk": candidacy.pk})
    detail = client.get(reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk}))
    html = detail.content.decode()
    # The Actions box offers the refusal, and says what the company can expect.
    assert move_url in html
    assert "Nothing to do at this step" not in html and "Niente da fare" not in html
    assert "without seeing who it is" in html or "senza sapere chi" in html
    page = client.get(move_url)
    assert page.status_code == 200
    form_html = page.content.decode()
    _assert_anonymous(form_html, candidacy)
    # No choice to make: the only way is "not selected", carried by a hidden field.
    assert 'type="hidden" name="status" value="not_selected"' in form_html
    assert "<select" not in form_html.split('id="main-content"', 1)[-1]
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED  # the GET changed nothing
    response = client.post(
        move_url,
        {"candidacy": candidacy.pk, "status": "not_selected", "note": "Manca l'esperienza"},
    )
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.NOT_SELECTED
    assert candidacy.shared_at is None
    # Still anonymous afterwards, on every page, and no read of the person was logged.
    _assert_anonymous(_pages(client, org_rep, candidacy), candidacy)
    assert not PersonalDataAccess.objects.filter(actor=org_rep).exists()
    # The note is the company's own step: it reads it back.
    html = client.get(
        reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk})
    ).content.decode()
    assert "Manca l&#x27;esperienza" in html
    assert move_url not in html  # a final status: nothing more to do


def test_an_unshared_application_cant_be_moved_to_interview_through_the_page(
    client, org_rep, candidacy
):
    client.force_login(org_rep)
    move_url = reverse("pipeline:move", kwargs={"candidacy_pk": candidacy.pk})
    response = client.post(move_url, {"candidacy": candidacy.pk, "status": "interview"})
    assert response.status_code == 200
    # The refused hidden choice is said above the form, not lost.
    assert "lv-errorlist" in response.content.decode() or "alert-danger" in (
        response.content.decode()
    )
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED


def test_a_shared_candidacy_still_offers_every_next_step(client, org_rep, candidacy, operator):
    consent_give(actor=operator, person=candidacy.person, purpose=ConsentPurpose.PROFILE_SHARING)
    pipeline.candidacy_share(actor=operator, candidacy=candidacy)
    client.force_login(org_rep)
    page = client.get(reverse("pipeline:move", kwargs={"candidacy_pk": candidacy.pk}))
    html = page.content.decode()
    assert '<select name="status"' in html
    for status in ("interview", "hired", "not_selected"):
        assert f'value="{status}"' in html


def test_the_card_shows_only_the_languages_asked_for(client, org_rep, candidacy):
    # The candidate speaks Italian (asked, B1) and Arabic (not asked).
    html = _pages(client, org_rep, candidacy)
    with translation.override("it"):
        from lavorete.people.languages import language_name

        assert language_name("it") in html
        assert language_name("ar") not in html


def test_the_shared_profile_and_the_card_list_languages_in_the_same_order(
    client, org_rep, candidacy, operator, opportunity
):
    from lavorete.opportunities.services import opportunity_language_set
    from lavorete.people.languages import language_name

    opportunity_language_set(actor=None, opportunity=opportunity, language="ar", level="A2")
    consent_give(actor=operator, person=candidacy.person, purpose=ConsentPurpose.PROFILE_SHARING)
    pipeline.candidacy_share(actor=operator, candidacy=candidacy)
    client.force_login(org_rep)
    html = client.get(
        reverse("pipeline:candidacy", kwargs={"candidacy_pk": candidacy.pk})
    ).content.decode()
    profile, fit = html.split('id="fit-heading"', 1)
    with translation.override("it"):
        first, second = sorted([language_name("it"), language_name("ar")], key=str.casefold)
    assert profile.rindex(first) < profile.rindex(second)
    assert fit.index(first) < fit.index(second)


def test_the_operators_withdraw_button_says_what_it_withdraws(client, operator, candidacy):
    client.force_login(operator)
    page = client.get(reverse("pipeline:withdraw", kwargs={"candidacy_pk": candidacy.pk}))
    html = page.content.decode()
    assert ">Withdraw<" not in html and ">Revoca<" not in html
    assert "Withdraw the candidacy" in html or "Ritira la candidatura" in html


def test_the_pipeline_pages_start_at_the_back_office(client, org_rep, candidacy):
    client.force_login(org_rep)
    for name, kwargs in (
        ("pipeline:opportunity", {"opportunity_pk": candidacy.opportunity_id}),
        ("pipeline:candidacy", {"candidacy_pk": candidacy.pk}),
        ("pipeline:move", {"candidacy_pk": candidacy.pk}),
    ):
        html = client.get(reverse(name, kwargs=kwargs)).content.decode()
        crumbs = html.split('class="breadcrumb"', 1)[1].split("</ol>", 1)[0]
        assert reverse("core:dashboard") in crumbs
        assert crumbs.index(reverse("core:dashboard")) < crumbs.index(reverse("opportunities:list"))
