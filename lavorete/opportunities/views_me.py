"""The person's own candidacies (/area-personale/candidature/): the list with each step,
applying (or accepting a proposal), sharing the profile with the company, withdrawing.

A user without a record linked to their account gets a page explaining that an
operator registers them and invites them, never an error.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from lavorete.core.backoffice import ServiceFormMixin
from lavorete.opportunities import pipeline
from lavorete.opportunities.forms_pipeline import ApplyForm, NoteForm, ShareForm
from lavorete.opportunities.models import (
    FINAL_STATUSES,
    Candidacy,
    CandidacyStatus,
    Opportunity,
)
from lavorete.opportunities.pipeline_selectors import get_own_candidacy, own_candidacies
from lavorete.people.consents import current_text
from lavorete.people.models import ConsentPurpose
from lavorete.people.views_me import MeMixin, own_person


class MyCandidaciesView(MeMixin, TemplateView):
    section = "candidacies"
    title = gettext_lazy("My candidacies")
    template_name = "opportunities/me/list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Without a record: this page's own explanation, titled as the page that was asked
        # for (the people app's one is titled "My profile").
        if request.user.is_authenticated and own_person(request.user) is None:
            if request.method and request.method.lower() not in self.http_method_names:
                return self.http_method_not_allowed(request, *args, **kwargs)
            return render(request, "opportunities/me/no_record.html", {"opportunity": None})
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        candidacies = own_candidacies(self.person)
        return super().get_context_data(
            waiting=[c for c in candidacies if c.status == CandidacyStatus.PROPOSED],
            others=[c for c in candidacies if c.status != CandidacyStatus.PROPOSED],
            final=FINAL_STATUSES,
            **kwargs,
        )


class ApplyView(ServiceFormMixin, FormView):
    """Apply to an open opportunity, or accept the operator's proposal of it."""

    template_name = "opportunities/me/apply.html"
    form_class = ApplyForm
    success_message = gettext_lazy(
        "Your application is recorded. The company sees an anonymised profile until you "
        "choose to share yours."
    )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        pk = kwargs.get("opportunity_pk") or 0
        opportunity = (
            Opportunity.objects.select_related("organisation", "municipality").filter(pk=pk).first()
            if 0 < pk < 2**63
            else None
        )
        if opportunity is None or not opportunity.is_open:
            raise Http404
        self.opportunity = opportunity
        person = own_person(request.user)
        if person is None:
            return render(request, "opportunities/me/no_record.html", {"opportunity": opportunity})
        self.person = person
        self.candidacy = Candidacy.objects.filter(opportunity=opportunity, person=person).first()
        return super().dispatch(request, *args, **kwargs)

    def already(self) -> bool:
        return self.candidacy is not None and self.candidacy.status not in (
            CandidacyStatus.SUGGESTED,
            CandidacyStatus.PROPOSED,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.already():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "subject_pk": self.opportunity.pk}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            opportunity=self.opportunity,
            candidacy=self.candidacy,
            already=self.already(),
            proposal=self.candidacy is not None
            and self.candidacy.status == CandidacyStatus.PROPOSED,
            page_title=gettext_lazy("Apply"),
            **kwargs,
        )

    def run_service(self, form: Any) -> Any:
        return pipeline.candidacy_apply(
            actor=self.request.user,
            opportunity=self.opportunity,
            person=self.person,
            message=form.cleaned_data["message"],
        )

    def get_success_url(self) -> str:
        return reverse("candidacies_me:list")


class MyCandidacyMixin(MeMixin):
    """A page about one of the person's own candidacies (URL kwarg `candidacy_pk`)."""

    candidacy: Candidacy

    def check_own_object(self, **kwargs: Any) -> None:
        self.candidacy = get_own_candidacy(self.person, kwargs.get("candidacy_pk"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["candidacy"] = self.candidacy
        context["opportunity"] = self.candidacy.opportunity
        return context

    def get_success_url(self) -> str:
        return reverse("candidacies_me:list")


class MyShareView(MyCandidacyMixin, ServiceFormMixin, FormView):
    title = gettext_lazy("Share my profile with the company")
    template_name = "opportunities/me/share.html"
    form_class = ShareForm
    success_message = gettext_lazy("Your profile is shared with the company.")

    def needs_consent(self) -> bool:
        return not pipeline.has_sharing_consent(self.person)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "subject_pk": self.candidacy.pk,
            "needs_consent": self.needs_consent(),
            "consent_text": current_text(ConsentPurpose.PROFILE_SHARING).text,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            can_share=self.candidacy.status == CandidacyStatus.APPLIED, **kwargs
        )

    def run_service(self, form: Any) -> Any:
        return pipeline.candidacy_share(
            actor=self.request.user,
            candidacy=self.candidacy,
            give_consent=bool(form.cleaned_data.get("agree")),
        )


class MyWithdrawView(MyCandidacyMixin, ServiceFormMixin, FormView):
    title = gettext_lazy("Withdraw my candidacy")
    template_name = "opportunities/me/withdraw.html"
    form_class = NoteForm
    success_message = gettext_lazy("Your candidacy is withdrawn.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "subject_pk": self.candidacy.pk}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            can_withdraw=self.candidacy.status not in FINAL_STATUSES, **kwargs
        )

    def run_service(self, form: Any) -> Any:
        return pipeline.candidacy_withdraw(
            actor=self.request.user, candidacy=self.candidacy, note=form.cleaned_data["note"]
        )
