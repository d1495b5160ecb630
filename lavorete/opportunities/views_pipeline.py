"""The pipeline of an opportunity's candidacies (/gestione/candidature/): what the company and
the operators in the opportunity's scope see and do. Thin, over services and selectors.

The consent gate is here, at read time: a card shows a name only to an operator who may see
the person anyway, or when the candidacy is shared and the person's consent is active now;
every such read is written to the access log.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from lavorete.core.backoffice import (
    BackofficeMixin,
    ObjectFirstMixin,
    ObjectMixin,
    ServiceFormMixin,
)
from lavorete.core.models import PersonalDataAccess
from lavorete.core.permissions import has_perm
from lavorete.opportunities import pipeline
from lavorete.opportunities.forms_pipeline import ApplyForm, MoveForm, NoteForm
from lavorete.opportunities.models import Candidacy, CandidacyStatus, Opportunity
from lavorete.opportunities.pipeline_selectors import (
    LIST_FIELDS,
    PROFILE_FIELDS,
    Card,
    cards_for,
    get_candidacy_for_user,
    get_opportunity_for_pipeline,
    history_for_company,
    pipeline_of,
    shared_profile,
)
from lavorete.people.permissions import log_person_read

PURPOSE = gettext_lazy("Selecting candidates for an opportunity")
# The statuses in which the company takes the next step (from "applied", only a refusal).
COMPANY_STEPS = frozenset(
    {CandidacyStatus.APPLIED, CandidacyStatus.SHARED, CandidacyStatus.INTERVIEW}
)


def log_cards_read(request: HttpRequest, cards: list[Card]) -> None:
    """One access-log row per card that shows a name, written in one query."""
    user = request.user
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            actor=user if user.is_authenticated else None,
            actor_label=getattr(user, "email", "system"),
            subject_type="people.person",
            subject_id=str(card.candidacy.person_id),
            subject_label=f"person #{card.candidacy.person_id}",
            fields=sorted(LIST_FIELDS),
            purpose=str(PURPOSE),
            path=request.get_full_path()[:500],
        )
        for card in cards
        if card.name
    )


class OpportunityPipelineView(BackofficeMixin, ObjectMixin, TemplateView):
    """The candidacies of one opportunity, by status."""

    permission = "opportunities.view_candidates"
    template_name = "opportunities/pipeline/opportunity.html"

    def get_object(self) -> Opportunity:
        self.opportunity = get_opportunity_for_pipeline(
            self.request.user, self.kwargs.get("opportunity_pk")
        )
        return self.opportunity

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sections = pipeline_of(self.request.user, self.opportunity)
        log_cards_read(self.request, [card for s in sections for card in s.cards])
        return super().get_context_data(
            opportunity=self.opportunity,
            sections=sections,
            total=sum(len(s.cards) for s in sections),
            can_move=has_perm(
                self.request.user, "opportunities.manage_candidacy", self.opportunity
            ),
            **kwargs,
        )


class CandidacyMixin(ObjectFirstMixin, BackofficeMixin):
    """A page about one candidacy (URL kwarg `candidacy_pk`): 404 outside its opportunity's
    scope, and for a candidacy not applied with unless the user sees the person."""

    candidacy_permission: str | None = None
    kwargs: dict[str, Any]
    request: HttpRequest

    def get_object(self) -> Candidacy:
        return get_candidacy_for_user(
            self.request.user, self.kwargs.get("candidacy_pk"), perm=self.candidacy_permission
        )

    @property
    def candidacy(self) -> Candidacy:
        candidacy: Candidacy = self.object
        return candidacy

    def pipeline_url(self) -> str:
        return reverse(
            "pipeline:opportunity", kwargs={"opportunity_pk": self.candidacy.opportunity_id}
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(
            {
                "candidacy": self.candidacy,
                "opportunity": self.candidacy.opportunity,
                "pipeline_url": self.pipeline_url(),
            }
        )
        return context


class CandidacyView(CandidacyMixin, TemplateView):
    """One candidacy: the anonymised card, or the shared profile (logged), and its steps."""

    template_name = "opportunities/pipeline/candidacy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        candidacy = self.candidacy
        card = cards_for(user, candidacy.opportunity, [candidacy])[0]
        profile = shared_profile(candidacy)
        if profile is not None:
            log_person_read(
                user,
                candidacy.person,
                PROFILE_FIELDS,
                path=self.request.get_full_path(),
                purpose=str(PURPOSE),
            )
        elif card.name:
            log_person_read(
                user,
                candidacy.person,
                LIST_FIELDS,
                path=self.request.get_full_path(),
                purpose=str(PURPOSE),
            )
        person = candidacy.person
        their_operator = pipeline.is_their_operator(user, person)
        status = candidacy.status
        return super().get_context_data(
            card=card,
            profile=profile,
            history=candidacy_events(candidacy)
            if card.caseload
            else history_for_company(candidacy),
            can_move=has_perm(user, "opportunities.manage_candidacy", candidacy.opportunity)
            and status in COMPANY_STEPS,
            # Applied, not shared: the company may only turn the application down, unseen.
            can_turn_down=has_perm(user, "opportunities.manage_candidacy", candidacy.opportunity)
            and status == CandidacyStatus.APPLIED,
            can_share=their_operator and status == CandidacyStatus.APPLIED,
            can_apply=their_operator
            and status in (CandidacyStatus.SUGGESTED, CandidacyStatus.PROPOSED),
            can_withdraw=their_operator and status not in pipeline.FINAL_STATUSES,
            person_file_url=_person_file_url(person.pk) if card.caseload else "",
            **kwargs,
        )


def candidacy_events(candidacy: Candidacy) -> list[Any]:
    return list(candidacy.events.select_related("actor"))


def _person_file_url(person_pk: int) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse("pathways:person_file", kwargs={"person_pk": person_pk})
    except NoReverseMatch:
        return ""


class CandidacyCvView(CandidacyMixin, View):
    """The shared profile's CV, as an attachment; the download is logged."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        from lavorete.people.views import cv_response

        if shared_profile(self.candidacy) is None:
            raise Http404
        person = self.candidacy.person
        response = cv_response(person)
        log_person_read(
            request.user, person, ["cv"], path=request.get_full_path(), purpose=str(PURPOSE)
        )
        return response


