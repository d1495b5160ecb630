"""Coworking spaces: resources, plans, solidarity tiers, memberships, bookings, check-ins.

A resource is booked through its units: each seat of a hot-desk pool is one
unit, a room, desk, office or machine is a single unit. No two active bookings
of one unit overlap — on PostgreSQL an exclusion constraint says so (see the
migration), on SQLite the booking service checks inside a write-locked
transaction — so a pool can never hold more bookings at once than it has seats.
"""

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lavorete.core.personal_data import LegalBasis, register
from lavorete.core.roles import Scope, ScopeKind
from lavorete.core.timeutils import DEFAULT_TZ
from lavorete.core.validators import validate_document

# --- choices ---------------------------------------------------------------------


class Theme(models.TextChoices):
    GENERAL = "general", _("General")
    GREEN_ECONOMY = "green_economy", _("Green economy")
    DIGITAL = "digital", _("Digital")
    MAKERS = "makers", _("Makers")
    SOCIAL = "social", _("Social innovation")
    CULTURE = "culture", _("Culture and tourism")
    AGRIFOOD = "agrifood", _("Agri-food")


class SpaceStatus(models.TextChoices):
    SETUP = "setup", _("In set-up")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ResourceKind(models.TextChoices):
    HOT_DESK_POOL = "hot_desk_pool", _("Hot-desk pool")
    FIXED_DESK = "fixed_desk", _("Fixed desk")
    MEETING_ROOM = "meeting_room", _("Meeting room")
    PRIVATE_OFFICE = "private_office", _("Private office")
    EQUIPMENT = "equipment", _("Equipment")


class PlanKind(models.TextChoices):
    DAY_PASS = "day_pass", _("Day pass")
    MONTHLY_HOT_DESK = "monthly_hot_desk", _("Monthly hot desk")
    FIXED_DESK = "fixed_desk", _("Fixed desk")
    OFFICE = "office", _("Private office")
    ROOM_HOURS = "room_hours", _("Bundle of meeting-room hours")


class PlanPeriod(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Calendar month")


class EligibleCategory(models.TextChoices):
    NEET = "neet", _("NEET (not in employment, education or training)")
    UNEMPLOYED = "unemployed", _("Unemployed")
    UNDER_30 = "under_30", _("Under 30")
    WOMAN_RETURNING = "woman_returning", _("Woman returning to work")
    OVER_50 = "over_50", _("Over 50 without work")
    STARTUP = "startup", _("Start-up in incubation")
    STUDENT = "student", _("Student")


class CapKind(models.TextChoices):
    NONE = "none", _("No cap")
    SEATS = "seats", _("Seats (people holding the tier at once)")
    HOURS = "hours", _("Subsidised hours")


class GrantStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


class VerificationMethod(models.TextChoices):
    OPERATOR = "operator", _("Confirmed by an operator")
    DOCUMENT = "document", _("Document checked")


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Frequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s."), params={"tz": value})


def validate_photo(upload: object) -> None:
    """Photos: JPEG, PNG or WebP that really are images, within the size limit."""
    from PIL import Image, UnidentifiedImageError

    name = (getattr(upload, "name", "") or "").lower()
    if name.rsplit(".", 1)[-1] not in {"jpg", "jpeg", "png", "webp"}:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="photo_type")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.LAVORETE_MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The image is too large."), code="photo_size")
    try:
        upload.seek(0)  # type: ignore[attr-defined]
        with Image.open(upload) as image:  # type: ignore[arg-type]
            image.verify()
            fmt = image.format
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("The file is not a valid image."), code="photo_content") from exc
    finally:
        upload.seek(0)  # type: ignore[attr-defined]
    if fmt not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="photo_type")


# Fixed addresses under /spazi/ that a space's own address must not shadow.
RESERVED_SLUGS = frozenset({"mie-prenotazioni", "il-mio-piano", "foto"})


def validate_space_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This web address is reserved: choose another."), code="reserved")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_card_code() -> str:
    alphabet = "ACDEFGHJKLMNPQRTUVWXY3479"
    return "".join(secrets.choice(alphabet) for _ in range(8))


