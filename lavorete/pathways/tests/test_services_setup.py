"""Programme set-up: targets, the stage template, the legal basis."""

import pytest
from django.core.exceptions import ValidationError

from lavorete.core.models import AuditEntry
from lavorete.pathways import services
from lavorete.pathways.models import ProgrammeTarget, Stage


def test_it_sets_and_updates_a_target(coordinator, programme):
    services.programme_target_set(
        actor=coordinator, programme=programme, kind="reached", category="", value=400
    )
    target = services.programme_target_set(
        actor=coordinator, programme=programme, kind="reached", category="", value=450
    )
    assert ProgrammeTarget.objects.get(programme=programme).value == 450
    entry = AuditEntry.objects.filter(action="programme.target_set").order_by("pk").last()
    assert entry is not None
    assert entry.changes["fields"] == ["value"]
    assert 450 not in entry.changes.values()
    services.programme_target_remove(actor=coordinator, target=target)
    assert not ProgrammeTarget.objects.exists()


@pytest.mark.parametrize(
    ("kind", "category", "value", "field"),
    [("bogus", "", 10, "kind"), ("reached", "aliens", 10, "category"), ("reached", "", 0, "value")],
)
def test_it_refuses_an_invalid_target(coordinator, programme, kind, category, value, field):
    with pytest.raises(ValidationError) as exc:
        services.programme_target_set(
            actor=coordinator, programme=programme, kind=kind, category=category, value=value
        )
    assert field in exc.value.error_dict
    assert not ProgrammeTarget.objects.exists()


def test_it_adds_renames_and_reorders_stages(coordinator, programme):
    first = services.stage_add(
        actor=coordinator, programme=programme, name="Accoglienza", kind="intake"
    )
    second = services.stage_add(
        actor=coordinator, programme=programme, name="Piano", kind="other", gate="plan"
    )
    assert (first.position, second.position) == (1, 2)
    services.stage_update(
        actor=coordinator, stage=second, name="Piano condiviso", kind="other", gate="approval"
    )
    services.stage_move(actor=coordinator, stage=second, up=True)
    names = list(Stage.objects.filter(programme=programme).values_list("name", "gate"))
    assert names == [("Piano condiviso", "approval"), ("Accoglienza", "")]


def test_it_refuses_removing_a_stage_people_are_in(coordinator, enrolment, stages):
    with pytest.raises(ValidationError) as exc:
        services.stage_remove(actor=coordinator, stage=stages["intake"])
    assert exc.value.code == "in_use"


def test_it_removes_an_unused_stage_and_closes_ranks(coordinator, enrolment, stages):
    services.stage_remove(actor=coordinator, stage=stages["project_lab"])
    positions = list(
        Stage.objects.filter(programme_id=enrolment.programme_id).values_list("position", flat=True)
    )
    assert positions == list(range(1, 8))


def test_it_sets_the_legal_basis(coordinator, programme):
    services.programme_legal_basis_set(
        actor=coordinator, programme=programme, legal_basis="consent"
    )
    programme.refresh_from_db()
    assert programme.legal_basis == "consent"
    with pytest.raises(ValidationError):
        services.programme_legal_basis_set(actor=coordinator, programme=programme, legal_basis="x")
