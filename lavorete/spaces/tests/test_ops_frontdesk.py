"""The front desk: who is in, today's bookings, check-in by e-mail or card, guests, check-out."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from lavorete.conftest import make_user
from lavorete.spaces import services
from lavorete.spaces.models import CheckIn, Member
from lavorete.spaces.tests.test_ops_common import (
    MONDAY,
    book,
    form_errors,
    other_space,
)

pytestmark = pytest.mark.django_db

# Monday 4 March 2030, 09:30 in Pioltello.
NOW = dt.datetime(2030, 3, 4, 8, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def at_nine_thirty(monkeypatch):
    monkeypatch.setattr("lavorete.spaces.views_ops.utc_now", lambda: NOW)
    monkeypatch.setattr("lavorete.spaces.services.utc_now", lambda: NOW)


@pytest.fixture
def booking(room, person):
    return book(room, person, day=MONDAY)


def desk_url(space):
    return reverse("spaces:frontdesk", args=[space.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("who", ["space_manager", "coordinator"])
def test_the_desk_shows_todays_bookings_with_a_check_in_button(
    request, client, who, space, booking, person, at_nine_thirty
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(desk_url(space))
    assert response.status_code == 200
    assert list(response.context["bookings"]) == [booking]
    html = response.content.decode()
    assert "09:00–11:00" in html
    assert f'name="who" value="{person.email}"' in html
    assert "Nobody is checked in." in html


def test_check_in_by_email_then_twice_is_refused(
    client, space_manager, space, booking, person, at_nine_thirty
):
    client.force_login(space_manager)
    response = client.post(desk_url(space), {"who": person.email.upper()}, follow=True)
    assert response.status_code == 200
    assert "Paola Persona checked in." in messages_of(response)
    checkin = CheckIn.objects.get()
    assert (checkin.member, checkin.via, checkin.recorded_by, checkin.booking) == (
        person,
        "desk",
        space_manager,
        booking,
    )
    assert list(response.context["present"]) == [checkin]
    assert "in the space" in response.content.decode()
    # The same person again: a message, not a second check-in.
    response = client.post(desk_url(space), {"who": person.email})
    assert response.status_code == 200
    assert "Paola Persona is already checked in." in form_errors(response)
    assert CheckIn.objects.count() == 1


def test_check_in_by_card_code(client, space_manager, space, person):
    card = Member.objects.create(user=person)
    client.force_login(space_manager)
    spaced = " ".join([card.card_code[:4].lower(), card.card_code[4:].lower()])
    assert client.post(desk_url(space), {"who": spaced}).status_code == 302
    assert CheckIn.objects.get().member == person
    for who, message in [
        ("ZZZZ0000", "No member has this card code."),
        ("nessuno@example.org", "No account has the e-mail address"),
        ("", "This field is required."),
    ]:
        response = client.post(desk_url(space), {"who": who})
        assert response.status_code == 200
        assert message in form_errors(response)
    assert CheckIn.objects.count() == 1


def test_checking_out_takes_the_guests_along(client, space_manager, space, person):
    checkin = services.checkin_member(actor=None, space=space, member=person)
    client.force_login(space_manager)
    response = client.post(
        reverse("spaces:guest_checkin", args=[space.pk]),
        {"host": person.pk, "guest_name": "Gino Ospite"},
    )
    assert response.status_code == 302
    guest = CheckIn.objects.get(guest_name="Gino Ospite")
    assert (guest.host, guest.recorded_by, guest.via) == (person, space_manager, "desk")
    page = client.get(desk_url(space)).content.decode()
    assert "Gino Ospite" in page and "guest" in page
    url = reverse("spaces:checkout", args=[space.pk, checkin.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Paola Persona checked out." in messages_of(response)
    assert not CheckIn.objects.filter(checked_out_at__isnull=True).exists()
    # Out already: a message, no change.
    response = client.post(url, follow=True)
    assert "Already checked out." in messages_of(response)


def test_a_guest_needs_a_host_who_is_in(client, space_manager, space, person):
    absent = make_user("assente@example.org", "Aldo Assente")
    services.membership_start(
        actor=None,
        member=absent,
        plan=services.plan_create(
            actor=None,
            space=space,
            name="Giornaliero",
            kind="day_pass",
            period="day",
            price=10,
            covers=["hot_desk_pool"],
        ),
        starts_on=dt.date(2026, 1, 5),
    )
    url = reverse("spaces:guest_checkin", args=[space.pk])
    client.force_login(space_manager)
    assert "check the member in first" in client.get(desk_url(space)).content.decode()
    response = client.post(url, {"host": absent.pk, "guest_name": "Gino Ospite"})
    assert response.status_code == 200
    assert "host" in response.context["form"].errors
    services.checkin_member(actor=None, space=space, member=person)
    response = client.post(url, {"host": person.pk, "guest_name": "   "})
    assert "guest_name" in response.context["form"].errors
    assert not CheckIn.objects.exclude(guest_name="").exists()


def test_a_check_in_of_another_space_is_404(
    client, space_manager, coordinator, space, person, other_organisation, municipality
):
    elsewhere = other_space(other_organisation, municipality)
    checkin = services.checkin_member(actor=None, space=elsewhere, member=person)
    url = reverse("spaces:checkout", args=[space.pk, checkin.pk])
    for user in (coordinator, space_manager):
        client.force_login(user)
        assert client.post(url).status_code == 404
    assert CheckIn.objects.get().checked_out_at is None


def test_an_operator_gets_403(client, operator, space):
    client.force_login(operator)
    assert client.get(desk_url(space)).status_code == 403
    assert client.get(reverse("spaces:guest_checkin", args=[space.pk])).status_code == 403
