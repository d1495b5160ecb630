"""Helpers shared by the people registry's tests: a few ESCO skills, documents to upload."""

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lavorete.skills.importer import normalise

COMMUNICATE = "http://data.europa.eu/esco/skill/test-communicate"
WELD = "http://data.europa.eu/esco/skill/test-weld"


def make_skills() -> dict[str, Any]:
    """Two ESCO skills with Italian and English labels, as the importer would store them."""
    from lavorete.skills.models import Label, LabelKind, Skill

    made = {}
    for key, uri, labels in (
        (
            "communicate",
            COMMUNICATE,
            [("it", "comunicare con i clienti"), ("en", "communicate with customers")],
        ),
        ("weld", WELD, [("en", "use welding equipment")]),
    ):
        skill, _created = Skill.objects.get_or_create(uri=uri, defaults={"skill_type": "skill"})
        for language, text in labels:
            Label.objects.get_or_create(
                skill=skill,
                language=language,
                kind=LabelKind.PREFERRED,
                text=text,
                defaults={"normalised": normalise(text)},
            )
        made[key] = skill
    return made


def pdf(name: str = "cv.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% invented CV\n" + b"0" * size
    return SimpleUploadedFile(name, body, "application/pdf")


def docx(name: str = "cv.docx", *, real: bool = True) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if real:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
        else:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def odt(name: str = "cv.odt") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return SimpleUploadedFile(name, buffer.getvalue(), "application/vnd.oasis.opendocument.text")


def english(settings: Any) -> Any:
    """Messages in English whatever the catalogue holds: tests compare English texts."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    return translation.override("en")
