"""Every URL of the app times every persona: the status each one gets on GET."""

from typing import Any

import pytest
from django.urls import reverse

from lavorete.network import urls as network_urls
from lavorete.network.models import ProgrammePartner

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "person",
    "coordinator",
    "org_rep",
    "space_manager",
    "operator",
    "evaluator",
    "outsider",
]

# Expected statuses, in the order of PERSONAS. 302 = sent to login.
#                          anon person coord rep  space oper  eval outsider
ORG_VIEWERS = (302, 403, 200, 200, 200, 200, 403, 200)
ORG_DETAIL = (302, 403, 200, 200, 200, 200, 403, 404)
ORG_EDIT = (302, 403, 200, 200, 403, 403, 403, 404)
COORDINATOR_ONLY = (302, 403, 200, 403, 403, 403, 403, 403)
AGREEMENT_VIEW = (302, 403, 200, 200, 403, 403, 403, 200)  # the outsider's org signed it too
PROGRAMME_LIST = (302, 403, 200, 200, 403, 200, 200, 200)
PROGRAMME_DETAIL = (302, 403, 200, 200, 403, 200, 200, 404)

MATRIX: dict[str, tuple[Any, tuple[int, ...]]] = {
    "organisation_list": (lambda o: [], ORG_VIEWERS),
    "organisation_export": (lambda o: ["csv"], ORG_VIEWERS),
    "organisation_create": (lambda o: [], COORDINATOR_ONLY),
    "organisation_detail": (lambda o: [o["organisation"].pk], ORG_DETAIL),
    "organisation_update": (lambda o: [o["organisation"].pk], ORG_EDIT),
    "contact_create": (lambda o: [o["organisation"].pk], ORG_EDIT),
    "contact_update": (lambda o: [o["organisation"].pk, o["contact"].pk], ORG_EDIT),
    "contact_delete": (lambda o: [o["organisation"].pk, o["contact"].pk], ORG_EDIT),
    "agreement_list": (lambda o: [], AGREEMENT_VIEW),
    "agreement_create": (lambda o: [], COORDINATOR_ONLY),
    "agreement_detail": (lambda o: [o["agreement"].pk], AGREEMENT_VIEW),
    "agreement_update": (lambda o: [o["agreement"].pk], COORDINATOR_ONLY),
    "agreement_document": (lambda o: [o["agreement"].pk], AGREEMENT_VIEW),
    "programme_list": (lambda o: [], PROGRAMME_LIST),
    "programme_create": (lambda o: [], COORDINATOR_ONLY),
    "programme_detail": (lambda o: [o["programme"].pk], PROGRAMME_DETAIL),
    "programme_update": (lambda o: [o["programme"].pk], COORDINATOR_ONLY),
    "programme_partner_add": (lambda o: [o["programme"].pk], COORDINATOR_ONLY),
    "programme_partner_remove": (
        lambda o: [o["programme"].pk, o["partner"].pk],
        COORDINATOR_ONLY,
    ),
}


def test_the_matrix_covers_every_url() -> None:
    assert {p.name for p in network_urls.urlpatterns} == set(MATRIX)


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_status_by_persona(
    client: Any,
    request: Any,
    persona: str,
    organisation: Any,
    contact: Any,
    agreement: Any,
    programme: Any,
) -> None:
    objects = {
        "organisation": organisation,
        "contact": contact,
        "agreement": agreement,
        "programme": programme,
        "partner": ProgrammePartner.objects.get(programme=programme),
    }
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    index = PERSONAS.index(persona)
    failures = []
    for name, (args, statuses) in MATRIX.items():
        url = reverse(f"network:{name}", args=args(objects))
        status = client.get(url).status_code
        if status != statuses[index]:
            failures.append(f"{name}: {status} (expected {statuses[index]})")
    assert failures == []
