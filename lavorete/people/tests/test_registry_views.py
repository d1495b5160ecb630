"""The back-office pages of a person's record: who reaches them, what they show, what they write."""

import pytest
from django.urls import reverse

from lavorete.core.models import PersonalDataAccess
from lavorete.people.models import Consent, PersonLanguage, PersonSkill
from lavorete.people.services import person_cv_set, special_data_set
from lavorete.people.tests.registry_support import english, make_skills, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    with english(settings):
        yield


PAGES = [
    "people:person",
    "people:edit",
    "people:languages",
    "people:skills",
    "people:cv",
    "people:consents",
]
SECRET_NOTE = "Nota sanitaria inventata 4242"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def health(registered, special_officer):
    return special_data_set(
        actor=special_officer,
        person=registered,
        has_disability=True,
        disability_percentage=67,
        health_notes=SECRET_NOTE,
    )


def url(name, person, *args):
    return reverse(name, args=[person.pk, *args])


@pytest.mark.parametrize("name", PAGES)
def test_the_operator_opens_every_page_and_the_read_is_logged(client, operator, registered, name):
    client.force_login(operator)
    response = client.get(url(name, registered))
    assert response.status_code == 200
    log = PersonalDataAccess.objects.get(actor=operator)
    assert log.subject_id == str(registered.pk) and "last_name" in log.fields


