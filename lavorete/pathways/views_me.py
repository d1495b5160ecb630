"""The person's own pathway pages (/area-personale/percorso/): programmes, stages, history and
the plan's goals. Never case notes or anything the operators keep for themselves."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from lavorete.core.backoffice import ServiceFormMixin
from lavorete.pathways import forms, services
from lavorete.pathways.models import Goal, Stage
from lavorete.pathways.permissions import get_own_goal
from lavorete.pathways.selectors import own_enrolments, own_timeline


class MyPathwayView(LoginRequiredMixin, TemplateView):
    template_name = "pathways/me/pathway.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        enrolments = own_enrolments(self.request.user)
        stages = list(
            Stage.objects.filter(programme_id__in={e.programme_id for e in enrolments}).order_by(
                "position"
            )
        )
        for enrolment in enrolments:
            enrolment.pathway = [s for s in stages if s.programme_id == enrolment.programme_id]  # type: ignore[attr-defined]
        return super().get_context_data(
            enrolments=enrolments,
            timeline=own_timeline(enrolments[0].person, enrolments) if enrolments else [],
            **kwargs,
        )


class MyPlanView(LoginRequiredMixin, TemplateView):
    template_name = "pathways/me/plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(enrolments=own_enrolments(self.request.user), **kwargs)


class MyGoalView(LoginRequiredMixin, ServiceFormMixin, FormView):
    template_name = "pathways/me/goal.html"
    form_class = forms.GoalCommentForm
    success_message = gettext_lazy("Thank you: your tutor will see it.")

    def goal(self) -> Goal:
        if not hasattr(self, "_goal"):
            self._goal = get_own_goal(self.request.user, self.kwargs["goal_pk"])
        return self._goal

    def get_initial(self) -> dict[str, Any]:
        goal = self.goal()
        return {"status": goal.status, "person_comment": goal.person_comment}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(goal=self.goal(), **kwargs)

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.goal_comment_by_person(
            actor=self.request.user,
            goal=self.goal(),
            comment=data["person_comment"],
            status=data["status"],
        )

    def get_success_url(self) -> str:
        return reverse("pathways_me:plan")
