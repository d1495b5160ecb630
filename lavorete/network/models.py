"""The partner network: organisations, their contacts, agreements and programmes."""

from collections.abc import Iterable
from datetime import date
from typing import Any

import ateco
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

from lavorete.core.personal_data import LegalBasis, register
from lavorete.core.roles import Scope, ScopeKind
from lavorete.core.validators import validate_document


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company or SME")
    PUBLIC_BODY = "public_body", _("Public body")
    COOPERATIVE = "cooperative", _("Cooperative")
    ASSOCIATION = "association", _("Association")
    FOUNDATION = "foundation", _("Foundation")
    SCHOOL = "school", _("School or university")
    TRAINING_PROVIDER = "training_provider", _("Training provider")
    TRADE_UNION = "trade_union", _("Trade union")
    TRADE_ASSOCIATION = "trade_association", _("Trade association")


class LegalForm(models.TextChoices):
    SRL = "srl", _("Limited liability company (S.r.l.)")
    SRLS = "srls", _("Simplified limited liability company (S.r.l.s.)")
    SPA = "spa", _("Joint-stock company (S.p.A.)")
    SAPA = "sapa", _("Partnership limited by shares (S.a.p.a.)")
    SNC = "snc", _("General partnership (S.n.c.)")
    SAS = "sas", _("Limited partnership (S.a.s.)")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship (ditta individuale)")
    COOPERATIVE = "cooperative", _("Cooperative society")
    SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
    ASSOCIATION = "association", _("Association (recognised or unrecognised)")
    APS = "aps", _("Social promotion association (APS)")
    ODV = "odv", _("Voluntary organisation (ODV)")
    FOUNDATION = "foundation", _("Foundation")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise (impresa sociale)")
    PUBLIC_BODY = "public_body", _("Public body (ente pubblico)")
    CONSORTIUM = "consortium", _("Consortium")
    OTHER = "other", _("Other")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ProgrammeLegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("Public task (Art. 6.1.e)")
    CONSENT = "consent", _("Consent of each participant (Art. 6.1.a)")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead organisation")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Funder")
    SUPPORTER = "supporter", _("Supporter")


# --- Italian identifiers -------------------------------------------------------


def normalise_vat_number(value: str) -> str:
    """A partita IVA without spaces, separators or the "IT" prefix."""
    return iva.compact(value or "") if value else ""


def normalise_tax_code(value: str) -> str:
    """A codice fiscale without spaces or separators, upper case."""
    return codicefiscale.compact(value or "") if value else ""


def validate_vat_number(value: str) -> None:
    """A partita IVA: 11 digits, a valid office code and check digit."""
    if not iva.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid VAT number (partita IVA): it must have 11 digits "
                "and a correct check digit."
            ),
            code="invalid_vat_number",
            params={"value": value},
        )


def validate_tax_code(value: str) -> None:
    """A codice fiscale: 11 digits (as a VAT number) or 16 characters (a person's)."""
    number = normalise_tax_code(value)
    valid = False
    try:
        if len(number) == 11 and number.isdigit():
            valid = bool(iva.validate(number))
        elif len(number) == 16:
            valid = bool(codicefiscale.validate(number))
    except StdnumError:
        valid = False
    if not valid:
        raise ValidationError(
            _(
                "%(value)s is not a valid tax code (codice fiscale): it must be 11 digits "
                "or 16 characters with a correct check character."
            ),
            code="invalid_tax_code",
            params={"value": value},
        )


def current_ateco_edition() -> str:
    """The key of the ATECO edition in force today (ATECO 2025 since 1 January 2025)."""
    return ateco.as_of(timezone.localdate()).key


def normalise_ateco_code(value: str) -> str:
    """An ATECO code in its canonical dotted form ("621000" -> "62.10.00")."""
    if not value:
        return ""
    try:
        return str(ateco.canonicalize("".join(value.split())))
    except (ValueError, KeyError):
        return value.strip()


def ateco_lookup(code: str) -> Any:
    """The ATECO node of `code` in the current edition, or None."""
    if not code:
        return None
    try:
        return ateco.lookup(code, edition=current_ateco_edition())
    except (ValueError, KeyError):
        return None


def validate_ateco_code(value: str) -> None:
    """A numeric ATECO code (division to sub-category) of the current edition."""
    node = ateco_lookup(value)
    if node is None or not node.code[:1].isdigit():
        raise ValidationError(
            _("%(value)s is not an ATECO code of the current edition (%(edition)s)."),
            code="invalid_ateco_code",
            params={"value": value, "edition": ateco.get_edition(current_ateco_edition()).title},
        )


validate_postcode = RegexValidator(
    r"^\d{5}$", _("A postcode (CAP) has five digits."), code="invalid_postcode"
)


# --- Models --------------------------------------------------------------------


