from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from lavorete.core.views import describe_grants
from lavorete.network.selectors import public_partners, public_programme, public_programmes
from lavorete.people.models import Person
from lavorete.portal.forms import FeedbackForm
from lavorete.portal.services import feedback_submit
from lavorete.spaces.selectors import public_spaces

HOME_SPACES = 6


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programmes = list(public_programmes())
        municipalities = {m.pk for p in programmes for m in p.municipalities.all()}
        spaces = public_spaces()
        return super().get_context_data(
            programmes=programmes,
            spaces=list(spaces[:HOME_SPACES]),
            space_count=spaces.count(),
            partner_count=public_partners().count(),
            municipality_count=len(municipalities),
            **kwargs,
        )


class ProgrammeListView(TemplateView):
    template_name = "portal/programme_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programmes=public_programmes(), **kwargs)


class ProgrammeDetailView(TemplateView):
    template_name = "portal/programme_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programme = public_programme(self.kwargs["slug"])
        if programme is None:
            raise Http404
        partners = programme.partners.select_related("organisation__municipality").order_by(
            "role", "organisation__name"
        )
        return super().get_context_data(programme=programme, partners=partners, **kwargs)


class PartnerListView(TemplateView):
    template_name = "portal/partner_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(partners=public_partners(), **kwargs)


class GetInvolvedView(TemplateView):
    template_name = "portal/get_involved.html"


class AccessibilityView(TemplateView):
    template_name = "portal/accessibility.html"


class PrivacyView(TemplateView):
    template_name = "portal/privacy.html"


class DevelopersView(TemplateView):
    """What the JSON API offers, read from its OpenAPI schema, with links to the full docs."""

    template_name = "portal/developers.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from lavorete.api.urls import api

        schema = api.get_openapi_schema()
        endpoints = [
            {"method": method.upper(), "path": path, "summary": op.get("summary", "")}
            for path, operations in schema["paths"].items()
            for method, op in operations.items()
        ]
        return super().get_context_data(endpoints=endpoints, **kwargs)


class FeedbackView(FormView):
    template_name = "portal/feedback.html"
    form_class = FeedbackForm

    def get_initial(self) -> dict[str, Any]:
        referer = self.request.headers.get("referer", "")
        return {"page": referer[:500]}

    def form_valid(self, form: FeedbackForm) -> HttpResponse:
        try:
            feedback_submit(
                actor=self.request.user,
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
                page=form.cleaned_data["page"],
                language=get_language() or "",
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you: your message has been sent."))
        return redirect(reverse("portal:feedback"))


class MeView(LoginRequiredMixin, TemplateView):
    template_name = "portal/me.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        grants = describe_grants(self.request.user)
        has_totp = Authenticator.objects.filter(user_id=self.request.user.pk, type="totp").exists()
        has_record = Person.objects.filter(user_id=self.request.user.pk or 0).exists()
        return super().get_context_data(
            grants=grants, has_totp=has_totp, has_record=has_record, **kwargs
        )
