"""People: the registry of the persons the programmes serve.

A person's record holds identity, contacts, education, work situation,
languages, skills, CV and availability. Health and disability data (GDPR
Art. 9) live apart in `SpecialCategoryData`, readable only with the explicit
`people.view_special_category` permission. Which staff see a person follows
from the programmes the person is enrolled in (`lavorete_scopes`).
"""

import secrets
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

from lavorete.core.personal_data import LegalBasis, not_personal, register
from lavorete.core.roles import Scope, ScopeKind
from lavorete.core.validators import validate_document


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    UNDISCLOSED = "undisclosed", _("Prefers not to say")


class IscedLevel(models.TextChoices):
    """ISCED 2011 levels, named as Italian qualifications are known."""

    ISCED_0 = "0", _("ISCED 0 - Early childhood education")
    ISCED_1 = "1", _("ISCED 1 - Primary school (licenza elementare)")
    ISCED_2 = "2", _("ISCED 2 - Lower secondary (licenza media)")
    ISCED_3 = "3", _("ISCED 3 - Upper secondary (diploma, qualifica)")
    ISCED_4 = "4", _("ISCED 4 - Post-secondary non-tertiary (IFTS)")
    ISCED_5 = "5", _("ISCED 5 - Short-cycle tertiary (ITS Academy)")
    ISCED_6 = "6", _("ISCED 6 - Bachelor's degree (laurea triennale)")
    ISCED_7 = "7", _("ISCED 7 - Master's degree (laurea magistrale)")
    ISCED_8 = "8", _("ISCED 8 - Doctorate (dottorato)")


class EmploymentStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed")
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    STUDENT = "student", _("Student")
    INACTIVE = "inactive", _("Inactive (not looking for work)")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Native speaker")


class SkillLevel(models.IntegerChoices):
    BASIC = 1, _("Basic")
    INTERMEDIATE = 2, _("Intermediate")
    ADVANCED = 3, _("Advanced")
    EXPERT = 4, _("Expert")


class SkillEvidence(models.TextChoices):
    SELF_DECLARED = "self_declared", _("Self-declared")
    ASSESSED = "assessed", _("Assessed by an operator")
    CERTIFIED = "certified", _("Certified")


class Category(models.TextChoices):
    """Categories a programme reaches: derived from data, or declared."""

    UNDER_30 = "under_30", _("Under 30")
    OVER_50 = "over_50", _("Over 50")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Long-term unemployed")
    WOMAN = "woman", _("Woman")
    NEET = "neet", _("NEET (not in employment, education or training)")
    RETURNING_MOTHER = "returning_mother", _("Woman returning to work after maternity")
    MIGRANT = "migrant", _("Migrant")
    DISABILITY = "disability", _("Person with disability")


# Categories computed from the record; the others are declared.
DERIVED_CATEGORIES = frozenset(
    {Category.UNDER_30, Category.OVER_50, Category.LONG_TERM_UNEMPLOYED, Category.WOMAN}
)
# Months of unemployment after which a person is long-term unemployed (ISTAT, Eurostat).
LONG_TERM_UNEMPLOYMENT_MONTHS = 12


class ConsentPurpose(models.TextChoices):
    PROGRAMME = "programme", _("Taking part in a programme")
    PROFILE_SHARING = "profile_sharing", _("Sharing my profile with companies")
    MATCHING = "matching", _("Being matched with opportunities")
    NEWSLETTER = "newsletter", _("Receiving the network's newsletter")


def validate_person_tax_code(value: str) -> None:
    """A person's codice fiscale: 16 characters with a correct check character."""
    try:
        codicefiscale.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _(
                "%(value)s is not a valid codice fiscale: a person's has 16 characters "
                "with a correct check character."
            ),
            code="invalid_tax_code",
            params={"value": value},
        ) from exc


def cv_path(instance: "Person", filename: str) -> str:
    # A random folder per upload: the name of one file never reveals another's.
    extension = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"private/cv/{secrets.token_hex(12)}.{extension}"


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


