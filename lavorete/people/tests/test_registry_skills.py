"""ESCO skills in a person's profile: level, evidence, and who may record which evidence."""

import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry
from lavorete.people.models import PersonSkill
from lavorete.people.services import person_skill_add, person_skill_remove, person_skill_update
from lavorete.people.tests.registry_support import COMMUNICATE, make_skills

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(db):
    return make_skills()


def test_a_person_declares_a_skill_by_uri(registered, skills):
    row = person_skill_add(actor=registered.user, person=registered, skill=COMMUNICATE, level=3)
    assert row.skill == skills["communicate"]
    assert row.evidence == "self_declared" and row.assessed_by is None
    entry = AuditEntry.objects.get(action="person.skill_add")
    assert entry.changes == {"fields": ["evidence", "level", "skill"]} or entry.changes == {
        "fields": ["skill", "level", "evidence"]
    }


def test_an_operator_records_an_assessed_skill_by_id(operator, registered, skills):
    row = person_skill_add(
        actor=operator,
        person=registered,
        skill=str(skills["weld"].pk),
        level=2,
        evidence="assessed",
    )
    assert row.assessed_by == operator


@pytest.mark.parametrize("evidence", ["assessed", "certified"])
def test_it_refuses_assessed_or_certified_from_the_person(registered, skills, evidence):
    with pytest.raises(ValidationError) as caught:
        person_skill_add(
            actor=registered.user, person=registered, skill=skills["weld"], evidence=evidence
        )
    assert caught.value.error_dict["evidence"][0].code == "not_staff"
    assert not PersonSkill.objects.exists()


def test_it_refuses_assessed_from_an_operator_of_another_programme(
    other_operator, registered, skills
):
    with pytest.raises(ValidationError):
        person_skill_add(
            actor=other_operator, person=registered, skill=skills["weld"], evidence="assessed"
        )


@pytest.mark.parametrize(
    "skill", ["http://data.europa.eu/esco/skill/none", "999999", "", -1, "x" * 500]
)
def test_it_refuses_an_unknown_skill(registered, skills, skill):
    with pytest.raises(ValidationError) as caught:
        person_skill_add(actor=registered.user, person=registered, skill=skill)
    assert caught.value.error_dict["skill"][0].code == "unknown"


@pytest.mark.parametrize("level", [0, 5, "3"])
def test_it_refuses_a_level_outside_1_to_4(registered, skills, level):
    with pytest.raises(ValidationError) as caught:
        person_skill_add(
            actor=registered.user, person=registered, skill=skills["weld"], level=level
        )
    assert "level" in caught.value.error_dict


def test_it_refuses_the_same_skill_twice(registered, skills):
    person_skill_add(actor=registered.user, person=registered, skill=skills["weld"])
    with pytest.raises(ValidationError) as caught:
        person_skill_add(actor=registered.user, person=registered, skill=skills["weld"])
    assert caught.value.error_dict["skill"][0].code == "taken"


def test_the_person_cannot_change_an_assessed_skill_but_the_operator_can(
    operator, registered, skills
):
    row = person_skill_add(
        actor=operator, person=registered, skill=skills["weld"], evidence="assessed"
    )
    with pytest.raises(ValidationError):
        person_skill_update(actor=registered.user, person_skill=row, level=4)
    row.refresh_from_db()
    assert row.level == 2
    person_skill_update(actor=operator, person_skill=row, level=4, evidence="certified")
    row.refresh_from_db()
    assert (row.level, row.evidence, row.assessed_by) == (4, "certified", operator)


def test_the_person_changes_and_removes_a_declared_skill(registered, skills):
    row = person_skill_add(actor=registered.user, person=registered, skill=skills["weld"])
    person_skill_update(actor=registered.user, person_skill=row, level=1)
    row.refresh_from_db()
    assert row.level == 1
    person_skill_remove(actor=registered.user, person_skill=row)
    assert not PersonSkill.objects.exists()
    assert AuditEntry.objects.filter(action="person.skill_remove").exists()
