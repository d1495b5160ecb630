"""The personal-data inventory covers every field of the models that describe people.

A model that gains a field must say whether it is personal (purpose, legal
basis, retention) or not: export and erasure work from the inventory, so an
unlisted field would be exported to nobody and survive every erasure.
"""

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from lavorete.core import personal_data
from lavorete.core.personal_data import fields_of, inventory, unclassified_fields
from lavorete.pathways.models import Enrolment
from lavorete.people.models import Person, SpecialCategoryData


def _models_about_people() -> list[type[models.Model]]:
    """Every model of people and pathways, and every model pointing at a Person."""
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        meta = model._meta
        points_at_person = any(
            f.is_relation and f.related_model is Person and (f.many_to_one or f.one_to_one)
            for f in meta.concrete_fields
        )
        if meta.app_label in {"people", "pathways"} or points_at_person:
            found[meta.label_lower] = model
    return [found[k] for k in sorted(found)]


MODELS = _models_about_people()


def test_the_models_about_people_include_the_registry_and_the_casework():
    labels = {m._meta.label_lower for m in MODELS}
    assert {"people.person", "people.specialcategorydata", "pathways.enrolment"} <= labels
    assert {"pathways.casenote", "pathways.referral", "pathways.followup"} <= labels


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_every_field_is_classified(model):
    assert unclassified_fields(model) == [], (
        f"{model._meta.label}: classify these fields with register(...) or "
        "not_personal(...) at the bottom of its models module"
    )


def test_it_fails_when_a_model_gains_an_unlisted_field():
    class ThrowawayPerson(models.Model):
        first_name = models.CharField(max_length=10)
        nickname = models.CharField(max_length=10)

        class Meta:
            app_label = "people"
            managed = False

        def __str__(self) -> str:
            return self.first_name

    personal_data.register(
        ThrowawayPerson,
        ["first_name"],
        purpose="test",
        legal_basis=personal_data.LegalBasis.PUBLIC_TASK,
        retention="test",
    )
    try:
        assert unclassified_fields(ThrowawayPerson) == ["nickname"]
    finally:
        personal_data._INVENTORY.pop(("people.throwawayperson", "first_name"), None)
        # The throwaway class must not outlive the test in the app registry.
        apps.all_models["people"].pop("throwawayperson", None)
        apps.clear_cache()


def test_it_fails_when_a_registered_field_loses_its_entry(monkeypatch):
    trimmed = {
        key: entry
        for key, entry in personal_data._INVENTORY.items()
        if key != ("people.person", "phone")
    }
    monkeypatch.setattr(personal_data, "_INVENTORY", trimmed)
    assert unclassified_fields(Person) == ["phone"]


def test_it_refuses_to_register_a_field_that_does_not_exist():
    with pytest.raises(Exception, match="no field named"):
        personal_data.register(
            Person,
            ["nick_name"],
            purpose="test",
            legal_basis=personal_data.LegalBasis.PUBLIC_TASK,
            retention="test",
        )


def test_every_registered_field_exists_and_has_its_reasons():
    for entry in inventory():
        model = apps.get_model(entry.model)
        model._meta.get_field(entry.field)
        assert str(entry.purpose) and str(entry.retention)
        assert entry.legal_basis in personal_data.LegalBasis.values


def test_no_field_is_both_personal_and_not_personal():
    for model in MODELS:
        declared = personal_data._NOT_PERSONAL.get(model._meta.label_lower, set())
        assert not declared & set(fields_of(model)), model._meta.label


def test_special_category_fields_live_only_apart():
    special = {(e.model, e.field) for e in inventory() if e.special_category}
    allowed_models = {SpecialCategoryData._meta.label_lower}
    outside = {
        key
        for key in special
        if key[0] not in allowed_models and key != (Enrolment._meta.label_lower, "cat_disability")
    }
    assert outside == set()
    assert {(SpecialCategoryData._meta.label_lower, "health_notes")} <= special


def test_the_inventory_page_lists_the_people_fields(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("core:personal_data"))
    assert response.status_code == 200
    page = response.content.decode()
    for entry in inventory():
        if entry.model in {"people.person", "people.specialcategorydata"}:
            assert f"<td>{entry.model}</td><td>{entry.field}</td>" in page
