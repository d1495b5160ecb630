"""The person's own pages: profile, languages, skills, CV, consents."""

import pytest
from django.urls import reverse

from lavorete.people.models import Consent, PersonLanguage, PersonSkill
from lavorete.people.services import person_skill_add
from lavorete.people.tests.registry_support import english, make_skills, pdf

pytestmark = pytest.mark.django_db

PAGES = ["profile", "edit", "languages", "skills", "cv", "consents"]


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with english(settings):
        yield


@pytest.mark.parametrize("name", PAGES)
def test_the_person_opens_their_pages(client, registered, name):
    client.force_login(registered.user)
    response = client.get(reverse(f"people_me:{name}"))
    assert response.status_code == 200
    assert response.context["person"] == registered


@pytest.mark.parametrize("name", PAGES)
def test_a_user_without_a_record_is_told_how_to_get_one(client, org_rep, name):
    client.force_login(org_rep)
    response = client.get(reverse(f"people_me:{name}"))
    assert response.status_code == 200
    assert "contact an operator" in response.content.decode()


def test_anonymous_users_go_to_the_login(client):
    assert client.get(reverse("people_me:profile")).status_code == 302


def test_the_person_updates_contacts_but_not_identity(client, registered):
    client.force_login(registered.user)
    form = client.get(reverse("people_me:edit")).context["form"]
    assert "tax_code" not in form.fields and "first_name" not in form.fields
    response = client.post(
        reverse("people_me:edit"),
        {
            "email": "paola@example.org",
            "phone": "+39 333 999 8888",
            "hours_per_week": "25",
            "first_name": "Altro",
        },
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.phone == "+39 333 999 8888" and registered.hours_per_week == 25
    assert registered.first_name == "Paola"


def test_a_future_date_is_refused(client, registered):
    client.force_login(registered.user)
    response = client.post(
        reverse("people_me:edit"),
        {"email": "paola@example.org", "employment_status_since": "2999-01-01"},
    )
    assert "employment_status_since" in response.context["form"].errors


def test_the_person_adds_and_removes_a_language(client, registered):
    client.force_login(registered.user)
    client.post(reverse("people_me:languages"), {"language": "ro", "level": "native"})
    assert registered.languages.get().language == "ro"
    client.post(reverse("people_me:language_remove", args=["ro"]))
    assert not PersonLanguage.objects.exists()


def test_the_person_declares_a_skill_with_the_picker_and_cannot_claim_it_assessed(
    client, registered
):
    skills = make_skills()
    client.force_login(registered.user)
    page = client.get(reverse("people_me:skills")).content.decode()
    assert 'role="combobox"' in page and 'name="evidence"' not in page
    client.post(
        reverse("people_me:skills"),
        {"skill": skills["weld"].pk, "level": "2", "evidence": "certified"},
    )
    row = PersonSkill.objects.get()
    assert row.evidence == "self_declared"
    client.post(reverse("people_me:skill_edit", args=[row.pk]), {"level": "4"})
    row.refresh_from_db()
    assert row.level == 4
    client.post(reverse("people_me:skill_remove", args=[row.pk]))
    assert not PersonSkill.objects.exists()


def test_the_person_cannot_change_an_assessed_skill(client, registered, operator):
    row = person_skill_add(
        actor=operator, person=registered, skill=make_skills()["weld"], evidence="assessed"
    )
    client.force_login(registered.user)
    response = client.post(reverse("people_me:skill_edit", args=[row.pk]), {"level": "4"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.level == 2


def test_someone_elses_skill_is_404(client, registered, person):
    from lavorete.people.services import person_create

    other = person_create(actor=None, last_name="Altra")
    row = person_skill_add(actor=None, person=other, skill=make_skills()["weld"])
    client.force_login(registered.user)
    assert client.get(reverse("people_me:skill_edit", args=[row.pk])).status_code == 404
    assert client.post(reverse("people_me:skill_remove", args=[row.pk])).status_code == 404
    assert PersonSkill.objects.filter(pk=row.pk).exists()


def test_the_person_uploads_downloads_and_removes_their_cv(client, registered):
    client.force_login(registered.user)
    assert client.post(reverse("people_me:cv"), {"cv": pdf()}).status_code == 302
    response = client.get(reverse("people_me:cv_download"))
    assert response["Content-Disposition"].startswith("attachment")
    client.post(reverse("people_me:cv_remove"))
    registered.refresh_from_db()
    assert not registered.cv
    assert client.get(reverse("people_me:cv_download")).status_code == 404


def test_the_person_gives_and_withdraws_a_consent_seeing_version_and_date(client, registered):
    client.force_login(registered.user)
    client.post(reverse("people_me:consents"), {"purpose": "newsletter"})
    consent = Consent.objects.get()
    assert consent.recorded_by == registered.user
    page = client.get(reverse("people_me:consents")).content.decode()
    assert consent.text_version in page and "You agreed" in page
    client.post(reverse("people_me:consent_withdraw", args=["newsletter"]))
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_an_unknown_purpose_is_refused(client, registered):
    client.force_login(registered.user)
    response = client.post(reverse("people_me:consents"), {"purpose": "marketing"})
    assert response.status_code == 200
    assert not Consent.objects.exists()
