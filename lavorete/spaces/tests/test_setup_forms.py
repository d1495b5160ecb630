"""Set-up forms of a space: valid input reaches the services, invalid input shows errors and writes nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from lavorete.conftest import make_user
from lavorete.core.models import AuditEntry
from lavorete.spaces import services
from lavorete.spaces.calendar import is_public_holiday
from lavorete.spaces.models import (
    Closure,
    OpeningHours,
    Plan,
    Qualification,
    QualificationGrant,
    Resource,
    SolidarityTier,
    Space,
    SpacePhoto,
    TierGrant,
)


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def manager_client(client, space_manager):
    client.force_login(space_manager)
    return client


def url(name, space, *args):
    return reverse(name, args=[space.pk, *args])


def errors(response) -> str:
    return response.content.decode()


def png(name="foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


SPACE_DATA = {
    "name": "Cowo Sondrio Verde",
    "slug": "",
    "status": "setup",
    "theme": "green_economy",
    "summary": "Coworking sull'economia verde",
    "description": "",
    "municipality": "Pioltello (MI)",
    "address": "Via Stelvio 3",
    "postcode": "23100",
    "email": "",
    "phone": "",
    "accessibility": "Ingresso senza gradini",
    "time_zone": "Europe/Rome",
    "is_public": "on",
    "closed_on_public_holidays": "on",
    "opened_on": "2026-09-01",
    "setup_months": "2",
    "rampup_months": "10",
    "target_occupancy": "80",
}


# --- spaces ------------------------------------------------------------------------


def test_the_coordinator_creates_a_space(client, coordinator, organisation):
    client.force_login(coordinator)
    page = client.get(reverse("spaces:space_create"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-lv-municipality-search="' in html
    assert "network/municipality.js" in html
    assert '<option value="Europe/Rome" selected>' in html
    response = client.post(
        reverse("spaces:space_create"), {**SPACE_DATA, "organisation": organisation.pk}
    )
    space = Space.objects.get(name="Cowo Sondrio Verde")
    assert response.status_code == 302
    assert response["Location"] == reverse("spaces:space_detail", args=[space.pk])
    assert space.slug == "cowo-sondrio-verde"
    assert space.organisation == organisation
    assert space.municipality.name == "Pioltello"
    assert (space.setup_months, space.rampup_months) == (2, 10)
    assert space.target_occupancy == Decimal("80")
    assert space.target_on(dt.date(2026, 10, 15)) == 0
    assert space.target_on(dt.date(2028, 1, 1)) == Decimal("80")


def test_a_space_manager_can_not_create_spaces(client, space_manager, organisation):
    client.force_login(space_manager)
    assert client.get(reverse("spaces:space_create")).status_code == 403
    response = client.post(
        reverse("spaces:space_create"), {**SPACE_DATA, "organisation": organisation.pk}
    )
    assert response.status_code == 403
    assert not Space.objects.filter(name="Cowo Sondrio Verde").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("municipality", "Atlantide", "no municipality has this name"),
        ("target_occupancy", "150", "less than or equal to 100"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
        ("opened_on", "2026-02-30", "Enter a valid date"),
        ("name", "", "This field is required"),
        ("setup_months", "-1", "greater than or equal to 0"),
    ],
)
def test_invalid_space_input_shows_errors_and_writes_nothing(
    client, coordinator, organisation, field, value, message
):
    client.force_login(coordinator)
    before = AuditEntry.objects.count()
    data = {**SPACE_DATA, "organisation": organisation.pk, field: value}
    response = client.post(reverse("spaces:space_create"), data)
    assert response.status_code == 200
    assert message in errors(response)
    assert not Space.objects.filter(name="Cowo Sondrio Verde").exists()
    assert AuditEntry.objects.count() == before


def test_a_duplicate_web_address_is_refused_on_the_form(client, coordinator, organisation, space):
    client.force_login(coordinator)
    data = {**SPACE_DATA, "organisation": organisation.pk, "slug": space.slug}
    response = client.post(reverse("spaces:space_create"), data)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in errors(response)
    assert Space.objects.filter(slug=space.slug).count() == 1


def test_the_space_manager_edits_the_space_but_not_its_organisation(
    manager_client, space, other_organisation
):
    page = manager_client.get(url("spaces:space_update", space))
    assert 'name="organisation"' not in page.content.decode()
    assert 'value="Pioltello (MI)"' in page.content.decode()
    data = {
        **SPACE_DATA,
        "name": space.name,
        "slug": space.slug,
        "status": "active",
        "target_occupancy": "65.5",
        "organisation": other_organisation.pk,
    }
    response = manager_client.post(url("spaces:space_update", space), data)
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.target_occupancy == Decimal("65.5")
    assert space.theme == "green_economy"
    assert space.organisation.name == "Cooperativa Sociale Ponte Verde"


def test_the_coordinator_can_hand_a_space_to_another_organisation(
    client, coordinator, space, other_organisation
):
    client.force_login(coordinator)
    data = {
        **SPACE_DATA,
        "name": space.name,
        "slug": space.slug,
        "organisation": other_organisation.pk,
    }
    response = client.post(url("spaces:space_update", space), data)
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.organisation == other_organisation


def test_the_dashboard_shows_today_and_the_links(client, coordinator, space, pool, person):
    services.checkin_member(actor=None, space=space, member=person)
    client.force_login(coordinator)
    html = client.get(url("spaces:space_detail", space)).content.decode()
    for name in (
        "resource_list",
        "plan_list",
        "tier_list",
        "qualification_list",
        "opening_hours",
        "closure_list",
        "photo_list",
        "kiosk_settings",
        "member_list",
        "booking_calendar",
        "frontdesk",
        "occupancy",
        "space_update",
    ):
        assert reverse(f"spaces:{name}", args=[space.pk]) in html, name
    assert "people checked in now" in html
    target = space.target_on(services.utc_now().astimezone(space.zone).date())
    assert f"{target:g}%" in html or f"{target.normalize():f}%" in html
    assert "Mon 08:00–20:00" in html or "Monday 08:00–20:00" in html


def test_get_changes_nothing(manager_client, space, pool, laser):
    before = AuditEntry.objects.count()
    token = space.kiosk_token
    for name in ("space_update", "opening_hours", "closure_list", "kiosk_settings"):
        assert manager_client.get(url(f"spaces:{name}", space)).status_code == 200
    assert AuditEntry.objects.count() == before
    assert Space.objects.get(pk=space.pk).kiosk_token == token


# --- opening hours and closures ------------------------------------------------------


def hours_data(**rows):
    data = {}
    for weekday in range(7):
        for index in range(2):
            data[f"d{weekday}_{index}_opens"] = ""
            data[f"d{weekday}_{index}_closes"] = ""
    data.update(rows)
    return data


def test_opening_hours_are_replaced(manager_client, space):
    page = manager_client.get(url("spaces:opening_hours", space)).content.decode()
    assert 'name="d0_0_opens" value="08:00"' in page
    response = manager_client.post(
        url("spaces:opening_hours", space),
        hours_data(
            d0_0_opens="09:00", d0_0_closes="13:00", d0_1_opens="14:00", d0_1_closes="18:00"
        ),
    )
    assert response.status_code == 302
    rows = list(OpeningHours.objects.filter(space=space).values_list("weekday", "opens", "closes"))
    assert rows == [(0, dt.time(9), dt.time(13)), (0, dt.time(14), dt.time(18))]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"d1_0_opens": "18:00", "d1_0_closes": "09:00"}, "Closing time must be after"),
        ({"d1_0_opens": "09:00"}, "Give both the opening and the closing time"),
        ({"d1_0_opens": "25:00", "d1_0_closes": "26:00"}, "Enter a valid time"),
        ({}, "at least one day"),
        (
            {
                "d2_0_opens": "09:00",
                "d2_0_closes": "14:00",
                "d2_1_opens": "13:00",
                "d2_1_closes": "18:00",
            },
            "overlap",
        ),
    ],
)
def test_bad_opening_hours_are_refused(manager_client, space, rows, message):
    before = list(
        OpeningHours.objects.filter(space=space).values_list("weekday", "opens", "closes")
    )
    audit = AuditEntry.objects.count()
    response = manager_client.post(url("spaces:opening_hours", space), hours_data(**rows))
    assert response.status_code == 200
    assert message in errors(response)
    after = list(OpeningHours.objects.filter(space=space).values_list("weekday", "opens", "closes"))
    assert after == before
    assert AuditEntry.objects.count() == audit


def test_closures_are_added_and_removed(manager_client, space):
    response = manager_client.post(
        url("spaces:closure_list", space),
        {"starts_on": "2030-08-10", "ends_on": "2030-08-20", "reason": "Chiusura estiva"},
    )
    assert response.status_code == 302
    closure = Closure.objects.get(space=space)
    page = manager_client.get(url("spaces:closure_list", space)).content.decode()
    assert "Chiusura estiva" in page
    response = manager_client.post(url("spaces:closure_delete", space, closure.pk))
    assert response.status_code == 302
    assert not Closure.objects.filter(space=space).exists()
    assert manager_client.get(url("spaces:closure_delete", space, closure.pk)).status_code == 405


def test_a_closure_ending_before_it_starts_is_refused(manager_client, space):
    response = manager_client.post(
        url("spaces:closure_list", space),
        {"starts_on": "2030-08-20", "ends_on": "2030-08-10", "reason": "Rovesciata"},
    )
    assert response.status_code == 200
    assert "must end on or after its first day" in errors(response)
    assert not Closure.objects.filter(space=space).exists()


# --- photos --------------------------------------------------------------------------


def test_photos_are_uploaded_and_removed(manager_client, space):
    response = manager_client.post(
        url("spaces:photo_list", space), {"image": png(), "alt_text": "La sala con le scrivanie"}
    )
    assert response.status_code == 302
    photo = SpacePhoto.objects.get(space=space)
    page = manager_client.get(url("spaces:photo_list", space)).content.decode()
    assert reverse("spaces:photo", args=[photo.pk]) in page
    assert 'alt="La sala con le scrivanie"' in page
    response = manager_client.post(url("spaces:photo_delete", space, photo.pk))
    assert response.status_code == 302
    assert not SpacePhoto.objects.filter(space=space).exists()


@pytest.mark.parametrize(
    ("upload", "alt_text", "message"),
    [
        (png(), "", "This field is required"),
        (SimpleUploadedFile("x.png", b"not an image", "image/png"), "Testo", "not a valid image"),
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4", "application/pdf"), "Testo", "JPEG, PNG or WebP"),
    ],
)
def test_bad_photos_are_refused(manager_client, space, upload, alt_text, message):
    response = manager_client.post(
        url("spaces:photo_list", space), {"image": upload, "alt_text": alt_text}
    )
    assert response.status_code == 200
    assert message in errors(response)
    assert not SpacePhoto.objects.exists()


def test_another_spaces_photo_can_not_be_removed_here(
    client, coordinator, space, other_organisation
):
    other = services.space_create(
        actor=None,
        organisation=other_organisation,
        name="Altro",
        municipality=space.municipality,
        address="Via 2",
        theme="makers",
        opened_on=dt.date(2026, 1, 1),
    )
    photo = services.photo_add(actor=None, space=other, image=png(), alt_text="Altro spazio")
    client.force_login(coordinator)
    assert client.post(url("spaces:photo_delete", space, photo.pk)).status_code == 404
    assert SpacePhoto.objects.filter(pk=photo.pk).exists()


# --- resources -----------------------------------------------------------------------


RESOURCE_DATA = {
    "kind": "meeting_room",
    "name": "Sala Adda",
    "description": "",
    "capacity": "6",
    "qualification": "",
    "hourly_price": "12.50",
    "slot_minutes": "30",
    "cancellation_hours": "24",
    "is_active": "on",
}


def test_a_resource_is_added_and_listed_with_its_units(manager_client, space, pool):
    response = manager_client.post(url("spaces:resource_create", space), RESOURCE_DATA)
    assert response.status_code == 302
    room = Resource.objects.get(space=space, name="Sala Adda")
    assert room.hourly_price == Decimal("12.50")
    assert room.units.filter(is_active=True).count() == 1
    page = manager_client.get(url("spaces:resource_list", space)).content.decode()
    assert "Sala Adda" in page
    assert "12.50 €" in page
    # The pool shows its three seats.
    assert '<td class="text-end">3</td>\n      <td class="text-end">3</td>' in page


def test_only_this_spaces_qualifications_are_offered(
    manager_client, space, laser, other_organisation
):
    other = services.space_create(
        actor=None,
        organisation=other_organisation,
        name="Altro",
        municipality=space.municipality,
        address="Via 2",
        theme="makers",
        opened_on=dt.date(2026, 1, 1),
    )
    foreign = services.qualification_create(actor=None, space=other, name="Tornio")
    page = manager_client.get(url("spaces:resource_create", space)).content.decode()
    assert "Laser cutter safety" in page
    assert "Tornio" not in page
    response = manager_client.post(
        url("spaces:resource_create", space),
        {**RESOURCE_DATA, "kind": "equipment", "qualification": foreign.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in errors(response)
    assert not Resource.objects.filter(name="Sala Adda").exists()


def test_bad_resource_input_writes_nothing(manager_client, space):
    data = {**RESOURCE_DATA, "capacity": "0", "hourly_price": "-3", "slot_minutes": "1"}
    response = manager_client.post(url("spaces:resource_create", space), data)
    assert response.status_code == 200
    html = errors(response)
    assert "greater than or equal to 1" in html
    assert "greater than or equal to 0" in html
    assert "greater than or equal to 5" in html
    assert not Resource.objects.filter(name="Sala Adda").exists()


def test_a_resource_name_must_be_unique_in_the_space(manager_client, space, room):
    response = manager_client.post(
        url("spaces:resource_create", space), {**RESOURCE_DATA, "name": room.name}
    )
    assert response.status_code == 200
    assert Resource.objects.filter(space=space, name=room.name).count() == 1


def test_the_capacity_of_a_pool_can_not_drop_below_its_future_bookings(manager_client, space, pool):
    monday = dt.date(2030, 3, 4)
    starts_at, ends_at = services.local_slot(space, monday, dt.time(9), dt.time(11))
    for n in range(3):
        member = make_user(f"socio{n}@example.org", f"Socio {n}")
        services.booking_create(
            actor=member, member=member, resource=pool, starts_at=starts_at, ends_at=ends_at
        )
    data = {**RESOURCE_DATA, "kind": "hot_desk_pool", "name": pool.name, "capacity": "1"}
    data["hourly_price"] = "2.50"
    response = manager_client.post(url("spaces:resource_update", space, pool.pk), data)
    assert response.status_code == 200
    assert "future bookings use the seats you are removing" in errors(response)
    pool.refresh_from_db()
    assert pool.capacity == 3
    assert pool.units.filter(is_active=True).count() == 3
    # Growing it is fine.
    response = manager_client.post(
        url("spaces:resource_update", space, pool.pk), {**data, "capacity": "5"}
    )
    assert response.status_code == 302
    assert pool.units.filter(is_active=True).count() == 5


# --- qualifications ------------------------------------------------------------------


def test_a_qualification_is_created_granted_and_revoked(manager_client, space, person):
    response = manager_client.post(
        url("spaces:qualification_list", space),
        {"name": "Stampa 3D", "description": "", "validity_months": "12"},
    )
    qualification = Qualification.objects.get(space=space, name="Stampa 3D")
    detail = url("spaces:qualification_detail", space, qualification.pk)
    assert response["Location"] == detail
    response = manager_client.post(
        detail,
        {"email": person.email.upper(), "granted_on": "2026-01-10", "expires_on": "", "source": ""},
    )
    assert response.status_code == 302
    grant = QualificationGrant.objects.get(qualification=qualification, member=person)
    assert grant.expires_on == dt.date(2027, 1, 10)
    page = manager_client.get(detail).content.decode()
    assert person.email in page
    assert "expired" in page or "valid" in page
    response = manager_client.post(
        reverse("spaces:qualification_revoke", args=[space.pk, qualification.pk, grant.pk])
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert "revoked" in manager_client.get(detail).content.decode()


def test_granting_to_an_unknown_email_says_so(manager_client, space, laser):
    qualification = laser.qualification
    response = manager_client.post(
        url("spaces:qualification_detail", space, qualification.pk),
        {"email": "nessuno@example.org", "granted_on": "", "expires_on": "", "source": ""},
    )
    assert response.status_code == 200
    assert "No account has the e-mail address nessuno@example.org" in errors(response)
    assert not QualificationGrant.objects.exists()


def test_an_expiry_before_the_grant_is_refused(manager_client, space, laser, person):
    response = manager_client.post(
        url("spaces:qualification_detail", space, laser.qualification.pk),
        {"email": person.email, "granted_on": "2026-05-01", "expires_on": "2026-04-01"},
    )
    assert response.status_code == 200
    assert "on or after the grant date" in errors(response)
    assert not QualificationGrant.objects.exists()


def test_a_grant_of_another_qualification_can_not_be_revoked_here(
    manager_client, space, laser, person
):
    other = services.qualification_create(actor=None, space=space, name="Fresa")
    grant = services.qualification_grant(actor=None, qualification=other, member=person)
    response = manager_client.post(
        reverse("spaces:qualification_revoke", args=[space.pk, laser.qualification.pk, grant.pk])
    )
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


# --- plans and tiers -----------------------------------------------------------------


PLAN_DATA = {
    "name": "Mensile open space",
    "kind": "monthly_hot_desk",
    "description": "",
    "period": "month",
    "price": "90.00",
    "covers": ["hot_desk_pool", "meeting_room"],
    "included_hours": "",
    "is_active": "on",
}


def test_a_plan_is_created_with_unlimited_hours_and_updated(manager_client, space):
    response = manager_client.post(url("spaces:plan_create", space), PLAN_DATA)
    assert response.status_code == 302
    plan = Plan.objects.get(space=space)
    assert plan.covers == ["hot_desk_pool", "meeting_room"]
    assert plan.included_hours is None
    assert plan.network_wide is False
    page = manager_client.get(url("spaces:plan_list", space)).content.decode()
    assert "Hot-desk pool, Meeting room" in page
    assert "unlimited" in page
    response = manager_client.post(
        url("spaces:plan_update", space, plan.pk),
        {**PLAN_DATA, "included_hours": "20", "network_wide": "on", "price": "95.5"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.included_hours == Decimal("20")
    assert plan.price == Decimal("95.50")
    assert plan.network_wide is True


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("covers", [], "This field is required"),
        ("covers", ["spaceship"], "Select a valid choice"),
        ("price", "-1", "greater than or equal to 0"),
        ("price", "1e309", 'id="id_price_error"'),
    ],
)
def test_bad_plans_are_refused(manager_client, space, field, value, message):
    response = manager_client.post(url("spaces:plan_create", space), {**PLAN_DATA, field: value})
    assert response.status_code == 200
    assert message in errors(response)
    assert not Plan.objects.exists()


TIER_DATA = {
    "name": "Donne che rientrano",
    "description": "",
    "categories": ["woman_returning", "unemployed"],
    "discount_percent": "100",
    "validity_months": "6",
    "funder_organisation": "",
    "funder_programme": "",
    "cap_kind": "none",
    "cap": "",
    "service_hours_per_hour": "0.5",
    "is_active": "on",
}


def test_a_tier_is_created_with_a_funder_and_a_cap(manager_client, space, programme):
    data = {**TIER_DATA, "funder_programme": programme.pk, "cap_kind": "hours", "cap": "100"}
    response = manager_client.post(url("spaces:tier_create", space), data)
    assert response.status_code == 302
    tier = SolidarityTier.objects.get(space=space)
    assert tier.funder_programme == programme
    assert tier.categories == ["woman_returning", "unemployed"]
    assert tier.service_hours_per_hour == Decimal("0.5")
    page = manager_client.get(url("spaces:tier_list", space)).content.decode()
    assert "Cittadinanza al lavoro" in page
    assert "0 / 100" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"funder_organisation": "ORG", "funder_programme": "PROG"}, "Name one funder"),
        (
            {"cap_kind": "seats", "cap": "", "funder_programme": "PROG"},
            "Give a cap value exactly when a cap is chosen",
        ),
        ({"cap_kind": "seats", "cap": "5"}, "name the funder"),
        ({"discount_percent": "0"}, "greater than or equal to 1"),
        ({"categories": []}, "This field is required"),
    ],
)
def test_bad_tiers_are_refused(manager_client, space, organisation, programme, changes, message):
    ids = {"ORG": organisation.pk, "PROG": programme.pk}
    data = {
        **TIER_DATA,
        **{k: ids.get(v, v) if isinstance(v, str) else v for k, v in changes.items()},
    }
    response = manager_client.post(url("spaces:tier_create", space), data)
    assert response.status_code == 200
    assert message in errors(response)
    assert not SolidarityTier.objects.exists()


def test_the_tier_list_shows_seats_held_and_subsidised_hours(
    manager_client, space, programme, person, operator, room
):
    tier = services.tier_create(
        actor=None,
        space=space,
        name="NEET",
        categories=["neet"],
        discount_percent=100,
        funder_programme=programme,
        cap_kind="seats",
        cap=4,
    )
    grant = services.tier_request(member=person, tier=tier, category="neet")
    services.tier_verify(actor=operator, grant=grant, method="operator")
    assert TierGrant.objects.get(pk=grant.pk).status == "verified"
    # A working day while the tier is valid: it covers the booking's two hours.
    day = services.utc_now().date() + dt.timedelta(days=2)
    while day.weekday() > 4 or is_public_holiday(day):
        day += dt.timedelta(days=1)
    starts_at, ends_at = services.local_slot(space, day, dt.time(9), dt.time(11))
    booking = services.booking_create(
        actor=person, member=person, resource=room, starts_at=starts_at, ends_at=ends_at
    )
    assert booking.subsidised_hours == 2
    page = manager_client.get(url("spaces:tier_list", space)).content.decode()
    assert "1 / 4" in page
    assert "<td>2 / " in page


# --- kiosk ---------------------------------------------------------------------------


def test_the_kiosk_address_is_shown_and_rotated(manager_client, space):
    page = manager_client.get(url("spaces:kiosk_settings", space)).content.decode()
    old = reverse("spaces:kiosk", args=[space.slug, space.kiosk_token])
    assert old in page
    response = manager_client.post(url("spaces:kiosk_settings", space))
    assert response.status_code == 302
    space.refresh_from_db()
    new = reverse("spaces:kiosk", args=[space.slug, space.kiosk_token])
    assert new != old
    page = manager_client.get(url("spaces:kiosk_settings", space)).content.decode()
    assert new in page and old not in page
