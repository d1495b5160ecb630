"""IDOR proof for people's data: every person-data URL and API route, every outsider.

For EVERY URL pattern of the namespaces `people`, `pathways` and `privacy`, and
every API operation whose path is about people, enrolments or "me":

- another programme's operator, a company representative and an evaluator get
  404 for a URL about one person (they learn nothing, not even that it exists);
- the person's tutor, who has no special-category permission, never gets the
  person's health or disability values in any response;
- the personal pages ("me") of someone else never show this person's data.

URL kwargs are filled from a table: a new URL with a kwarg nobody has thought
about fails here until its meaning is added.
"""

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

STAFF_NAMESPACES = ("people", "pathways", "privacy")
ME_NAMESPACES = ("my_data", "people_me", "pathways_me")
API_NAMESPACE = "api-1.0.0"
API_PATH = re.compile(r"(people|enrolments|(^|/)me(/|$))")

HEALTH_NOTE = "NOTA-SALUTE-XYZ"
DISABILITY_PERCENTAGE = 67
# The percentage as a page or a JSON body would show it.
PERCENTAGE_SHOWN = re.compile(
    r"(?<![\w.,#-])67\s*%|value=\"67\"|>\s*67\s*<|\"disability_percentage\"\s*:\s*67\b"
)
# Values only this person's file holds: none may reach an outsider.
PRIVATE_VALUES = ("PRSPLA98A41G686Z", "+39 333 000 0001", "NOTA-CASO-IDOR", "OBIETTIVO-IDOR")

OUTSIDERS = ("other_operator", "org_rep", "evaluator")


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
# Candidacies and matches have their own walk (test_idor_matching.py).
OWN_WALK = re.compile(r"(candidac|candidates|matches)")
API_URLS = sorted(
    (name, kwargs)
    for name, kwargs, route in ALL
    if name.startswith(f"{API_NAMESPACE}:")
    and API_PATH.search(route)
    and not OWN_WALK.search(route)
)

# A kwarg that names something of the person: the URL is about that person.
PERSON_KWARGS = {
    "person_pk": lambda o: o["registered"].pk,
    "person_id": lambda o: o["registered"].pk,
    "enrolment_pk": lambda o: o["enrolment"].pk,
    "enrolment_id": lambda o: o["enrolment"].pk,
    "goal_pk": lambda o: o["goal"].pk,
    "skill_pk": lambda o: o["person_skill"].pk,
    "language": lambda o: "it",
    "purpose": lambda o: "programme",
    "fmt": lambda o: "json",
}
# Kwargs of programme-level pages (set-up, group sessions): not about one person.
PROGRAMME_KWARGS = {"programme_pk": lambda o: o["programme"].pk}
# What a bare `pk` means, URL by URL; whether that object is about the person.
PK_MEANING: dict[str, tuple[str, bool]] = {
    "pathways:follow_up": ("follow_up", True),
    "pathways:referral_decide": ("referral", True),
    "pathways:referral_withdraw": ("referral", True),
    "pathways:attendance": ("delivery", False),
    "pathways:target_remove": ("target", False),
    "pathways:stage_update": ("stage", False),
    "pathways:stage_move": ("stage", False),
    "pathways:stage_remove": ("stage", False),
}


