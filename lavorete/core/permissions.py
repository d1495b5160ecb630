"""The one permission primitive: may this user do X here?

Views, API endpoints and selectors all ask `has_perm`. A scoped object says
which scopes contain it through `lavorete_scopes()`; a role granted on any of
those scopes (or on the whole network) lends its permissions to the object.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

from lavorete.core.roles import NETWORK_SCOPE, ROLE_PERMISSIONS, STAFF_ROLES, Scope

_GRANTS_CACHE = "_lavorete_grants"
GRANTS_CACHE_SECONDS = 300


class Scoped(Protocol):
    def lavorete_scopes(self) -> Iterable[Scope]: ...


@dataclass(frozen=True)
class Grant:
    role: str
    scope: Scope


def _grants_key(user: Any) -> str:
    changed = getattr(user, "roles_changed_at", None)
    return f"lavorete:grants:{user.pk}:{changed.timestamp() if changed else 0}"


def grants_for(user: Any) -> frozenset[Grant]:
    """The user's role grants, read once per user object.

    Also kept in the cache under the version the user row carries
    (`roles_changed_at`, moved by every grant and revocation), so a request
    reads them without a query and never sees an outdated set.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _GRANTS_CACHE, None)
    if cached is None:
        key = _grants_key(user)
        rows = cache.get(key)
        if rows is None:
            rows = list(user.role_assignments.values_list("role", "scope_kind", "scope_id"))
            cache.set(key, rows, GRANTS_CACHE_SECONDS)
        cached = frozenset(Grant(role, Scope(kind, scope_id)) for role, kind, scope_id in rows)
        setattr(user, _GRANTS_CACHE, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached grants, after a grant or a revocation."""
    if hasattr(user, _GRANTS_CACHE):
        delattr(user, _GRANTS_CACHE)


def has_perm(user: Any, perm: str, obj: Scoped | None = None) -> bool:
    """May `user` do `perm` on `obj` (or network-wide when obj is None)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    scopes = {NETWORK_SCOPE}
    if obj is not None:
        scopes.update(obj.lavorete_scopes())
    return any(
        g.scope in scopes and perm in ROLE_PERMISSIONS.get(g.role, ()) for g in grants_for(user)
    )


def has_perm_somewhere(user: Any, perm: str) -> bool:
    """Does `user` hold `perm` on at least one scope? Used for menus and list pages."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(perm in ROLE_PERMISSIONS.get(g.role, ()) for g in grants_for(user))


@dataclass(frozen=True)
class ScopeAccess:
    """Where a permission holds: everywhere, or on these ids of each scope kind."""

    everywhere: bool
    ids: dict[str, frozenset[int]]

    def of(self, kind: str) -> frozenset[int]:
        return self.ids.get(kind, frozenset())


def scope_access(user: Any, perm: str) -> ScopeAccess:
    """The scopes on which `user` holds `perm`, for selectors to filter by."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ScopeAccess(False, {})
    if user.is_superuser:
        return ScopeAccess(True, {})
    ids: dict[str, set[int]] = {}
    for g in grants_for(user):
        if perm not in ROLE_PERMISSIONS.get(g.role, ()):
            continue
        if g.scope == NETWORK_SCOPE:
            return ScopeAccess(True, {})
        ids.setdefault(g.scope.kind, set()).add(g.scope.id)
    return ScopeAccess(False, {k: frozenset(v) for k, v in ids.items()})


def is_staff_member(user: Any) -> bool:
    """Does the user hold a role that reaches people's data or money?"""
    return any(g.role in STAFF_ROLES for g in grants_for(user))


def has_any_role(user: Any) -> bool:
    """Does the user hold any role at all (and so see the back office)?"""
    return bool(getattr(user, "is_superuser", False)) or bool(grants_for(user))


M = TypeVar("M", bound=models.Model)


def get_object_for_user(
    user: Any, queryset: models.QuerySet[M], pk: Any, *, view_perm: str, perm: str | None = None
) -> M:
    """The object, or 404 for someone outside its scope, or 403 without `perm` on it."""
    try:
        obj = queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not has_perm(user, view_perm, obj):  # type: ignore[arg-type]
        raise Http404
    if perm is not None and perm != view_perm and not has_perm(user, perm, obj):  # type: ignore[arg-type]
        raise PermissionDenied
    return obj
