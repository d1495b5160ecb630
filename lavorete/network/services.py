"""Every write of the partner network: one atomic transaction each, audited inside it.

Services validate fully (the model's own rules plus the rules that span rows)
and raise ValidationError with a message for the user; a rejected write leaves
the database and the file storage as they were.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record, diff, snapshot
from lavorete.core.personal_data import fields_of
from lavorete.core.servicekit import (
    integrity_as_validation,
    reject_unknown,
    strip_strings,
    validate,
)
from lavorete.core.validators import validate_document
from lavorete.network.models import (
    Agreement,
    Contact,
    Organisation,
    PartnerRole,
    Programme,
    ProgrammePartner,
    ProgrammeStatus,
    normalise_ateco_code,
    normalise_tax_code,
    normalise_vat_number,
)

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "legal_form",
    "tax_code",
    "vat_number",
    "ateco_code",
    "municipality",
    "address",
    "postcode",
    "website",
    "email",
    "phone",
    "description",
)
CONTACT_FIELDS = ("first_name", "last_name", "job_title", "email", "phone", "notes", "is_primary")
AGREEMENT_FIELDS = (
    "title",
    "reference",
    "date_signed",
    "valid_until",
    "scope",
    "signatories",
    "programmes",
    "municipalities",
    "document",
)
AGREEMENT_M2M = ("signatories", "programmes", "municipalities")
PROGRAMME_FIELDS = (
    "name",
    "slug",
    "summary",
    "description",
    "lead_organisation",
    "start_date",
    "end_date",
    "municipalities",
    "status",
    "is_public",
)

# Check constraints whose message belongs beside one field of the form.
_CONSTRAINT_FIELDS = {
    "end_before_start": "end_date",
    "valid_until_before_signature": "valid_until",
}


# --- helpers -------------------------------------------------------------------

_strip = strip_strings
_reject_unknown = reject_unknown
_integrity_as_validation = integrity_as_validation


def _validate(
    instance: models.Model, errors: dict[str, list[Any]] | None = None, **kw: Any
) -> None:
    validate(instance, errors, _CONSTRAINT_FIELDS, **kw)


def _normalise_organisation(values: dict[str, Any]) -> None:
    _strip(values)
    if "vat_number" in values:
        values["vat_number"] = normalise_vat_number(values["vat_number"] or "")
    if "tax_code" in values:
        values["tax_code"] = normalise_tax_code(values["tax_code"] or "")
    if "ateco_code" in values:
        values["ateco_code"] = normalise_ateco_code(values["ateco_code"] or "")
    for key in ("postcode", "address", "website", "email", "phone", "description"):
        if key in values and values[key] is None:
            values[key] = ""


def _stored_document_cleanup(name: str) -> None:
    """Delete a stored agreement document (after a rejected or replacing write)."""
    if name:
        storage = Agreement._meta.get_field("document").storage
        storage.delete(name)


# --- organisations -------------------------------------------------------------


def organisation_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    legal_form: str,
    municipality: Any,
    tax_code: str = "",
    vat_number: str = "",
    ateco_code: str = "",
    address: str = "",
    postcode: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    description: str = "",
) -> Organisation:
    """Register a partner organisation, with its VAT number and tax code normalised."""
    values: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "legal_form": legal_form,
        "municipality": municipality,
        "tax_code": tax_code,
        "vat_number": vat_number,
        "ateco_code": ateco_code,
        "address": address,
        "postcode": postcode,
        "website": website,
        "email": email,
        "phone": phone,
        "description": description,
    }
    _normalise_organisation(values)
    organisation = Organisation(**values)
    with transaction.atomic(), _integrity_as_validation():
        _validate(organisation)
        organisation.save()
        audit_record(
            actor=actor,
            action="organisation.create",
            target=organisation,
            changes=snapshot(organisation, ORGANISATION_FIELDS),
        )
    return organisation


def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change an organisation's data; the audit entry records what changed."""
    _reject_unknown(fields, ORGANISATION_FIELDS)
    _normalise_organisation(fields)
    with transaction.atomic(), _integrity_as_validation():
        # Work on a fresh copy: the caller's object stays as it was if this is refused.
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = snapshot(current, ORGANISATION_FIELDS)
        for key, value in fields.items():
            setattr(current, key, value)
        _validate(current)
        changes = diff(before, snapshot(current, ORGANISATION_FIELDS))
        if changes:
            current.save()
            audit_record(actor=actor, action="organisation.update", target=current, changes=changes)
    return current


# --- contacts ------------------------------------------------------------------


def _make_sole_primary(contact: Contact) -> None:
    """Only one main contact per organisation: the others stop being it."""
    Contact.objects.filter(organisation_id=contact.organisation_id, is_primary=True).exclude(
        pk=contact.pk
    ).update(is_primary=False)