@pytest.mark.parametrize("name", [*PAGES, "people:special", "people:cv_download"])
@pytest.mark.parametrize("who", ["other_operator", "org_rep", "evaluator", "outsider", "person"])
def test_anyone_outside_the_persons_programmes_gets_404(client, request, registered, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url(name, registered)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_coordinator_reads_but_cannot_edit(client, coordinator, registered):
    client.force_login(coordinator)
    assert client.get(url("people:skills", registered)).status_code == 200
    assert client.get(url("people:edit", registered)).status_code == 403
    response = client.post(url("people:languages", registered), {"language": "en", "level": "B2"})
    assert response.status_code == 403
    assert not PersonLanguage.objects.exists()


def test_the_health_page_is_403_for_the_operator_and_200_for_the_officer(
    client, operator, special_officer, registered, health
):
    client.force_login(operator)
    assert client.get(url("people:special", registered)).status_code == 403
    client.force_login(special_officer)
    response = client.get(url("people:special", registered))
    assert response.status_code == 200
    assert SECRET_NOTE in response.content.decode()
    response = client.post(
        url("people:special", registered),
        {"has_disability": "on", "disability_percentage": "70", "health_notes": "Altro"},
    )
    assert response.status_code == 302
    health.refresh_from_db()
    assert health.disability_percentage == 70


def test_the_officer_refuses_a_percentage_over_100(client, special_officer, registered, health):
    client.force_login(special_officer)
    response = client.post(url("people:special", registered), {"disability_percentage": "120"})
    assert response.status_code == 200
    health.refresh_from_db()
    assert health.disability_percentage == 67


@pytest.mark.parametrize("name", PAGES)
def test_health_data_never_shows_on_other_pages(client, operator, registered, health, name):
    client.force_login(operator)
    page = client.get(url(name, registered)).content.decode()
    assert SECRET_NOTE not in page
    assert "67" not in page.split('id="main-content"')[1].replace(str(registered.pk), "")
    assert reverse("people:special", args=[registered.pk]) not in page


def test_the_operator_edits_the_profile_and_bad_values_are_refused(client, operator, registered):
    client.force_login(operator)
    data = {
        "first_name": "Paola",
        "last_name": "Persona",
        "tax_code": "PRSPLA98A41G686X",
        "birth_date": "2999-01-01",
        "residence": "Comune Che Non Esiste",
    }
    response = client.post(url("people:edit", registered), data)
    assert response.status_code == 200
    assert "residence" in response.context["form"].errors
    data["residence"] = "Pioltello (MI)"
    response = client.post(url("people:edit", registered), data)
    assert {"tax_code", "birth_date"} <= set(response.context["form"].errors)
    registered.refresh_from_db()
    assert registered.tax_code == "PRSPLA98A41G686Z"
    data.update(tax_code="prspla98a41g686z", birth_date="1998-01-01", residence="015175")
    data["phone"] = "+39 02 0000000"
    response = client.post(url("people:edit", registered), data)
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.phone == "+39 02 0000000" and registered.residence.name == "Pioltello"


def test_the_operator_adds_a_language_and_removes_it(client, operator, registered):
    client.force_login(operator)
    client.post(url("people:languages", registered), {"language": "ar", "level": "B1"})
    assert registered.languages.get().level == "B1"
    assert client.get(url("people:language_remove", registered, "ar")).status_code == 405
    client.post(url("people:language_remove", registered, "ar"))
    assert not PersonLanguage.objects.exists()


def test_the_skill_picker_works_without_javascript(client, operator, registered):
    skills = make_skills()
    client.force_login(operator)
    # Only the text: the page comes back with the matches to choose from.
    response = client.post(
        url("people:skills", registered),
        {"skill_q": "comunicare", "level": "3", "evidence": "assessed"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="radio"' in page and "communicate with customers" in page
    assert not PersonSkill.objects.exists()
    response = client.post(
        url("people:skills", registered),
        {
            "skill": str(skills["communicate"].pk),
            "skill_q": "comunicare",
            "level": "3",
            "evidence": "assessed",
        },
    )
    assert response.status_code == 302
    row = PersonSkill.objects.get()
    assert (row.level, row.evidence, row.assessed_by) == (3, "assessed", operator)
    listed = client.get(url("people:skills", registered)).content.decode()
    assert "communicate with customers" in listed


def test_the_skill_picker_says_when_nothing_matches(client, operator, registered):
    make_skills()
    client.force_login(operator)
    response = client.post(url("people:skills", registered), {"skill_q": "zzzzqqq", "level": "2"})
    assert "No skill matches" in str(response.context["form"].errors["skill"])


def test_the_operator_changes_and_removes_a_skill(client, operator, registered):
    skills = make_skills()
    client.force_login(operator)
    client.post(
        url("people:skills", registered),
        {"skill": skills["weld"].pk, "level": "1", "evidence": "self_declared"},
    )
    row = PersonSkill.objects.get()
    assert client.get(url("people:skill_edit", registered, row.pk)).status_code == 200
    client.post(
        url("people:skill_edit", registered, row.pk), {"level": "4", "evidence": "certified"}
    )
    row.refresh_from_db()
    assert (row.level, row.evidence) == (4, "certified")
    client.post(url("people:skill_remove", registered, row.pk))
    assert not PersonSkill.objects.exists()


def test_another_persons_skill_is_404(client, operator, registered, other_operator):
    from lavorete.people.services import person_create, person_skill_add

    stranger = person_create(actor=None, last_name="Estranea")
    row = person_skill_add(actor=None, person=stranger, skill=make_skills()["weld"])
    client.force_login(operator)
    assert client.get(url("people:skill_edit", registered, row.pk)).status_code == 404


def test_the_cv_is_uploaded_downloaded_as_attachment_and_logged(client, operator, registered):
    client.force_login(operator)
    response = client.post(url("people:cv", registered), {"cv": pdf()})
    assert response.status_code == 302
    response = client.get(url("people:cv_download", registered))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert f"cv-{registered.pk}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    download = PersonalDataAccess.objects.get(path__contains="scarica")
    assert "cv" in download.fields


def test_a_disguised_cv_is_refused_on_the_page(client, operator, registered):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(operator)
    response = client.post(
        url("people:cv", registered), {"cv": SimpleUploadedFile("cv.pdf", b"MZ\x90")}
    )
    assert response.status_code == 200
    assert "cv" in response.context["form"].errors
    registered.refresh_from_db()
    assert not registered.cv


def test_no_cv_to_download_is_404(client, operator, registered):
    client.force_login(operator)
    assert client.get(url("people:cv_download", registered)).status_code == 404


def test_the_operator_records_and_withdraws_a_paper_consent(client, operator, registered):
    client.force_login(operator)
    client.post(url("people:consents", registered), {"purpose": "programme"})
    consent = Consent.objects.get()
    assert consent.recorded_by == operator
    client.post(url("people:consent_withdraw", registered, "programme"))
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    page = client.get(url("people:consents", registered)).content.decode()
    assert consent.text_version in page


def test_the_cv_of_another_programme_is_never_served(client, other_operator, registered, operator):
    person_cv_set(actor=operator, person=registered, upload=pdf())
    client.force_login(other_operator)
    assert client.get(url("people:cv_download", registered)).status_code == 404


def test_the_skills_page_makes_the_same_number_of_queries_for_more_skills(
    client, operator, registered, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lavorete.people.services import person_skill_add
    from lavorete.skills.importer import normalise
    from lavorete.skills.models import Label, Skill

    def add_skill(number):
        skill = Skill.objects.create(uri=f"http://data.europa.eu/esco/skill/count-{number}")
        text = f"skill number {number}"
        Label.objects.create(
            skill=skill, language="en", kind="preferred", text=text, normalised=normalise(text)
        )
        person_skill_add(actor=operator, person=registered, skill=skill)

    client.force_login(operator)
    add_skill(1)
    page = url("people:skills", registered)
    client.get(page)  # warm the caches
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    for number in range(2, 8):
        add_skill(number)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(page)
