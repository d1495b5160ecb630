"""Languages with CEFR levels."""

import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry
from lavorete.people.models import PersonLanguage
from lavorete.people.services import person_language_remove, person_language_set

pytestmark = pytest.mark.django_db


def test_it_adds_then_changes_a_language(operator, registered):
    person_language_set(actor=operator, person=registered, language="EN", level="B1")
    person_language_set(actor=operator, person=registered, language="en", level="C1")
    assert list(registered.languages.values_list("language", "level")) == [("en", "C1")]
    actions = list(
        AuditEntry.objects.filter(action="person.language_set")
        .order_by("pk")
        .values_list("changes", flat=True)
    )
    assert actions == [{"fields": ["language", "level"]}, {"fields": ["level"]}]


@pytest.mark.parametrize(
    ("language", "level", "field"), [("xx", "B1", "language"), ("it", "Z9", "level")]
)
def test_it_refuses_an_unknown_language_or_level(operator, registered, language, level, field):
    with pytest.raises(ValidationError) as caught:
        person_language_set(actor=operator, person=registered, language=language, level=level)
    assert field in caught.value.error_dict
    assert not PersonLanguage.objects.exists()


def test_it_removes_a_language(operator, registered):
    person_language_set(actor=operator, person=registered, language="ar", level="native")
    person_language_remove(actor=operator, person=registered, language="ar")
    person_language_remove(actor=operator, person=registered, language="ar")
    assert not PersonLanguage.objects.exists()
    assert AuditEntry.objects.filter(action="person.language_remove").count() == 1
