"""Reads of the core, filtered by what the user may see."""

from typing import Any

from django.db.models import Q, QuerySet

from lavorete.core.models import AuditEntry, PersonalDataAccess, RoleAssignment
from lavorete.core.permissions import has_perm


def role_assignment_list(user: Any) -> QuerySet[RoleAssignment]:
    """Every role grant, for those who manage roles; nothing for others."""
    if not has_perm(user, "core.manage_roles"):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.select_related("user", "granted_by").order_by(
        "user__email", "role"
    )


def audit_entry_list(user: Any, *, query: str = "") -> QuerySet[AuditEntry]:
    """The audit log, network-wide auditors only."""
    if not has_perm(user, "core.view_audit"):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    if query:
        entries = entries.filter(
            Q(action__icontains=query)
            | Q(actor_label__icontains=query)
            | Q(target_label__icontains=query)
        )
    return entries


def access_log_list(user: Any, *, query: str = "") -> QuerySet[PersonalDataAccess]:
    """The log of reads of personal data, network-wide auditors only."""
    if not has_perm(user, "core.view_audit"):
        return PersonalDataAccess.objects.none()
    entries = PersonalDataAccess.objects.all()
    if query:
        entries = entries.filter(
            Q(actor_label__icontains=query) | Q(subject_label__icontains=query)
        )
    return entries
