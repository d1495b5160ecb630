"""The audit trail of writes and the log of reads of personal data."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from lavorete.core.models import AuditEntry, PersonalDataAccess


def _label(obj: Any, limit: int = 255) -> str:
    # Records about people name them by number (`audit_label`), so the logs
    # never hold a value that erasure would have to find.
    audit_label = getattr(obj, "audit_label", None)
    if callable(audit_label):
        return str(audit_label())[:limit]
    return str(obj)[:limit]


def _actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "system"
    return actor.email


def _jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))
    return result


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, to compare before and after a change."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(
                str(pk) for pk in getattr(instance, name).values_list("pk", flat=True)
            )
        elif isinstance(field, models.ForeignKey):
            values[name] = getattr(instance, field.attname)
        else:
            value = getattr(instance, name)
            values[name] = value.name if isinstance(field, models.FileField) else value
    return _jsonable(values)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def audit_record(
    *, actor: Any, action: str, target: models.Model, changes: Mapping[str, Any] | None = None
) -> AuditEntry:
    """Write one audit entry; call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=_label(target),
        changes=_jsonable(changes or {}),
    )


def log_personal_data_access(
    *,
    actor: Any,
    subject: models.Model,
    fields: Iterable[str],
    purpose: str = "",
    path: str = "",
) -> PersonalDataAccess:
    """Record that `actor` read `fields` of `subject`'s personal data."""
    return PersonalDataAccess.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_actor_label(actor),
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_label=_label(subject),
        fields=sorted(fields),
        purpose=purpose[:255],
        path=path[:500],
    )
