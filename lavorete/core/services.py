"""Writes of the core: accounts and role grants, each audited in its transaction."""

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lavorete.core.audit import audit_record
from lavorete.core.models import RoleAssignment, User
from lavorete.core.permissions import forget_grants
from lavorete.core.roles import ROLE_SCOPES, Role, Scope, ScopeKind
from lavorete.core.scopes import scope_model


def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str = "",
    password: str | None = None,
    email_verified: bool = False,
) -> User:
    """Create an account; with no password it can only be entered through a reset link."""
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")})
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("An account with this e-mail already exists.")})
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
        audit_record(actor=actor, action="user.create", target=user, changes={"email": email})
    return user


def _roles_changed(user: User) -> None:
    """A new version of the user's grants: cached copies of the old one stop being read."""
    user.roles_changed_at = timezone.now()
    User.objects.filter(pk=user.pk).update(roles_changed_at=user.roles_changed_at)


def role_grant(*, actor: Any, user: User, role: str, scope: Scope) -> RoleAssignment:
    """Grant `role` to `user` on `scope`; granting twice is refused."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if scope.kind not in ROLE_SCOPES[role]:
        raise ValidationError({"scope": _("This role can't be granted on this kind of scope.")})
    if scope.kind == ScopeKind.NETWORK:
        if scope.id != 0:
            raise ValidationError({"scope": _("The network scope has no identifier.")})
    else:
        model = scope_model(scope.kind)
        if model is None or not model._default_manager.filter(pk=scope.id).exists():
            raise ValidationError({"scope": _("The chosen scope does not exist.")})
    with transaction.atomic():
        if RoleAssignment.objects.filter(
            user=user, role=role, scope_kind=scope.kind, scope_id=scope.id
        ).exists():
            raise ValidationError(_("This user already holds this role on this scope."))
        assignment = RoleAssignment.objects.create(
            user=user,
            role=role,
            scope_kind=scope.kind,
            scope_id=scope.id,
            granted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="role.grant",
            target=user,
            changes={"role": role, "scope": f"{scope.kind}:{scope.id}"},
        )
        _roles_changed(user)
    forget_grants(user)
    return assignment


def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    """Take a role grant back."""
    with transaction.atomic():
        user = assignment.user
        audit_record(
            actor=actor,
            action="role.revoke",
            target=user,
            changes={
                "role": assignment.role,
                "scope": f"{assignment.scope_kind}:{assignment.scope_id}",
            },
        )
        assignment.delete()
        _roles_changed(user)
    forget_grants(user)


def user_invite(*, actor: Any, email: str, full_name: str = "") -> User:
    """Create an account with no password and e-mail a link to choose one."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse

    from lavorete.core.tasks import send_email

    user = user_create(actor=actor, email=email, full_name=full_name, email_verified=True)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": settings.SITE_URL.rstrip("/") + path,
        "site": settings.SITE_NAME,
    }
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=render_to_string("core/email/invite_subject.txt", context).strip(),
            body=render_to_string("core/email/invite.txt", context),
            to=[user.email],
        )
    )
    return user


def mfa_totp_activate(*, actor: Any, user: User, secret: str) -> None:
    """Give `user` a TOTP authenticator with `secret` (used by the demo and by tests)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    with transaction.atomic():
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, secret)
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
        audit_record(actor=actor, action="user.mfa_activate", target=user)
