"""The services that write opportunities: validation, status changes, audit."""

from typing import Any

import pytest

from lavorete.opportunities.models import OpportunityStatus

pytestmark = pytest.mark.django_db


def test_the_shared_fixture_is_an_open_internship(opportunity: Any) -> None:
    assert opportunity.status == OpportunityStatus.OPEN
    assert opportunity.contract_type == "tirocinio"
    assert opportunity.skills.count() == 5
    assert opportunity.languages.get().level == "B1"
    assert opportunity.published_at is not None
