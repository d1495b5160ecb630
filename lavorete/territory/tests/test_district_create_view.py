from typing import Any

import pytest
from django.urls import reverse

from lavorete.conftest import grant, make_user
from lavorete.core.models import AuditEntry
from lavorete.core.roles import Role, ScopeKind
from lavorete.territory.models import District

pytestmark = pytest.mark.django_db

URL = reverse("territory:district_create")

GOOD = {
    "name": "Ambito Valle Brembana",
    "slug": "",
    "description": "Comuni della valle.",
    "municipalities": "016188\nAlzano Lombardo\nBergamo (BG)\n",
}


def test_a_network_coordinator_creates_a_district(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    assert client.get(URL).status_code == 200
    response = client.post(URL, GOOD)
    district = District.objects.get(name="Ambito Valle Brembana")
    assert response.status_code == 302
    assert response["Location"] == reverse("territory:district_detail", args=[district.pk])
    assert district.slug == "ambito-valle-brembana"
    assert sorted(district.municipalities.values_list("istat_code", flat=True)) == [
        "016008",
        "016024",
        "016188",
    ]
    assert AuditEntry.objects.filter(action="district.create", actor=coordinator).exists()


def test_a_whole_province_can_be_added(client: Any, coordinator: Any) -> None:
    from lavorete.territory.models import Municipality, Province

    sondrio = Province.objects.get(abbreviation="SO")
    client.force_login(coordinator)
    response = client.post(URL, {**GOOD, "municipalities": "Pioltello", "add_province": sondrio.pk})
    assert response.status_code == 302
    district = District.objects.get(name="Ambito Valle Brembana")
    expected = Municipality.objects.filter(province=sondrio).count() + 1
    assert district.municipalities.count() == expected


def test_get_changes_nothing(client: Any, coordinator: Any) -> None:
    client.force_login(coordinator)
    client.get(URL, GOOD)
    assert not District.objects.exists()


@pytest.mark.parametrize("persona", ["operator", "space_manager", "person", "org_rep"])
def test_others_are_refused(client: Any, request: Any, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, GOOD).status_code == 403
    assert not District.objects.exists()


def test_a_coordinator_of_one_programme_only_is_refused(client: Any, programme: Any) -> None:
    user = make_user("coordinatore-programma@example.org", "Carlo Coordinatore", mfa=True)
    grant(user, Role.COORDINATOR, ScopeKind.PROGRAMME, programme.pk)
    client.force_login(user)
    assert client.post(URL, GOOD).status_code == 403
    assert not District.objects.exists()


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not District.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"municipalities": "Pioltello\nAtlantide"}, "municipalities", 'Line 2 ("Atlantide")'),
        ({"municipalities": "Samone"}, "municipalities", "Samone (TN), Samone (TO)"),
        ({"municipalities": "  \n "}, "municipalities", "at least one municipality"),
        ({"name": ""}, "name", "required"),
        ({"slug": "Non valido!"}, "slug", "lowercase letters"),
        ({"add_province": "999999"}, "add_province", "valid choice"),
    ],
)
def test_bad_input_shows_a_clear_error_and_writes_nothing(
    client: Any, coordinator: Any, data: dict[str, str], field: str, message: str
) -> None:
    client.force_login(coordinator)
    response = client.post(URL, {**GOOD, **data})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message.split('"')[0] in response.content.decode().replace("&quot;", '"')
    assert not District.objects.exists()
    assert not AuditEntry.objects.filter(action="district.create").exists()


def test_a_duplicate_name_is_refused_on_the_name_field(
    client: Any, coordinator: Any, district: District
) -> None:
    client.force_login(coordinator)
    response = client.post(URL, {**GOOD, "name": "ambito est milano"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert District.objects.count() == 1
