from typing import Any

import pytest
from django.urls import reverse

from lavorete.core.models import User
from lavorete.territory.models import District, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser(
        email="admin@example.org", password="a-long-test-password-42"
    )


@pytest.mark.parametrize("model", ["region", "province", "municipality", "district"])
def test_the_admin_lists_territory_read_only(
    client: Any, superuser: User, district: District, model: str
) -> None:
    client.force_login(superuser)
    response = client.get(reverse(f"admin:territory_{model}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:territory_{model}_add")).status_code == 403


def test_a_municipality_can_be_viewed_but_not_changed(client: Any, superuser: User) -> None:
    client.force_login(superuser)
    pioltello = Municipality.objects.get(istat_code="015175")
    url = reverse("admin:territory_municipality_change", args=[pioltello.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"name": "Altro"})
    pioltello.refresh_from_db()
    assert pioltello.name == "Pioltello"