class CandidacyActionView(CandidacyMixin, ServiceFormMixin, FormView):
    """A step on one candidacy, on its own page (no personal data on it)."""

    template_name = "opportunities/pipeline/action.html"
    form_class: Any = NoteForm
    title: Any = ""
    intro: Any = ""
    submit_label: Any = gettext_lazy("Save")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "subject_pk": self.candidacy.pk}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=self.title, intro=self.intro, submit_label=self.submit_label, **kwargs
        )

    def get_success_url(self) -> str:
        return reverse("pipeline:candidacy", kwargs={"candidacy_pk": self.candidacy.pk})


_TURN_DOWN_TITLE = gettext_lazy("Turn down the application")
_TURN_DOWN_INTRO = gettext_lazy(
    "The person hasn't shared their profile with you: you can turn the application down "
    "without learning who it is. The person and their operator see that it was not "
    "selected; your note is read by the operators too, never by the person."
)
_TURN_DOWN_SUBMIT = gettext_lazy("Confirm: turn it down")


class MoveView(CandidacyActionView):
    candidacy_permission = "opportunities.manage_candidacy"
    form_class = MoveForm
    title = gettext_lazy("Next step of the candidacy")
    intro = gettext_lazy(
        "An interview, a hire or a decision not to go on. A hire records the job placement "
        "on the person's pathway, and fills the opportunity once every position is taken."
    )
    success_message = gettext_lazy("The step is recorded.")

    def unseen(self) -> bool:
        """An application the person hasn't shared: it can only be turned down."""
        return self.candidacy.status == CandidacyStatus.APPLIED

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "current": self.candidacy.status}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.unseen():
            self.title = _TURN_DOWN_TITLE
            self.intro = _TURN_DOWN_INTRO
            self.submit_label = _TURN_DOWN_SUBMIT
        return super().get_context_data(**kwargs)

    def run_service(self, form: Any) -> Model:
        return pipeline.candidacy_move(
            actor=self.request.user,
            candidacy=self.candidacy,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )


class _OnBehalfActionView(CandidacyActionView):
    def get_object(self) -> Candidacy:
        candidacy = super().get_object()
        if not pipeline.is_their_operator(self.request.user, candidacy.person):
            raise PermissionDenied
        return candidacy


class ShareView(_OnBehalfActionView):
    title = gettext_lazy("Share the profile with the company")
    intro = gettext_lazy(
        "The company will read the person's name, contacts, skills, languages and CV. "
        "The person must have agreed to share their profile with companies: record the "
        "consent on their file first."
    )
    submit_label = gettext_lazy("Share")
    success_message = gettext_lazy("The profile is shared with the company.")
    form_class = NoteForm

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields.pop("note", None)
        return form

    def run_service(self, form: Any) -> Model:
        return pipeline.candidacy_share(actor=self.request.user, candidacy=self.candidacy)


class ApplyOnBehalfView(_OnBehalfActionView):
    title = gettext_lazy("Apply on the person's behalf")
    intro = gettext_lazy(
        "Do it only when the person has asked you to: the application is recorded in your name."
    )
    submit_label = gettext_lazy("Apply")
    success_message = gettext_lazy("The application is recorded.")

    form_class = ApplyForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "subject_pk": self.candidacy.opportunity_id}

    def run_service(self, form: Any) -> Model:
        return pipeline.candidacy_apply(
            actor=self.request.user,
            opportunity=self.candidacy.opportunity,
            person=self.candidacy.person,
            message=form.cleaned_data["message"],
        )


class WithdrawView(_OnBehalfActionView):
    title = gettext_lazy("Withdraw the candidacy")
    intro = gettext_lazy("The candidacy stays in the history as withdrawn.")
    submit_label = gettext_lazy("Withdraw the candidacy")
    success_message = gettext_lazy("The candidacy is withdrawn.")

    def run_service(self, form: Any) -> Model:
        return pipeline.candidacy_withdraw(
            actor=self.request.user, candidacy=self.candidacy, note=form.cleaned_data["note"]
        )
