"""The inventory of personal data: every personal field, why it is kept and for how long.

Apps register their fields at import time of their models module; export
(Art. 15/20) and erasure (Art. 17) work from this inventory.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent (Art. 6.1.a)")
    CONTRACT = "contract", _("Contract (Art. 6.1.b)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (Art. 6.1.c)")
    PUBLIC_TASK = "public_task", _("Public task (Art. 6.1.e)")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (Art. 6.1.f)")


@dataclass(frozen=True)
class PersonalField:
    model: str
    field: str
    purpose: str | Promise
    legal_basis: str
    retention: str | Promise
    special_category: bool = False


_INVENTORY: dict[tuple[str, str], PersonalField] = {}
# Fields declared to hold no personal data, by model label: with the inventory
# they classify every field of the models that describe people.
_NOT_PERSONAL: dict[str, set[str]] = {}


def register(
    model: type[models.Model],
    fields: list[str],
    *,
    purpose: str | Promise,
    legal_basis: str,
    retention: str | Promise,
    special_category: bool = False,
) -> None:
    """Declare personal fields of `model`; each field must exist."""
    label = model._meta.label_lower
    for name in fields:
        model._meta.get_field(name)  # fails loudly on a typo
        _INVENTORY[(label, name)] = PersonalField(
            label, name, purpose, legal_basis, retention, special_category
        )


def inventory() -> list[PersonalField]:
    """Every registered personal field, sorted by model and field."""
    return [_INVENTORY[k] for k in sorted(_INVENTORY)]


def fields_of(model: type[models.Model]) -> list[str]:
    """The registered personal fields of one model."""
    label = model._meta.label_lower
    return [f for (m, f) in sorted(_INVENTORY) if m == label]


def not_personal(model: type[models.Model], fields: list[str]) -> None:
    """Declare fields of `model` that hold no personal data (keys, states, dates of the
    service, amounts); each field must exist."""
    label = model._meta.label_lower
    for name in fields:
        model._meta.get_field(name)
        _NOT_PERSONAL.setdefault(label, set()).add(name)


def unclassified_fields(model: type[models.Model]) -> list[str]:
    """Concrete fields of `model` neither in the inventory nor declared not personal."""
    label = model._meta.label_lower
    declared = _NOT_PERSONAL.get(label, set())
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and (label, f.name) not in _INVENTORY and f.name not in declared
    ]
