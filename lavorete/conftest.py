"""Shared fixtures: the territory, and the named personas every test uses.

Personas are built through services, like a coordinator would build them,
never as raw rows. Staff personas get a real TOTP device, so the MFA
requirement is exercised, not switched off.
"""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache
from django.core.management import call_command

from lavorete.core.models import User
from lavorete.core.roles import NETWORK_SCOPE, Role, Scope, ScopeKind
from lavorete.core.services import role_grant, user_create

PASSWORD = "a-long-test-password-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load the real Italian municipalities once per test session."""
    with django_db_blocker.unblock():
        call_command("load_municipalities", verbosity=0)
    yield


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    # Cached values (a space's calendar) must not outlive the test that made them.
    cache.clear()
    # Hashing cost is not under test; a fast hasher keeps persona set-up quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(email: str, full_name: str = "", *, mfa: bool = False) -> User:
    user = user_create(
        actor=None, email=email, full_name=full_name, password=PASSWORD, email_verified=True
    )
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def grant(user: User, role: str, kind: str = ScopeKind.NETWORK, scope_id: int = 0) -> User:
    role_grant(actor=None, user=user, role=role, scope=Scope(kind, scope_id))
    return user


def totp_code(user: User) -> str:
    """The current TOTP code of a persona, as their authenticator app would show it."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def municipality(db: Any) -> Any:
    from lavorete.territory.models import Municipality

    return Municipality.objects.get(name="Pioltello")


@pytest.fixture
def organisation(db: Any, municipality: Any) -> Any:
    from lavorete.network.services import organisation_create

    return organisation_create(
        actor=None,
        name="Cooperativa Sociale Ponte Verde",
        kind="cooperative",
        legal_form="social_cooperative",
        vat_number="12345670157",
        municipality=municipality,
    )


@pytest.fixture
def other_organisation(db: Any, municipality: Any) -> Any:
    from lavorete.network.services import organisation_create

    return organisation_create(
        actor=None,
        name="Officine Segratesi Srl",
        kind="company",
        legal_form="srl",
        vat_number="76543210157",
        municipality=municipality,
    )


@pytest.fixture
def programme(db: Any, organisation: Any, municipality: Any) -> Any:
    from lavorete.network.services import programme_create

    return programme_create(
        actor=None,
        name="Cittadinanza al lavoro",
        lead_organisation=organisation,
        municipalities=[municipality],
    )


@pytest.fixture
def coordinator(db: Any) -> User:
    return grant(
        make_user("coordinatrice@example.org", "Chiara Coordinatrice", mfa=True), Role.COORDINATOR
    )


@pytest.fixture
def org_rep(db: Any, organisation: Any) -> User:
    user = make_user("referente@example.org", "Rita Referente")
    return grant(user, Role.ORGANISATION_REPRESENTATIVE, ScopeKind.ORGANISATION, organisation.pk)


@pytest.fixture
def space_manager(db: Any, organisation: Any) -> User:
    user = make_user("gestore@example.org", "Gianni Gestore", mfa=True)
    return grant(user, Role.SPACE_MANAGER, ScopeKind.ORGANISATION, organisation.pk)


@pytest.fixture
def operator(db: Any, programme: Any) -> User:
    user = make_user("operatrice@example.org", "Olga Operatrice", mfa=True)
    return grant(user, Role.OPERATOR, ScopeKind.PROGRAMME, programme.pk)


@pytest.fixture
def evaluator(db: Any, programme: Any) -> User:
    user = make_user("valutatore@example.org", "Vittorio Valutatore", mfa=True)
    return grant(user, Role.EVALUATOR, ScopeKind.PROGRAMME, programme.pk)


@pytest.fixture
def person(db: Any) -> User:
    return make_user("persona@example.org", "Paola Persona")


@pytest.fixture
def outsider(db: Any, other_organisation: Any) -> User:
    """A representative of another organisation: has a role, but not here."""
    user = make_user("estraneo@example.org", "Ettore Estraneo")
    return grant(
        user, Role.ORGANISATION_REPRESENTATIVE, ScopeKind.ORGANISATION, other_organisation.pk
    )


@pytest.fixture
def network_scope() -> Scope:
    return NETWORK_SCOPE


# --- coworking ---------------------------------------------------------------------


@pytest.fixture
def space(db: Any, organisation: Any, municipality: Any) -> Any:
    """A space open Monday-Friday 8-20 and Saturday 9-13, with a pool, a room and a laser cutter."""
    import datetime as dt

    from lavorete.spaces import services

    space = services.space_create(
        actor=None,
        organisation=organisation,
        name="Cowo Pioltello",
        municipality=municipality,
        address="Via Roma 1",
        theme="digital",
        status="active",
        opened_on=dt.date(2025, 1, 1),
        setup_months=2,
        rampup_months=10,
    )
    rows = [(d, dt.time(8), dt.time(20)) for d in range(5)] + [(5, dt.time(9), dt.time(13))]
    services.opening_hours_set(actor=None, space=space, rows=rows)
    return space


@pytest.fixture
def pool(space: Any) -> Any:
    from decimal import Decimal

    from lavorete.spaces import services

    return services.resource_create(
        actor=None,
        space=space,
        kind="hot_desk_pool",
        name="Open space",
        capacity=3,
        hourly_price=Decimal("2.50"),
    )


@pytest.fixture
def room(space: Any) -> Any:
    from decimal import Decimal

    from lavorete.spaces import services

    return services.resource_create(
        actor=None,
        space=space,
        kind="meeting_room",
        name="Sala Martesana",
        capacity=8,
        hourly_price=Decimal("15.00"),
        cancellation_hours=24,
    )


@pytest.fixture
def laser(space: Any) -> Any:
    from decimal import Decimal

    from lavorete.spaces import services

    qualification = services.qualification_create(
        actor=None, space=space, name="Laser cutter safety", validity_months=12
    )
    return services.resource_create(
        actor=None,
        space=space,
        kind="equipment",
        name="Laser cutter",
        qualification=qualification,
        hourly_price=Decimal("10.00"),
    )


# --- people and pathways -------------------------------------------------------------


@pytest.fixture
def other_programme(db: Any, other_organisation: Any) -> Any:
    """A programme of another organisation, with nothing in common with `programme`."""
    from lavorete.network.services import programme_create

    return programme_create(
        actor=None,
        name="Altro programma",
        slug="altro-programma",
        lead_organisation=other_organisation,
        status="active",
    )


@pytest.fixture
def other_operator(db: Any, other_programme: Any) -> User:
    """An operator of another programme: must never reach `programme`'s people."""
    user = make_user("altro.operatore@example.org", "Oscar Altrove", mfa=True)
    return grant(user, Role.OPERATOR, ScopeKind.PROGRAMME, other_programme.pk)


