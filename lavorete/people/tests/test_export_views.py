"""Export pages: the staff download (coordinators) and the person's own download."""

import json

import pytest
from django.urls import reverse

from lavorete.core.models import AuditEntry
from lavorete.people.tests.privacy_support import VALUES, full_person


@pytest.fixture
def zenobia(settings, tmp_path, programme, other_programme, operator, space, room):
    settings.MEDIA_ROOT = str(tmp_path)
    return full_person(
        programme=programme,
        other_programme=other_programme,
        operator=operator,
        space=space,
        room=room,
    )


def _url(name, person, fmt=None):
    kwargs = {"person_pk": person.pk}
    if fmt:
        kwargs["fmt"] = fmt
    return reverse(f"privacy:{name}", kwargs=kwargs)


def test_a_coordinator_downloads_json_as_an_attachment(client, coordinator, zenobia):
    client.force_login(coordinator)
    response = client.get(_url("person_export_download", zenobia, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["email"] == VALUES["email"]
    assert VALUES["health_notes"] not in response.content.decode()


def test_a_coordinator_downloads_a_pdf(client, coordinator, zenobia):
    client.force_login(coordinator)
    response = client.get(_url("person_export_download", zenobia, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="person.export", changes__format="pdf").exists()


@pytest.mark.parametrize(("language", "heading"), [("it", "Scheda"), ("en", "Pathways")])
def test_the_readable_export_follows_the_language(zenobia, language, heading):
    from django.utils import translation

    from lavorete.people.gdpr import person_export_data
    from lavorete.people.views_privacy import export_html

    with translation.override(language):
        html = export_html(person_export_data(zenobia))
    assert f'lang="{language}"' in html
    assert heading in html
    assert VALUES["tax_code"] in html
    assert VALUES["case_note"] in html
    # Nothing the renderer would fetch: no links to files, fonts or pictures.
    assert "src=" not in html
    assert "url(" not in html
    assert "<link" not in html


def test_it_answers_404_to_an_unknown_format(client, coordinator, zenobia):
    client.force_login(coordinator)
    assert client.get(_url("person_export_download", zenobia, "xml")).status_code == 404


def test_the_tutor_may_not_export(client, operator, zenobia):
    client.force_login(operator)
    assert client.get(_url("person_export", zenobia)).status_code == 403
    assert client.get(_url("person_export_download", zenobia, "json")).status_code == 403


def test_another_programme_operator_gets_404(client, other_operator, zenobia):
    client.force_login(other_operator)
    assert client.get(_url("person_export_download", zenobia, "json")).status_code == 404


def test_the_person_downloads_everything_about_themselves(client, zenobia):
    client.force_login(zenobia.user)
    response = client.get(reverse("my_data:download", kwargs={"fmt": "json"}))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["special_category_data"]["health_notes"] == VALUES["health_notes"]
    assert data["enrolments"][0]["case_notes"][0]["text"] == VALUES["case_note"]
    assert data["omitted"] == []
    pdf = client.get(reverse("my_data:download", kwargs={"fmt": "pdf"}))
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="person.export", changes__by="self").count() == 2


def test_someone_without_a_record_gets_404_for_a_download(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("my_data:download", kwargs={"fmt": "json"})).status_code == 404
    page = client.get(reverse("my_data:index"))
    assert page.status_code == 200
