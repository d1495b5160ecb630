import datetime
from typing import Any

import pytest

from lavorete.core.permissions import has_perm
from lavorete.network.models import Agreement, Organisation, Programme
from lavorete.network.selectors import (
    agreement_list,
    contact_list,
    organisation_list,
    programme_list,
    public_partners,
    public_programmes,
)
from lavorete.network.services import programme_create, programme_partner_add

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "org_rep",
    "space_manager",
    "operator",
    "evaluator",
    "person",
    "outsider",
]


@pytest.fixture
def world(
    organisation: Any,
    other_organisation: Any,
    third_organisation: Any,
    programme: Programme,
    agreement: Agreement,
    other_agreement: Agreement,
) -> dict[str, Any]:
    """A network: a programme led by `organisation`, another led by `third_organisation`."""
    other_programme = programme_create(
        actor=None, name="Donne e lavoro", lead_organisation=third_organisation, is_public=False
    )
    return {"programme": programme, "other_programme": other_programme}


def names(queryset: Any) -> list[str]:
    return [o.name for o in queryset]


def test_a_representative_sees_only_their_organisation(
    world: Any, org_rep: Any, organisation: Organisation
) -> None:
    assert names(organisation_list(org_rep)) == [organisation.name]


def test_the_coordinator_sees_every_organisation(world: Any, coordinator: Any) -> None:
    assert organisation_list(coordinator).count() == Organisation.objects.count() == 3


def test_an_operator_sees_the_organisations_of_their_programme(
    world: Any, operator: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    assert names(organisation_list(operator)) == [organisation.name]
    programme_partner_add(
        actor=None, programme=world["programme"], organisation=other_organisation, role="partner"
    )
    assert set(names(organisation_list(operator))) == {organisation.name, other_organisation.name}


def test_someone_without_a_role_sees_nothing(world: Any, person: Any) -> None:
    assert not organisation_list(person).exists()
    assert not programme_list(person).exists()
    assert not agreement_list(person).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_lists_show_exactly_what_detail_pages_allow(world: Any, request: Any, persona: str) -> None:
    user = request.getfixturevalue(persona)
    cases: list[tuple[Any, Any, str]] = [
        (Organisation, organisation_list, "network.view_organisation"),
        (Programme, programme_list, "network.view_programme"),
        (Agreement, agreement_list, "network.view_agreement"),
    ]
    for model, selector, perm in cases:
        allowed = {o.pk for o in model.objects.all() if has_perm(user, perm, o)}
        listed = [o.pk for o in selector(user)]
        assert len(listed) == len(set(listed)), f"{model.__name__} listed twice for {persona}"
        assert set(listed) == allowed, f"{model.__name__} for {persona}"


def test_organisation_search_and_filters(
    world: Any, coordinator: Any, organisation: Organisation, municipality: Any
) -> None:
    assert names(organisation_list(coordinator, query="ponte")) == [organisation.name]
    assert names(organisation_list(coordinator, query=f"IT{organisation.vat_number}")) == [
        organisation.name
    ]
    assert names(organisation_list(coordinator, kind="cooperative")) == [organisation.name]
    province = municipality.province
    assert organisation_list(coordinator, province=province.code).count() == 3
    assert organisation_list(coordinator, province=province.abbreviation.lower()).count() == 3
    assert not organisation_list(coordinator, province="RM").exists()
    assert organisation_list(coordinator, municipality=municipality).count() == 3


def test_programmes_by_scope(
    world: Any, org_rep: Any, operator: Any, outsider: Any, coordinator: Any
) -> None:
    assert names(programme_list(org_rep)) == ["Cittadinanza al lavoro"]
    assert names(programme_list(operator)) == ["Cittadinanza al lavoro"]
    assert names(programme_list(outsider)) == []
    assert programme_list(coordinator).count() == 2


def test_programme_list_of_one_organisation(
    world: Any, coordinator: Any, other_organisation: Organisation
) -> None:
    assert names(programme_list(coordinator, organisation=other_organisation)) == []
    programme_partner_add(
        actor=None, programme=world["programme"], organisation=other_organisation, role="funder"
    )
    assert names(programme_list(coordinator, organisation=other_organisation)) == [
        "Cittadinanza al lavoro"
    ]


def test_agreements_by_signatory(
    world: Any,
    org_rep: Any,
    outsider: Any,
    coordinator: Any,
    agreement: Agreement,
    other_agreement: Agreement,
) -> None:
    assert list(agreement_list(org_rep)) == [agreement]
    assert set(agreement_list(outsider)) == {agreement, other_agreement}
    assert agreement_list(coordinator).count() == 2


def test_contacts_only_with_the_permission(
    organisation: Organisation, contact: Any, org_rep: Any, outsider: Any, evaluator: Any
) -> None:
    assert list(contact_list(org_rep, organisation)) == [contact]
    assert not contact_list(outsider, organisation).exists()
    assert not contact_list(evaluator, organisation).exists()


def test_public_programmes_closed_last_and_never_private(
    world: Any, organisation: Organisation
) -> None:
    closed = programme_create(
        actor=None,
        name="Concluso",
        lead_organisation=organisation,
        status="closed",
        start_date=datetime.date(2030, 1, 1),
    )
    assert list(public_programmes()) == [world["programme"], closed]


def test_public_partners_are_those_of_public_programmes(
    world: Any, organisation: Organisation, third_organisation: Organisation
) -> None:
    # third_organisation leads only a programme that is not public.
    assert list(public_partners()) == [organisation]


def test_public_programmes_most_recent_first_and_undated_last(
    organisation: Organisation,
) -> None:
    undated = programme_create(actor=None, name="Senza date", lead_organisation=organisation)
    older = programme_create(
        actor=None,
        name="Vecchio",
        lead_organisation=organisation,
        start_date=datetime.date(2023, 1, 1),
    )
    newer = programme_create(
        actor=None,
        name="Nuovo",
        lead_organisation=organisation,
        start_date=datetime.date(2025, 1, 1),
    )
    assert list(public_programmes()) == [newer, older, undated]
