import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lavorete.core.models import AuditEntry
from lavorete.network.models import Agreement
from lavorete.network.services import agreement_create
from lavorete.network.tests.conftest import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db

LIST = reverse("network:agreement_list")
CREATE = reverse("network:agreement_create")


def url(name: str, agreement: Agreement) -> str:
    return reverse(f"network:{name}", args=[agreement.pk])


def form_data(signatories: list[Any], **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Protocollo territoriale",
        "reference": "",
        "date_signed": "2025-04-02",
        "valid_until": "",
        "signatories": [o.pk for o in signatories],
        "scope": "Tirocini e orientamento",
        "programmes": [],
        "municipalities": "Pioltello (MI)\n",
    }
    data.update(overrides)
    return data


def test_the_list_shows_what_each_user_may_see(
    client: Any, org_rep: Any, coordinator: Any, agreement: Agreement, other_agreement: Agreement
) -> None:
    client.force_login(org_rep)
    response = client.get(LIST)
    assert list(response.context["agreements"]) == [agreement]
    assert not response.context["can_create"]
    client.force_login(coordinator)
    response = client.get(LIST)
    assert set(response.context["agreements"]) == {agreement, other_agreement}
    assert response.context["can_create"]


def test_the_list_query_count_does_not_grow_with_rows(
    client: Any,
    coordinator: Any,
    organisation: Any,
    other_organisation: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(30):
        agreement_create(
            actor=None,
            title=f"Accordo {n}",
            date_signed=datetime.date(2025, 1, 1),
            signatories=[organisation, other_organisation],
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["agreements"]) == 25
    assert "Officine Segratesi Srl" in response.content.decode()


def test_an_operator_has_no_agreements_page(client: Any, operator: Any) -> None:
    client.force_login(operator)
    assert client.get(LIST).status_code == 403


def test_the_coordinator_records_an_agreement_with_a_document(
    client: Any,
    coordinator: Any,
    organisation: Any,
    other_organisation: Any,
    municipality: Any,
    media_files: Any,
) -> None:
    client.force_login(coordinator)
    assert client.get(CREATE).status_code == 200
    data = form_data([organisation, other_organisation], document=pdf_upload())
    response = client.post(CREATE, data)
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("agreement_detail", agreement)
    assert list(agreement.municipalities.all()) == [municipality]
    assert agreement.document
    assert len(media_files()) == 1
    # The edit form gives the municipalities back as the user typed them.
    edit_page = client.get(url("agreement_update", agreement)).content.decode()
    assert "Pioltello (MI)</textarea>" in edit_page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"document": SimpleUploadedFile("finto.pdf", b"GIF89a not a pdf")}, "document"),
        ({"document": SimpleUploadedFile("virus.exe", PDF_BYTES)}, "document"),
        ({"date_signed": "2999-01-01"}, "date_signed"),
        ({"valid_until": "2025-01-01"}, "valid_until"),
        ({"municipalities": "Nessunluogo"}, "municipalities"),
        ({"date_signed": "ieri"}, "date_signed"),
    ],
)
def test_bad_input_is_explained_and_nothing_stored(
    client: Any,
    coordinator: Any,
    organisation: Any,
    other_organisation: Any,
    overrides: dict[str, Any],
    field: str,
    media_files: Any,
) -> None:
    client.force_login(coordinator)
    response = client.post(CREATE, form_data([organisation, other_organisation], **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Agreement.objects.exists()
    assert media_files() == []


def test_one_signatory_is_refused(client: Any, coordinator: Any, organisation: Any) -> None:
    client.force_login(coordinator)
    response = client.post(CREATE, form_data([organisation]))
    assert "at least two" in " ".join(response.context["form"].errors["signatories"])
    assert not Agreement.objects.exists()


def test_a_too_large_document_is_refused(
    client: Any,
    settings: Any,
    coordinator: Any,
    organisation: Any,
    other_organisation: Any,
    media_files: Any,
) -> None:
    settings.LAVORETE_MAX_DOCUMENT_BYTES = 64
    client.force_login(coordinator)
    big = pdf_upload(content=PDF_BYTES + b"x" * 100)
    response = client.post(CREATE, form_data([organisation, other_organisation], document=big))
    assert "too large" in " ".join(response.context["form"].errors["document"])
    assert not Agreement.objects.exists()
    assert media_files() == []


def test_a_representative_cannot_record_agreements(
    client: Any, org_rep: Any, organisation: Any, other_organisation: Any
) -> None:
    client.force_login(org_rep)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data([organisation, other_organisation])).status_code == 403
    assert not Agreement.objects.exists()


def test_a_signatory_sees_the_agreement_but_cannot_edit_it(
    client: Any, org_rep: Any, agreement: Agreement
) -> None:
    client.force_login(org_rep)
    response = client.get(url("agreement_detail", agreement))
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert client.get(url("agreement_update", agreement)).status_code == 403


def test_someone_who_did_not_sign_gets_404(
    client: Any, org_rep: Any, other_agreement: Agreement
) -> None:
    client.force_login(org_rep)
    assert client.get(url("agreement_detail", other_agreement)).status_code == 404
    assert client.get(url("agreement_document", other_agreement)).status_code == 404


def test_the_coordinator_edits_and_replaces_the_document(
    client: Any,
    coordinator: Any,
    agreement: Agreement,
    organisation: Any,
    other_organisation: Any,
    media_files: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(coordinator)
    response = client.get(url("agreement_update", agreement))
    assert response.status_code == 200
    data = form_data(
        [organisation, other_organisation],
        title="Protocollo aggiornato",
        reference=agreement.reference,
        date_signed="2025-03-01",
        document=pdf_upload("firmato.pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("agreement_update", agreement), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Protocollo aggiornato"
    assert "firmato" in str(agreement.document.name)
    assert len(media_files()) == 1
    entry = AuditEntry.objects.get(action="agreement.update")
    assert {"title", "document", "municipalities"} <= set(entry.changes)


def test_editing_without_a_new_file_keeps_the_document(
    client: Any,
    coordinator: Any,
    agreement: Agreement,
    organisation: Any,
    other_organisation: Any,
) -> None:
    client.force_login(coordinator)
    before = agreement.document.name
    data = form_data(
        [organisation, other_organisation], reference=agreement.reference, date_signed="2025-03-01"
    )
    assert client.post(url("agreement_update", agreement), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name == before


def test_the_document_is_a_permission_checked_download(
    client: Any, org_rep: Any, agreement: Agreement
) -> None:
    client.force_login(org_rep)
    response = client.get(url("agreement_document", agreement))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "protocollo" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "/media" not in client.get(url("agreement_detail", agreement)).content.decode()


def test_no_document_is_404(client: Any, coordinator: Any, other_agreement: Agreement) -> None:
    client.force_login(coordinator)
    assert client.get(url("agreement_document", other_agreement)).status_code == 404


def test_anonymous_cannot_download(client: Any, agreement: Agreement) -> None:
    response = client.get(url("agreement_document", agreement))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_signing_date_field_takes_iso_dates(
    client: Any, coordinator: Any, agreement: Agreement
) -> None:
    client.force_login(coordinator)
    page = client.get(url("agreement_update", agreement)).content.decode()
    assert f'value="{datetime.date(2025, 3, 1).isoformat()}"' in page
