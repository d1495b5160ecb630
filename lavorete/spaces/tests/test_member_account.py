"""The member's own pages: bookings and cancelling, plan, tier requests, card and guests."""

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lavorete.conftest import make_user
from lavorete.core.models import AuditEntry
from lavorete.spaces import services
from lavorete.spaces.models import (
    BookingStatus,
    CheckIn,
    GrantStatus,
    Member,
    TierGrant,
)
from lavorete.spaces.tests.test_member_helpers import open_weekday, text


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def member(client, person):
    client.force_login(person)
    return person


def book(member, resource, day, start=9, end=11, **kwargs):
    starts_at, ends_at = services.local_slot(resource.space, day, dt.time(start), dt.time(end))
    return services.booking_create(
        actor=member,
        member=member,
        resource=resource,
        starts_at=starts_at,
        ends_at=ends_at,
        **kwargs,
    )


@pytest.fixture
def tier(space, programme):
    return services.tier_create(
        actor=None,
        space=space,
        name="Giovani NEET",
        categories=["neet", "under_30"],
        discount_percent=100,
        funder_programme=programme,
        service_hours_per_hour=Decimal("1"),
    )


# --- my bookings and cancelling ----------------------------------------------------------


def test_my_bookings_shows_upcoming_and_past_with_price_and_payer(
    client, member, space, pool, room, tier, operator
):
    # Booked back then, for a Monday that is now past.
    past = book(member, room, dt.date(2025, 3, 3), now=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    grant = services.tier_request(member=member, tier=tier, category="neet")
    services.tier_verify(actor=operator, grant=grant, method="operator")
    upcoming = book(member, pool, open_weekday(2))
    page = client.get(reverse("spaces:my_bookings"))
    assert page.status_code == 200
    html = text(page)
    upcoming_part, past_part = html.split("Past and cancelled")
    assert "Open space" in upcoming_part and "Cittadinanza al lavoro: € 5.00" in upcoming_part
    assert reverse("spaces:booking_cancel", args=[upcoming.pk]) in upcoming_part
    assert "Sala Martesana" in past_part and "€ 30.00" in past_part
    assert reverse("spaces:booking_cancel", args=[past.pk]) not in html


def test_a_member_cancels_before_the_deadline(client, member, space, room):
    booking = book(member, room, open_weekday(1))
    url = reverse("spaces:booking_cancel", args=[booking.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "You can cancel this booking until" in text(page)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE  # GET changes nothing
    response = client.post(url, {"reason": "Ill", "confirm": "yes"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Ill"
    assert "This booking is already cancelled." in text(client.get(url))


def test_after_the_deadline_the_service_refuses_and_says_why(client, member, space, room):
    services.resource_update(actor=None, resource=room, cancellation_hours=24 * 30)
    booking = book(member, room, open_weekday(1, weeks_ahead=1))
    url = reverse("spaces:booking_cancel", args=[booking.pk])
    assert "the deadline has passed" in text(client.get(url))
    audits = AuditEntry.objects.count()
    response = client.post(url, {"reason": "", "confirm": "yes"})
    assert response.status_code == 200
    assert (
        "Bookings of Sala Martesana can be cancelled up to 720 hours before the start; "
        "ask the space's staff." in unescape(text(response))
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE
    assert AuditEntry.objects.count() == audits


def test_nobody_else_can_see_or_cancel_a_booking(client, person, space, room):
    booking = book(person, room, open_weekday(1))
    client.force_login(make_user("altra@example.org", "Alba Altra"))
    url = reverse("spaces:booking_cancel", args=[booking.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE


# --- my plan ------------------------------------------------------------------------------


def test_my_plan_shows_memberships_charges_tiers_qualifications_and_hours(
    client, member, space, pool, laser, tier, programme, operator
):
    plan = services.plan_create(
        actor=None,
        space=space,
        name="Postazione mensile",
        kind="monthly_hot_desk",
        period="month",
        price=Decimal("120.00"),
        covers=["hot_desk_pool"],
    )
    grant = services.tier_request(member=member, tier=tier, category="neet")
    services.tier_verify(actor=operator, grant=grant, method="operator")
    grant.refresh_from_db()
    # From the first of next month, inside the tier's validity.
    assert grant.valid_from is not None
    next_month = (grant.valid_from.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    services.membership_start(
        actor=None, member=member, plan=plan, starts_on=next_month, tier_grant=grant
    )
    services.tier_request(
        member=member,
        tier=services.tier_create(
            actor=None,
            space=space,
            name="Donne al lavoro",
            categories=["woman_returning"],
            discount_percent=50,
        ),
        category="woman_returning",
    )
    services.qualification_grant(
        actor=None,
        qualification=laser.qualification,
        member=member,
        granted_on=dt.date(2026, 1, 10),
    )
    book(member, pool, open_weekday(2))  # subsidised: 2 hours of community service owed
    page = client.get(reverse("spaces:my_plan"))
    assert page.status_code == 200
    html = unescape(text(page))
    assert "Postazione mensile · Cowo Pioltello" in html
    assert "with the solidarity tier “Giovani NEET”" in html
    assert "€ 120.00</td> <td>€ 0.00</td> <td>€ 120.00 (Cittadinanza al lavoro)" in html
    assert "Donne al lavoro" in html and "Waiting for verification" in html
    assert "Laser cutter safety" in html and "Jan. 10, 2027" in html
    assert 'Hours owed for subsidised bookings</dt><dd class="col-4">2.00' in html
    card = Member.objects.get(user=member)
    assert card.card_code in html


def test_the_card_code_is_created_once(client, member):
    assert not Member.objects.filter(user=member).exists()
    client.get(reverse("spaces:my_plan"))
    code = Member.objects.get(user=member).card_code
    client.get(reverse("spaces:my_plan"))
    assert Member.objects.get(user=member).card_code == code


# --- tier requests ------------------------------------------------------------------------


def pdf(name="did.pdf", content=b"%PDF-1.4\n% test\n"):
    return SimpleUploadedFile(name, content, "application/pdf")


def test_a_member_requests_a_tier_with_a_document(client, member, space, tier):
    url = reverse("spaces:tier_request", args=[space.slug])
    page = client.get(url, {"tier": tier.pk})
    assert page.status_code == 200
    assert f'<option value="{tier.pk}" selected>' in page.content.decode()
    response = client.post(
        url,
        {
            "tier": tier.pk,
            "category": "neet",
            "statement": "Senza lavoro dal 2025",
            "evidence": pdf(),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("spaces:my_plan")
    grant = TierGrant.objects.get(member=member)
    assert grant.status == GrantStatus.REQUESTED
    assert grant.statement == "Senza lavoro dal 2025"
    assert str(grant.evidence.name).endswith("did.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"category": "neet", "evidence": pdf("virus.pdf", b"MZ\x90\x00")},
            "does not match its type",
        ),
        ({"category": "neet", "evidence": pdf("foto.exe")}, "Unsupported file type"),
        ({"category": "over_50"}, "This tier is not open to that category."),
        ({"category": "astronaut"}, "Select a valid choice"),
    ],
)
def test_a_bad_tier_request_is_refused_and_nothing_is_written(
    client, member, space, tier, data, message
):
    url = reverse("spaces:tier_request", args=[space.slug])
    response = client.post(url, {"tier": tier.pk, **data})
    assert response.status_code == 200
    assert message in unescape(text(response))
    assert not TierGrant.objects.exists()


def test_a_second_request_waiting_for_the_same_tier_is_refused(client, member, space, tier):
    url = reverse("spaces:tier_request", args=[space.slug])
    client.post(url, {"tier": tier.pk, "category": "neet"})
    response = client.post(url, {"tier": tier.pk, "category": "under_30"})
    assert "You already have a request waiting for this tier." in unescape(text(response))
    assert TierGrant.objects.count() == 1


def test_a_tier_of_another_space_cant_be_requested_here(client, member, space, tier, organisation):
    from lavorete.territory.models import Municipality

    elsewhere = services.space_create(
        actor=None,
        organisation=organisation,
        name="Altro spazio",
        municipality=Municipality.objects.get(name="Segrate"),
        address="Via Verdi 2",
        theme="social",
        status="active",
        opened_on=dt.date(2026, 1, 1),
    )
    foreign = services.tier_create(
        actor=None, space=elsewhere, name="Altra", categories=["neet"], discount_percent=50
    )
    response = client.post(
        reverse("spaces:tier_request", args=[space.slug]), {"tier": foreign.pk, "category": "neet"}
    )
    assert "Select a valid choice" in text(response)
    assert not TierGrant.objects.exists()


# --- guests ---------------------------------------------------------------------------------


def test_a_guest_needs_the_host_checked_in(client, member, space):
    url = reverse("spaces:guest_signin")
    response = client.post(url, {"space": space.pk, "guest_name": "Gino Ospite"})
    assert response.status_code == 200
    assert "Check in yourself before signing in a guest." in text(response)
    assert not CheckIn.objects.exists()
    services.checkin_member(actor=None, space=space, member=member)
    response = client.post(url, {"space": space.pk, "guest_name": "Gino Ospite"})
    assert response.status_code == 302
    guest = CheckIn.objects.get(guest_name="Gino Ospite")
    assert guest.host == member and guest.space == space
    assert "You are checked in at Cowo Pioltello" in text(client.get(reverse("spaces:my_plan")))


def test_a_guest_name_is_required(client, member, space):
    services.checkin_member(actor=None, space=space, member=member)
    response = client.post(reverse("spaces:guest_signin"), {"space": space.pk, "guest_name": " "})
    assert "This field is required." in text(response)
    assert CheckIn.objects.count() == 1


# --- query counts ---------------------------------------------------------------------------


def queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_bookings_reads_a_fixed_number_of_queries(
    client, member, space, pool, room, tier, operator
):
    book(member, pool, open_weekday(1))
    book(member, room, dt.date(2025, 3, 3), now=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    url = reverse("spaces:my_bookings")
    queries(client, url)  # warm the caches (session, role grants) first
    few = queries(client, url)
    grant = services.tier_request(member=member, tier=tier, category="neet")
    services.tier_verify(actor=operator, grant=grant, method="operator")
    for weekday in (2, 3, 4):
        book(member, pool, open_weekday(weekday))
        book(
            member,
            room,
            open_weekday(weekday, weeks_ahead=-90),
            now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
    assert queries(client, url) == few


def test_my_plan_reads_a_fixed_number_of_queries(client, member, space, tier):
    def add_plan_and_qualification(n: int) -> None:
        plan = services.plan_create(
            actor=None,
            space=space,
            name=f"Piano {n}",
            kind="day_pass",
            period="day",
            price=Decimal("10.00"),
            covers=["hot_desk_pool"],
        )
        services.membership_start(
            actor=None, member=member, plan=plan, starts_on=dt.date(2026, 1, n + 1)
        )
        course = services.qualification_create(actor=None, space=space, name=f"Corso {n}")
        services.qualification_grant(actor=None, qualification=course, member=member)

    url = reverse("spaces:my_plan")
    add_plan_and_qualification(0)
    services.tier_request(member=member, tier=tier, category="neet")
    queries(client, url)  # the card is made on the first visit
    few = queries(client, url)
    for n in range(1, 4):
        add_plan_and_qualification(n)
        tier_n = services.tier_create(
            actor=None, space=space, name=f"Fascia {n}", categories=["neet"], discount_percent=50
        )
        services.tier_request(member=member, tier=tier_n, category="neet")
    assert queries(client, url) == few
