"""IDOR proof for opportunities, candidacies and matches: every URL, every outsider.

For EVERY URL pattern of the namespaces `pipeline`, `candidacies_me`, `matching`
and `matching_me`, and every API operation about candidacies, candidates or
matches, with a job seeker who agreed to be matched but NOT to share her profile,
and who applied to an opportunity with a message:

- another programme's operator, another company's representative and an
  evaluator get 404 for a URL about her, her candidacy or the opportunity;
- the company's own representative never gets her identity or her message
  (anonymised candidates only), on any page or API answer;
- someone else's personal pages never show her data.

A control shows the company check can fail: once she shares her profile, the
company's page shows her name.

URL kwargs are filled from a table: a new URL with a kwarg nobody has thought
about fails here until its meaning is added.
"""

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

STAFF_NAMESPACES = ("pipeline", "matching")
ME_NAMESPACES = ("candidacies_me", "matching_me")
API_NAMESPACE = "api-1.0.0"
API_PATH = re.compile(r"(candidac|candidates|matches)")

MESSAGE = "MESSAGGIO-IDOR-42"
# Values that identify her: none may reach an outsider or, before sharing, the company.
PRIVATE_VALUES = (
    "Paola",
    "PRSPLA98A41G686Z",
    "+39 333 000 0001",
    "persona@example.org",
    MESSAGE,
)
OUTSIDERS = ("other_operator", "outsider", "evaluator")
# The evaluator works on the opportunity's programme: in scope, without the right.
EXPECTED = {"other_operator": {404}, "outsider": {404}, "evaluator": {403, 404}}


def _patterns(resolver: URLResolver, ns: str = "") -> list[tuple[str, list[str], str]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, f"{ns}{entry.namespace}:" if entry.namespace else ns))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(
                (f"{ns}{entry.name}", list(entry.pattern.regex.groupindex), str(entry.pattern))
            )
    return found


ALL = _patterns(get_resolver())
STAFF_URLS = sorted(
    (name, kwargs) for name, kwargs, _ in ALL if name.split(":")[0] in STAFF_NAMESPACES
)
ME_URLS = sorted((name, kwargs) for name, kwargs, _ in ALL if name.split(":")[0] in ME_NAMESPACES)
API_URLS = sorted(
    (name, kwargs)
    for name, kwargs, route in ALL
    if name.startswith(f"{API_NAMESPACE}:") and API_PATH.search(route)
)

# What each kwarg names, and whether a URL with it is about her (or her opportunity).
KWARGS: dict[str, tuple[Any, bool]] = {
    "person_pk": (lambda o: o["registered"].pk, True),
    "person_id": (lambda o: o["registered"].pk, True),
    "candidacy_pk": (lambda o: o["candidacy"].pk, True),
    "candidacy_id": (lambda o: o["candidacy"].pk, True),
    "opportunity_pk": (lambda o: o["opportunity"].pk, True),
    "opportunity_id": (lambda o: o["opportunity"].pk, True),
    "programme_pk": (lambda o: o["programme"].pk, False),
    "fmt": (lambda o: "csv", False),
}


def _kwargs(name: str, names: list[str], objs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    kwargs: dict[str, Any] = {}
    about = False
    for kwarg in names:
        if kwarg not in KWARGS:
            pytest.fail(
                f"{name}: unknown URL kwarg {kwarg!r}: say in test_idor_matching.py what it "
                "names and whether the URL is about one person or opportunity"
            )
        value, personal = KWARGS[kwarg]
        kwargs[kwarg] = value(objs)
        about = about or personal
    return kwargs, about


@pytest.fixture
def objs(registered, enrolment, programme, opportunity, esco_skills, person):
    """She agreed to be matched (not to share her profile), holds three of the skills asked
    and applied with a message."""
    from lavorete.matching.services import matches_recompute
    from lavorete.opportunities.pipeline import candidacy_apply
    from lavorete.people.services import consent_give, person_skill_add

    consent_give(actor=person, person=registered, purpose="matching")
    for key, level in (("storytelling", 2), ("social_media", 2), ("photography", 1)):
        person_skill_add(actor=person, person=registered, skill=esco_skills[key], level=level)
    candidacy = candidacy_apply(
        actor=person, opportunity=opportunity, person=registered, message=MESSAGE
    )
    matches_recompute()
    return {
        "registered": registered,
        "enrolment": enrolment,
        "programme": programme,
        "opportunity": opportunity,
        "candidacy": candidacy,
    }


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, "{}", content_type="application/json")
    return response


