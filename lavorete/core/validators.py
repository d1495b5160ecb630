"""Validation of uploaded documents: type by content, not by name alone, and size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Extension -> leading bytes the file must start with.
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    # OpenDocument and Office Open XML are ZIP containers.
    "odt": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "p7m": (b"0\x80", b"0\x82", b"0\x83", b"0\x84"),
}


def validate_document(upload: File) -> None:
    """Accept PDF, ODT, DOCX and signed P7M files within the configured size."""
    name = (upload.name or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationError(
            _("Unsupported file type. Upload a PDF, ODT, DOCX or signed P7M document."),
            code="file_type",
        )
    limit = settings.LAVORETE_MAX_DOCUMENT_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="file_size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES[extension]):
        raise ValidationError(
            _("The file's content does not match its type (.%(ext)s)."),
            code="file_content",
            params={"ext": extension},
        )
