"""Back-office pages of matching (/gestione/abbinamenti/): the matches of the operator's people,
one person's matches with the proposal form, an opportunity's candidates (named for operators,
anonymised for the company), the skill gaps of an area and the programmes' policies.
Thin, over services and selectors; every read of people's data is logged."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.backoffice import BackofficeMixin, ObjectMixin, ServiceFormMixin, menu_for
from lavorete.core.exports import tabular_response
from lavorete.core.forms import add_service_errors
from lavorete.core.models import PersonalDataAccess
from lavorete.matching import forms, selectors, services
from lavorete.matching.models import MatchingPolicy
from lavorete.matching.permissions import get_opportunity_for_candidates, get_programme_for_policy
from lavorete.opportunities.models import Candidacy, CandidacyStatus, Opportunity
from lavorete.people.models import Person
from lavorete.people.permissions import PersonMixin, log_person_read

PURPOSE = gettext_lazy("Matching people with opportunities")
# What the matching pages read of a person, as the access log names it.
LIST_FIELDS = ["first_name", "last_name", "matches"]
MATCH_FIELDS = ["skills", "languages", "residence", "hours_per_week", "mobility_km", "matches"]
CANDIDATE_FIELDS = ["first_name", "last_name", *MATCH_FIELDS]


def optional_url(name: str, **kwargs: Any) -> str:
    """The URL of a page another part of the project may not have yet ('' until it exists)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def log_people_read(request: HttpRequest, people: list[Person], fields: list[str]) -> None:
    """One access-log row per person a page shows, written in one query."""
    user = request.user
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            actor=user if user.is_authenticated else None,
            actor_label=getattr(user, "email", "system"),
            subject_type="people.person",
            subject_id=str(person.pk),
            subject_label=person.audit_label(),
            fields=sorted(fields),
            purpose=str(PURPOSE),
            path=request.get_full_path()[:500],
        )
        for person in people
    )


