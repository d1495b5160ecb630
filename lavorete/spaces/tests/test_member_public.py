"""The network's public pages: the list of spaces with its filters, a space's page, photos."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from lavorete.core.timeutils import now
from lavorete.spaces import services
from lavorete.territory.models import Municipality

TODAY = now().date()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def png(color="green") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(buffer, format="PNG")
    return SimpleUploadedFile("foto.png", buffer.getvalue(), "image/png")


@pytest.fixture
def makers_space(organisation):
    """A second public space elsewhere, with a different theme and only a meeting room."""
    other = services.space_create(
        actor=None,
        organisation=organisation,
        name="MakersLab Segrate",
        municipality=Municipality.objects.get(name="Segrate"),
        address="Via Cassanese 10",
        theme="makers",
        status="setup",
        opened_on=dt.date(2026, 1, 1),
    )
    services.resource_create(
        actor=None, space=other, kind="meeting_room", name="Sala grande", capacity=20
    )
    return other


@pytest.fixture
def hidden_space(organisation, municipality):
    return services.space_create(
        actor=None,
        organisation=organisation,
        name="Spazio riservato",
        municipality=municipality,
        address="Via Nascosta 3",
        theme="social",
        status="active",
        is_public=False,
        opened_on=dt.date(2026, 1, 1),
    )


def test_the_network_page_shows_each_public_space_to_anyone(client, space, pool, room, laser):
    photo = services.photo_add(actor=None, space=space, image=png(), alt_text="The open space")
    page = client.get(reverse("spaces:network"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cowo Pioltello" in html
    assert "Digital" in html and "Pioltello" in html and "Active" in html
    assert "Hot-desk pool, Meeting room, Equipment" in html
    assert reverse("spaces:photo", args=[photo.pk]) in html
    assert 'alt="The open space"' in html
    assert reverse("spaces:public_space", args=[space.slug]) in html


def test_a_space_that_is_not_public_is_nowhere_on_the_public_site(
    client, person, space, hidden_space
):
    html = client.get(reverse("spaces:network")).content.decode()
    assert "Spazio riservato" not in html
    assert client.get(reverse("spaces:public_space", args=[hidden_space.slug])).status_code == 404
    client.force_login(person)
    for name in ("spaces:public_space", "spaces:book", "spaces:tier_request"):
        assert client.get(reverse(name, args=[hidden_space.slug])).status_code == 404, name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"theme": "makers"}, {"MakersLab Segrate"}),
        ({"theme": "digital"}, {"Cowo Pioltello"}),
        ({"resource_kind": "equipment"}, {"Cowo Pioltello"}),
        ({"resource_kind": "meeting_room"}, {"Cowo Pioltello", "MakersLab Segrate"}),
        ({"q": "makers"}, {"MakersLab Segrate"}),
        # A filter that makes no sense is ignored, never an error.
        ({"theme": "nonsense", "municipality": "99999999999999999999"}, None),
    ],
)
def test_the_network_page_filters(client, space, room, laser, makers_space, query, expected):
    names = {"Cowo Pioltello", "MakersLab Segrate"}
    page = client.get(reverse("spaces:network"), query)
    assert page.status_code == 200
    html = page.content.decode()
    shown = {name for name in names if name in html.split("Spaces found")[-1]}
    assert shown == (expected or names)


def test_the_network_page_filters_by_municipality(client, space, makers_space):
    segrate = makers_space.municipality
    html = client.get(reverse("spaces:network"), {"municipality": segrate.pk}).content.decode()
    listing = html.split("Spaces found")[-1]
    assert "MakersLab Segrate" in listing
    assert "Cowo Pioltello" not in listing


def test_the_network_page_reads_a_fixed_number_of_queries(client, space, pool, makers_space):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("spaces:network")).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        extra = services.space_create(
            actor=None,
            organisation=space.organisation,
            name=f"Spazio {n}",
            municipality=space.municipality,
            address="Via Roma 2",
            theme="social",
            opened_on=dt.date(2026, 1, 1),
        )
        services.resource_create(actor=None, space=extra, kind="fixed_desk", name="Scrivania")
        services.photo_add(actor=None, space=extra, image=png("red"), alt_text="Desk")
    assert count() == few


def test_a_space_page_tells_what_a_visitor_needs(client, space, pool, room, laser, programme):
    services.space_update(
        actor=None, space=space, accessibility="Step-free entrance and an accessible toilet."
    )
    services.closure_add(
        actor=None,
        space=space,
        starts_on=TODAY + dt.timedelta(days=10),
        ends_on=TODAY + dt.timedelta(days=12),
        reason="Summer works",
    )
    services.closure_add(
        actor=None,
        space=space,
        starts_on=dt.date(2025, 8, 1),
        ends_on=dt.date(2025, 8, 2),
        reason="Old closure",
    )
    services.plan_create(
        actor=None,
        space=space,
        name="Rete mensile",
        kind="monthly_hot_desk",
        period="month",
        price=Decimal("90.00"),
        covers=["hot_desk_pool", "meeting_room"],
        network_wide=True,
    )
    services.tier_create(
        actor=None,
        space=space,
        name="Giovani NEET",
        categories=["neet", "under_30"],
        discount_percent=100,
        funder_programme=programme,
        service_hours_per_hour=Decimal("0.50"),
    )
    page = client.get(reverse("spaces:public_space", args=[space.slug]))
    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    assert "Via Roma 1" in html
    assert "Step-free entrance" in html
    assert "Monday</th><td>08:00–20:00" in html
    assert "Sunday</th><td>Closed" in html
    assert "Summer works" in html and "Old closure" not in html
    assert "Laser cutter" in html and "Yes: Laser cutter safety" in html
    assert "3 seats" in html and "€ 2.50" in html
    assert "Rete mensile" in html and "€ 90.00 / month" in html
    assert "A free seat" in html
    assert "NEET (not in employment, education or training), Under 30" in html
    assert "Cittadinanza al lavoro" in html
    assert "0.50 hours of community service for each hour used" in html
    tier = space.tiers.get()
    assert f"{reverse('spaces:tier_request', args=[space.slug])}?tier={tier.pk}" in html
    assert reverse("spaces:book", args=[space.slug]) in html


def test_a_space_page_lists_network_wide_plans_of_other_spaces(client, space, makers_space):
    services.plan_create(
        actor=None,
        space=makers_space,
        name="Tessera della rete",
        kind="monthly_hot_desk",
        period="month",
        price=Decimal("50.00"),
        covers=["hot_desk_pool"],
        network_wide=True,
    )
    html = client.get(reverse("spaces:public_space", args=[space.slug])).content.decode()
    assert "Tessera della rete" in html and "MakersLab Segrate" in html


def test_a_photo_is_served_with_its_type_and_cache_headers(client, space):
    photo = services.photo_add(actor=None, space=space, image=png(), alt_text="Sala")
    response = client.get(reverse("spaces:photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    photo.image.open("rb")
    assert b"".join(response.streaming_content) == photo.image.read()


def test_a_photo_of_a_hidden_space_is_only_for_its_staff(
    client, hidden_space, person, space_manager, outsider
):
    photo = services.photo_add(actor=None, space=hidden_space, image=png(), alt_text="Sala")
    url = reverse("spaces:photo", args=[photo.pk])
    assert client.get(url).status_code == 404
    for user in (person, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(space_manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert client.get(reverse("spaces:photo", args=[999999])).status_code == 404


def test_the_home_page_shows_the_public_spaces(client, space, hidden_space):
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("spaces:public_space", args=[space.slug]) in html
    assert "Spazio riservato" not in html
    assert reverse("spaces:network") in html