class Organisation(models.Model):
    """A partner organisation: company, public body, third-sector body, school, union..."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    tax_code = models.CharField(
        _("tax code (codice fiscale)"),
        max_length=16,
        blank=True,
        validators=[validate_tax_code],
    )
    vat_number = models.CharField(
        _("VAT number (partita IVA)"),
        max_length=11,
        blank=True,
        validators=[validate_vat_number],
    )
    ateco_code = models.CharField(
        _("ATECO code"),
        max_length=8,
        blank=True,
        validators=[validate_ateco_code],
        help_text=_("Main economic activity, ATECO 2025 classification (e.g. 88.99.09)."),
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode (CAP)"), max_length=5, blank=True, validators=[validate_postcode]
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vat_number"],
                condition=~Q(vat_number=""),
                name="network_organisation_vat_number_unique",
                violation_error_code="unique",
                violation_error_message=_("An organisation with this VAT number already exists."),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="network_organisation_tax_code_unique",
                violation_error_code="unique",
                violation_error_message=_("An organisation with this tax code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="network_organisation_valid_kind",
            ),
            models.CheckConstraint(
                condition=Q(legal_form__in=LegalForm.values),
                name="network_organisation_valid_legal_form",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        # The organisation itself, and every programme it leads or takes part
        # in: a programme's operators work with its partner organisations.
        programme_ids = Programme.objects.filter(
            Q(lead_organisation=self) | Q(partners__organisation=self)
        ).values_list("pk", flat=True)
        return [
            Scope(ScopeKind.ORGANISATION, self.pk),
            *(Scope(ScopeKind.PROGRAMME, pk) for pk in set(programme_ids)),
        ]

    @property
    def ateco_description(self) -> str:
        """The official (Italian) title of the ATECO code, or "" when none or unknown."""
        node = ateco_lookup(self.ateco_code)
        return str(node.title) if node is not None else ""


class Contact(models.Model):
    """A person to talk to at a partner organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_primary=True),
                name="network_contact_one_primary_per_organisation",
                violation_error_message=_("An organisation has only one main contact."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.organisation.lavorete_scopes()


class Programme(models.Model):
    """A job-inclusion programme run by a lead organisation with its partners."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_programmes",
        verbose_name=_("lead organisation"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        "territory.Municipality",
        blank=True,
        related_name="programmes",
        verbose_name=_("municipalities"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.PLANNED
    )
    is_public = models.BooleanField(_("shown on the public site"), default=True)
    # Why the programme may process its participants' data (GDPR Art. 6).
    legal_basis = models.CharField(
        _("legal basis for participants' data"),
        max_length=20,
        choices=ProgrammeLegalBasis.choices,
        default=ProgrammeLegalBasis.PUBLIC_TASK,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="network_programme_end_after_start",
                violation_error_code="end_before_start",
                violation_error_message=_("The end date can't be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgrammeStatus.values),
                name="network_programme_valid_status",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [
            Scope(ScopeKind.PROGRAMME, self.pk),
            Scope(ScopeKind.ORGANISATION, self.lead_organisation_id),
        ]


class ProgrammePartner(models.Model):
    """An organisation's role in a programme (the lead is recorded here too)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="partners", verbose_name=_("programme")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programme_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=PartnerRole.choices)
    description = models.TextField(_("contribution"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        ordering = ["programme", "role", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation", "role"],
                name="network_programme_partner_unique_role",
                violation_error_message=_(
                    "This organisation already has this role in the programme."
                ),
            ),
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(role=PartnerRole.LEAD),
                name="network_programme_partner_one_lead",
                violation_error_message=_("A programme has only one lead organisation."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=PartnerRole.values),
                name="network_programme_partner_valid_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.programme}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.programme.lavorete_scopes()


class Agreement(models.Model):
    """A memorandum of understanding (protocollo d'intesa) between partner organisations."""

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("reference code"),
        max_length=60,
        blank=True,
        help_text=_("The registry number or code of the signed document, if any."),
    )
    date_signed = models.DateField(_("date signed"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signatories = models.ManyToManyField(
        Organisation, related_name="agreements", verbose_name=_("signatories")
    )
    scope = models.TextField(_("what it covers"), blank=True)
    programmes = models.ManyToManyField(
        Programme, blank=True, related_name="agreements", verbose_name=_("programmes")
    )
    municipalities = models.ManyToManyField(
        "territory.Municipality",
        blank=True,
        related_name="agreements",
        verbose_name=_("municipalities"),
    )
    document = models.FileField(
        _("signed document"),
        upload_to="agreements/%Y/",
        blank=True,
        max_length=255,
        validators=[validate_document],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-date_signed", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("date_signed")),
                name="network_agreement_valid_until_after_signature",
                violation_error_code="valid_until_before_signature",
                violation_error_message=_("The end of validity must come after the signing date."),
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="network_agreement_reference_unique",
                violation_error_code="unique",
                violation_error_message=_("An agreement with this reference code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.date_signed and self.date_signed > timezone.localdate():
            raise ValidationError(
                {"date_signed": _("The signing date can't be in the future.")},
                code="date_signed_future",
            )

    def lavorete_scopes(self) -> Iterable[Scope]:
        # The network scope is added by has_perm itself; each signatory's
        # representatives may see the agreement they signed.
        return [Scope(ScopeKind.ORGANISATION, org.pk) for org in self.signatories.all()]

    def is_in_force(self, on: date | None = None) -> bool:
        """Signed and not yet expired on `on` (today by default)."""
        day = on or timezone.localdate()
        return self.date_signed <= day and (self.valid_until is None or day <= self.valid_until)


register(
    Contact,
    ["first_name", "last_name", "job_title", "email", "phone", "notes"],
    purpose=_("Managing the partnership with the contact's organisation"),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    retention=_("While the partnership lasts, plus two years"),
)
# A sole proprietorship's tax code is its owner's codice fiscale: personal data.
register(
    Organisation,
    ["tax_code"],
    purpose=_("Identifying the organisation (for a sole proprietorship, its owner)"),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_("While the organisation is part of the network, plus ten years"),
)