# --- spaces and resources --------------------------------------------------------


class Space(models.Model):
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="spaces",
        verbose_name=_("managing organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("web address"), max_length=80, unique=True, validators=[validate_space_slug]
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="spaces",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free access, lifts, accessible toilets, hearing loops, parking…"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TZ, validators=[validate_time_zone]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SpaceStatus.choices, default=SpaceStatus.SETUP
    )
    is_public = models.BooleanField(_("shown on the public site"), default=True)
    closed_on_public_holidays = models.BooleanField(
        _("closed on Italian public holidays"), default=True
    )
    # The occupancy target over time: nothing expected during set-up, a straight
    # ramp to the target, then the target.
    opened_on = models.DateField(_("start of set-up"))
    setup_months = models.PositiveSmallIntegerField(
        _("set-up months"), default=0, validators=[MaxValueValidator(60)]
    )
    rampup_months = models.PositiveSmallIntegerField(
        _("ramp-up months"), default=0, validators=[MaxValueValidator(60)]
    )
    target_occupancy = models.DecimalField(
        _("target occupancy (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    kiosk_token = models.CharField(max_length=64, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_occupancy__gte=0) & Q(target_occupancy__lte=100),
                name="space_target_occupancy_range",
                violation_error_message=_("The target occupancy must be between 0 and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return [
            Scope(ScopeKind.SPACE, self.pk),
            Scope(ScopeKind.ORGANISATION, self.organisation_id),
        ]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def target_on(self, day: dt.date) -> Decimal:
        """The occupancy target (%) on `day`: 0 in set-up, a linear ramp, then the target."""
        whole = (day.year - self.opened_on.year) * 12 + (day.month - self.opened_on.month)
        months = Decimal(whole) + (Decimal(day.day) - Decimal(self.opened_on.day)) / Decimal(31)
        if months < self.setup_months:
            return Decimal("0")
        if self.rampup_months and months < self.setup_months + self.rampup_months:
            share = (Decimal(months) - self.setup_months) / self.rampup_months
            return (self.target_occupancy * share).quantize(Decimal("0.01"))
        return self.target_occupancy


class SpacePhoto(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to="spaces/photos/%Y/", validators=[validate_photo]
    )
    alt_text = models.CharField(
        _("description of the photo"),
        max_length=200,
        help_text=_("What the photo shows, for people who can't see it."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt_text

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()


class OpeningHours(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=WEEKDAYS, validators=[MaxValueValidator(6)]
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="opening_hours_closes_after_opens",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()


class Closure(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="closure_ends_after_start",
                violation_error_message=_("The closure must end on or after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()


class Qualification(models.Model):
    """A training needed to use some equipment (e.g. "Laser cutter safety")."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if it never expires."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="qualification_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()


class Resource(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("Seats of a hot-desk pool; people a room or office holds."),
    )
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("qualification required"),
    )
    hourly_price = models.DecimalField(
        _("price per hour without a plan (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty if the resource can only be used with a plan."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("booking step (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    cancellation_hours = models.PositiveSmallIntegerField(
        _("members can cancel until (hours before)"),
        default=24,
        validators=[MaxValueValidator(24 * 30)],
    )
    is_active = models.BooleanField(_("bookable"), default=True)

    class Meta:
        ordering = ["space", "kind", "name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="resource_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(
                condition=Q(hourly_price__isnull=True) | Q(hourly_price__gte=0),
                name="resource_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()

    @property
    def is_pool(self) -> bool:
        return self.kind == ResourceKind.HOT_DESK_POOL

    @property
    def bookable_units(self) -> int:
        """How many bookings may hold this resource at once."""
        return self.capacity if self.is_pool else 1


class Unit(models.Model):
    """One thing that can be booked once at a time: a seat of a pool, or a whole resource."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="units")
    number = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["resource", "number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="unit_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.resource} #{self.number}"


class QualificationGrant(models.Model):
    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="grants"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications"
    )
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["-granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("granted_on")),
                name="qualification_grant_expiry_after_grant",
                violation_error_message=_("The expiry must be on or after the grant date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualification}: {self.member}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.qualification.lavorete_scopes()

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.revoked_at is None
            and self.granted_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )


# --- plans, tiers and memberships ------------------------------------------------


class Plan(models.Model):
    """What a member buys: which resources, how many hours a period, at which price.

    A plan belongs to a space and is valid there, or in every space of the
    network when `network_wide` is set.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    description = models.TextField(_("description"), blank=True)
    period = models.CharField(_("period"), max_length=10, choices=PlanPeriod.choices)
    price = models.DecimalField(
        _("price per period (EUR)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    covers = models.JSONField(
        _("resource kinds covered"),
        default=list,
        help_text=_("The kinds of resource this plan lets the member book."),
    )
    included_hours = models.DecimalField(
        _("hours included per period"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty for unlimited use within opening hours."),
    )
    network_wide = models.BooleanField(_("valid in every space of the network"), default=False)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["space", "price", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="plan_unique_name"),
            models.CheckConstraint(condition=Q(price__gte=0), name="plan_price_not_negative"),
            models.CheckConstraint(
                condition=Q(included_hours__isnull=True) | Q(included_hours__gte=0),
                name="plan_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()

    def clean(self) -> None:
        valid = set(ResourceKind.values)
        if not isinstance(self.covers, list) or not self.covers:
            raise ValidationError({"covers": _("Choose at least one kind of resource.")})
        if any(kind not in valid for kind in self.covers):
            raise ValidationError({"covers": _("Unknown kind of resource.")})


class SolidarityTier(models.Model):
    """Reduced or free use for people in eligible categories, once verified."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    categories = models.JSONField(
        _("eligible categories"),
        default=list,
        help_text=_("A person must belong to one of these categories."),
    )
    discount_percent = models.PositiveSmallIntegerField(
        _("discount (%)"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("A discount of 100 percent is a free seat."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months) after verification"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    funder_organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_tiers",
        verbose_name=_("paid by (organisation)"),
    )
    funder_programme = models.ForeignKey(
        "network.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_tiers",
        verbose_name=_("paid by (programme)"),
    )
    cap_kind = models.CharField(
        _("cap"), max_length=10, choices=CapKind.choices, default=CapKind.NONE
    )
    cap = models.PositiveIntegerField(
        _("cap value"), null=True, blank=True, help_text=_("Seats or hours, as chosen above.")
    )
    service_hours_per_hour = models.DecimalField(
        _("community-service hours per hour used"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("Hours of community service the member gives back instead of money."),
    )
    is_active = models.BooleanField(_("open to requests"), default=True)

    class Meta:
        ordering = ["space", "name"]
        verbose_name = _("solidarity tier")
        verbose_name_plural = _("solidarity tiers")
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="tier_unique_name"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=1) & Q(discount_percent__lte=100),
                name="tier_discount_range",
            ),
            models.CheckConstraint(
                condition=Q(funder_organisation__isnull=True) | Q(funder_programme__isnull=True),
                name="tier_one_funder",
                violation_error_message=_("Name one funder: an organisation or a programme."),
            ),
            models.CheckConstraint(
                condition=Q(cap_kind="none", cap__isnull=True)
                | (~Q(cap_kind="none") & Q(cap__isnull=False)),
                name="tier_cap_consistent",
                violation_error_message=_("Give a cap value exactly when a cap is chosen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def lavorete_scopes(self) -> Iterable[Scope]:
        scopes = list(self.space.lavorete_scopes())
        if self.funder_programme_id:
            scopes.append(Scope(ScopeKind.PROGRAMME, self.funder_programme_id))
        return scopes

    @property
    def funder(self) -> object | None:
        return self.funder_organisation or self.funder_programme

    def clean(self) -> None:
        valid = set(EligibleCategory.values)
        if not isinstance(self.categories, list) or not self.categories:
            raise ValidationError({"categories": _("Choose at least one eligible category.")})
        if any(c not in valid for c in self.categories):
            raise ValidationError({"categories": _("Unknown category.")})
        if self.cap_kind != CapKind.NONE and not (
            self.funder_organisation_id or self.funder_programme_id
        ):
            raise ValidationError(
                {"cap_kind": _("A cap limits what a funder pays: name the funder.")}
            )


def tier_evidence_path(instance: "TierGrant", filename: str) -> str:
    return f"private/tiers/{instance.tier_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class TierGrant(models.Model):
    """A member's request for a solidarity tier, and its verification."""

    tier = models.ForeignKey(SolidarityTier, on_delete=models.PROTECT, related_name="grants")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tier_grants"
    )
    category = models.CharField(_("category"), max_length=20, choices=EligibleCategory.choices)
    statement = models.TextField(_("what the member declares"), blank=True)
    evidence = models.FileField(
        _("supporting document"),
        upload_to=tier_evidence_path,
        blank=True,
        validators=[validate_document],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.REQUESTED
    )
    method = models.CharField(
        _("verification"), max_length=10, choices=VerificationMethod.choices, blank=True
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("note"), blank=True)
    valid_from = models.DateField(null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(valid_from__isnull=False) & Q(expires_on__isnull=False) & ~Q(method="")),
                name="tier_grant_verified_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier}: {self.member}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.tier.lavorete_scopes()

    def is_valid_on(self, day: dt.date) -> bool:
        return (
            self.status == GrantStatus.VERIFIED
            and self.valid_from is not None
            and self.expires_on is not None
            and self.valid_from <= day <= self.expires_on
        )


class Membership(models.Model):
    """A member's plan over a span of days; a plan change ends one and starts another."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="memberships")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    tier_grant = models.ForeignKey(
        TierGrant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("solidarity tier"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership must end on or after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.member}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.plan.lavorete_scopes()

    def covers_day(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Charge(models.Model):
    """What one membership period costs, and who pays it: the member and a funder."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="charges")
    period_start = models.DateField()
    period_end = models.DateField()
    list_price = models.DecimalField(max_digits=10, decimal_places=2)
    member_amount = models.DecimalField(max_digits=10, decimal_places=2)
    funder_amount = models.DecimalField(max_digits=10, decimal_places=2)
    funder_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    funder_programme = models.ForeignKey(
        "network.Programme", on_delete=models.PROTECT, null=True, related_name="+"
    )
    tier = models.ForeignKey(SolidarityTier, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_amount__gte=0) & Q(funder_amount__gte=0),
                name="charge_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(list_price=models.F("member_amount") + models.F("funder_amount"))
                | Q(tier__isnull=False),
                name="charge_split_adds_up",
            ),
            models.UniqueConstraint(
                fields=["membership", "period_start"], name="charge_one_per_period"
            ),
        ]

    # --- bookings --------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.membership} {self.period_start}"


class BookingSeries(models.Model):
    """A recurring booking: created all at once, or not at all."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="series")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_series"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    first_day = models.DateField()
    last_day = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    exceptions = models.JSONField(default=list, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="series_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.first_day}–{self.last_day}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.resource.lavorete_scopes()


class Booking(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bookings")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="bookings")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # The day in the space's time zone and the length, so occupancy sums in SQL.
    local_date = models.DateField()
    minutes = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.ACTIVE
    )
    series = models.ForeignKey(
        BookingSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="bookings"
    )
    # Who pays for it.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    plan_hours = models.DecimalField(
        _("hours from the plan's allowance"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    list_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    member_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    funder_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    tier = models.ForeignKey(
        SolidarityTier, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    funder_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funder_programme = models.ForeignKey(
        "network.Programme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subsidised_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    service_hours_owed = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["unit", "starts_at"], name="booking_unit_start"),
            models.Index(fields=["space", "local_date"], name="booking_space_day"),
            models.Index(fields=["member", "starts_at"], name="booking_member_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="booking_ends_after_start",
                violation_error_message=_("A booking must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="booking_minutes_positive"),
            models.CheckConstraint(
                condition=Q(list_price__gte=0)
                & Q(member_amount__gte=0)
                & Q(funder_amount__gte=0)
                & Q(list_price=models.F("member_amount") + models.F("funder_amount"))
                | (Q(member_amount__gte=0) & Q(funder_amount__gte=0) & Q(tier__isnull=False)),
                name="booking_payment_split",
            ),
            models.CheckConstraint(
                condition=Q(status="active", cancelled_at__isnull=True)
                | Q(status="cancelled", cancelled_at__isnull=False),
                name="booking_cancellation_consistent",
            ),
            models.UniqueConstraint(
                fields=["member", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="booking_idempotency_key",
            ),
            # PostgreSQL also has "booking_no_overlap", an exclusion constraint
            # on (unit, [starts_at, ends_at)) for active bookings: see 0002.
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


# --- presence and community service ----------------------------------------------


class Member(models.Model):
    """A person's coworking card: the code they type at a space's kiosk."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coworking_card"
    )
    card_code = models.CharField(max_length=12, unique=True, default=new_card_code)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.card_code


class CheckIn(models.Model):
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="checkins")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins",
    )
    guest_name = models.CharField(_("guest's name"), max_length=200, blank=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guest_checkins",
        verbose_name=_("host"),
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    checked_in_at = models.DateTimeField()
    checked_out_at = models.DateTimeField(null=True, blank=True)
    local_date = models.DateField()
    via = models.CharField(max_length=10, default="desk")  # desk, kiosk, member
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-checked_in_at"]
        indexes = [models.Index(fields=["space", "local_date"], name="checkin_space_day")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(guest_name=""))
                | (Q(member__isnull=True) & ~Q(guest_name="") & Q(host__isnull=False)),
                name="checkin_member_or_guest",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="checkin_out_after_in",
            ),
            models.UniqueConstraint(
                fields=["space", "member"],
                condition=Q(checked_out_at__isnull=True, member__isnull=False),
                name="checkin_one_open_per_member",
            ),
        ]

    def __str__(self) -> str:
        return self.guest_name or str(self.member)

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()


class ServiceHours(models.Model):
    """Community-service hours a member gave, against what their tier asks."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_hours"
    )
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="service_hours")
    day = models.DateField(_("day"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    description = models.CharField(_("what was done"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.day} {self.hours}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.space.lavorete_scopes()


class CalendarFeed(models.Model):
    """A secret iCal address for a member's bookings or a resource's; rotatable."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "resource"], name="feed_one_per_owner_resource"
            ),
            models.UniqueConstraint(
                fields=["owner"], condition=Q(resource__isnull=True), name="feed_one_personal"
            ),
        ]

    def __str__(self) -> str:
        return f"feed {self.pk}"


