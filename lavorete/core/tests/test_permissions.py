import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lavorete.core.permissions import (
    get_object_for_user,
    has_perm,
    has_perm_somewhere,
    scope_access,
)
from lavorete.core.roles import ScopeKind
from lavorete.network.models import Organisation

pytestmark = pytest.mark.django_db


def test_network_role_reaches_every_object(coordinator, organisation, other_organisation):
    assert has_perm(coordinator, "network.manage_organisation", organisation)
    assert has_perm(coordinator, "network.manage_organisation", other_organisation)
    assert scope_access(coordinator, "network.view_organisation").everywhere


def test_scoped_role_reaches_only_its_scope(org_rep, organisation, other_organisation):
    assert has_perm(org_rep, "network.manage_organisation", organisation)
    assert not has_perm(org_rep, "network.manage_organisation", other_organisation)
    assert not has_perm(org_rep, "network.manage_organisation")  # not network-wide
    access = scope_access(org_rep, "network.view_organisation")
    assert not access.everywhere
    assert access.of(ScopeKind.ORGANISATION) == {organisation.pk}


def test_a_role_lends_only_its_own_permissions(space_manager, organisation):
    assert has_perm(space_manager, "network.view_organisation", organisation)
    assert not has_perm(space_manager, "network.manage_organisation", organisation)
    assert has_perm_somewhere(space_manager, "network.view_organisation")
    assert not has_perm_somewhere(space_manager, "core.manage_roles")


def test_anonymous_and_inactive_users_hold_nothing(client, coordinator, organisation):
    from django.contrib.auth.models import AnonymousUser

    assert not has_perm(AnonymousUser(), "network.view_organisation", organisation)
    coordinator.is_active = False
    assert not has_perm(coordinator, "network.view_organisation", organisation)


def test_access_helper_gives_404_outside_scope_and_403_inside_without_right(
    org_rep, space_manager, organisation, other_organisation
):
    qs = Organisation.objects.all()
    view, manage = "network.view_organisation", "network.manage_organisation"
    assert (
        get_object_for_user(org_rep, qs, organisation.pk, view_perm=view, perm=manage)
        == organisation
    )
    with pytest.raises(Http404):
        get_object_for_user(org_rep, qs, other_organisation.pk, view_perm=view, perm=manage)
    with pytest.raises(PermissionDenied):
        get_object_for_user(space_manager, qs, organisation.pk, view_perm=view, perm=manage)
    with pytest.raises(Http404):
        get_object_for_user(org_rep, qs, "not-a-number", view_perm=view)
    with pytest.raises(Http404):
        get_object_for_user(org_rep, qs, 10**9, view_perm=view)