def _kwargs(name: str, names: list[str], objs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The URL's kwargs for this person, and whether the URL is about the person."""
    kwargs: dict[str, Any] = {}
    about_person = False
    for kwarg in names:
        if kwarg in PERSON_KWARGS:
            kwargs[kwarg] = PERSON_KWARGS[kwarg](objs)
            about_person = about_person or kwarg != "fmt"
        elif kwarg in PROGRAMME_KWARGS:
            kwargs[kwarg] = PROGRAMME_KWARGS[kwarg](objs)
        elif kwarg == "pk" and name in PK_MEANING:
            key, personal = PK_MEANING[name]
            kwargs[kwarg] = objs[key].pk
            about_person = about_person or personal
        else:
            pytest.fail(
                f"{name}: unknown URL kwarg {kwarg!r}: say in test_idor_people.py what it "
                "names and whether the URL is about one person"
            )
    return kwargs, about_person


@pytest.fixture
def objs(registered, enrolment, programme, other_programme, operator):
    """The person with something behind every kind of URL: health data, notes, plan, outcome."""
    from lavorete.network.services import programme_create
    from lavorete.pathways import models as pw
    from lavorete.people.models import Consent, PersonLanguage, PersonSkill
    from lavorete.people.services import special_data_set
    from lavorete.skills.models import Label, Skill

    special_data_set(
        actor=operator,
        person=registered,
        has_disability=True,
        disability_percentage=DISABILITY_PERCENTAGE,
        protected_category_l68=True,
        health_notes=HEALTH_NOTE,
    )
    pw.Enrolment.objects.filter(pk=enrolment.pk).update(cat_disability=True)
    PersonLanguage.objects.create(person=registered, language="it", level="native")
    skill = Skill.objects.create(uri="http://data.europa.eu/esco/skill/idor-test")
    Label.objects.create(
        skill=skill, language="en", kind="preferred", text="weld metal", normalised="weld metal"
    )
    person_skill = PersonSkill.objects.create(person=registered, skill=skill, level=2)
    Consent.objects.create(person=registered, purpose="programme", text_version="2026-11")
    pw.CaseNote.objects.create(enrolment=enrolment, author=operator, text="NOTA-CASO-IDOR")
    goal = pw.Goal.objects.create(enrolment=enrolment, title="OBIETTIVO-IDOR", created_by=operator)
    outcome = pw.Outcome.objects.create(
        enrolment=enrolment,
        kind="job",
        employer_name="Officina Idor",
        contract_type="determinato",
        start_date=dt.date(2026, 9, 1),
        weekly_hours=20,
    )
    follow_up = pw.FollowUp.objects.create(
        outcome=outcome, months=3, due_on=dt.date(2026, 12, 1), assigned_to=operator
    )
    # Referred to a third programme: the other operator's programme is not involved.
    third = programme_create(
        actor=None,
        name="Terzo programma",
        slug="terzo-programma",
        lead_organisation=other_programme.lead_organisation,
        status="active",
    )
    referral = pw.Referral.objects.create(
        person=registered,
        from_enrolment=enrolment,
        to_programme=third,
        to_organisation=third.lead_organisation,
        reason="Motivo",
        consent_text_version="2026-11",
        consent_given_at=timezone.now(),
        status="declined",
    )
    delivery = pw.ServiceDelivery.objects.create(
        programme=programme,
        kind="lab_session",
        mode="group",
        title="Laboratorio",
        held_on=dt.date(2026, 10, 1),
        duration_minutes=60,
        operator=operator,
    )
    pw.Attendance.objects.create(delivery=delivery, enrolment=enrolment)
    target = pw.ProgrammeTarget.objects.create(programme=programme, kind="reached", value=400)
    return {
        "registered": registered,
        "enrolment": enrolment,
        "programme": programme,
        "goal": goal,
        "person_skill": person_skill,
        "follow_up": follow_up,
        "referral": referral,
        "delivery": delivery,
        "target": target,
        "stage": programme.stages.order_by("position").first(),
    }


def _status(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def _leaks_special(response: Any) -> list[str]:
    body = response.content.decode("utf-8", "replace")
    found = []
    if HEALTH_NOTE in body:
        found.append("health notes")
    if PERCENTAGE_SHOWN.search(body):
        found.append("disability percentage")
    return found


def test_the_url_lists_are_not_empty():
    names = {n for n, _ in STAFF_URLS}
    assert {"privacy:person_export", "privacy:person_erase"} <= names
    assert any(n.startswith("people:") for n in names)
    assert any(n.startswith("pathways:") for n in names)


@pytest.mark.parametrize(("name", "names"), STAFF_URLS + API_URLS, ids=lambda v: str(v))
def test_outsiders_get_404_for_a_url_about_the_person(request, client, objs, name, names):
    kwargs, about_person = _kwargs(name, names, objs)
    if not about_person:
        # A list or programme page: it may answer, but never with this person's data.
        for persona in OUTSIDERS:
            client.force_login(request.getfixturevalue(persona))
            body = client.get(reverse(name, kwargs=kwargs)).content.decode("utf-8", "replace")
            leaked = [v for v in PRIVATE_VALUES if v in body]
            assert leaked == [], f"{name} shows {leaked} to {persona}"
        return
    url = reverse(name, kwargs=kwargs)
    got = {}
    for persona in OUTSIDERS:
        client.force_login(request.getfixturevalue(persona))
        got[persona] = _status(client, url).status_code
    assert got == dict.fromkeys(OUTSIDERS, 404), f"{name} ({url})"


@pytest.mark.parametrize(("name", "names"), STAFF_URLS + API_URLS, ids=lambda v: str(v))
def test_the_tutor_never_gets_special_category_values(client, objs, operator, name, names):
    kwargs, _about = _kwargs(name, names, objs)
    client.force_login(operator)
    response = client.get(reverse(name, kwargs=kwargs))
    assert _leaks_special(response) == [], f"{name} shows Art. 9 data to an operator"


def test_the_special_data_check_can_fail(client, objs, special_officer):
    """Control: with the permission, the same values are on the page, and the check sees them."""
    client.force_login(special_officer)
    response = client.get(reverse("people:special", kwargs={"person_pk": objs["registered"].pk}))
    assert response.status_code == 200
    assert _leaks_special(response) != []


@pytest.fixture
def someone_else(db, programme, operator):
    """Another job seeker with their own record in the same programme."""
    from lavorete.conftest import make_user
    from lavorete.pathways.services import enrolment_create
    from lavorete.people.services import person_create

    user = make_user("altra.persona@example.org", "Alba Altra")
    record = person_create(actor=operator, user=user, first_name="Alba", last_name="Altra")
    enrolment_create(actor=operator, person=record, programme=programme, tutor=operator)
    return user


@pytest.mark.parametrize(
    ("name", "names"),
    ME_URLS + [u for u in API_URLS if not u[1]],
    ids=lambda v: str(v),
)
@pytest.mark.parametrize("persona", ["someone_else", "other_operator", "org_rep", "outsider"])
def test_someone_elses_personal_pages_never_show_this_person(
    request, client, objs, name, names, persona
):
    kwargs, about_person = _kwargs(name, names, objs)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(name, kwargs=kwargs))
    body = response.content.decode("utf-8", "replace")
    leaked = [v for v in (*PRIVATE_VALUES, HEALTH_NOTE) if v in body]
    assert leaked == [], f"{name} shows {leaked} to {persona}"
    if about_person and "fmt" not in kwargs:
        assert response.status_code == 404, f"{name} answers {response.status_code} to {persona}"
