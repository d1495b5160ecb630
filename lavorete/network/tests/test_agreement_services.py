import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lavorete.core.models import AuditEntry
from lavorete.network.models import Agreement
from lavorete.network.services import agreement_create, agreement_update
from lavorete.network.tests.conftest import pdf_upload

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2025, 2, 14)


def create(signatories: list[Any], **overrides: Any) -> Agreement:
    values: dict[str, Any] = {
        "actor": None,
        "title": "Protocollo per l'inclusione lavorativa",
        "date_signed": SIGNED,
        "signatories": signatories,
    }
    values.update(overrides)
    return agreement_create(**values)


def test_it_records_an_agreement_with_its_document(
    coordinator: Any,
    organisation: Any,
    other_organisation: Any,
    programme: Any,
    municipality: Any,
    media_files: Any,
) -> None:
    agreement = create(
        [organisation, other_organisation],
        actor=coordinator,
        reference="PI-7",
        valid_until=datetime.date(2027, 2, 14),
        programmes=[programme],
        municipalities=[municipality],
        document=pdf_upload(),
    )
    assert set(agreement.signatories.all()) == {organisation, other_organisation}
    assert list(agreement.programmes.all()) == [programme]
    assert str(agreement.document.name).startswith("agreements/")
    assert len(media_files()) == 1
    entry = AuditEntry.objects.get(action="agreement.create")
    assert entry.actor == coordinator
    assert sorted(entry.changes["signatories"]) == sorted(
        [str(organisation.pk), str(other_organisation.pk)]
    )


def test_it_rejects_an_agreement_with_one_signatory(organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create([organisation, organisation])
    assert "at least two" in excinfo.value.message_dict["signatories"][0]
    assert not Agreement.objects.exists()
    assert not AuditEntry.objects.filter(action="agreement.create").exists()


def test_it_rejects_a_signing_date_in_the_future(
    organisation: Any, other_organisation: Any
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        create([organisation, other_organisation], date_signed=tomorrow)
    assert "date_signed" in excinfo.value.message_dict
    assert not Agreement.objects.exists()


def test_it_rejects_an_end_before_the_signature(organisation: Any, other_organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create([organisation, other_organisation], valid_until=SIGNED)
    assert "valid_until" in excinfo.value.message_dict
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("protocollo.pdf", b"MZ\x90\x00 not a pdf at all"),
        SimpleUploadedFile("protocollo.exe", b"%PDF-1.4 looks like a pdf"),
        SimpleUploadedFile("protocollo.pdf", b""),
    ],
    ids=["wrong-content", "wrong-type", "empty"],
)
def test_it_refuses_a_bad_document_and_stores_nothing(
    organisation: Any, other_organisation: Any, upload: Any, media_files: Any
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create([organisation, other_organisation], document=upload)
    assert "document" in excinfo.value.message_dict
    assert not Agreement.objects.exists()
    assert media_files() == []


def test_it_refuses_a_document_too_large(
    settings: Any, organisation: Any, other_organisation: Any, media_files: Any
) -> None:
    settings.LAVORETE_MAX_DOCUMENT_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        create(
            [organisation, other_organisation],
            document=pdf_upload(content=b"%PDF-1.4\n" + b"x" * 200),
        )
    assert "too large" in excinfo.value.message_dict["document"][0]
    assert not Agreement.objects.exists()
    assert media_files() == []


def test_all_errors_are_reported_together(organisation: Any) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create([organisation], title="", document=SimpleUploadedFile("a.pdf", b"nope"))
    assert {"signatories", "title", "document"} <= set(excinfo.value.message_dict)


def test_a_duplicate_reference_is_refused(
    agreement: Agreement, organisation: Any, other_organisation: Any
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create([organisation, other_organisation], reference=agreement.reference)
    assert "reference" in excinfo.value.message_dict


def test_it_updates_an_agreement(
    coordinator: Any, agreement: Agreement, third_organisation: Any, organisation: Any
) -> None:
    agreement_update(
        actor=coordinator,
        agreement=agreement,
        title="Protocollo rinnovato",
        signatories=[organisation, third_organisation],
    )
    agreement.refresh_from_db()
    assert agreement.title == "Protocollo rinnovato"
    assert set(agreement.signatories.all()) == {organisation, third_organisation}
    entry = AuditEntry.objects.get(action="agreement.update")
    assert set(entry.changes) == {"title", "signatories"}


def test_replacing_the_document_deletes_the_old_file_after_commit(
    coordinator: Any,
    agreement: Agreement,
    media_files: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old = agreement.document.name
    with django_capture_on_commit_callbacks(execute=True):
        agreement_update(actor=coordinator, agreement=agreement, document=pdf_upload("nuovo.pdf"))
    agreement.refresh_from_db()
    assert agreement.document.name != old
    assert [p.name for p in media_files()] == [str(agreement.document.name).rsplit("/", 1)[-1]]


def test_removing_the_document(
    coordinator: Any,
    agreement: Agreement,
    media_files: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        agreement_update(actor=coordinator, agreement=agreement, document=None)
    agreement.refresh_from_db()
    assert not agreement.document
    assert media_files() == []


def test_a_refused_update_keeps_everything(
    coordinator: Any, agreement: Agreement, organisation: Any, media_files: Any
) -> None:
    before = media_files()
    with pytest.raises(ValidationError):
        agreement_update(
            actor=coordinator,
            agreement=agreement,
            title="Cambiato",
            signatories=[organisation],
            document=pdf_upload("altro.pdf"),
        )
    agreement.refresh_from_db()
    assert agreement.title != "Cambiato"
    assert agreement.signatories.count() == 2
    assert media_files() == before
