"""The plan and its goals, shared by the person and the tutor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lavorete.pathways import services


def test_it_agrees_a_plan_only_with_a_goal(operator, enrolment):
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(actor=operator, enrolment=enrolment)
    assert exc.value.code == "no_goal"
    goal = services.goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    services.plan_agree(actor=operator, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.plan_agreed_on is not None
    goal = services.goal_update(actor=operator, goal=goal, title="Curriculum europeo")
    goal = services.goal_close(actor=operator, goal=goal, status="achieved")
    assert goal.closed_on is not None


def test_the_person_comments_and_marks_progress_of_their_own_goal(operator, person, enrolment):
    goal = services.goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    goal = services.goal_comment_by_person(
        actor=person, goal=goal, comment="Fatto la bozza", status="achieved"
    )
    assert goal.person_comment == "Fatto la bozza"
    assert goal.status == "achieved"


def test_nobody_else_comments_as_the_person(operator, outsider, enrolment):
    goal = services.goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    for someone in (operator, outsider, None):
        with pytest.raises(PermissionDenied):
            services.goal_comment_by_person(actor=someone, goal=goal, comment="x")


def test_the_person_cant_drop_a_goal(operator, person, enrolment):
    goal = services.goal_add(actor=operator, enrolment=enrolment, title="Curriculum")
    with pytest.raises(ValidationError):
        services.goal_comment_by_person(actor=person, goal=goal, comment="", status="dropped")


def test_it_refuses_a_goal_without_title(operator, enrolment):
    with pytest.raises(ValidationError) as exc:
        services.goal_add(actor=operator, enrolment=enrolment, title=" ")
    assert "title" in exc.value.error_dict
