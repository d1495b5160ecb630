"""The caseload: the operator's people only, filters, a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lavorete.core.models import PersonalDataAccess
from lavorete.pathways.services import intake

URL = reverse("pathways:caseload")


def _take_in(operator, programme, n, start=0):
    for i in range(start, start + n):
        intake(actor=operator, programme=programme, tutor=operator, last_name=f"Persona{i:03d}")


def test_the_operator_sees_their_people_and_reads_are_logged(client, operator, registered):
    client.force_login(operator)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Paola Persona" in page.content.decode()
    assert PersonalDataAccess.objects.filter(subject_id=str(registered.pk)).exists()


def test_another_programmes_operator_sees_nobody(client, other_operator, registered):
    client.force_login(other_operator)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Paola" not in page.content.decode()


def test_the_evaluator_and_the_company_get_403(client, evaluator, org_rep, registered):
    for user in (evaluator, org_rep):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_it_filters_and_searches(client, operator, coordinator, registered, second):
    client.force_login(operator)
    assert "Secondo" not in client.get(URL, {"q": "PRSPLA98"}).content.decode()
    assert "Paola" in client.get(URL, {"q": "paola persona"}).content.decode()
    assert "Paola" not in client.get(URL, {"status": "dropped"}).content.decode()
    assert "Paola" in client.get(URL, {"category": "under_30"}).content.decode()
    assert "Secondo" not in client.get(URL, {"category": "under_30"}).content.decode()
    assert "Paola" in client.get(URL, {"mine": "1", "page": "1"}).content.decode()
    client.force_login(coordinator)
    assert "Paola" not in client.get(URL, {"mine": "1"}).content.decode()


def test_bad_filters_are_ignored_not_a_500(client, operator, registered):
    client.force_login(operator)
    page = client.get(URL, {"programme": "x", "stage": "9" * 40, "q": "a\x00b", "page": "1"})
    assert page.status_code == 200


def test_the_query_count_is_the_same_for_3_and_30_people(client, operator, programme):
    _take_in(operator, programme, 3)
    client.force_login(operator)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    _take_in(operator, programme, 27, start=3)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL)
    assert "Persona029" in page.content.decode()
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_an_anonymised_person_leaves_the_list_and_its_count(
    client, operator, coordinator, registered, second
):
    from lavorete.pathways.selectors import caseload
    from lavorete.people.gdpr import ErasureReason, person_erase

    rows = caseload(operator)
    assert not isinstance(rows, list) and rows.count() == 2
    person_erase(actor=coordinator, person=registered, reason=ErasureReason.values[0])

    rows = caseload(operator)
    assert not isinstance(rows, list) and rows.count() == 1
    assert [e.person_id for e in rows] == [second.person_id]
    client.force_login(operator)
    page = client.get(URL).content.decode()
    assert "Paola" not in page
