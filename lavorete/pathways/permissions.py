"""Access helpers for pathways: 404 outside the programme's scope, 403 inside it without the right.

An enrolment, a follow-up, a service or a referral is reached through the
programme(s) it belongs to; a person's own goal only by that person.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from lavorete.core.permissions import get_object_for_user, scope_access
from lavorete.core.roles import ScopeKind
from lavorete.network.models import Programme
from lavorete.pathways.models import Enrolment, FollowUp, Goal, Referral, ServiceDelivery, Stage


def programme_ids_for(user: Any, perm: str) -> frozenset[int] | None:
    """The programmes where `user` holds `perm` (None: all of them)."""
    access = scope_access(user, perm)
    if access.everywhere:
        return None
    return access.of(ScopeKind.PROGRAMME)


def programmes_for(user: Any, perm: str) -> Any:
    """The programmes where `user` holds `perm`, as a queryset."""
    ids = programme_ids_for(user, perm)
    programmes = Programme.objects.all()
    return programmes if ids is None else programmes.filter(pk__in=ids)


def get_enrolment_for_user(user: Any, pk: Any, perm: str | None = None) -> Enrolment:
    """The enrolment, or 404 outside its programme, or 403 without `perm` there."""
    return get_object_for_user(
        user,
        Enrolment.objects.select_related("person", "programme", "stage", "tutor"),
        pk,
        view_perm="pathways.view_enrolment",
        perm=perm,
    )


def get_programme_for_setup(user: Any, pk: Any) -> Programme:
    """A programme whose pathway the user designs (404 outside scope, 403 without the right)."""
    return get_object_for_user(
        user,
        Programme.objects.all(),
        pk,
        view_perm="network.view_programme",
        perm="pathways.manage_pathway",
    )


def get_stage_for_setup(user: Any, programme: Programme, pk: Any) -> Stage:
    """A stage of a programme the user may design (404 when it belongs elsewhere)."""
    try:
        return Stage.objects.get(pk=pk, programme=programme)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_follow_up_for_user(user: Any, pk: Any) -> FollowUp:
    """A follow-up of an outcome in the user's programmes, to answer it."""
    return get_object_for_user(
        user,
        FollowUp.objects.select_related(
            "outcome__enrolment__person", "outcome__enrolment__programme"
        ),
        pk,
        view_perm="pathways.view_enrolment",
        perm="pathways.record_outcome",
    )


def get_delivery_for_user(user: Any, pk: Any) -> ServiceDelivery:
    """A service delivered in one of the user's programmes, to record its attendance."""
    return get_object_for_user(
        user,
        ServiceDelivery.objects.select_related("programme"),
        pk,
        view_perm="pathways.view_enrolment",
        perm="pathways.record_service",
    )


def get_referral_for_user(user: Any, pk: Any) -> Referral:
    """A referral seen from either end: the sending or the receiving programme."""
    return get_object_for_user(
        user,
        Referral.objects.select_related(
            "person", "from_enrolment__programme", "to_programme", "to_organisation"
        ),
        pk,
        view_perm="pathways.view_enrolment",
    )


def get_own_goal(user: Any, pk: Any) -> Goal:
    """A goal of the logged-in person's own plan; anybody else's is 404."""
    try:
        return Goal.objects.select_related("enrolment__programme").get(
            pk=pk, enrolment__person__user=user, enrolment__person__anonymised_at__isnull=True
        )
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
