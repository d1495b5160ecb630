"""Resolve a scope (kind, id) to the object it names, without importing its app."""

from django.apps import apps
from django.db import models

from lavorete.core.roles import SCOPE_MODELS, Scope, ScopeKind


def scope_model(kind: str) -> type[models.Model] | None:
    """The model for a scope kind, or None when its app isn't installed."""
    label = SCOPE_MODELS.get(kind)
    if label is None:
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def available_scope_kinds() -> list[str]:
    """Scope kinds that can be granted on this installation."""
    return [ScopeKind.NETWORK, *[k for k in SCOPE_MODELS if scope_model(k) is not None]]


def scope_object(scope: Scope) -> models.Model | None:
    """The object a scope names, or None for the network or a missing object."""
    model = scope_model(scope.kind)
    if model is None:
        return None
    return model._default_manager.filter(pk=scope.id).first()


def scope_choices() -> list[tuple[str, str]]:
    """Every grantable scope as ("kind:id", label) pairs, for forms."""
    from django.utils.translation import gettext as _

    choices: list[tuple[str, str]] = [(f"{ScopeKind.NETWORK}:0", str(_("Whole network")))]
    for kind in available_scope_kinds():
        model = scope_model(kind)
        if model is None:
            continue
        label = ScopeKind(kind).label
        choices.extend(
            (f"{kind}:{obj.pk}", f"{label}: {obj}") for obj in model._default_manager.all()
        )
    return choices


def scope_objects(scopes: "list[Scope] | set[Scope]") -> dict[Scope, models.Model]:
    """The objects named by many scopes, with one query per scope kind."""
    by_kind: dict[str, set[int]] = {}
    for scope in scopes:
        if scope.kind != ScopeKind.NETWORK:
            by_kind.setdefault(scope.kind, set()).add(scope.id)
    found: dict[Scope, models.Model] = {}
    for kind, ids in by_kind.items():
        model = scope_model(kind)
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            found[Scope(kind, obj.pk)] = obj
    return found
