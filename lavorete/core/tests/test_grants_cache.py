"""Role grants are cached under a version the user row carries: never stale."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from lavorete.conftest import make_user
from lavorete.core.models import RoleAssignment, User
from lavorete.core.permissions import has_perm
from lavorete.core.roles import NETWORK_SCOPE, Role
from lavorete.core.services import role_grant, role_revoke


def fresh(user: User) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def test_a_revoked_role_stops_at_the_next_request(db):
    user = make_user("ruolo@example.org")
    role_grant(actor=None, user=user, role=Role.COORDINATOR, scope=NETWORK_SCOPE)
    assert has_perm(fresh(user), "core.manage_roles")
    # The next requests read the grants from the cache, without a query.
    again = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert has_perm(again, "core.manage_roles")
    assert len(queries) == 0
    role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=user))
    assert not has_perm(fresh(user), "core.manage_roles")
    role_grant(actor=None, user=user, role=Role.COORDINATOR, scope=NETWORK_SCOPE)
    assert has_perm(fresh(user), "core.manage_roles")