class Person(models.Model):
    """A person a programme serves: identity, situation, availability."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    tax_code = models.CharField(
        _("codice fiscale"),
        max_length=16,
        blank=True,
        validators=[validate_person_tax_code],
        help_text=_("Optional. 16 characters, checked."),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    residence = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("municipality of residence"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    education_level = models.CharField(
        _("education (ISCED level)"), max_length=1, choices=IscedLevel.choices, blank=True
    )
    education_title = models.CharField(_("qualification title"), max_length=200, blank=True)
    employment_status = models.CharField(
        _("employment status"), max_length=16, choices=EmploymentStatus.choices, blank=True
    )
    employment_status_since = models.DateField(_("in this status since"), null=True, blank=True)
    # Declared categories: the person says so, the data can't tell.
    is_neet = models.BooleanField(_("NEET (declared)"), default=False)
    is_returning_mother = models.BooleanField(
        _("returning to work after maternity (declared)"), default=False
    )
    is_migrant = models.BooleanField(_("migrant background (declared)"), default=False)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours available per week"), null=True, blank=True
    )
    mobility_km = models.PositiveSmallIntegerField(_("travels up to (km)"), null=True, blank=True)
    driving_licence = models.BooleanField(_("driving licence"), default=False)
    cv = models.FileField(
        _("CV"), upload_to=cv_path, blank=True, validators=[validate_document], max_length=200
    )
    cv_uploaded_at = models.DateTimeField(_("CV uploaded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by erasure (Art. 17): the record stays for the figures, without values.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="people_person_tax_code_unique",
                violation_error_code="people_person_tax_code_unique",
                violation_error_message=_(
                    "A person with this codice fiscale is already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__lte=168),
                name="people_person_hours_in_week",
                violation_error_code="people_person_hours_in_week",
                violation_error_message=_("A week has 168 hours."),
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | (Q(first_name="") & Q(last_name="") & Q(email="") & Q(tax_code="")),
                name="people_person_anonymised_is_empty",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["email"]),
            # The few anonymised records, which lists and counts leave out.
            models.Index(
                fields=["anonymised_at"],
                condition=Q(anonymised_at__isnull=False),
                name="people_person_anonymised",
            ),
        ]

    def __str__(self) -> str:
        if self.anonymised_at is not None:
            return str(_("Anonymised person %(number)s") % {"number": self.pk})
        return self.full_name or str(_("Person %(number)s") % {"number": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def audit_label(self) -> str:
        """How logs name the person: by number, never by a personal value."""
        return f"person #{self.pk}"

    def lavorete_scopes(self) -> Iterable[Scope]:
        # Staff see a person through the programmes the person is enrolled in,
        # or is being referred to with consent.
        from lavorete.pathways.models import Enrolment, Referral, ReferralStatus

        enrolled = Enrolment.objects.filter(person=self).values_list("programme_id", flat=True)
        referred = Referral.objects.filter(person=self, status=ReferralStatus.PROPOSED).values_list(
            "to_programme_id", flat=True
        )
        return [Scope(ScopeKind.PROGRAMME, pk) for pk in {*enrolled, *referred}]

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - int(before_birthday)

    def categories(self, day: date | None = None, *, disability: bool = False) -> set[str]:
        """The categories the person belongs to on `day`: derived and declared."""
        day = day or timezone.localdate()
        found: set[str] = set()
        age = self.age_on(day)
        if age is not None and age < 30:
            found.add(Category.UNDER_30)
        if age is not None and age >= 50:
            found.add(Category.OVER_50)
        if (
            self.employment_status == EmploymentStatus.UNEMPLOYED
            and self.employment_status_since is not None
            and self.employment_status_since <= months_before(day, LONG_TERM_UNEMPLOYMENT_MONTHS)
        ):
            found.add(Category.LONG_TERM_UNEMPLOYED)
        if self.gender == Gender.FEMALE:
            found.add(Category.WOMAN)
        if self.is_neet:
            found.add(Category.NEET)
        if self.is_returning_mother:
            found.add(Category.RETURNING_MOTHER)
        if self.is_migrant:
            found.add(Category.MIGRANT)
        if disability:
            found.add(Category.DISABILITY)
        return found


class SpecialCategoryData(models.Model):
    """Health and disability data (GDPR Art. 9): apart, behind its own permission."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="special", verbose_name=_("person")
    )
    has_disability = models.BooleanField(_("recognised disability"), default=False)
    disability_percentage = models.PositiveSmallIntegerField(
        _("disability percentage (invalidità civile)"), null=True, blank=True
    )
    protected_category_l68 = models.BooleanField(
        _("enrolled in the protected categories (Law 68/1999)"), default=False
    )
    health_notes = models.TextField(_("health notes relevant to work"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("special-category data")
        verbose_name_plural = _("special-category data")
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_percentage__isnull=True) | Q(disability_percentage__lte=100),
                name="people_special_percentage_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Special-category data of person %(number)s") % {"number": self.person_id})

    def lavorete_scopes(self) -> Iterable[Scope]:
        return self.person.lavorete_scopes()


