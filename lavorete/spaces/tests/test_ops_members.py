"""Members of a space: the list, one member's record, community-service hours, memberships."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.core.models import AuditEntry, PersonalDataAccess
from lavorete.spaces import services
from lavorete.spaces.models import Charge, Membership, ServiceHours
from lavorete.spaces.tests.test_ops_common import (
    book,
    form_errors,
    funded_tier,
    monthly_plan,
    other_manager,
    other_space,
    soon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def plan(space):
    return monthly_plan(space)


@pytest.fixture
def membership(plan, person):
    return services.membership_start(
        actor=None, member=person, plan=plan, starts_on=dt.date(2026, 1, 1)
    )


def list_url(space):
    return reverse("spaces:member_list", args=[space.pk])


def detail_url(space, user):
    return reverse("spaces:member_detail", args=[space.pk, user.pk])


# --- the list ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["space_manager", "coordinator"])
def test_staff_see_the_members_with_plan_tier_and_hours(
    request, client, who, space, membership, programme, person, room
):
    tier = funded_tier(space, programme)
    services.tier_request(member=person, tier=tier, category="neet")
    booker = make_user("prenota@example.org", "Bruno Prenota")
    book(room, booker)
    stranger = make_user("altrove@example.org", "Ugo Altrove")
    client.force_login(request.getfixturevalue(who))
    response = client.get(list_url(space))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Paola Persona" in html and "Bruno Prenota" in html
    assert stranger.full_name not in html
    assert "Postazione mensile" in html and "Giovani NEET" in html
    rows = {row.member.pk: row for row in response.context["rows"]}
    assert rows[person.pk].memberships == [membership]
    assert [g.tier for g in rows[person.pk].tier_grants] == [tier]


def test_search_and_plan_filter(client, space_manager, space, membership, plan, room):
    other_plan = monthly_plan(space, name="Scrivania fissa", price="200.00")
    booker = make_user("prenota@example.org", "Bruno Prenota")
    services.membership_start(
        actor=None, member=booker, plan=other_plan, starts_on=dt.date(2026, 1, 1)
    )
    client.force_login(space_manager)

    def names(**query):
        response = client.get(list_url(space), query)
        assert response.status_code == 200
        return {row.member.full_name for row in response.context["rows"]}

    assert names() == {"Paola Persona", "Bruno Prenota"}
    assert names(q="prenota@") == {"Bruno Prenota"}
    assert names(q="paola") == {"Paola Persona"}
    assert names(plan=str(plan.pk)) == {"Paola Persona"}
    assert names(plan=str(other_plan.pk)) == {"Bruno Prenota"}
    # A plan of another space, or garbage, is ignored, never a 500.
    assert names(plan="999999999999999999999") == {"Paola Persona", "Bruno Prenota"}
    assert names(q="x" * 500) == {"Paola Persona", "Bruno Prenota"}


def test_hours_balance_is_the_services_balance(
    client, space_manager, space, programme, person, pool
):
    tier = services.tier_create(
        actor=None,
        space=space,
        name="Ore in cambio",
        categories=["unemployed"],
        discount_percent=100,
        service_hours_per_hour=Decimal("0.5"),
    )
    grant = services.tier_request(member=person, tier=tier, category="unemployed")
    services.tier_verify(actor=space_manager, grant=grant, method="operator")
    book(pool, person, day=soon(), start=9, end=13)
    services.service_hours_record(
        actor=space_manager,
        member=person,
        space=space,
        day=dt.date(2026, 1, 10),
        hours=Decimal("0.5"),
        description="Riordino biblioteca",
    )
    client.force_login(space_manager)
    row = client.get(list_url(space)).context["rows"][0]
    expected = services.service_hours_balance(person, space)
    assert (row.hours_owed, row.hours_given, row.hours_balance) == (
        expected["owed"],
        expected["given"],
        expected["balance"],
    )
    assert row.hours_balance == Decimal("1.5")


def test_the_list_logs_each_member_shown(client, space_manager, space, membership, person):
    client.force_login(space_manager)
    client.get(list_url(space))
    access = PersonalDataAccess.objects.get()
    assert (access.actor, access.subject_type, access.subject_id) == (
        space_manager,
        "core.user",
        str(person.pk),
    )


def test_the_list_runs_the_same_queries_for_one_or_many_members(client, space_manager, space, plan):
    services.membership_start(
        actor=None,
        member=make_user("uno@example.org", "Uno"),
        plan=plan,
        starts_on=dt.date(2026, 1, 1),
    )
    client.force_login(space_manager)
    client.get(list_url(space))  # warm the caches (session, role grants) first
    with CaptureQueriesContext(connection) as one:
        client.get(list_url(space))
    for n in range(6):
        services.membership_start(
            actor=None,
            member=make_user(f"m{n}@example.org", f"Membro {n}"),
            plan=plan,
            starts_on=dt.date(2026, 1, 1),
        )
    with CaptureQueriesContext(connection) as seven:
        client.get(list_url(space))
    # Each member shown adds one access-log insert, nothing else.
    assert len(seven) - len(one) == 6


def test_a_manager_of_another_space_gets_404(
    client, space, membership, person, other_organisation, municipality
):
    client.force_login(other_manager(other_organisation))
    assert client.get(list_url(space)).status_code == 404
    assert client.get(detail_url(space, person)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_an_operator_gets_403(client, operator, space, membership, person):
    client.force_login(operator)
    assert client.get(list_url(space)).status_code == 403
    assert client.get(detail_url(space, person)).status_code == 403


# --- one member ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["space_manager", "coordinator"])
def test_the_record_shows_charges_tiers_bookings_and_is_logged(
    request, client, who, space, membership, person, room, programme
):
    tier = funded_tier(space, programme)
    services.tier_request(member=person, tier=tier, category="neet")
    book(room, person)
    services.checkin_member(actor=None, space=space, member=person)
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(detail_url(space, person))
    assert response.status_code == 200
    html = response.content.decode()
    charge = Charge.objects.get(membership=membership)
    assert f"{charge.list_price} €" in html
    assert "Giovani NEET" in html and "Sala Martesana" in html
    assert "in the space now" in html
    record = response.context["record"]
    assert list(record.memberships) == [membership]
    assert PersonalDataAccess.objects.filter(
        actor=user, subject_type="core.user", subject_id=str(person.pk)
    ).exists()


def test_someone_with_nothing_to_do_with_the_space_is_404(client, space_manager, space):
    stranger = make_user("altrove@example.org", "Ugo Altrove")
    client.force_login(space_manager)
    assert client.get(detail_url(space, stranger)).status_code == 404
    url = reverse("spaces:service_hours_record", args=[space.pk, stranger.pk])
    assert client.get(url).status_code == 404


def test_a_member_of_another_space_is_404_here(
    client, space_manager, space, person, other_organisation, municipality
):
    elsewhere = other_space(other_organisation, municipality)
    services.membership_start(
        actor=None, member=person, plan=monthly_plan(elsewhere), starts_on=dt.date(2026, 1, 1)
    )
    client.force_login(space_manager)
    assert client.get(detail_url(space, person)).status_code == 404


def test_recording_service_hours(client, space_manager, space, membership, person):
    url = reverse("spaces:service_hours_record", args=[space.pk, person.pk])
    client.force_login(space_manager)
    data = {"day": "2026-01-10", "hours": "2.5", "description": "Accoglienza nuovi membri"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(space, person)
    entry = ServiceHours.objects.get()
    assert (entry.member, entry.hours, entry.recorded_by) == (person, Decimal("2.5"), space_manager)
    # Future days and silly amounts are refused with a message.
    response = client.post(url, {**data, "day": "2099-01-01"})
    assert response.status_code == 200
    assert "only once given" in form_errors(response)
    assert client.post(url, {**data, "hours": "30"}).status_code == 200
    assert ServiceHours.objects.count() == 1


def test_a_get_writes_nothing(client, space_manager, space, membership, person):
    client.force_login(space_manager)
    before = (Membership.objects.count(), ServiceHours.objects.count())
    for name, kwargs in [
        ("spaces:service_hours_record", [space.pk, person.pk]),
        ("spaces:membership_start", [space.pk]),
        ("spaces:membership_change", [space.pk, membership.pk]),
        ("spaces:membership_end", [space.pk, membership.pk]),
    ]:
        assert client.get(reverse(name, args=kwargs)).status_code == 200
    assert (Membership.objects.count(), ServiceHours.objects.count()) == before
    assert not AuditEntry.objects.filter(actor=space_manager).exists()


# --- memberships ---------------------------------------------------------------------


def test_starting_a_membership_by_email(client, space_manager, space, plan):
    member = make_user("nuova@example.org", "Nadia Nuova")
    url = reverse("spaces:membership_start", args=[space.pk])
    client.force_login(space_manager)
    response = client.post(
        url, {"member": "NUOVA@example.org", "plan": plan.pk, "starts_on": "2026-03-16"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(member=member)
    assert (membership.plan, membership.starts_on) == (plan, dt.date(2026, 3, 16))
    assert response["Location"] == detail_url(space, member)
    # Half of March, pro rata: 16 of 31 days.
    assert Charge.objects.get(membership=membership).list_price == Decimal("61.94")


def test_an_unknown_email_is_explained(client, space_manager, space, plan):
    client.force_login(space_manager)
    response = client.post(
        reverse("spaces:membership_start", args=[space.pk]),
        {"member": "nessuno@example.org", "plan": plan.pk, "starts_on": "2026-03-16"},
    )
    assert response.status_code == 200
    assert "No account has the e-mail address" in form_errors(response)
    assert not Membership.objects.exists()


def test_the_plan_must_be_of_this_space(
    client, space_manager, space, person, other_organisation, municipality
):
    foreign_plan = monthly_plan(other_space(other_organisation, municipality))
    client.force_login(space_manager)
    response = client.post(
        reverse("spaces:membership_start", args=[space.pk]),
        {"member": person.email, "plan": foreign_plan.pk, "starts_on": "2026-03-16"},
    )
    assert response.status_code == 200
    assert "plan" in response.context["form"].errors
    assert not Membership.objects.exists()


def test_a_membership_with_the_members_verified_tier(
    client, space_manager, space, plan, person, programme
):
    tier = funded_tier(space, programme)
    grant = services.tier_request(member=person, tier=tier, category="neet")
    grant = services.tier_verify(actor=space_manager, grant=grant, method="operator")
    someone = make_user("altra@example.org", "Alba Altra")
    url = reverse("spaces:membership_start", args=[space.pk])
    client.force_login(space_manager)
    # Opened from the member's record, the page offers only their tiers.
    page = client.get(url, {"member": person.email})
    assert list(page.context["form"].fields["tier_grant"].queryset) == [grant]
    # Someone else's tier is refused.
    assert grant.valid_from is not None
    start = grant.valid_from.isoformat()
    response = client.post(
        url, {"member": someone.email, "plan": plan.pk, "starts_on": start, "tier_grant": grant.pk}
    )
    assert response.status_code == 200
    assert "belongs to someone else" in form_errors(response)
    response = client.post(
        url, {"member": person.email, "plan": plan.pk, "starts_on": start, "tier_grant": grant.pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert membership.tier_grant == grant
    charge = Charge.objects.get(membership=membership)
    assert charge.member_amount == Decimal("0.00")
    assert charge.funder_amount == charge.list_price


def test_changing_plan_states_the_rule_and_prorates(
    client, space_manager, space, membership, person
):
    bigger = monthly_plan(space, name="Scrivania fissa", price="200.00")
    url = reverse("spaces:membership_change", args=[space.pk, membership.pk])
    client.force_login(space_manager)
    page = client.get(url).content.decode()
    assert "pro rata" in page and "the day before the change" in page
    response = client.post(url, {"plan": bigger.pk, "on_day": "2026-02-15"})
    assert response.status_code == 302
    old = Membership.objects.get(pk=membership.pk)
    new = Membership.objects.get(plan=bigger)
    assert old.ends_on == dt.date(2026, 2, 14)
    assert new.starts_on == dt.date(2026, 2, 15)
    # February 2026 has 28 days: 14 on each plan.
    assert Charge.objects.get(membership=old, period_start=dt.date(2026, 2, 1)).list_price == (
        Decimal("60.00")
    )
    assert Charge.objects.get(membership=new).list_price == Decimal("100.00")


def test_a_change_refused_by_the_rules_is_explained(
    client, space_manager, space, membership, person
):
    bigger = monthly_plan(space, name="Scrivania fissa", price="200.00")
    client.force_login(space_manager)
    response = client.post(
        reverse("spaces:membership_change", args=[space.pk, membership.pk]),
        {"plan": bigger.pk, "on_day": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "only after the membership has started" in form_errors(response)
    assert Membership.objects.count() == 1


def test_ending_a_membership(client, space_manager, space, membership):
    url = reverse("spaces:membership_end", args=[space.pk, membership.pk])
    client.force_login(space_manager)
    response = client.post(url, {"last_day": "2025-12-01"})
    assert response.status_code == 200
    assert "can't end before it starts" in form_errors(response)
    assert client.post(url, {"last_day": "2026-01-10"}).status_code == 302
    assert Membership.objects.get().ends_on == dt.date(2026, 1, 10)


def test_a_membership_of_another_space_is_404(
    client, space_manager, space, person, other_organisation, municipality
):
    elsewhere = services.membership_start(
        actor=None,
        member=person,
        plan=monthly_plan(other_space(other_organisation, municipality)),
        starts_on=dt.date(2026, 1, 1),
    )
    client.force_login(space_manager)
    for name in ("spaces:membership_change", "spaces:membership_end"):
        assert client.get(reverse(name, args=[space.pk, elsewhere.pk])).status_code == 404
        response = client.post(reverse(name, args=[space.pk, elsewhere.pk]), {})
        assert response.status_code == 404
