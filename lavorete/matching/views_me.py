"""The person's own matching pages (/area-personale/abbinamenti/): my matches with their reasons,
my skill gaps, and the consent to be matched. A user without a record, or without the consent,
gets a page explaining what to do, never an error."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from lavorete.matching import services
from lavorete.matching.views import optional_url
from lavorete.opportunities.models import Candidacy, CandidacyStatus
from lavorete.people.consents import current_text
from lavorete.people.models import ConsentPurpose, Person
from lavorete.people.services import consent_give
from lavorete.people.views_me import own_person


def own_status_label(status: str) -> str:
    """A candidacy's status as the person reads it about herself ('' for none)."""
    if not status:
        return ""
    if status == CandidacyStatus.PROPOSED:
        return _("Proposed by your operator")
    return str(CandidacyStatus(status).label)


class OwnMatchingMixin(LoginRequiredMixin):
    """A page about the logged-in person's own matching."""

    request: HttpRequest
    person: Person | None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = own_person(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            person=self.person,
            consent_text=current_text(ConsentPurpose.MATCHING),
            matches_url=reverse("matching_me:matches"),
            gaps_url=reverse("matching_me:gaps"),
        )
        return context


class MyMatchesView(OwnMatchingMixin, TemplateView):
    """My best open opportunities now, each with its reasons, a link to it and Apply."""

    template_name = "matching/me/matches.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        matches = services.matches_for_person(self.person)
        ids = [m.opportunity.pk for m in matches]
        statuses: dict[int, str] = {}
        if self.person is not None and ids:
            # A suggestion stays between the matching and the operators: to the person it is
            # an opportunity like the others, which she may apply to.
            statuses = dict(
                Candidacy.objects.filter(person=self.person, opportunity_id__in=ids)
                .exclude(status=CandidacyStatus.SUGGESTED)
                .values_list("opportunity_id", "status")
            )
        rows = [
            {
                "match": m,
                "detail_url": optional_url("board:detail", pk=m.opportunity.pk),
                "apply_url": optional_url("candidacies_me:apply", opportunity_pk=m.opportunity.pk),
                "proposed": statuses.get(m.opportunity.pk) == CandidacyStatus.PROPOSED,
                "candidacy": own_status_label(statuses.get(m.opportunity.pk, "")),
            }
            for m in matches
        ]
        return super().get_context_data(
            matches=matches,
            rows=rows,
            reason=matches.reason,
            empty_message=matches.message(own=True),
            needs_consent=matches.reason == services.Reason.NO_CONSENT,
            needs_record=matches.reason == services.Reason.NO_RECORD,
            skills_url=optional_url("people_me:skills"),
            **kwargs,
        )


class MyGapsView(OwnMatchingMixin, TemplateView):
    """The essential skills I lack across my best matches, most asked first."""

    template_name = "matching/me/gaps.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        gaps = services.person_skill_gaps(self.person)
        return super().get_context_data(
            gaps=gaps,
            empty_message=gaps.message(own=True),
            needs_consent=gaps.reason == services.Reason.NO_CONSENT,
            needs_record=gaps.reason == services.Reason.NO_RECORD,
            **kwargs,
        )


class MyMatchingConsentView(OwnMatchingMixin, View):
    """I agree to be matched: the consent on the text in force, then my matches."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if self.person is None:
            raise Http404
        try:
            consent_give(actor=request.user, person=self.person, purpose=ConsentPurpose.MATCHING)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Thank you: your consent is recorded. You can withdraw it in My consents."),
            )
        return HttpResponseRedirect(reverse("matching_me:matches"))