def contact_create(
    *,
    actor: Any,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    is_primary: bool = False,
    notes: str = "",
) -> Contact:
    """Add a contact person to an organisation; a new main contact replaces the old one."""
    values: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone,
        "job_title": job_title,
        "notes": notes,
    }
    _strip(values)
    contact = Contact(organisation=organisation, is_primary=bool(is_primary), **values)
    with transaction.atomic(), _integrity_as_validation():
        # The one-main-contact rule is kept by demoting the others, not by refusing.
        _validate(contact, validate_constraints=False)
        if contact.is_primary:
            _make_sole_primary(contact)
        contact.save()
        # Personal data stays out of the audit trail: record which fields, not values.
        audit_record(
            actor=actor,
            action="contact.create",
            target=contact,
            changes={
                "organisation": organisation.pk,
                "fields": sorted(k for k, v in values.items() if v),
                "is_primary": contact.is_primary,
            },
        )
    return contact


def contact_update(*, actor: Any, contact: Contact, **fields: Any) -> Contact:
    """Change a contact's details; the audit entry names the fields changed, not their values."""
    _reject_unknown(fields, CONTACT_FIELDS)
    _strip(fields)
    with transaction.atomic(), _integrity_as_validation():
        current = Contact.objects.select_for_update().get(pk=contact.pk)
        before = snapshot(current, CONTACT_FIELDS)
        for key, value in fields.items():
            setattr(current, key, bool(value) if key == "is_primary" else value)
        _validate(current, validate_constraints=False)
        changed = sorted(diff(before, snapshot(current, CONTACT_FIELDS)))
        if changed:
            if current.is_primary:
                _make_sole_primary(current)
            current.save()
            audit_record(
                actor=actor,
                action="contact.update",
                target=current,
                changes={"organisation": current.organisation_id, "fields": changed},
            )
    return current


def contact_delete(*, actor: Any, contact: Contact) -> None:
    """Delete a contact person and their personal data."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="contact.delete",
            target=contact,
            changes={"organisation": contact.organisation_id, "fields": fields_of(Contact)},
        )
        Contact.objects.filter(pk=contact.pk).delete()


# --- agreements ----------------------------------------------------------------


def _unique(items: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _check_signatories(signatories: list[Any], errors: dict[str, list[Any]]) -> None:
    if len(signatories) < 2:
        errors.setdefault("signatories", []).append(
            ValidationError(
                _("An agreement needs at least two signatory organisations."),
                code="too_few_signatories",
            )
        )


def _check_document(document: Any, errors: dict[str, list[Any]]) -> None:
    try:
        validate_document(document)
    except ValidationError as exc:
        errors.setdefault("document", []).extend(exc.error_list)


def agreement_create(
    *,
    actor: Any,
    title: str,
    date_signed: date,
    signatories: Iterable[Organisation],
    scope: str = "",
    reference: str = "",
    valid_until: date | None = None,
    programmes: Iterable[Programme] = (),
    municipalities: Iterable[Any] = (),
    document: File | None = None,
) -> Agreement:
    """Record a signed agreement between at least two organisations, with its document."""
    signatory_list = _unique(signatories)
    values: dict[str, Any] = {"title": title, "reference": reference, "scope": scope}
    _strip(values)
    agreement = Agreement(date_signed=date_signed, valid_until=valid_until, **values)
    errors: dict[str, list[Any]] = {}
    _check_signatories(signatory_list, errors)
    if document:
        _check_document(document, errors)
        if "document" not in errors:
            agreement.document = document
    _validate(agreement, errors, exclude=["document"])

    stored = ""
    try:
        with transaction.atomic(), _integrity_as_validation():
            agreement.save()
            stored = agreement.document.name or ""
            agreement.signatories.set(signatory_list)
            agreement.programmes.set(_unique(programmes))
            agreement.municipalities.set(_unique(municipalities))
            audit_record(
                actor=actor,
                action="agreement.create",
                target=agreement,
                changes=snapshot(agreement, AGREEMENT_FIELDS),
            )
    except BaseException:
        _stored_document_cleanup(stored)
        raise
    return agreement


def agreement_update(*, actor: Any, agreement: Agreement, **fields: Any) -> Agreement:
    """Change an agreement; `document` replaces the file, or removes it when None/False."""
    _reject_unknown(fields, AGREEMENT_FIELDS)
    m2m = {k: _unique(fields.pop(k)) for k in AGREEMENT_M2M if k in fields}
    has_document = "document" in fields
    document = fields.pop("document", None)
    _strip(fields)
    stored = ""
    try:
        with transaction.atomic(), _integrity_as_validation():
            current = Agreement.objects.select_for_update().get(pk=agreement.pk)
            before = snapshot(current, AGREEMENT_FIELDS)
            old_document = current.document.name or ""
            for key, value in fields.items():
                setattr(current, key, value)
            errors: dict[str, list[Any]] = {}
            if "signatories" in m2m:
                _check_signatories(m2m["signatories"], errors)
            if has_document and document:
                _check_document(document, errors)
                if "document" not in errors:
                    current.document = document
            elif has_document:
                current.document = ""
            _validate(current, errors, exclude=["document"])
            current.save()
            if has_document and document:
                stored = current.document.name or ""
            for key, items in m2m.items():
                getattr(current, key).set(items)
            changes = diff(before, snapshot(current, AGREEMENT_FIELDS))
            if changes:
                audit_record(
                    actor=actor, action="agreement.update", target=current, changes=changes
                )
            if old_document and old_document != current.document.name:
                # The replaced file goes only once the new state is committed.
                transaction.on_commit(lambda: _stored_document_cleanup(old_document))
    except BaseException:
        _stored_document_cleanup(stored)
        raise
    return current


# --- programmes ----------------------------------------------------------------


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A free slug derived from the programme's name: name, name-2, name-3..."""
    max_length = Programme._meta.get_field("slug").max_length or 80
    base = slugify(name)[: max_length - 4].strip("-") or "programme"
    taken = set(
        Programme.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk or 0)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def programme_create(
    *,
    actor: Any,
    name: str,
    lead_organisation: Organisation,
    municipalities: Iterable[Any] = (),
    slug: str = "",
    summary: str = "",
    description: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    status: str = ProgrammeStatus.PLANNED,
    is_public: bool = True,
) -> Programme:
    """Create a programme; its lead organisation is recorded as its lead partner."""
    values: dict[str, Any] = {
        "name": name,
        "slug": slug,
        "summary": summary,
        "description": description,
        "status": status,
    }
    _strip(values)
    with transaction.atomic(), _integrity_as_validation():
        if not values["slug"]:
            values["slug"] = _unique_slug(values["name"])
        programme = Programme(
            lead_organisation=lead_organisation,
            start_date=start_date,
            end_date=end_date,
            is_public=bool(is_public),
            **values,
        )
        _validate(programme)
        programme.save()
        programme.municipalities.set(_unique(municipalities))
        ProgrammePartner.objects.create(
            programme=programme, organisation=lead_organisation, role=PartnerRole.LEAD
        )
        audit_record(
            actor=actor,
            action="programme.create",
            target=programme,
            changes=snapshot(programme, PROGRAMME_FIELDS),
        )
    return programme


