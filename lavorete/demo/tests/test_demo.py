import pytest
from allauth.mfa.models import Authenticator
from django.conf import global_settings
from django.core.management import call_command

from lavorete.core.models import AuditEntry, RoleAssignment, User
from lavorete.demo.personas import PERSONAS
from lavorete.network.models import Agreement, Organisation, Programme, ProgrammePartner
from lavorete.territory.models import District

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            RoleAssignment,
            Organisation,
            Programme,
            ProgrammePartner,
            Agreement,
            District,
        )
    }


def test_the_demo_builds_the_territory_of_the_seeds_and_is_idempotent(demo):
    first = counts()
    assert first["Programme"] == 5
    assert User.objects.filter(email__in=[p.email for p in PERSONAS]).count() == len(PERSONAS)
    assert District.objects.get(slug="distretto-3-est-milano").municipalities.count() == 4
    assert (
        Programme.objects.get(slug="cittadinanza-al-lavoro").partners.filter(role="funder").exists()
    )
    audit_before = AuditEntry.objects.count()

    call_command("demo", verbosity=0)
    assert counts() == first
    assert AuditEntry.objects.count() == audit_before


def test_every_persona_can_log_in_and_staff_have_a_second_factor(demo, settings):
    # The module's demo was hashed with the real hashers, before the tests' fast one was set.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    for persona in PERSONAS:
        user = User.objects.get(email=persona.email)
        assert user.check_password("lavorete-demo-2026")
        has_totp = Authenticator.objects.filter(user=user, type="totp").exists()
        assert has_totp == persona.staff, persona.key


def test_demo_logins_prints_one_line_per_persona(demo, capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    for persona in PERSONAS:
        assert persona.email in out
    assert "TOTP secret" in out
