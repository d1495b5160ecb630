"""Keeping stored matches fresh when people or opportunities change.

Each change queues, after the commit and once per transaction and object, the
refresh of the person or opportunity it touches (`services.schedule_*`). A
withdrawn consent to be matched deletes the person's stored matches at once,
in the same transaction. No logic here beyond choosing what to refresh.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete

from lavorete.matching import services

_UID = "lavorete.matching.signals"


def _person_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if instance.anonymised_at is not None:
        services.person_matches_clear(instance.pk)
    services.schedule_person_refresh(instance.pk)


def _profile_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A skill or language of a person: refresh that person.
    if kwargs.get("raw"):
        return
    services.schedule_person_refresh(instance.person_id)


def _consent_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from lavorete.people.models import ConsentPurpose

    if kwargs.get("raw") or instance.purpose != ConsentPurpose.MATCHING:
        return
    withdrawn = kwargs.get("signal") is post_delete or instance.withdrawn_at is not None
    if withdrawn and not services.may_be_matched_id(instance.person_id):
        services.person_matches_clear(instance.person_id)
    services.schedule_person_refresh(instance.person_id)


def _opportunity_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    services.schedule_opportunity_refresh(instance.pk)


def _opportunity_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The people whose lists held it refresh once it is gone.
    for person_id in services.people_listing(instance.pk):
        services.schedule_person_refresh(person_id)


def _requirement_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # A skill or language an opportunity asks for.
    if kwargs.get("raw"):
        return
    services.schedule_opportunity_refresh(instance.opportunity_id)


def connect() -> None:
    """Connect the handlers (from MatchingConfig.ready)."""
    from lavorete.opportunities.models import (
        Opportunity,
        OpportunityLanguage,
        OpportunitySkill,
    )
    from lavorete.people.models import Consent, Person, PersonLanguage, PersonSkill

    post_save.connect(_person_changed, sender=Person, dispatch_uid=f"{_UID}.person")
    for model in (PersonSkill, PersonLanguage):
        for signal in (post_save, post_delete):
            signal.connect(
                _profile_row_changed,
                sender=model,
                dispatch_uid=f"{_UID}.{model.__name__}.{id(signal)}",
            )
    for signal in (post_save, post_delete):
        signal.connect(
            _consent_changed, sender=Consent, dispatch_uid=f"{_UID}.consent.{id(signal)}"
        )
    post_save.connect(_opportunity_changed, sender=Opportunity, dispatch_uid=f"{_UID}.opportunity")
    pre_delete.connect(
        _opportunity_deleted, sender=Opportunity, dispatch_uid=f"{_UID}.opportunity_deleted"
    )
    for requirement in (OpportunitySkill, OpportunityLanguage):
        for signal in (post_save, post_delete):
            signal.connect(
                _requirement_changed,
                sender=requirement,
                dispatch_uid=f"{_UID}.{requirement.__name__}.{id(signal)}",
            )