def _leaks(response: Any) -> list[str]:
    body = response.content.decode("utf-8", "replace")
    return [v for v in PRIVATE_VALUES if v in body]


def test_the_url_lists_are_not_empty():
    staff = {n for n, _ in STAFF_URLS}
    assert {"pipeline:opportunity", "pipeline:candidacy", "matching:caseload"} <= staff
    assert {n for n, _ in ME_URLS} >= {"candidacies_me:list", "matching_me:matches"}
    assert API_URLS


@pytest.mark.parametrize(("name", "names"), STAFF_URLS + API_URLS, ids=lambda v: str(v))
def test_outsiders_get_404_for_a_url_about_her(request, client, objs, name, names):
    kwargs, about = _kwargs(name, names, objs)
    url = reverse(name, kwargs=kwargs)
    if not about:
        for persona in OUTSIDERS:
            client.force_login(request.getfixturevalue(persona))
            leaked = _leaks(client.get(url))
            assert leaked == [], f"{name} shows {leaked} to {persona}"
        return
    for persona in OUTSIDERS:
        client.force_login(request.getfixturevalue(persona))
        response = _get(client, url)
        assert response.status_code in EXPECTED[persona], f"{name} ({url}) for {persona}"
        assert _leaks(response) == [], f"{name} shows {_leaks(response)} to {persona}"


@pytest.mark.parametrize(("name", "names"), STAFF_URLS + API_URLS, ids=lambda v: str(v))
def test_the_company_never_gets_her_identity_without_consent(client, objs, org_rep, name, names):
    kwargs, _about = _kwargs(name, names, objs)
    client.force_login(org_rep)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code < 500
    assert _leaks(response) == [], f"{name} shows {_leaks(response)} to the company"


def test_the_company_check_can_fail(client, objs, org_rep, person):
    """Control: once she shares her profile, her name is on the company's page."""
    from lavorete.opportunities.pipeline import candidacy_share
    from lavorete.people.services import consent_give

    consent_give(actor=person, person=objs["registered"], purpose="profile_sharing")
    candidacy_share(actor=person, candidacy=objs["candidacy"])
    client.force_login(org_rep)
    url = reverse("pipeline:candidacy", kwargs={"candidacy_pk": objs["candidacy"].pk})
    response = client.get(url)
    assert response.status_code == 200
    assert "Paola" in _leaks(response)


@pytest.fixture
def someone_else(db, programme, operator):
    """Another job seeker with her own record in the same programme."""
    from lavorete.conftest import make_user
    from lavorete.pathways.services import enrolment_create
    from lavorete.people.services import consent_give, person_create

    user = make_user("altra.persona@example.org", "Alba Altra")
    record = person_create(actor=operator, user=user, first_name="Alba", last_name="Altra")
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    consent_give(actor=user, person=record, purpose="matching")
    return user


@pytest.mark.parametrize(("name", "names"), ME_URLS, ids=lambda v: str(v))
def test_someone_elses_pages_never_show_her(client, objs, someone_else, name, names):
    kwargs, _about = _kwargs(name, names, objs)
    client.force_login(someone_else)
    response = _get(client, reverse(name, kwargs=kwargs))
    assert response.status_code < 500
    if "candidacy_pk" in kwargs:
        assert response.status_code == 404, name
    assert _leaks(response) == [], f"{name} shows {_leaks(response)} to someone else"
