"""Writes of the core: accounts and role grants, each audited in its transaction."""

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
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


def role_grant(*, actor: Any, user: User, role: str, scope: Scope) -> RoleAssignment:
    """Grant `role` to `user` on `scope`; granting twice is refused."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if scope.kind not in ROLE_SCOPES[role]:
        raise ValidationError(
            {"scope": _("This role can't be granted on this kind of scope.")}
        )
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
            changes={"role": assignment.role, "scope": f"{assignment.scope_kind}:{assignment.scope_id}"},
        )
        assignment.delete()
    forget_grants(user)
