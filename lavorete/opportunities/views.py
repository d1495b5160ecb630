"""Back-office pages of opportunities (/gestione/opportunita/): thin, over services and selectors.

A company's representative manages their organisation's opportunities; an
operator those of the organisations taking part in their programmes, and may
post on their behalf; a coordinator all of them.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.backoffice import BackofficeMixin, ObjectMixin, ServiceFormMixin
from lavorete.core.permissions import has_perm, has_perm_somewhere
from lavorete.network.models import Organisation, Programme
from lavorete.opportunities import services
from lavorete.opportunities.forms import (
    LanguageForm,
    OpportunityFilterForm,
    OpportunityForm,
    SkillAddForm,
    SkillEditForm,
    StatusConfirmForm,
)
from lavorete.opportunities.models import Opportunity, OpportunitySkill, OpportunityStatus
from lavorete.opportunities.permissions import MANAGE, VIEW, get_opportunity_for_user
from lavorete.opportunities.selectors import (
    candidacy_counts,
    occupation_essential_skills,
    occupation_label,
    opportunities_for_user,
    opportunity_languages,
    opportunity_list,
    opportunity_skills,
    organisations_for_opportunities,
    programmes_of,
)
from lavorete.people.widgets import _language


def _refusal(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class OpportunityListView(BackofficeMixin, ListView):
    permission = VIEW
    template_name = "opportunities/list.html"
    context_object_name = "opportunities"
    paginate_by = 25

    def filter_form(self) -> OpportunityFilterForm:
        if not hasattr(self, "_filter_form"):
            visible = opportunities_for_user(self.request.user)
            self._filter_form = OpportunityFilterForm(
                self.request.GET,
                organisations=Organisation.objects.filter(
                    pk__in=visible.values("organisation_id")
                ).order_by("name"),
                programmes=Programme.objects.filter(pk__in=visible.values("programme_id")).order_by(
                    "name"
                ),
            )
        return self._filter_form

    def get_queryset(self) -> Any:
        return opportunity_list(self.request.user, **self.filter_form().filters())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(
            filter_form=self.filter_form(),
            can_create=has_perm_somewhere(self.request.user, MANAGE),
            **kwargs,
        )
        context["rows"] = [
            {"opportunity": o, "counts": candidacy_counts(o)} for o in context["opportunities"]
        ]
        return context


class _OpportunityFormMixin(ServiceFormMixin):
    request: HttpRequest
    object: Opportunity | None = None

    def organisations(self) -> Any:
        return organisations_for_opportunities(self.request.user)

    def get_form_kwargs(self) -> dict[str, Any]:
        organisations = self.organisations()
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["organisations"] = organisations
        if self.object is not None:
            kwargs["programmes"] = programmes_of(
                Organisation.objects.filter(pk=self.object.organisation_id)
            )
        else:
            kwargs["programmes"] = programmes_of(organisations)
        return kwargs


class OpportunityCreateView(BackofficeMixin, _OpportunityFormMixin, FormView):
    permission = MANAGE
    template_name = "opportunities/form.html"
    form_class = OpportunityForm
    success_message = gettext_lazy("Opportunity saved as a draft: add its skills, then publish it.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "creating": True}

    def run_service(self, form: OpportunityForm) -> Opportunity:
        values = form.service_values()
        essential = []
        if form.cleaned_data.get("prefill_skills") and values.get("occupation") is not None:
            essential = [(skill, 1) for skill in occupation_essential_skills(values["occupation"])]
        return services.opportunity_create(actor=self.request.user, essential=essential, **values)

    def get_success_url(self) -> str:
        return reverse("opportunities:detail", args=[self.saved.pk])


class _OpportunityPage(BackofficeMixin, ObjectMixin):
    """A page about one opportunity: 404 outside its scope, 403 without `object_permission`."""

    object_permission = VIEW
    section = "detail"
    title: Any = ""
    kwargs: dict[str, Any]
    request: HttpRequest

    def get_object(self) -> Opportunity:
        return get_opportunity_for_user(
            self.request.user, self.kwargs["pk"], self.object_permission
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["opportunity"] = self.object
        context["section"] = self.section
        context["page_title"] = self.title
        context["can_manage"] = has_perm(self.request.user, MANAGE, self.object)
        context["locked"] = self.object.status in services.LOCKED_STATUSES
        return context


def _may_open_suggestions(user: Any, opportunity: Any) -> bool:
    """May the user open the people the matching suggests for this open opportunity (named for
    the operators of its programmes, anonymised for its company)?"""
    from lavorete.matching.services import CandidateView, candidate_view

    if not opportunity.is_open:
        return False
    return candidate_view(user, opportunity) != CandidateView.NONE


class OpportunityDetailView(_OpportunityPage, TemplateView):
    permission = VIEW
    template_name = "opportunities/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        opportunity = self.object
        language = _language()
        skills = opportunity_skills(opportunity, language)
        counted = (
            opportunity_list(self.request.user).filter(pk=opportunity.pk).first()
            if has_perm(self.request.user, "opportunities.view_candidates", opportunity)
            else None
        )
        return super().get_context_data(
            skills=skills,
            essential=[s for s in skills if s.essential],
            optional=[s for s in skills if not s.essential],
            languages=opportunity_languages(opportunity),
            occupation=occupation_label(opportunity, language),
            counts=candidacy_counts(counted) if counted is not None else None,
            total_candidacies=getattr(counted, "n_total", 0),
            on_board=opportunity.is_open,
            can_view_matches=_may_open_suggestions(self.request.user, opportunity),
            **kwargs,
        )


class OpportunityUpdateView(_OpportunityPage, _OpportunityFormMixin, FormView):
    permission = MANAGE
    section = "edit"
    title = gettext_lazy("Terms")
    object_permission = MANAGE
    template_name = "opportunities/form.html"
    form_class = OpportunityForm
    success_message = gettext_lazy("Opportunity saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "creating": False, "instance": self.object}

    def run_service(self, form: OpportunityForm) -> Opportunity:
        return services.opportunity_update(
            actor=self.request.user, opportunity=self.object, **form.service_values()
        )

    def get_success_url(self) -> str:
        return reverse("opportunities:detail", args=[self.object.pk])


# --- skills ----------------------------------------------------------------------------


class OpportunitySkillsView(_OpportunityPage, ServiceFormMixin, FormView):
    permission = MANAGE
    section = "skills"
    title = gettext_lazy("Skills")
    object_permission = MANAGE
    template_name = "opportunities/skills.html"
    form_class = SkillAddForm
    success_message = gettext_lazy("Skill saved.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            skills=opportunity_skills(self.object, _language()),
            occupation=occupation_label(self.object, _language()),
            **kwargs,
        )

    def run_service(self, form: SkillAddForm) -> Any:
        return services.opportunity_skill_set(
            actor=self.request.user, opportunity=self.object, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return self.request.path


class _OpportunitySkillPage(_OpportunityPage):
    object_permission = MANAGE
    _row: OpportunitySkill | None = None

    @property
    def row(self) -> OpportunitySkill:
        if self._row is None:
            pk = self.kwargs.get("skill_pk") or 0
            if not 0 < int(pk) < 2**63:
                raise Http404
            self._row = get_object_or_404(
                OpportunitySkill.objects.select_related("skill"), pk=pk, opportunity=self.object
            )
        return self._row


class OpportunitySkillEditView(_OpportunitySkillPage, ServiceFormMixin, FormView):
    permission = MANAGE
    section = "skills"
    title = gettext_lazy("Change a skill")
    template_name = "opportunities/skill_edit.html"
    form_class = SkillEditForm
    success_message = gettext_lazy("Skill saved.")

    def get_initial(self) -> dict[str, Any]:
        return {"relation": self.row.relation, "level": self.row.level}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        shown = [s for s in opportunity_skills(self.object, _language()) if s.pk == self.row.pk]
        return super().get_context_data(skill_row=shown[0], **kwargs)

    def run_service(self, form: SkillEditForm) -> Any:
        return services.opportunity_skill_set(
            actor=self.request.user,
            opportunity=self.object,
            skill=self.row.skill,
            **form.cleaned_data,
        )

    def get_success_url(self) -> str:
        return reverse("opportunities:skills", args=[self.object.pk])


class OpportunitySkillRemoveView(_OpportunitySkillPage, View):
    permission = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.opportunity_skill_remove(
                actor=request.user, opportunity=self.object, skill=self.row.skill
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Skill removed."))
        return HttpResponseRedirect(reverse("opportunities:skills", args=[self.object.pk]))


class OpportunitySkillsFromOccupationView(_OpportunityPage, View):
    permission = MANAGE
    object_permission = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            added = services.opportunity_skills_from_occupation(
                actor=request.user, opportunity=self.object
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(
                request,
                _("Essential skills of the occupation added: %(n)s.") % {"n": added},
            )
        return HttpResponseRedirect(reverse("opportunities:skills", args=[self.object.pk]))


# --- languages ---------------------------------------------------------------------------


class OpportunityLanguagesView(_OpportunityPage, ServiceFormMixin, FormView):
    permission = MANAGE
    section = "languages"
    title = gettext_lazy("Languages")
    object_permission = MANAGE
    template_name = "opportunities/languages.html"
    form_class = LanguageForm
    success_message = gettext_lazy("Language saved.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(languages=opportunity_languages(self.object), **kwargs)

    def run_service(self, form: LanguageForm) -> Any:
        return services.opportunity_language_set(
            actor=self.request.user, opportunity=self.object, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return self.request.path


class OpportunityLanguageRemoveView(_OpportunityPage, View):
    permission = MANAGE
    object_permission = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            services.opportunity_language_remove(
                actor=request.user, opportunity=self.object, language=self.kwargs["language"]
            )
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, _("Language removed."))
        return HttpResponseRedirect(reverse("opportunities:languages", args=[self.object.pk]))


# --- status ---------------------------------------------------------------------------------


class _StatusView(_OpportunityPage, View):
    permission = MANAGE
    object_permission = MANAGE
    http_method_names = ["post"]
    done: Any = ""

    def change(self, request: HttpRequest) -> Opportunity:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.change(request)
        except ValidationError as exc:
            _refusal(request, exc)
        else:
            messages.success(request, self.done)
        return HttpResponseRedirect(reverse("opportunities:detail", args=[self.object.pk]))


class OpportunityPublishView(_StatusView):
    done = gettext_lazy("The opportunity is open: it is on the public board.")

    def change(self, request: HttpRequest) -> Opportunity:
        return services.opportunity_publish(actor=request.user, opportunity=self.object)


class _ConfirmStatusView(_OpportunityPage, ServiceFormMixin, FormView):
    """A status change on its own page: GET says what it does (and changes nothing), POST
    does it."""

    permission = MANAGE
    object_permission = MANAGE
    template_name = "opportunities/status_confirm.html"
    form_class = StatusConfirmForm
    # The statuses the change starts from.
    allowed_from: frozenset[str] = frozenset()
    explanation: Any = ""
    submit_label: Any = ""
    danger = False

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "subject_pk": self.object.pk}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            explanation=self.explanation,
            submit_label=self.submit_label,
            danger=self.danger,
            possible=self.object.status in self.allowed_from,
            **kwargs,
        )

    def get_success_url(self) -> str:
        return reverse("opportunities:detail", args=[self.object.pk])


class OpportunityCloseView(_ConfirmStatusView):
    section = "close"
    title = gettext_lazy("Close the opportunity")
    allowed_from = frozenset({OpportunityStatus.DRAFT, OpportunityStatus.OPEN})
    explanation = gettext_lazy(
        "The opportunity leaves the public board and nobody can apply to it any more. The "
        "candidacies already received stay in the pipeline: you can still interview, hire or "
        "turn down those candidates. You can reopen it later, before its closing date."
    )
    submit_label = gettext_lazy("Close the opportunity")
    success_message = gettext_lazy(
        "The opportunity is closed: it is no longer on the public board."
    )

    def run_service(self, form: Any) -> Opportunity:
        return services.opportunity_close(actor=self.request.user, opportunity=self.object)


class OpportunityFillView(_ConfirmStatusView):
    section = "fill"
    title = gettext_lazy("Mark the opportunity as filled")
    allowed_from = frozenset({OpportunityStatus.OPEN, OpportunityStatus.CLOSED})
    explanation = gettext_lazy(
        "Every position is taken: the opportunity leaves the public board for good. Its terms "
        "can no longer be changed, it can't be reopened and it takes no more hires. The "
        "candidacies still open stay in the pipeline, where you can turn them down. You don't "
        "need this when you hire through the pipeline: the last hire fills the opportunity by "
        "itself."
    )
    submit_label = gettext_lazy("Mark as filled")
    danger = True
    success_message = gettext_lazy("The opportunity is marked as filled.")

    def run_service(self, form: Any) -> Opportunity:
        if self.object.status == OpportunityStatus.FILLED:
            raise ValidationError(_("This opportunity is already filled."), code="filled")
        return services.opportunity_mark_filled(actor=self.request.user, opportunity=self.object)
