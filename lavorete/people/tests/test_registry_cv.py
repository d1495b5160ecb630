"""The CV: checked by content and size, the old file deleted on replace and remove."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from lavorete.people.services import person_cv_remove, person_cv_set
from lavorete.people.tests.registry_support import docx, odt, pdf


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_it_stores_then_replaces_the_cv_deleting_the_old_file(
    operator, registered, django_capture_on_commit_callbacks
):
    # Old files go once the change is committed: run the on-commit callbacks.
    with django_capture_on_commit_callbacks(execute=True):
        person_cv_set(actor=operator, person=registered, upload=pdf())
    first = registered.cv.name
    assert first.startswith("private/cv/") and first.endswith(".pdf")
    assert default_storage.exists(first)
    assert registered.cv_uploaded_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        person_cv_set(actor=operator, person=registered, upload=docx())
    registered.refresh_from_db()
    assert registered.cv.name.endswith(".docx")
    assert not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        person_cv_remove(actor=operator, person=registered)
    registered.refresh_from_db()
    assert not registered.cv and registered.cv_uploaded_at is None


@pytest.mark.django_db
def test_it_accepts_an_odt(operator, registered):
    person_cv_set(actor=operator, person=registered, upload=odt())
    assert registered.cv.name.endswith(".odt")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf"), "file_content"),
        (SimpleUploadedFile("cv.pdf", b""), "file_empty"),
        (SimpleUploadedFile("cv.exe", b"%PDF-1.4"), "file_type"),
        (SimpleUploadedFile("cv.p7m", b"0\x82 signed"), "file_type"),
        (SimpleUploadedFile("cv.docx", b"PK\x03\x04 broken zip"), "file_content"),
        (docx(real=False), "file_content"),
    ],
)
def test_it_refuses_a_disguised_empty_or_unsupported_file(operator, registered, upload, code):
    with pytest.raises(ValidationError) as caught:
        person_cv_set(actor=operator, person=registered, upload=upload)
    assert caught.value.error_dict["cv"][0].code == code
    registered.refresh_from_db()
    assert not registered.cv


@pytest.mark.django_db
def test_it_refuses_an_oversize_cv(operator, registered, settings):
    settings.LAVORETE_MAX_DOCUMENT_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        person_cv_set(actor=operator, person=registered, upload=pdf(size=2000))
    assert caught.value.error_dict["cv"][0].code == "file_size"
    registered.refresh_from_db()
    assert not registered.cv