@pytest.fixture
def special_officer(db: Any, programme: Any) -> User:
    """An operator of `programme` also granted health and disability data."""
    user = make_user("referente.salute@example.org", "Sara Sensibile", mfa=True)
    grant(user, Role.OPERATOR, ScopeKind.PROGRAMME, programme.pk)
    return grant(user, Role.SPECIAL_DATA_OFFICER, ScopeKind.PROGRAMME, programme.pk)


@pytest.fixture
def registered(db: Any, person: User, operator: User, programme: Any, municipality: Any) -> Any:
    """The `person` persona's record, enrolled in `programme` (standard pathway) with
    `operator` as tutor."""
    import datetime as dt

    from lavorete.pathways.services import enrolment_create, pathway_template_default
    from lavorete.people.services import person_create

    pathway_template_default(actor=None, programme=programme)
    record = person_create(
        actor=operator,
        user=person,
        first_name="Paola",
        last_name="Persona",
        email=person.email,
        phone="+39 333 000 0001",
        tax_code="PRSPLA98A41G686Z",
        birth_date=dt.date(1998, 1, 1),
        gender="female",
        residence=municipality,
        employment_status="unemployed",
        employment_status_since=dt.date(2024, 3, 1),
    )
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    return record


@pytest.fixture
def enrolment(registered: Any, programme: Any) -> Any:
    return registered.enrolments.get(programme=programme)


# --- opportunities and matching ------------------------------------------------------

SKILL_URI = "http://data.europa.eu/esco/skill/test-{}"


@pytest.fixture
def esco_skills(db: Any) -> dict[str, Any]:
    """Five ESCO-like skills with Italian and English labels, keyed by a short name."""
    from lavorete.skills.importer import normalise
    from lavorete.skills.models import Label, LabelKind, Skill

    labels = {
        "storytelling": ("raccontare storie di marca", "tell brand stories"),
        "social_media": ("gestire i social media", "manage social media"),
        "web_analytics": ("analisi web", "web analytics"),
        "photography": ("fotografia di prodotto", "product photography"),
        "customer_service": ("assistenza ai clienti", "customer service"),
    }
    made = {}
    for key, (italian, english) in labels.items():
        skill, _created = Skill.objects.get_or_create(
            uri=SKILL_URI.format(key.replace("_", "-")), defaults={"skill_type": "skill"}
        )
        for language, text in (("it", italian), ("en", english)):
            Label.objects.get_or_create(
                skill=skill,
                language=language,
                kind=LabelKind.PREFERRED,
                text=text,
                defaults={"normalised": normalise(text)},
            )
        made[key] = skill
    return made


@pytest.fixture
def opportunity(db: Any, organisation: Any, programme: Any, esco_skills: dict[str, Any]) -> Any:
    """An open internship of `organisation` in Segrate, offered through `programme`:
    four essential skills (one at level 2), one optional, Italian at B1."""
    from lavorete.opportunities.services import opportunity_create, opportunity_publish
    from lavorete.territory.models import Municipality

    made = opportunity_create(
        actor=None,
        organisation=organisation,
        programme=programme,
        kind="internship",
        title="Tirocinio in comunicazione digitale",
        description="Racconto dei negozi del quartiere sui social.",
        municipality=Municipality.objects.get(name="Segrate"),
        contract_type="tirocinio",
        weekly_hours=30,
        positions=1,
        essential=[
            (esco_skills["storytelling"], 1),
            (esco_skills["social_media"], 2),
            (esco_skills["web_analytics"], 1),
            (esco_skills["photography"], 1),
        ],
        optional=[(esco_skills["customer_service"], 1)],
        languages=[("it", "B1")],
    )
    return opportunity_publish(actor=None, opportunity=made)
