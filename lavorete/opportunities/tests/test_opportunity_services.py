"""The services that write opportunities: validation, status changes, audit."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from lavorete.core.models import AuditEntry
from lavorete.opportunities import services
from lavorete.opportunities.models import (
    Opportunity,
    OpportunityLanguage,
    OpportunitySkill,
    OpportunityStatus,
)
from lavorete.opportunities.tasks import close_expired_opportunities
from lavorete.territory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def segrate(db: Any) -> Municipality:
    return Municipality.objects.get(name="Segrate")


@pytest.fixture
def base(organisation: Any, segrate: Municipality) -> dict[str, Any]:
    """The arguments of a valid job vacancy."""
    return {
        "actor": None,
        "organisation": organisation,
        "kind": "job",
        "title": "Magazziniere",
        "municipality": segrate,
        "contract_type": "determinato",
        "weekly_hours": 38,
    }


def codes(exc: pytest.ExceptionInfo[ValidationError], field: str | None = None) -> set[str]:
    error = exc.value
    if field is None:
        return {e.code for errors in error.error_dict.values() for e in errors}  # type: ignore[misc]
    return {e.code for e in error.error_dict.get(field, [])}  # type: ignore[misc]


def nothing_written(before: int) -> bool:
    return Opportunity.objects.count() == before and not OpportunitySkill.objects.exists()


# --- the shared fixture ----------------------------------------------------------------


def test_the_shared_fixture_is_an_open_internship(opportunity: Any) -> None:
    assert opportunity.status == OpportunityStatus.OPEN
    assert opportunity.contract_type == "tirocinio"
    assert opportunity.skills.count() == 5
    assert opportunity.languages.get().level == "B1"
    assert opportunity.published_at is not None


# --- create ------------------------------------------------------------------------------


def test_it_creates_a_draft_with_skills_and_languages_and_audits_it(
    base: dict[str, Any], esco_skills: dict[str, Any], org_rep: Any
) -> None:
    made = services.opportunity_create(
        **{**base, "actor": org_rep},
        essential=[(esco_skills["storytelling"], 2), (esco_skills["social_media"].uri, 1)],
        optional=[(str(esco_skills["photography"].pk), 3)],
        languages=[("IT ", "B2")],
    )
    assert made.status == OpportunityStatus.DRAFT
    assert made.created_by == org_rep
    assert made.published_at is None
    rows = {(r.skill_id, r.relation, r.level) for r in made.skills.all()}
    assert rows == {
        (esco_skills["storytelling"].pk, "essential", 2),
        (esco_skills["social_media"].pk, "essential", 1),
        (esco_skills["photography"].pk, "optional", 3),
    }
    assert list(made.languages.values_list("language", "level")) == [("it", "B2")]
    entry = AuditEntry.objects.get(action="opportunity.create")
    assert entry.actor == org_rep
    assert entry.target_id == str(made.pk)


def test_a_draft_may_have_no_skill(base: dict[str, Any]) -> None:
    made = services.opportunity_create(**base)
    assert made.skills.count() == 0


def test_unknown_skills_are_named_and_nothing_is_written(
    base: dict[str, Any], esco_skills: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            **base,
            essential=[
                (esco_skills["storytelling"], 1),
                ("http://data.europa.eu/esco/skill/nope", 1),
                ("999999999", 1),
            ],
        )
    assert codes(exc, "essential") == {"unknown_skill"}
    message = exc.value.error_dict["essential"][0].messages[0]
    assert "http://data.europa.eu/esco/skill/nope" in message
    assert "999999999" in message
    assert nothing_written(0)


def test_a_skill_cannot_be_both_essential_and_optional(
    base: dict[str, Any], esco_skills: dict[str, Any]
) -> None:
    skill = esco_skills["storytelling"]
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**base, essential=[(skill, 1)], optional=[(skill.uri, 2)])
    assert "both_relations" in codes(exc)
    assert nothing_written(0)


@pytest.mark.parametrize("level", [0, 5, "2", None, True])
def test_skill_levels_go_from_one_to_four(
    base: dict[str, Any], esco_skills: dict[str, Any], level: Any
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**base, essential=[(esco_skills["storytelling"], level)])
    assert codes(exc, "essential") == {"invalid_level"}


@pytest.mark.parametrize(
    ("languages", "code"),
    [
        ([("xx", "B1")], "unknown_language"),
        ([("it", "B3")], "invalid_cefr"),
        ([("it", "B1"), ("it", "C1")], "duplicate_language"),
        ([("it",)], "invalid"),
    ],
)
def test_languages_must_be_known_codes_and_levels(
    base: dict[str, Any], languages: Any, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**base, languages=languages)
    assert code in codes(exc, "languages")
    assert not OpportunityLanguage.objects.exists()


def test_an_opportunity_on_site_needs_its_municipality(base: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**{**base, "municipality": None})
    assert codes(exc, "municipality") == {"place_or_remote"}


def test_a_remote_opportunity_may_name_a_municipality_or_none(base: dict[str, Any]) -> None:
    anywhere = services.opportunity_create(**{**base, "municipality": None, "is_remote": True})
    based = services.opportunity_create(**{**base, "is_remote": True})
    assert anywhere.municipality is None
    assert based.municipality is not None


@pytest.mark.parametrize(
    ("kind", "contract", "code"),
    [
        ("job", "tirocinio", "contract_for_kind"),
        ("job", "nonsense", "contract_for_kind"),
        ("internship", "indeterminato", "contract_for_kind"),
        ("challenge", "determinato", "no_contract_for_kind"),
        ("volunteer", "tirocinio", "no_contract_for_kind"),
    ],
)
def test_the_contract_type_must_fit_the_kind(
    base: dict[str, Any], kind: str, contract: str, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**{**base, "kind": kind, "contract_type": contract})
    assert code in codes(exc, "contract_type")


def test_an_internship_is_a_tirocinio_even_when_not_said(base: dict[str, Any]) -> None:
    made = services.opportunity_create(**{**base, "kind": "internship", "contract_type": ""})
    assert made.contract_type == "tirocinio"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("weekly_hours", 0, "hours_range"),
        ("weekly_hours", 61, "hours_range"),
        ("positions", 0, "positions_range"),
        ("positions", 501, "positions_range"),
        ("kind", "party", "invalid_kind"),
        ("title", "   ", "required"),
        ("title", "A\x00B", "null_character"),
    ],
)
def test_terms_out_of_range_are_refused(
    base: dict[str, Any], field: str, value: Any, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**{**base, field: value})
    assert code in codes(exc, field)
    assert nothing_written(0)


def test_dates_close_after_opening_and_not_in_the_past(base: dict[str, Any]) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**base, opens_on=today, closes_on=today - dt.timedelta(days=1))
    assert codes(exc, "closes_on") == {"closes_before_opening"}
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            **base, opens_on=today - dt.timedelta(days=30), closes_on=today - dt.timedelta(days=1)
        )
    assert codes(exc, "closes_on") == {"closes_in_past"}


def test_the_programme_must_be_one_the_organisation_is_in(
    base: dict[str, Any], programme: Any, other_programme: Any
) -> None:
    assert services.opportunity_create(**base, programme=programme).programme == programme
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**base, programme=other_programme)
    assert codes(exc, "programme") == {"not_partner"}


def test_an_unknown_occupation_is_refused(base: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(**base, occupation="http://data.europa.eu/esco/occupation/x")
    assert codes(exc, "occupation") == {"unknown"}


# --- update, skills, languages ---------------------------------------------------------


def test_update_changes_only_what_changed_and_audits_the_names(opportunity: Any) -> None:
    services.opportunity_update(
        actor=None, opportunity=opportunity, title="Nuovo titolo", weekly_hours=30
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Nuovo titolo"
    entry = AuditEntry.objects.filter(action="opportunity.update").get()
    assert entry.changes == {"fields": ["title"]}


def test_update_refuses_fields_it_does_not_own(opportunity: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(actor=None, opportunity=opportunity, status="filled")
    assert codes(exc, "status") == {"not_editable"}


def test_update_revalidates_the_whole_opportunity(opportunity: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(actor=None, opportunity=opportunity, kind="volunteer")
    assert "no_contract_for_kind" in codes(exc, "contract_type")
    opportunity.refresh_from_db()
    assert opportunity.kind == "internship"


def test_a_closed_opportunity_cannot_be_changed_until_reopened(
    opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    services.opportunity_close(actor=None, opportunity=opportunity)
    for change in (
        lambda: services.opportunity_update(actor=None, opportunity=opportunity, title="X"),
        lambda: services.opportunity_skill_set(
            actor=None,
            opportunity=opportunity,
            skill=esco_skills["storytelling"],
            relation="essential",
            level=3,
        ),
        lambda: services.opportunity_skill_remove(
            actor=None, opportunity=opportunity, skill=esco_skills["storytelling"]
        ),
        lambda: services.opportunity_language_set(
            actor=None, opportunity=opportunity, language="en", level="A2"
        ),
        lambda: services.opportunity_language_remove(
            actor=None, opportunity=opportunity, language="it"
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            change()
        assert exc.value.code == "closed"
    services.opportunity_publish(actor=None, opportunity=opportunity)
    services.opportunity_update(actor=None, opportunity=opportunity, title="Riaperto")
    opportunity.refresh_from_db()
    assert opportunity.title == "Riaperto"


def test_skill_set_adds_then_changes_and_remove_removes(
    opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    skill = esco_skills["customer_service"]
    row = services.opportunity_skill_set(
        actor=None, opportunity=opportunity, skill=skill.uri, relation="essential", level=3
    )
    assert (row.relation, row.level) == ("essential", 3)
    assert opportunity.skills.count() == 5
    services.opportunity_skill_remove(actor=None, opportunity=opportunity, skill=skill)
    assert not opportunity.skills.filter(skill=skill).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "opportunity.skill_set" in actions
    assert "opportunity.skill_remove" in actions


def test_skill_set_refuses_unknown_skills_and_bad_terms(opportunity: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_skill_set(
            actor=None, opportunity=opportunity, skill="nope", relation="maybe", level=9
        )
    assert codes(exc) == {"unknown_skill", "invalid", "invalid_level"}


def test_skills_from_occupation_add_its_essential_skills_once(
    opportunity: Any, esco_skills: dict[str, Any]
) -> None:
    from lavorete.skills.models import Occupation, OccupationSkill, Skill

    occupation = Occupation.objects.create(uri="http://data.europa.eu/esco/occupation/test")
    new = Skill.objects.create(uri="http://data.europa.eu/esco/skill/test-new")
    OccupationSkill.objects.create(occupation=occupation, skill=new, relation="essential")
    OccupationSkill.objects.create(
        occupation=occupation, skill=esco_skills["customer_service"], relation="essential"
    )
    OccupationSkill.objects.create(
        occupation=occupation, skill=esco_skills["storytelling"], relation="essential"
    )
    services.opportunity_update(actor=None, opportunity=opportunity, occupation=occupation)
    added = services.opportunity_skills_from_occupation(actor=None, opportunity=opportunity)
    # Storytelling and customer service were already asked for: they keep their terms.
    assert added == 1
    assert opportunity.skills.get(skill=new).relation == "essential"
    assert opportunity.skills.get(skill=esco_skills["customer_service"]).relation == "optional"
    assert services.opportunity_skills_from_occupation(actor=None, opportunity=opportunity) == 0


def test_language_set_and_remove(opportunity: Any) -> None:
    services.opportunity_language_set(
        actor=None, opportunity=opportunity, language="en", level="A2"
    )
    services.opportunity_language_set(
        actor=None, opportunity=opportunity, language="it", level="C1"
    )
    assert dict(opportunity.languages.values_list("language", "level")) == {
        "it": "C1",
        "en": "A2",
    }
    services.opportunity_language_remove(actor=None, opportunity=opportunity, language="en")
    assert opportunity.languages.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.opportunity_language_set(
            actor=None, opportunity=opportunity, language="klingon", level="Z9"
        )
    assert codes(exc) == {"unknown_language", "invalid_cefr"}


# --- status ------------------------------------------------------------------------------


def test_publish_opens_a_draft_without_skills(base: dict[str, Any]) -> None:
    made = services.opportunity_create(**base)
    services.opportunity_publish(actor=None, opportunity=made)
    made.refresh_from_db()
    assert made.status == OpportunityStatus.OPEN
    assert made.published_at is not None
    assert made.is_open


def test_publish_refuses_one_past_its_closing_date(base: dict[str, Any]) -> None:
    today = timezone.localdate()
    made = services.opportunity_create(**base, opens_on=today - dt.timedelta(days=10))
    Opportunity.objects.filter(pk=made.pk).update(closes_on=today - dt.timedelta(days=1))
    made.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.opportunity_publish(actor=None, opportunity=made)
    assert codes(exc, "closes_on") == {"expired"}
    made.refresh_from_db()
    assert made.status == OpportunityStatus.DRAFT


def test_publish_refuses_an_open_or_filled_opportunity(opportunity: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.opportunity_publish(actor=None, opportunity=opportunity)
    assert exc.value.code == "invalid_status"
    services.opportunity_mark_filled(actor=None, opportunity=opportunity)
    with pytest.raises(ValidationError):
        services.opportunity_publish(actor=None, opportunity=opportunity)


def test_close_and_fill(opportunity: Any) -> None:
    services.opportunity_close(actor=None, opportunity=opportunity)
    assert opportunity.status == OpportunityStatus.CLOSED
    with pytest.raises(ValidationError):
        services.opportunity_close(actor=None, opportunity=opportunity)
    # Hiring may end after the closing date: a closed opportunity can still be filled.
    services.opportunity_mark_filled(actor=None, opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.FILLED
    entries = AuditEntry.objects.filter(action="opportunity.mark_filled").count()
    services.opportunity_mark_filled(actor=None, opportunity=opportunity)  # again: nothing
    assert AuditEntry.objects.filter(action="opportunity.mark_filled").count() == entries
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(actor=None, opportunity=opportunity, title="X")
    assert exc.value.code == "filled"


def test_a_draft_cannot_be_filled(base: dict[str, Any]) -> None:
    made = services.opportunity_create(**base)
    with pytest.raises(ValidationError):
        services.opportunity_mark_filled(actor=None, opportunity=made)


# --- closing the expired ones ----------------------------------------------------------


def test_expired_open_opportunities_are_closed_daily(
    base: dict[str, Any], opportunity: Any
) -> None:
    today = timezone.localdate()
    Opportunity.objects.filter(pk=opportunity.pk).update(closes_on=today + dt.timedelta(days=2))
    assert services.opportunities_close_expired(today=today) == 0
    assert services.opportunities_close_expired(today=today + dt.timedelta(days=3)) == 1
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.CLOSED
    assert AuditEntry.objects.filter(action="opportunity.close_expired").count() == 1


def test_the_task_and_the_command_close_expired_ones(opportunity: Any, capsys: Any) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Opportunity.objects.filter(pk=opportunity.pk).update(
        opens_on=yesterday - dt.timedelta(days=5), closes_on=yesterday
    )
    assert close_expired_opportunities.call() == 1
    call_command("close_expired_opportunities", "--date", "2030-01-01")
    assert "0 opportunity" in capsys.readouterr().out


def test_positions_cannot_fall_below_the_people_hired(
    opportunity: Any, registered: Any, person: Any, operator: Any
) -> None:
    from lavorete.opportunities import pipeline

    services.opportunity_update(actor=None, opportunity=opportunity, positions=2)
    candidacy = pipeline.candidacy_apply(actor=person, opportunity=opportunity, person=registered)
    pipeline.candidacy_share(actor=person, candidacy=candidacy, give_consent=True)
    pipeline.candidacy_move(actor=operator, candidacy=candidacy, status="hired")
    assert opportunity.status == OpportunityStatus.OPEN
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(actor=None, opportunity=opportunity, positions=0)
    assert codes(exc, "positions") == {"positions_range", "positions_below_hires"}
    # One position, taken by the one person hired: the opportunity is filled.
    services.opportunity_update(actor=None, opportunity=opportunity, positions=1)
    assert opportunity.status == OpportunityStatus.FILLED
    opportunity.refresh_from_db()
    assert (opportunity.positions, opportunity.status) == (1, OpportunityStatus.FILLED)
