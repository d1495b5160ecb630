from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lavorete.core.roles import Role, Scope, ScopeKind


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The e-mail address is the login; roles come from RoleAssignment."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # is_staff only opens Django's technical admin; back-office access comes from roles.
    is_staff = models.BooleanField(_("technical administrator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # When the user's roles last changed: the version of their cached role grants.
    roles_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email


class RoleAssignment(models.Model):
    """A role granted to a user on one scope; scope_id is 0 for the whole network."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    scope_kind = models.CharField(_("scope"), max_length=16, choices=ScopeKind.choices)
    scope_id = models.PositiveBigIntegerField(_("scope identifier"), default=0)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_kind", "scope_id"], name="core_role_unique_grant"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind=ScopeKind.NETWORK, scope_id=0)
                    | (~models.Q(scope_kind=ScopeKind.NETWORK) & models.Q(scope_id__gt=0))
                ),
                name="core_role_scope_id_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="core_role_valid_role"
            ),
        ]
        indexes = [models.Index(fields=["scope_kind", "scope_id"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.get_scope_kind_display()}"

    @property
    def scope(self) -> Scope:
        return Scope(self.scope_kind, self.scope_id)


class AuditEntry(models.Model):
    """Who did what to which object, written by services in the same transaction."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, db_index=True)
    target_id = models.CharField(_("object identifier"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)


class PersonalDataAccess(models.Model):
    """One read of a person's data: who looked at whose record, which fields and why."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    subject_type = models.CharField(_("record type"), max_length=64)
    subject_id = models.CharField(_("record identifier"), max_length=64)
    subject_label = models.CharField(_("record"), max_length=255, blank=True)
    fields = models.JSONField(_("fields read"), default=list, blank=True)
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.subject_label}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Access log entries are append-only.")
        super().save(*args, **kwargs)
