import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry, RoleAssignment
from lavorete.core.permissions import has_perm
from lavorete.core.roles import NETWORK_SCOPE, Role, Scope, ScopeKind
from lavorete.core.services import role_grant, role_revoke, user_create, user_invite

pytestmark = pytest.mark.django_db


def test_it_grants_and_revokes_a_role_with_audit(coordinator, person, organisation):
    assignment = role_grant(
        actor=coordinator,
        user=person,
        role=Role.ORGANISATION_REPRESENTATIVE,
        scope=Scope(ScopeKind.ORGANISATION, organisation.pk),
    )
    assert has_perm(person, "network.manage_organisation", organisation)
    entry = AuditEntry.objects.filter(action="role.grant", target_id=str(person.pk)).get()
    assert entry.actor == coordinator
    assert entry.changes["scope"] == f"organisation:{organisation.pk}"

    role_revoke(actor=coordinator, assignment=assignment)
    assert not has_perm(person, "network.manage_organisation", organisation)
    assert AuditEntry.objects.filter(action="role.revoke").count() == 1


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("pope", NETWORK_SCOPE),  # unknown role
        (Role.ORGANISATION_REPRESENTATIVE, NETWORK_SCOPE),  # wrong scope kind for the role
        (Role.ORGANISATION_REPRESENTATIVE, Scope(ScopeKind.ORGANISATION, 10**9)),  # missing
        (Role.COORDINATOR, Scope(ScopeKind.NETWORK, 7)),  # network has no id
        (Role.SPACE_MANAGER, Scope(ScopeKind.SPACE, 1)),  # spaces not installed yet
    ],
)
def test_it_refuses_invalid_grants_and_writes_nothing(person, role, scope):
    before = (RoleAssignment.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=person, role=role, scope=scope)
    assert (RoleAssignment.objects.count(), AuditEntry.objects.count()) == before


def test_it_refuses_the_same_grant_twice(coordinator):
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=coordinator, role=Role.COORDINATOR, scope=NETWORK_SCOPE)
    assert RoleAssignment.objects.filter(user=coordinator).count() == 1


def test_it_refuses_a_duplicate_email_whatever_the_case(person):
    with pytest.raises(ValidationError):
        user_create(actor=None, email="PERSONA@Example.org", password="whatever-long-1")


def test_an_invitation_sends_a_link_to_choose_a_password(
    mailoutbox, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = user_invite(actor=coordinator, email="nuova@example.org", full_name="Nadia Nuova")
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nuova@example.org"]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
