"""The skill picker widget and field: the id chosen, or the matches to choose from."""

import pytest
from django import forms
from django.http import QueryDict

from lavorete.people.tests.registry_support import english, make_skills
from lavorete.people.widgets import SkillField

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    with english(settings):
        yield


class PickForm(forms.Form):
    skill = SkillField()


def form(**data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    return PickForm(query)


def test_the_chosen_id_wins_over_the_text():
    skills = make_skills()
    bound = form(skill=str(skills["weld"].pk), skill_q="comunicare")
    assert bound.is_valid()
    assert bound.cleaned_data["skill"] == skills["weld"]


def test_a_radio_choice_after_the_empty_hidden_input_is_taken():
    skills = make_skills()
    bound = form(skill=["", str(skills["communicate"].pk)], skill_q="comunicare")
    assert bound.is_valid()


def test_text_alone_shows_the_matches_as_radios_tolerating_accents_and_typos():
    make_skills()
    bound = form(skill_q="comunicàre con i clinti")
    assert not bound.is_valid()
    assert bound.errors["skill"][0].startswith("Choose one of the skills found")
    html = str(bound["skill"])
    assert 'type="radio"' in html and "communicate with customers" in html


def test_nothing_typed_is_required():
    assert form().errors["skill"][0].startswith("Type part of the skill")


@pytest.mark.parametrize("raw", ["0", "-1", "9" * 40, "abc", "1e9", "\x00"])
def test_an_impossible_id_is_refused_without_a_database_error(raw):
    make_skills()
    bound = form(skill=raw)
    assert not bound.is_valid()


def test_the_rendered_widget_is_an_accessible_combobox():
    skills = make_skills()
    html = str(PickForm(initial={"skill": skills["weld"]})["skill"])
    assert 'role="combobox"' in html and 'aria-controls="id_skill_listbox"' in html
    assert 'role="listbox"' in html and 'aria-live="polite"' in html
    assert 'data-search-url="/api/v1/skills"' in html
    assert "use welding equipment" in html
    assert "<script" not in html and "style=" not in html
