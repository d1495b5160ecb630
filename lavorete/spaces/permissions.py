"""Objects of the coworking network as a user may reach them: 404 outside scope, 403 read-only."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lavorete.core.permissions import get_object_for_user, has_perm
from lavorete.spaces.models import (
    Booking,
    CheckIn,
    Plan,
    Qualification,
    Resource,
    SolidarityTier,
    Space,
    TierGrant,
)


def get_space_for_user(
    user: Any, pk: Any, perm: str = "spaces.view_space", view_perm: str = "spaces.view_space"
) -> Space:
    return get_object_for_user(
        user,
        Space.objects.select_related("organisation", "municipality"),
        pk,
        view_perm=view_perm,
        perm=perm,
    )


def get_resource_for_user(user: Any, pk: Any, perm: str = "spaces.view_space") -> Resource:
    return get_object_for_user(
        user, Resource.objects.select_related("space"), pk, view_perm="spaces.view_space", perm=perm
    )


def get_plan_for_user(user: Any, pk: Any, perm: str = "spaces.view_space") -> Plan:
    return get_object_for_user(
        user, Plan.objects.select_related("space"), pk, view_perm="spaces.view_space", perm=perm
    )


def get_tier_for_user(user: Any, pk: Any, perm: str = "spaces.view_space") -> SolidarityTier:
    return get_object_for_user(
        user,
        SolidarityTier.objects.select_related("space"),
        pk,
        view_perm="spaces.view_space",
        perm=perm,
    )


def get_qualification_for_user(
    user: Any, pk: Any, perm: str = "spaces.view_space"
) -> Qualification:
    return get_object_for_user(
        user,
        Qualification.objects.select_related("space"),
        pk,
        view_perm="spaces.view_space",
        perm=perm,
    )


def get_tier_grant_for_user(user: Any, pk: Any, perm: str = "spaces.verify_tier") -> TierGrant:
    """A tier request, for those who verify it (space staff, or the funding programme's operators)."""
    return get_object_for_user(
        user,
        TierGrant.objects.select_related("tier__space", "member"),
        pk,
        view_perm="spaces.verify_tier",
        perm=perm,
    )


def get_booking_for_manager(user: Any, pk: Any, perm: str = "spaces.view_members") -> Booking:
    return get_object_for_user(
        user,
        Booking.objects.select_related("space", "resource", "member"),
        pk,
        view_perm="spaces.view_members",
        perm=perm,
    )


def get_checkin_for_user(user: Any, pk: Any) -> CheckIn:
    return get_object_for_user(
        user,
        CheckIn.objects.select_related("space"),
        pk,
        view_perm="spaces.view_members",
        perm="spaces.checkin",
    )


def get_own_booking(user: Any, pk: Any) -> Booking:
    """A member's own booking; anybody else's is 404."""
    try:
        return Booking.objects.select_related("space", "resource").get(pk=pk, member=user)
    except (Booking.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_public_space(slug: str) -> Space:
    """A space on the public site: public and not in set-up-only draft state."""
    try:
        return Space.objects.select_related("organisation", "municipality").get(
            slug=slug, is_public=True
        )
    except Space.DoesNotExist as exc:
        raise Http404 from exc


def require(user: Any, perm: str, obj: Any) -> None:
    if not has_perm(user, perm, obj):
        raise PermissionDenied