class PersonLanguage(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="languages", verbose_name=_("person")
    )
    # ISO 639-1 code, e.g. "it", "en", "ar".
    language = models.CharField(_("language"), max_length=8)
    level = models.CharField(_("level (CEFR)"), max_length=6, choices=CefrLevel.choices)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["person", "language"], name="people_language_once"),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.level}"


class PersonSkill(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="skills", verbose_name=_("person")
    )
    skill = models.ForeignKey(
        "skills.Skill", on_delete=models.PROTECT, related_name="holders", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=SkillLevel.choices, default=SkillLevel.INTERMEDIATE
    )
    evidence = models.CharField(
        _("evidence"),
        max_length=16,
        choices=SkillEvidence.choices,
        default=SkillEvidence.SELF_DECLARED,
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("skill of a person")
        verbose_name_plural = _("skills of people")
        ordering = ["-level", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="people_skill_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="people_skill_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} ({self.get_level_display()})"


class Consent(models.Model):
    """A consent given for one purpose, on one version of its text; withdrawable."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="people_consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="people_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.text_version})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- Personal data inventory --------------------------------------------------

register(
    Person,
    [
        "user",
        "first_name",
        "last_name",
        "email",
        "phone",
        "tax_code",
        "birth_date",
        "gender",
        "residence",
        "address",
    ],
    purpose=_("Identifying and contacting the person taking part in a programme"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_(
        "Anonymised after the retention period (5 years by default) from the end of the last pathway"
    ),
)
register(
    Person,
    [
        "education_level",
        "education_title",
        "employment_status",
        "employment_status_since",
        "is_neet",
        "is_returning_mother",
        "is_migrant",
        "hours_per_week",
        "mobility_km",
        "driving_licence",
        "cv",
        "cv_uploaded_at",
    ],
    purpose=_("Guidance, training and job matching in the person's pathway"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_(
        "Anonymised after the retention period (5 years by default) from the end of the last pathway"
    ),
)
register(
    SpecialCategoryData,
    ["has_disability", "disability_percentage", "protected_category_l68", "health_notes"],
    purpose=_("Reasonable accommodation and targeted placement (Law 68/1999)"),
    legal_basis=LegalBasis.CONSENT,
    retention=_("Deleted when the last pathway ends, or earlier on request"),
    special_category=True,
)
register(
    PersonLanguage,
    ["person", "language", "level"],
    purpose=_("Guidance, training and job matching in the person's pathway"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_("With the person's record"),
)
register(
    PersonSkill,
    ["person", "skill", "level", "evidence", "assessed_by"],
    purpose=_("Guidance, training and job matching in the person's pathway"),
    legal_basis=LegalBasis.PUBLIC_TASK,
    retention=_("With the person's record"),
)
register(
    Consent,
    ["person", "purpose", "text_version", "given_at", "withdrawn_at"],
    purpose=_("Proof of the consents given and withdrawn"),
    legal_basis=LegalBasis.LEGAL_OBLIGATION,
    retention=_("With the person's record"),
)
not_personal(Person, ["created_at", "created_by", "updated_at", "anonymised_at"])
not_personal(SpecialCategoryData, ["person", "updated_at", "updated_by"])
not_personal(PersonSkill, ["added_at"])
not_personal(Consent, ["recorded_by"])