def programme_update(*, actor: Any, programme: Programme, **fields: Any) -> Programme:
    """Change a programme; a new lead organisation takes over the lead partner role."""
    _reject_unknown(fields, PROGRAMME_FIELDS)
    municipalities = fields.pop("municipalities", None)
    _strip(fields)
    if "slug" in fields and not fields["slug"]:
        del fields["slug"]  # blank means "keep the current short name"
    with transaction.atomic(), _integrity_as_validation():
        current = Programme.objects.select_for_update().get(pk=programme.pk)
        before = snapshot(current, PROGRAMME_FIELDS)
        old_lead_id = current.lead_organisation_id
        for key, value in fields.items():
            setattr(current, key, value)
        _validate(current)
        current.save()
        if municipalities is not None:
            current.municipalities.set(_unique(municipalities))
        if current.lead_organisation_id != old_lead_id:
            ProgrammePartner.objects.filter(programme=current, role=PartnerRole.LEAD).delete()
            ProgrammePartner.objects.create(
                programme=current,
                organisation_id=current.lead_organisation_id,
                role=PartnerRole.LEAD,
            )
        changes = diff(before, snapshot(current, PROGRAMME_FIELDS))
        if changes:
            audit_record(actor=actor, action="programme.update", target=current, changes=changes)
    return current


def programme_partner_add(
    *,
    actor: Any,
    programme: Programme,
    organisation: Organisation,
    role: str,
    description: str = "",
) -> ProgrammePartner:
    """Record an organisation's role (partner, funder, supporter) in a programme."""
    if role == PartnerRole.LEAD:
        raise ValidationError(
            {"role": _("The lead organisation is chosen on the programme itself.")},
            code="lead_role",
        )
    partner = ProgrammePartner(
        programme=programme, organisation=organisation, role=role, description=description.strip()
    )
    with transaction.atomic(), _integrity_as_validation():
        _validate(partner)
        partner.save()
        audit_record(
            actor=actor,
            action="programme.partner_add",
            target=programme,
            changes={"organisation": organisation.pk, "role": role},
        )
    return partner


def programme_partner_remove(*, actor: Any, partner: ProgrammePartner) -> None:
    """Take an organisation's role in a programme away (never the lead's)."""
    if partner.role == PartnerRole.LEAD:
        raise ValidationError(
            _("The lead organisation can't be removed: choose another lead on the programme."),
            code="lead_role",
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="programme.partner_remove",
            target=partner.programme,
            changes={"organisation": partner.organisation_id, "role": partner.role},
        )
        ProgrammePartner.objects.filter(pk=partner.pk).delete()
