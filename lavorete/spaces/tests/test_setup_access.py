"""Set-up pages of a space: who sees them, and ids of another space's objects in the URL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import grant, make_user
from lavorete.core.models import AuditEntry
from lavorete.core.roles import ROLE_PERMISSIONS, Role, ScopeKind
from lavorete.spaces import services
from lavorete.spaces.models import Space

PAGES = [
    "spaces:space_detail",
    "spaces:space_update",
    "spaces:opening_hours",
    "spaces:closure_list",
    "spaces:photo_list",
    "spaces:resource_list",
    "spaces:resource_create",
    "spaces:qualification_list",
    "spaces:plan_list",
    "spaces:plan_create",
    "spaces:tier_list",
    "spaces:tier_create",
    "spaces:kiosk_settings",
]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def other_space(db, other_organisation, municipality):
    """A second space, run by another organisation, with one object of each kind."""
    space = services.space_create(
        actor=None,
        organisation=other_organisation,
        name="Officina Segrate",
        municipality=municipality,
        address="Via Milano 2",
        theme="makers",
        opened_on=dt.date(2025, 6, 1),
    )
    qualification = services.qualification_create(actor=None, space=space, name="3D printer")
    return {
        "space": space,
        "resource": services.resource_create(
            actor=None, space=space, kind="equipment", name="Stampante 3D"
        ),
        "qualification": qualification,
        "plan": services.plan_create(
            actor=None,
            space=space,
            name="Giornaliero",
            kind="day_pass",
            period="day",
            price=Decimal("10"),
            covers=["equipment"],
        ),
        "tier": services.tier_create(
            actor=None, space=space, name="Under 30", categories=["under_30"], discount_percent=50
        ),
        "closure": services.closure_add(
            actor=None,
            space=space,
            starts_on=dt.date(2030, 8, 1),
            ends_on=dt.date(2030, 8, 2),
            reason="Ferie",
        ),
    }


@pytest.fixture
def other_manager(db, other_space):
    user = make_user("gestore.segrate@example.org", "Gino Gestore", mfa=True)
    return grant(user, Role.SPACE_MANAGER, ScopeKind.SPACE, other_space["space"].pk)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["space_manager", "coordinator"])
def test_each_page_works_for_the_space_manager_and_the_coordinator(
    client, request, space, pool, laser, name, persona
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, args=[space.pk]))
    assert response.status_code == 200
    assert b"Cowo Pioltello" in response.content


@pytest.mark.parametrize("name", PAGES)
def test_a_manager_of_another_space_gets_404(client, space, other_manager, name):
    client.force_login(other_manager)
    assert client.get(reverse(name, args=[space.pk])).status_code == 404


def test_a_manager_of_another_space_can_not_post_either(client, space, other_manager):
    client.force_login(other_manager)
    response = client.post(
        reverse("spaces:closure_list", args=[space.pk]),
        {"starts_on": "2030-01-01", "ends_on": "2030-01-02", "reason": "x"},
    )
    assert response.status_code == 404
    assert not space.closures.exists()


def test_the_space_list_shows_only_the_users_spaces(client, space, other_space, other_manager):
    client.force_login(other_manager)
    response = client.get(reverse("spaces:space_list"))
    assert response.status_code == 200
    assert b"Officina Segrate" in response.content
    assert b"Cowo Pioltello" not in response.content
    assert b"Add a space" not in response.content


def test_the_space_list_filters(client, coordinator, space, other_space):
    client.force_login(coordinator)
    url = reverse("spaces:space_list")
    page = client.get(url).content
    assert b"Cowo Pioltello" in page and b"Officina Segrate" in page
    assert b"Add a space" in page
    page = client.get(url, {"theme": "makers"}).content
    assert b"Officina Segrate" in page and b"Cowo Pioltello" not in page
    page = client.get(url, {"status": "active"}).content
    assert b"Cowo Pioltello" in page and b"Officina Segrate" not in page
    page = client.get(url, {"municipality": "piolt"}).content
    assert b"Cowo Pioltello" in page
    page = client.get(url, {"municipality": "Bergamo"}).content
    assert b"Cowo Pioltello" not in page and b"No space matches" in page
    # A bad filter is ignored, not an error.
    assert client.get(url, {"theme": "nonsense", "page": "x"}).status_code in (200, 404)


def test_the_space_list_runs_a_fixed_number_of_queries(
    client, coordinator, space, other_space, django_assert_max_num_queries
):
    client.force_login(coordinator)
    for n in range(5):
        services.space_create(
            actor=None,
            organisation=space.organisation,
            name=f"Spazio {n}",
            municipality=space.municipality,
            address="Via 1",
            theme="social",
            opened_on=dt.date(2026, 1, 1),
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("spaces:space_list")).status_code == 200


@pytest.mark.parametrize(
    ("name", "key", "kwarg"),
    [
        ("spaces:resource_update", "resource", "resource_pk"),
        ("spaces:plan_update", "plan", "plan_pk"),
        ("spaces:tier_update", "tier", "tier_pk"),
        ("spaces:qualification_detail", "qualification", "qualification_pk"),
    ],
)
def test_another_spaces_object_in_the_url_is_404(
    client, coordinator, space, other_space, name, key, kwarg
):
    client.force_login(coordinator)
    url = reverse(name, kwargs={"pk": space.pk, kwarg: other_space[key].pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Preso"}).status_code == 404
    # The same object under its own space is fine.
    own = reverse(name, kwargs={"pk": other_space["space"].pk, kwarg: other_space[key].pk})
    assert client.get(own).status_code == 200


def test_another_spaces_closure_can_not_be_removed_from_this_space(
    client, coordinator, space, other_space
):
    client.force_login(coordinator)
    closure = other_space["closure"]
    url = reverse("spaces:closure_delete", args=[space.pk, closure.pk])
    assert client.post(url).status_code == 404
    assert other_space["space"].closures.filter(pk=closure.pk).exists()


def test_unknown_ids_are_404(client, coordinator, space):
    client.force_login(coordinator)
    assert client.get(reverse("spaces:space_detail", args=[999999])).status_code == 404
    assert client.get(reverse("spaces:resource_update", args=[space.pk, 999999])).status_code == 404


def test_a_read_only_role_sees_but_can_not_change(client, monkeypatch, space, pool, org_rep):
    """A role with spaces.view_space but not manage_space gets the pages, 403 on every write."""
    rep = Role.ORGANISATION_REPRESENTATIVE
    monkeypatch.setitem(ROLE_PERMISSIONS, rep, ROLE_PERMISSIONS[rep] | {"spaces.view_space"})
    client.force_login(org_rep)
    detail = client.get(reverse("spaces:space_detail", args=[space.pk]))
    assert detail.status_code == 200
    assert reverse("spaces:space_update", args=[space.pk]).encode() not in detail.content
    closures = client.get(reverse("spaces:closure_list", args=[space.pk]))
    assert closures.status_code == 200
    assert b"Add a closure" not in closures.content
    before = AuditEntry.objects.count()
    for name, data in [
        ("spaces:space_update", {"name": "X"}),
        ("spaces:closure_list", {"starts_on": "2030-01-01", "ends_on": "2030-01-01"}),
        ("spaces:opening_hours", {}),
        ("spaces:resource_create", {"name": "X"}),
        ("spaces:kiosk_settings", {}),
    ]:
        assert client.post(reverse(name, args=[space.pk]), data).status_code == 403, name
    assert client.get(reverse("spaces:resource_create", args=[space.pk])).status_code == 403
    assert AuditEntry.objects.count() == before
    assert Space.objects.get(pk=space.pk).name == "Cowo Pioltello"


def _fill(space, first, last):
    """Rows numbered first..last-1 of every list: qualifications with a holder, resources,
    plans, tiers, closures."""
    for i in range(first, last):
        qualification = services.qualification_create(actor=None, space=space, name=f"Corso {i}")
        member = make_user(f"titolare{i}@example.org", f"Titolare {i}")
        services.qualification_grant(actor=None, qualification=qualification, member=member)
        services.resource_create(
            actor=None,
            space=space,
            kind="equipment",
            name=f"Macchina {i}",
            qualification=qualification,
        )
        services.plan_create(
            actor=None,
            space=space,
            name=f"Piano {i}",
            kind="day_pass",
            period="day",
            price=Decimal("5"),
            covers=["equipment"],
        )
        services.tier_create(
            actor=None, space=space, name=f"Fascia {i}", categories=["student"], discount_percent=20
        )
        services.closure_add(
            actor=None,
            space=space,
            starts_on=dt.date(2030, 1, 1 + i),
            ends_on=dt.date(2030, 1, 1 + i),
            reason=f"Chiuso {i}",
        )


@pytest.mark.parametrize(
    "name",
    [
        "spaces:space_detail",
        "spaces:resource_list",
        "spaces:qualification_list",
        "spaces:plan_list",
        "spaces:tier_list",
        "spaces:closure_list",
        "spaces:photo_list",
    ],
)
def test_pages_run_as_many_queries_for_one_row_as_for_five(client, coordinator, space, name):
    client.force_login(coordinator)
    page = reverse(name, args=[space.pk])
    _fill(space, 0, 1)
    client.get(page)
    with CaptureQueriesContext(connection) as one:
        assert client.get(page).status_code == 200
    _fill(space, 1, 5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(page).status_code == 200
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
