"""Every URL pattern x every persona: the status each one gets.

Adding a URL without adding its expectations here makes this test fail, so
nobody can ship a page whose access rules nobody thought about. Third-party
URL groups (allauth, Django admin, the API schema) are covered by prefix
rules that probe a representative page of each group.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lavorete.matching.tests import expect_matching
from lavorete.opportunities.tests import expect_opportunities, expect_pipeline
from lavorete.pathways.tests import expect_dashboard, expect_pathways
from lavorete.people.tests import expect_people, expect_privacy
from lavorete.spaces.tests import expect_member, expect_ops, expect_reports, expect_setup
from lavorete.tests.matrix import (
    LOGGED_IN,
    NO_KWARGS,
    PERSONAS,
    PUBLIC,
    Kwargs,
    only,
)

COORDINATOR_ONLY = only({"coordinator": 200})
SPACES_AREAS = [expect_setup, expect_ops, expect_member, expect_reports]
PEOPLE_AREAS = [expect_people, expect_privacy, expect_pathways, expect_dashboard]
MATCHING_AREAS = [expect_opportunities, expect_pipeline, expect_matching]

EXPECTATIONS: dict[str, tuple[Kwargs, dict[str, int]]] = {
    # core
    "core:healthz": (NO_KWARGS, PUBLIC),
    "core:readyz": (NO_KWARGS, PUBLIC),
    "core:dashboard": (NO_KWARGS, {**LOGGED_IN, "person": 403}),
    "core:roles": (NO_KWARGS, COORDINATOR_ONLY),
    "core:role_grant": (NO_KWARGS, COORDINATOR_ONLY),
    "core:role_revoke": (lambda o: {"pk": o["assignment"].pk}, only({"coordinator": 405})),
    "core:audit": (NO_KWARGS, COORDINATOR_ONLY),
    "core:access_log": (NO_KWARGS, COORDINATOR_ONLY),
    "core:personal_data": (NO_KWARGS, COORDINATOR_ONLY),
    # portal
    "portal:home": (NO_KWARGS, PUBLIC),
    "portal:programmes": (NO_KWARGS, PUBLIC),
    "portal:programme": (lambda o: {"slug": o["programme"].slug}, PUBLIC),
    "portal:partners": (NO_KWARGS, PUBLIC),
    "portal:get_involved": (NO_KWARGS, PUBLIC),
    "portal:accessibility": (NO_KWARGS, PUBLIC),
    "portal:privacy": (NO_KWARGS, PUBLIC),
    "portal:feedback": (NO_KWARGS, PUBLIC),
    "portal:developers": (NO_KWARGS, PUBLIC),
    # skills
    "skills:search": (NO_KWARGS, PUBLIC),
    "skills:occupation": (lambda o: {"pk": 1}, dict.fromkeys(PERSONAS, 404)),
    "portal:me": (NO_KWARGS, LOGGED_IN),
    # territory
    "territory:municipality_list": (
        NO_KWARGS,
        only({"space_manager": 200, "operator": 200, "coordinator": 200}),
    ),
    "territory:municipality_search": (NO_KWARGS, LOGGED_IN),
    "territory:district_list": (
        NO_KWARGS,
        only({"space_manager": 200, "operator": 200, "coordinator": 200}),
    ),
    "territory:district_detail": (
        lambda o: {"pk": o["district"].pk},
        only({"space_manager": 200, "operator": 200, "coordinator": 200}),
    ),
    "territory:district_create": (NO_KWARGS, COORDINATOR_ONLY),
    "territory:district_update": (lambda o: {"pk": o["district"].pk}, COORDINATOR_ONLY),
    # network: organisations
    "network:organisation_list": (
        NO_KWARGS,
        only(
            dict.fromkeys(["org_rep", "outsider", "space_manager", "operator", "coordinator"], 200)
        ),
    ),
    "network:organisation_export": (
        lambda o: {"fmt": "csv"},
        only(
            dict.fromkeys(["org_rep", "outsider", "space_manager", "operator", "coordinator"], 200)
        ),
    ),
    "network:organisation_create": (NO_KWARGS, COORDINATOR_ONLY),
    "network:organisation_detail": (
        lambda o: {"pk": o["organisation"].pk},
        only(
            {"org_rep": 200, "space_manager": 200, "operator": 200, "coordinator": 200},
            default=404,
        )
        | {"person": 403, "evaluator": 403},
    ),
    "network:organisation_update": (
        lambda o: {"pk": o["organisation"].pk},
        only(
            {"org_rep": 200, "coordinator": 200, "space_manager": 403, "operator": 403}, default=404
        )
        | {"person": 403, "evaluator": 403},
    ),
    "network:contact_create": (
        lambda o: {"pk": o["organisation"].pk},
        only(
            {"org_rep": 200, "coordinator": 200, "space_manager": 403, "operator": 403}, default=404
        )
        | {"person": 403, "evaluator": 403},
    ),
    "network:contact_update": (
        lambda o: {"pk": o["organisation"].pk, "contact_pk": o["contact"].pk},
        only(
            {"org_rep": 200, "coordinator": 200, "space_manager": 403, "operator": 403}, default=404
        )
        | {"person": 403, "evaluator": 403},
    ),
    "network:contact_delete": (
        lambda o: {"pk": o["organisation"].pk, "contact_pk": o["contact"].pk},
        only(
            {"org_rep": 200, "coordinator": 200, "space_manager": 403, "operator": 403}, default=404
        )
        | {"person": 403, "evaluator": 403},
    ),
    # network: agreements
    "network:agreement_list": (
        NO_KWARGS,
        only({"org_rep": 200, "outsider": 200, "coordinator": 200}),
    ),
    "network:agreement_create": (NO_KWARGS, COORDINATOR_ONLY),
    "network:agreement_detail": (
        lambda o: {"pk": o["agreement"].pk},
        only({"org_rep": 200, "coordinator": 200, "outsider": 404}),
    ),
    "network:agreement_update": (lambda o: {"pk": o["agreement"].pk}, COORDINATOR_ONLY),
    "network:agreement_document": (
        lambda o: {"pk": o["agreement"].pk},
        only({"org_rep": 200, "coordinator": 200, "outsider": 404}),
    ),
    # network: programmes
    "network:programme_list": (
        NO_KWARGS,
        only(dict.fromkeys(["org_rep", "outsider", "operator", "evaluator", "coordinator"], 200)),
    ),
    "network:programme_create": (NO_KWARGS, COORDINATOR_ONLY),
    "network:programme_detail": (
        lambda o: {"pk": o["programme"].pk},
        only({"org_rep": 200, "operator": 200, "evaluator": 200, "coordinator": 200}, default=404)
        | {"person": 403, "space_manager": 403},
    ),
    "network:programme_update": (
        lambda o: {"pk": o["programme"].pk},
        only({"org_rep": 403, "operator": 403, "evaluator": 403, "coordinator": 200}),
    ),
    "network:programme_partner_add": (
        lambda o: {"pk": o["programme"].pk},
        only({"org_rep": 403, "operator": 403, "evaluator": 403, "coordinator": 200}),
    ),
    "network:programme_partner_remove": (
        lambda o: {"pk": o["programme"].pk, "partner_pk": o["partner"].pk},
        only({"coordinator": 200}),
    ),
    # API
    "api-1.0.0:api-root": (NO_KWARGS, dict.fromkeys(PERSONAS, 404)),
    "api-1.0.0:openapi-json": (NO_KWARGS, PUBLIC),
    "api-1.0.0:openapi-view": (NO_KWARGS, PUBLIC),
    "api-1.0.0:list_programmes": (NO_KWARGS, PUBLIC),
    "api-1.0.0:get_programme": (lambda o: {"slug": o["programme"].slug}, PUBLIC),
    "api-1.0.0:list_municipalities": (NO_KWARGS, PUBLIC),
    "api-1.0.0:me": (NO_KWARGS, {**PUBLIC, "anonymous": 401}),
    "api-1.0.0:list_organisations": (NO_KWARGS, {**PUBLIC, "anonymous": 401}),
    "api-1.0.0:get_organisation": (
        lambda o: {"org_id": o["organisation"].pk},
        {
            "anonymous": 401,
            "person": 404,
            "org_rep": 200,
            "outsider": 404,
            "space_manager": 200,
            "operator": 200,
            "evaluator": 404,
            "coordinator": 200,
        },
    ),
    # API: coworking (lavorete/api/spaces.py); writes are POST-only, so GET is 405.
    "api-1.0.0:csrf_token": (NO_KWARGS, PUBLIC),
    "api-1.0.0:search_skills": (NO_KWARGS, PUBLIC),
    "api-1.0.0:search_occupations": (NO_KWARGS, PUBLIC),
    "api-1.0.0:get_occupation": (lambda o: {"occupation_id": 1}, dict.fromkeys(PERSONAS, 404)),
    "api-1.0.0:list_spaces": (NO_KWARGS, PUBLIC),
    "api-1.0.0:get_space": (lambda o: {"slug": o["space"].slug}, PUBLIC),
    "api-1.0.0:resource_availability": (
        lambda o: {"slug": o["space"].slug, "resource_id": o["room"].pk},
        dict.fromkeys(PERSONAS, 422),  # public; without ?date= it says which date to give
    ),
    "api-1.0.0:create_booking": (NO_KWARGS, dict.fromkeys(PERSONAS, 405)),
    "api-1.0.0:my_bookings": (NO_KWARGS, {**PUBLIC, "anonymous": 401}),
    "api-1.0.0:cancel_booking": (
        lambda o: {"booking_id": o["booking"].pk},
        dict.fromkeys(PERSONAS, 405),
    ),
}

# Groups of third-party URLs: a name prefix, and one representative probe each.
GROUPS: dict[str, tuple[str, dict[str, int]]] = {
    "admin:": ("admin:index", {**dict.fromkeys(PERSONAS, 302)}),
    "account_": ("account_login", {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "mfa_": ("mfa_index", LOGGED_IN),
    "set_language": ("set_language", dict.fromkeys(PERSONAS, 302)),
    "api-1.0.0:": ("api-1.0.0:openapi-json", PUBLIC),
}
GROUP_EXTRA_PROBES = {
    "account_signup": {**dict.fromkeys(PERSONAS, 302), "anonymous": 200},
    "account_reset_password": dict.fromkeys(PERSONAS, 200),
}


# Each area of the coworking network keeps its own expectations beside its code.
for _area in [*SPACES_AREAS, *PEOPLE_AREAS, *MATCHING_AREAS]:
    EXPECTATIONS.update(_area.EXPECTATIONS)


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names.extend(_names(entry, ns))
        elif isinstance(entry, URLPattern):
            names.append(
                f"{prefix}{entry.name}" if entry.name else f"{prefix}<unnamed {entry.pattern}>"
            )
    return names


def test_every_url_has_an_expectation():
    third_party = tuple(g for g in GROUPS if g != "api-1.0.0:")
    missing = [
        name
        for name in _names(get_resolver())
        if name not in EXPECTATIONS
        and not name.startswith(third_party)
        and not (name.startswith("admin:") and "<unnamed" in name)
    ]
    assert not missing, f"URLs without access expectations: {missing}"


def _probe(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_persona_gets_the_expected_status(client, personas, objects, name):
    kwargs_of, expected = EXPECTATIONS[name]
    url = reverse(name, kwargs=kwargs_of(objects))
    got = {p: _probe(client, personas[p], url) for p in PERSONAS}
    assert got == expected, f"{name} ({url})"


@pytest.mark.parametrize(
    "name", sorted([probe for probe, _ in GROUPS.values()] + list(GROUP_EXTRA_PROBES))
)
def test_third_party_url_groups(client, personas, name):
    by_probe = dict(GROUPS.values())
    expected = GROUP_EXTRA_PROBES.get(name) or by_probe[name]
    url = reverse(name)
    got = {p: _probe(client, personas[p], url) for p in PERSONAS}
    assert got == expected, f"{name} ({url})"
