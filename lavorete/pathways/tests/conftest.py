"""Fixtures of the pathways tests: a second person in the programme, a coordinator-approved stage."""

import datetime as dt
from typing import Any

import pytest

from lavorete.pathways.models import Stage


@pytest.fixture
def stages(enrolment: Any) -> dict[str, Stage]:
    """The programme's stages by kind (the standard pathway of the `registered` fixture)."""
    return {s.kind: s for s in Stage.objects.filter(programme_id=enrolment.programme_id)}


@pytest.fixture
def second(operator: Any, programme: Any, municipality: Any) -> Any:
    """Another person of `programme`, without an account, followed by `operator`."""
    from lavorete.pathways.services import intake, pathway_template_default

    pathway_template_default(actor=None, programme=programme)
    return intake(
        actor=operator,
        programme=programme,
        tutor=operator,
        first_name="Marco",
        last_name="Secondo",
        email="marco.secondo@example.org",
        birth_date=dt.date(1970, 5, 5),
        gender="male",
        residence=municipality,
    )
