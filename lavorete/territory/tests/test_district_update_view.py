from typing import Any

import pytest
from django.urls import reverse

from lavorete.core.models import AuditEntry
from lavorete.territory.models import District

pytestmark = pytest.mark.django_db


def url(district: District) -> str:
    return reverse("territory:district_update", args=[district.pk])


def test_the_form_lists_the_current_municipalities(
    client: Any, coordinator: Any, district: District
) -> None:
    client.force_login(coordinator)
    response = client.get(url(district))
    assert response.status_code == 200
    initial = response.context["form"].initial["municipalities"]
    assert initial.splitlines() == ["015175 Pioltello (MI)", "015205 Segrate (MI)"]


def test_a_network_coordinator_edits_a_district(
    client: Any, coordinator: Any, district: District
) -> None:
    client.force_login(coordinator)
    response = client.post(
        url(district),
        {
            "name": "Ambito Martesana",
            "slug": "martesana",
            "description": "",
            "municipalities": "015175 Pioltello (MI)\nCinisello Balsamo",
        },
    )
    assert response.status_code == 302
    district.refresh_from_db()
    assert (district.name, district.slug, district.description) == (
        "Ambito Martesana",
        "martesana",
        "",
    )
    assert sorted(district.municipalities.values_list("name", flat=True)) == [
        "Cinisello Balsamo",
        "Pioltello",
    ]
    entry = AuditEntry.objects.get(action="district.update", target_id=str(district.pk))
    assert entry.actor == coordinator
    assert entry.changes["slug"] == ["ambito-est-milano", "martesana"]


def test_get_changes_nothing(client: Any, coordinator: Any, district: District) -> None:
    client.force_login(coordinator)
    client.get(url(district), {"name": "Altro"})
    district.refresh_from_db()
    assert district.name == "Ambito Est Milano"
    assert not AuditEntry.objects.filter(action="district.update").exists()


@pytest.mark.parametrize("persona", ["operator", "space_manager"])
def test_read_only_staff_get_403(
    client: Any, request: Any, district: District, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(district)).status_code == 403
    response = client.post(url(district), {"name": "X", "municipalities": "Pioltello"})
    assert response.status_code == 403
    district.refresh_from_db()
    assert district.name == "Ambito Est Milano"


@pytest.mark.parametrize("persona", ["person", "outsider"])
def test_users_without_territory_rights_are_refused(
    client: Any, request: Any, district: District, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert (
        client.post(url(district), {"name": "X", "municipalities": "Pioltello"}).status_code == 403
    )


def test_an_unknown_district_is_404(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("territory:district_update", args=[987654])).status_code == 404


def test_anonymous_is_sent_to_login(client: Any, district: District) -> None:
    response = client.post(url(district), {"name": "X", "municipalities": "Pioltello"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_bad_input_shows_the_error_and_changes_nothing(
    client: Any, coordinator: Any, district: District
) -> None:
    client.force_login(coordinator)
    response = client.post(
        url(district),
        {"name": "Ambito Est Milano", "slug": "ambito-est-milano", "municipalities": "Livo"},
    )
    assert response.status_code == 200
    assert "Livo (CO), Livo (TN)" in " ".join(response.context["form"].errors["municipalities"])
    assert district.municipalities.count() == 2
    assert not AuditEntry.objects.filter(action="district.update").exists()
