"""The back-office menu marks one entry as the current page: the most specific one."""

from django.test import RequestFactory
from django.urls import reverse

from lavorete.core.backoffice import menu_for


def _active(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return [item["url"] for item in menu_for(request) if item["active"]]


def test_a_page_under_the_caseload_marks_its_own_entry(operator):
    tasks = reverse("pathways:tasks")
    caseload = reverse("pathways:caseload")
    assert tasks.startswith(caseload)
    assert _active(operator, tasks) == [tasks]
    assert _active(operator, caseload) == [caseload]


def test_a_person_s_file_marks_the_caseload(operator, registered):
    path = reverse("pathways:person_file", kwargs={"person_pk": registered.pk})
    assert _active(operator, path) == [reverse("pathways:caseload")]