register(
    Booking,
    ["member", "starts_at", "ends_at", "cancel_reason"],
    purpose=_("Booking desks, rooms and equipment in the network's spaces"),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("10 years for the accounting records, then deleted"),
)
register(
    Membership,
    ["member", "plan", "tier_grant"],
    purpose=_("Coworking membership and its payment"),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("10 years for the accounting records, then deleted"),
)
register(
    TierGrant,
    ["member", "category", "statement", "evidence", "decision_note"],
    purpose=_("Checking eligibility for a solidarity tier"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_("Evidence deleted 12 months after the decision; decision kept 10 years"),
)
register(
    CheckIn,
    ["member", "guest_name", "host", "checked_in_at", "checked_out_at"],
    purpose=_("Presence in the space for safety and occupancy"),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    retention=_("24 months"),
)
register(
    QualificationGrant,
    ["member", "granted_on", "expires_on"],
    purpose=_("Safe use of equipment that needs training"),
    legal_basis=LegalBasis.LEGITIMATE_INTEREST,
    retention=_("Until the qualification expires, plus 24 months"),
)
register(
    ServiceHours,
    ["member", "hours", "description"],
    purpose=_("Community-service hours owed and given under a solidarity tier"),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("10 years"),
)
register(
    Member,
    ["card_code"],
    purpose=_("Checking in at the spaces' kiosks"),
    legal_basis=LegalBasis.CONTRACT,
    retention=_("Until the account is deleted"),
)