def _programme_filter(request: HttpRequest) -> int | None:
    raw = request.GET.get("programme", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- the operator's people and their matches ---------------------------------------------------


class CaseloadView(BackofficeMixin, ListView):
    """The people of the operator's programmes, each with their best three stored matches."""

    permission = "matching.view_matches"
    template_name = "matching/caseload.html"
    context_object_name = "people"
    paginate_by = selectors.CASELOAD_PAGE_SIZE

    def get_queryset(self) -> Any:
        return selectors.matching_caseload(
            self.request.user, programme=_programme_filter(self.request), q=self.search()
        )

    def search(self) -> str:
        return selectors.clean_search(self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        people = list(context["people"])
        best = selectors.best_stored([p.pk for p in people])
        # The candidates page of an opportunity outside her programmes is not hers (404):
        # those matches link to the public board instead.
        openable = selectors.opportunities_with_candidates(
            self.request.user, {m.opportunity_id for ms in best.values() for m in ms}
        )
        log_people_read(self.request, people, LIST_FIELDS)
        context.update(
            rows=[(p, best.get(p.pk, [])) for p in people],
            openable=openable,
            programmes=list(selectors.programmes(self.request.user, "matching.view_matches")),
            programme=_programme_filter(self.request),
            q=self.search(),
        )
        return context


class PersonMatchesView(PersonMixin, TemplateView):
    """One person's best matches now, explained, with the form to propose one to them."""

    person_permission = "matching.view_matches"
    template_name = "matching/person.html"

    def matches(self) -> services.MatchList:
        if not hasattr(self, "_matches"):
            self._matches = services.matches_for_person(self.person)
        return self._matches

    def form(self, data: Any = None) -> forms.ProposeForm:
        choices = [
            (
                m.opportunity.pk,
                f"{m.opportunity.title} ({m.opportunity.organisation}, {m.percent}%)",
            )
            for m in self.matches()
        ]
        return forms.ProposeForm(data, choices=choices)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        matches = self.matches()
        ids = [m.opportunity.pk for m in matches]
        statuses = dict(
            Candidacy.objects.filter(person=self.person, opportunity_id__in=ids).values_list(
                "opportunity_id", "status"
            )
        )
        labels = dict(Candidacy._meta.get_field("status").choices or [])
        kwargs.setdefault("form", self.form())
        return super().get_context_data(
            matches=matches,
            rows=[(m, labels.get(statuses.get(m.opportunity.pk), "")) for m in matches],
            empty_message=matches.message(own=False),
            **kwargs,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Logged once per visit; a refused proposal shows the page again without a new read.
        log_person_read(
            request.user,
            self.person,
            MATCH_FIELDS,
            path=request.get_full_path(),
            purpose=str(PURPOSE),
        )
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form(request.POST)
        if form.is_valid():
            opportunity = Opportunity.objects.filter(pk=form.cleaned_data["opportunity"]).first()
            try:
                if opportunity is None:
                    raise ValidationError(_("Choose an opportunity from the list."))
                services.match_propose(
                    actor=request.user,
                    person=self.person,
                    opportunity=opportunity,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Proposed: the person finds it in their personal area.")
                )
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


# --- an opportunity's candidates -----------------------------------------------------------------


class OpportunityCandidatesView(LoginRequiredMixin, TemplateView):
    """The best candidates for an opportunity: by name for the operators of its programmes,
    anonymised for its company, which may invite one (its operator then sees a suggestion)."""

    template_name = "matching/opportunity.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.opportunity, self.view = get_opportunity_for_candidates(
            request.user, kwargs.get("opportunity_pk")
        )
        return super().dispatch(request, *args, **kwargs)

    @property
    def anonymised(self) -> bool:
        return self.view == services.CandidateView.ANONYMISED

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        candidates = services.candidates_for_opportunity(self.opportunity, viewer=self.request.user)
        # Each row with where it stands: for the company only its own invitations, for the
        # operators the candidacy's status (a suggestion may still be proposed).
        statuses: dict[Any, str] = {}
        if self.anonymised:
            invited = services.invited_codes(self.opportunity) if candidates else set()
            statuses = {c.code: "invited" for c in candidates if c.code in invited}
        else:
            people = [c.person for c in candidates if c.person]
            log_people_read(self.request, people, CANDIDATE_FIELDS)
            statuses = dict(
                Candidacy.objects.filter(
                    opportunity=self.opportunity, person__in=people
                ).values_list("person_id", "status")
            )
        rows = []
        for c in candidates:
            status = statuses.get(c.code if self.anonymised else c.match.person_id, "")
            label = (
                _("Invited")
                if status == "invited"
                else str(CandidacyStatus(status).label)
                if status
                else ""
            )
            rows.append((c, status, label))
        return super().get_context_data(
            opportunity=self.opportunity,
            candidates=candidates,
            rows=rows,
            anonymised=self.anonymised,
            empty_message=candidates.message(own=False),
            backoffice_menu=menu_for(self.request),
            detail_url=optional_url("opportunities:detail", pk=self.opportunity.pk),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.anonymised:
            return HttpResponseNotAllowed(["GET"])
        form = forms.InviteForm(request.POST)
        error = _("This candidate is no longer among the matches of the opportunity.")
        if form.is_valid():
            try:
                services.candidate_invite(
                    actor=request.user,
                    opportunity=self.opportunity,
                    code=form.cleaned_data["candidate"],
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _(
                        "Invitation sent: the person's operator will propose the opportunity "
                        "to them. You will see their profile only if they agree to share it."
                    ),
                )
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(invite_error=error))


# --- skill gaps of an area ----------------------------------------------------------------------


class GapsMixin(BackofficeMixin):
    permission = "matching.view_skill_gaps"
    request: HttpRequest

    def gaps(self) -> tuple[forms.GapsFilterForm, selectors.Area | None, Any]:
        areas = selectors.gap_areas(self.request.user)
        form = forms.GapsFilterForm(
            self.request.GET or None, areas=[(a.key, a.label) for a in areas]
        )
        chosen = areas[0] if areas else None
        include_remote = False
        if form.is_bound and form.is_valid():
            key = form.cleaned_data["area"]
            chosen = next((a for a in areas if a.key == key), chosen)
            include_remote = form.cleaned_data["include_remote"]
        result = (
            services.area_skill_gaps(
                municipalities=chosen.municipalities, include_remote=include_remote
            )
            if chosen
            else None
        )
        return form, chosen, result


class GapsView(GapsMixin, TemplateView):
    """The skills open opportunities ask for that the area's people lack."""

    template_name = "matching/gaps.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form, area, result = self.gaps()
        return super().get_context_data(
            filter_form=form,
            area=area,
            result=result,
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class GapsExportView(GapsMixin, View):
    """The same table as a CSV file (people counts suppressed as on screen)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, area, result = self.gaps()
        rows = [
            [
                gap.label,
                gap.key,
                gap.demand,
                gap.holders.export(),
                "" if gap.share is None else round(gap.share * 100),
            ]
            for gap in (result.gaps if result else [])
        ]
        return tabular_response(
            filename="competenze-mancanti",
            fmt="csv",
            header=[
                _("Skill"),
                _("Skill id"),
                _("Open opportunities asking for it"),
                _("Local people who have it"),
                _("Share of local people (%)"),
            ],
            rows=[[area.label if area else "", "", "", "", ""], *rows] if area else rows,
        )


# --- policies ----------------------------------------------------------------------------------


class PoliciesView(BackofficeMixin, TemplateView):
    """Each programme's matching policy, at a glance."""

    permission = "matching.manage_policy"
    template_name = "matching/policies.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            rows=selectors.policy_rows(self.request.user), defaults=MatchingPolicy(), **kwargs
        )


class PolicyView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    """A programme's matching policy, each weight explained."""

    permission = "matching.manage_policy"
    template_name = "matching/policy.html"
    form_class = forms.PolicyForm
    success_message = gettext_lazy(
        "Policy saved: the programme's matches are recomputed in the background."
    )

    def get_object(self) -> Any:
        self.programme = get_programme_for_policy(self.request.user, self.kwargs["programme_pk"])
        return self.programme

    def get_initial(self) -> dict[str, Any]:
        policy = MatchingPolicy.objects.filter(programme=self.programme).first()
        return forms.PolicyForm.initial_for(policy)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programme=self.programme, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.policy_set(
            actor=self.request.user, programme=self.programme, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("matching:policies")
