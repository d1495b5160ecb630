"""Who opened my file: the person sees every read of their data, and only theirs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lavorete.people.permissions import log_person_read

URL = "my_data:access_log"


def test_the_person_sees_who_read_their_file(client, person, registered, operator):
    log_person_read(operator, registered, ["phone", "email"], purpose="Colloquio di orientamento")
    client.force_login(person)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    page = response.content.decode()
    assert operator.email in page
    assert operator.full_name in page
    assert "email, telefono" in page
    assert "Colloquio di orientamento" in page


def test_reads_through_the_staff_pages_are_listed(client, person, registered, coordinator):
    client.force_login(coordinator)
    export = reverse(
        "privacy:person_export_download", kwargs={"person_pk": registered.pk, "fmt": "json"}
    )
    assert client.get(export).status_code == 200
    client.force_login(person)
    assert coordinator.email in client.get(reverse(URL)).content.decode()


def test_another_person_never_sees_these_reads(client, registered, operator, programme):
    from lavorete.conftest import make_user
    from lavorete.people.services import person_create

    log_person_read(operator, registered, ["phone"], purpose="Colloquio riservato")
    other = make_user("altra.persona@example.org", "Altra Persona")
    person_create(actor=operator, user=other, first_name="Altra", last_name="Persona")
    client.force_login(other)
    page = client.get(reverse(URL)).content.decode()
    assert "Colloquio riservato" not in page
    assert operator.email not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_makes_the_same_queries_however_many_reads(client, person, registered, operator):
    url = reverse(URL)
    log_person_read(operator, registered, ["phone"])
    client.force_login(person)
    client.get(url)  # warm the caches
    one = _queries(client, url)
    for _ in range(40):
        log_person_read(operator, registered, ["phone"])
    assert _queries(client, url) == one


def test_the_data_read_are_named_as_the_person_reads_them(client, person, registered, operator):
    from lavorete.people.permissions import log_person_read

    log_person_read(operator, registered, ["birth_date", "case_notes"], path="/x/")
    client.force_login(person)
    page = client.get(reverse("my_data:access_log")).content.decode()
    assert "data di nascita" in page and "note di caso" in page
    assert "birth_date" not in page and "case_notes" not in page
