"""Fixtures of the partner network's tests: valid identifiers, agreements, documents."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum import luhn

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def make_vat(serial: int, office: int = 15) -> str:
    """A valid partita IVA: seven digits, a provincial office code, the Luhn check digit."""
    body = f"{serial:07d}{office:03d}"
    return body + luhn.calc_check_digit(body)


def pdf_upload(name: str = "protocollo.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """Uploaded documents go to a throw-away directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Messages are asserted in their English source text, whatever the translations say."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def media_files(settings: Any) -> Any:
    """The files currently stored under MEDIA_ROOT."""
    from pathlib import Path

    def files() -> list[Path]:
        root = Path(settings.MEDIA_ROOT)
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return files


@pytest.fixture
def third_organisation(db: Any, municipality: Any) -> Any:
    from lavorete.network.services import organisation_create

    return organisation_create(
        actor=None,
        name="Fondazione Martesana Lavoro",
        kind="foundation",
        legal_form="foundation",
        tax_code=make_vat(9700001),
        municipality=municipality,
    )


@pytest.fixture
def agreement(db: Any, organisation: Any, other_organisation: Any, programme: Any) -> Any:
    from lavorete.network.services import agreement_create

    return agreement_create(
        actor=None,
        title="Protocollo d'intesa per il lavoro in Martesana",
        reference="PI-2025-01",
        date_signed=datetime.date(2025, 3, 1),
        signatories=[organisation, other_organisation],
        programmes=[programme],
        scope="Orientamento e tirocini",
        document=pdf_upload(),
    )


@pytest.fixture
def other_agreement(db: Any, other_organisation: Any, third_organisation: Any) -> Any:
    """An agreement the `organisation` fixture did not sign."""
    from lavorete.network.services import agreement_create

    return agreement_create(
        actor=None,
        title="Accordo tra Officine e Fondazione",
        date_signed=datetime.date(2024, 6, 1),
        signatories=[other_organisation, third_organisation],
    )


@pytest.fixture
def contact(db: Any, organisation: Any) -> Any:
    from lavorete.network.services import contact_create

    return contact_create(
        actor=None,
        organisation=organisation,
        first_name="Marta",
        last_name="Inventata",
        email="marta.inventata@example.org",
        phone="+39 02 0000 0000",
        job_title="Responsabile inserimenti",
        is_primary=True,
    )
