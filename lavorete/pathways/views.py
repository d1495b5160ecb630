"""Back-office pages of pathways (/gestione/percorsi/): the caseload, a person's file with its
timeline and quick actions, group services, tasks, referrals and the programme set-up.
Thin, over services and selectors."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.backoffice import (
    BackofficeMixin,
    ObjectFirstMixin,
    ObjectMixin,
    ServiceFormMixin,
)
from lavorete.core.models import PersonalDataAccess
from lavorete.core.permissions import get_object_for_user, has_perm
from lavorete.network.models import Organisation, Programme
from lavorete.pathways import forms, services
from lavorete.pathways.models import (
    Enrolment,
    EnrolmentStatus,
    Goal,
    ReferralStatus,
    ServiceDelivery,
    ServiceMode,
    Stage,
)
from lavorete.pathways.permissions import (
    get_delivery_for_user,
    get_follow_up_for_user,
    get_programme_for_setup,
    get_referral_for_user,
    get_stage_for_setup,
    programme_ids_for,
    programmes_for,
)
from lavorete.pathways.selectors import (
    CASELOAD_PAGE_SIZE,
    caseload,
    caseload_rows,
    follow_ups_for,
    notes_readable,
    person_enrolments,
    person_timeline,
    programme_stage_counts,
    referrals_inbox,
    referrals_sent,
    stages_of,
    tutors_for,
)
from lavorete.people.models import Category, Person
from lavorete.people.permissions import PersonMixin, log_person_read
from lavorete.territory.models import Municipality

PURPOSE = gettext_lazy("Following the person's pathway")
NOTES_PURPOSE = "case notes"
CASELOAD_FIELDS = ["first_name", "last_name", "enrolments"]
FILE_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "tax_code",
    "birth_date",
    "gender",
    "residence",
    "education_level",
    "employment_status",
    "employment_status_since",
    "enrolments",
    "goals",
    "outcomes",
    "services",
]


def log_list_read(request: HttpRequest, people: list[Person], fields: list[str]) -> None:
    """One access-log row per person a list shows, written in one query."""
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


def municipalities_near(programme_ids: frozenset[int] | None) -> QuerySet[Municipality]:
    """Municipalities of the provinces the programmes work in (all, for a network-wide user)."""
    programmes = (
        Programme.objects.all()
        if programme_ids is None
        else Programme.objects.filter(pk__in=programme_ids)
    )
    provinces = Municipality.objects.filter(programmes__in=programmes).values("province_id")
    return Municipality.objects.filter(province_id__in=provinces).order_by("name")


def person_file_url(person_pk: int) -> str:
    return reverse("pathways:person_file", kwargs={"person_pk": person_pk})


def optional_url(name: str, **kwargs: Any) -> str:
    """The URL of a page another part of the project may not have yet ('' until it exists)."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


# --- caseload -------------------------------------------------------------------------


class CaseloadView(BackofficeMixin, ListView):
    permission = "pathways.view_enrolment"
    template_name = "pathways/caseload.html"
    context_object_name = "enrolments"
    paginate_by = CASELOAD_PAGE_SIZE

    def filter_form(self) -> forms.CaseloadFilterForm:
        if not hasattr(self, "_filter_form"):
            user = self.request.user
            ids = programme_ids_for(user, "pathways.view_enrolment")
            programmes = list(programmes_for(user, "pathways.view_enrolment").order_by("name"))
            self._filter_form = forms.CaseloadFilterForm(
                self.request.GET,
                programmes=programmes,
                stages=stages_of([p.pk for p in programmes]),
                municipalities=Municipality.objects.filter(programmes__in=programmes)
                .distinct()
                .order_by("name")
                if ids is not None
                else Municipality.objects.filter(programmes__isnull=False)
                .distinct()
                .order_by("name"),
            )
        return self._filter_form

    def get_queryset(self) -> Any:
        form = self.filter_form()
        mine = form.is_valid() and form.cleaned_data["mine"]
        return caseload(
            self.request.user, tutor=self.request.user if mine else None, **form.filters()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = caseload_rows([e.pk for e in context["enrolments"]])
        log_list_read(self.request, [e.person for e in rows], CASELOAD_FIELDS)
        context.update(
            rows=rows,
            filter_form=self.filter_form(),
            can_intake=has_perm_somewhere(self.request.user, "pathways.manage_enrolment"),
        )
        return context


def has_perm_somewhere(user: Any, perm: str) -> bool:
    ids = programme_ids_for(user, perm)
    return ids is None or bool(ids)


# --- intake ------------------------------------------------------------------------------


class IntakeView(BackofficeMixin, ServiceFormMixin, FormView):
    permission = "pathways.manage_enrolment"
    template_name = "pathways/intake.html"
    form_class = forms.IntakeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        user = self.request.user
        ids = programme_ids_for(user, "pathways.manage_enrolment")
        programmes = programmes_for(user, "pathways.manage_enrolment").order_by("name")
        kwargs = super().get_form_kwargs()
        kwargs.update(
            programmes=programmes,
            tutors=tutors_for(programmes.values_list("pk", flat=True)),
            municipalities=municipalities_near(ids),
        )
        kwargs.setdefault("initial", {}).update(tutor=user.pk)
        if programmes.count() == 1:
            kwargs["initial"]["programme"] = programmes.first().pk
        return kwargs

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.intake(
            actor=self.request.user,
            programme=data["programme"],
            tutor=data["tutor"],
            consents=form.consents(),
            **form.person_fields(),
        )

    def get_success_url(self) -> str:
        messages.success(self.request, _("The person is registered and enrolled."))
        return person_file_url(self.saved.person_id)  # type: ignore[attr-defined]


# --- the person's file -------------------------------------------------------------------


ACTIONS = [
    # url name, label, permission on the enrolment
    ("pathways:move", gettext_lazy("Move to another stage"), "pathways.manage_enrolment"),
    ("pathways:status", gettext_lazy("Change status"), "pathways.manage_enrolment"),
    ("pathways:service", gettext_lazy("Record a service"), "pathways.record_service"),
    ("pathways:note_add", gettext_lazy("Add a case note"), "pathways.write_case_notes"),
    ("pathways:goal_add", gettext_lazy("Add a goal"), "pathways.manage_enrolment"),
    ("pathways:plan_agree", gettext_lazy("Agree the plan"), "pathways.manage_enrolment"),
    ("pathways:outcome_add", gettext_lazy("Record an outcome"), "pathways.record_outcome"),
    ("pathways:refer", gettext_lazy("Refer to a partner"), "pathways.refer"),
    ("pathways:tutor", gettext_lazy("Change tutor"), "pathways.manage_enrolment"),
]


class PersonFileView(PersonMixin, TemplateView):
    person_permission = "pathways.view_enrolment"
    template_name = "pathways/person_file.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user, person = self.request.user, self.person
        enrolments = person_enrolments(user, person)
        readable = notes_readable(user, enrolments)
        path = self.request.get_full_path()
        log_person_read(user, person, FILE_FIELDS, path=path, purpose=str(PURPOSE))
        if readable:
            log_person_read(user, person, ["case_notes"], path=path, purpose=NOTES_PURPOSE)
        stages = stages_of({e.programme_id for e in enrolments})
        for enrolment in enrolments:
            enrolment.pathway = [s for s in stages if s.programme_id == enrolment.programme_id]  # type: ignore[attr-defined]
            enrolment.open_goals = [g for g in enrolment.goals.all() if g.status == "open"]  # type: ignore[attr-defined]
        actions = [
            {"url": reverse(name, kwargs={"person_pk": person.pk}), "label": label}
            for name, label, perm in ACTIONS
            if any(has_perm(user, perm, e) for e in enrolments)
            or (
                name == "pathways:move"
                and any(has_perm(user, "pathways.approve_stage", e) for e in enrolments)
            )
        ]
        today = timezone.localdate()
        return super().get_context_data(
            enrolments=enrolments,
            categories=sorted(str(Category(c).label) for c in person.categories(today)),
            timeline=person_timeline(person, enrolments, notes_of=readable),
            shows_notes=bool(readable),
            actions=actions,
            profile_url=optional_url("people:person", person_pk=person.pk),
            edit_url=optional_url("people:edit", person_pk=person.pk)
            if has_perm(user, "people.manage_person", person)
            else "",
            export_url=optional_url("privacy:person_export", person_pk=person.pk)
            if has_perm(user, "people.export_person", person)
            else "",
            erase_url=optional_url("privacy:person_erase", person_pk=person.pk)
            if has_perm(user, "people.erase_person", person)
            else "",
            **kwargs,
        )


class PersonActionView(PersonMixin, ServiceFormMixin, FormView):
    """A quick action on one of the person's pathways, among those the user may act on."""

    person_permission = "pathways.view_enrolment"
    template_name = "pathways/person_action.html"
    action_perms: tuple[str, ...] = ()
    title: Any = ""
    intro: Any = ""
    submit_label: Any = gettext_lazy("Save")

    def enrolments(self) -> QuerySet[Enrolment]:
        if not hasattr(self, "_enrolments"):
            ids: set[int] = set()
            everywhere = False
            for perm in self.action_perms:
                found = programme_ids_for(self.request.user, perm)
                if found is None:
                    everywhere = True
                else:
                    ids |= found
            rows = Enrolment.objects.filter(person=self.person).select_related("programme", "stage")
            if not everywhere:
                rows = rows.filter(programme_id__in=ids)
            self._enrolments = rows.order_by("-enrolled_on", "pk")
            if not self._enrolments:
                raise PermissionDenied
        return self._enrolments

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["enrolments"] = self.enrolments()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=self.title, intro=self.intro, submit_label=self.submit_label, **kwargs
        )

    def get_success_url(self) -> str:
        return person_file_url(self.person.pk)


class MoveView(PersonActionView):
    action_perms = ("pathways.manage_enrolment", "pathways.approve_stage")
    form_class = forms.MoveForm
    title = gettext_lazy("Move to another stage")
    intro = gettext_lazy(
        "A gated stage needs its condition: an attended assessment, an agreed plan, or a "
        "coordinator's approval (a coordinator makes that move)."
    )
    success_message = gettext_lazy("The move is recorded.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        programme_ids = {e.programme_id for e in kwargs["enrolments"]}
        kwargs["stages"] = Stage.objects.filter(programme_id__in=programme_ids).select_related(
            "programme"
        )
        return kwargs

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.enrolment_move(
            actor=self.request.user,
            enrolment=data["enrolment"],
            to_stage=data["to_stage"],
            reason=data["reason"],
        )


class StatusView(PersonActionView):
    action_perms = ("pathways.manage_enrolment",)
    form_class = forms.StatusForm
    title = gettext_lazy("Change status")
    success_message = gettext_lazy("The status is changed.")

    def get_initial(self) -> dict[str, Any]:
        return {"on": timezone.localdate()}

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        change = services.STATUS_CHANGES[data["action"]]
        return change(
            actor=self.request.user,
            enrolment=data["enrolment"],
            reason=data["reason"],
            on=data["on"],
        )


class TutorView(PersonActionView):
    action_perms = ("pathways.manage_enrolment",)
    form_class = forms.TutorForm
    title = gettext_lazy("Change tutor")
    success_message = gettext_lazy("The tutor is changed.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["tutors"] = tutors_for({e.programme_id for e in kwargs["enrolments"]})
        return kwargs

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.enrolment_tutor_set(
            actor=self.request.user, enrolment=data["enrolment"], tutor=data["tutor"]
        )


class ServiceView(PersonActionView):
    action_perms = ("pathways.record_service",)
    form_class = forms.ServiceForm
    title = gettext_lazy("Record a service")
    intro = gettext_lazy(
        "An individual service: an interview, orientation, coaching or an assessment. "
        "For a group session use the group services page."
    )
    success_message = gettext_lazy("The service is recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"held_on": timezone.localdate(), "duration_minutes": 60, "present": True}

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        enrolment = data["enrolment"]
        return services.service_record(
            actor=self.request.user,
            programme=enrolment.programme,
            kind=data["kind"],
            mode=ServiceMode.INDIVIDUAL,
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            title=data["title"],
            attendances=[(enrolment, data["present"])],
        )


class NoteView(PersonActionView):
    action_perms = ("pathways.write_case_notes",)
    form_class = forms.NoteForm
    title = gettext_lazy("Add a case note")
    success_message = gettext_lazy("The note is added.")

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.case_note_add(
            actor=self.request.user, enrolment=data["enrolment"], text=data["text"]
        )


class GoalAddView(PersonActionView):
    action_perms = ("pathways.manage_enrolment",)
    form_class = forms.GoalForm
    title = gettext_lazy("Add a goal")
    intro = gettext_lazy("The person sees the goals of their plan and can comment on them.")
    success_message = gettext_lazy("The goal is added.")

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.goal_add(
            actor=self.request.user,
            enrolment=data["enrolment"],
            title=data["title"],
            description=data["description"],
            due_on=data["due_on"],
        )


class PlanAgreeView(PersonActionView):
    action_perms = ("pathways.manage_enrolment",)
    form_class = forms.PlanForm
    title = gettext_lazy("Agree the plan")
    intro = gettext_lazy("Record the day the person and you agreed the plan and its goals.")
    success_message = gettext_lazy("The plan is agreed.")

    def get_initial(self) -> dict[str, Any]:
        return {"on": timezone.localdate()}

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.plan_agree(
            actor=self.request.user, enrolment=data["enrolment"], on=data["on"]
        )


class GoalEditView(PersonMixin, ServiceFormMixin, FormView):
    person_permission = "pathways.view_enrolment"
    template_name = "pathways/person_action.html"
    form_class = forms.GoalEditForm
    success_message = gettext_lazy("The goal is saved.")

    def goal(self) -> Goal:
        if not hasattr(self, "_goal"):
            try:
                goal = Goal.objects.select_related("enrolment__programme").get(
                    pk=self.kwargs["goal_pk"], enrolment__person=self.person
                )
            except (Goal.DoesNotExist, OverflowError) as exc:
                from django.http import Http404

                raise Http404 from exc
            if not has_perm(self.request.user, "pathways.view_enrolment", goal.enrolment):
                from django.http import Http404

                raise Http404
            if not has_perm(self.request.user, "pathways.manage_enrolment", goal.enrolment):
                raise PermissionDenied
            self._goal = goal
        return self._goal

    def get_initial(self) -> dict[str, Any]:
        goal = self.goal()
        return {
            "title": goal.title,
            "description": goal.description,
            "due_on": goal.due_on,
            "status": goal.status,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            title=_("Goal"), submit_label=_("Save"), goal=self.goal(), **kwargs
        )

    def run_service(self, form: Any) -> Model:
        data, goal = form.cleaned_data, self.goal()
        goal = services.goal_update(
            actor=self.request.user,
            goal=goal,
            title=data["title"],
            description=data["description"],
            due_on=data["due_on"],
        )
        if data["status"] != goal.status:
            goal = services.goal_close(actor=self.request.user, goal=goal, status=data["status"])
        return goal

    def get_success_url(self) -> str:
        return person_file_url(self.person.pk)


class OutcomeView(PersonActionView):
    action_perms = ("pathways.record_outcome",)
    form_class = forms.OutcomeForm
    title = gettext_lazy("Record an outcome")
    intro = gettext_lazy(
        "A job or a business schedules follow-ups at 3, 6 and 12 months for the tutor."
    )
    success_message = gettext_lazy("The outcome is recorded and its follow-ups scheduled.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organisations"] = Organisation.objects.order_by("name")
        return kwargs

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.outcome_record(
            actor=self.request.user,
            enrolment=data["enrolment"],
            kind=data["kind"],
            employer=data["employer"],
            employer_name=data["employer_name"],
            contract_type=data["contract_type"],
            start_date=data["start_date"],
            weekly_hours=data["weekly_hours"],
            description=data["description"],
        )


class ReferView(PersonActionView):
    action_perms = ("pathways.refer",)
    form_class = forms.ReferralForm
    title = gettext_lazy("Refer to a partner")
    intro = gettext_lazy(
        "The receiving programme sees the person's profile, pathway and plan, never the "
        "case notes. Read the consent text to the person first."
    )
    success_message = gettext_lazy("The referral is sent.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        enrolled = Enrolment.objects.filter(person=self.person).values("programme_id")
        kwargs["programmes"] = Programme.objects.exclude(pk__in=enrolled).order_by("name")
        kwargs["organisations"] = (
            Organisation.objects.filter(programme_partnerships__isnull=False)
            .distinct()
            .order_by("name")
        )
        return kwargs

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.referral_create(
            actor=self.request.user,
            enrolment=data["enrolment"],
            to_programme=data["to_programme"],
            to_organisation=data["to_organisation"],
            reason=data["reason"],
            person_consents=data["person_consents"],
        )


# --- group services ------------------------------------------------------------------------


class ServiceListView(BackofficeMixin, TemplateView):
    permission = "pathways.record_service"
    template_name = "pathways/service_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        ids = programme_ids_for(user, "pathways.record_service")
        deliveries = ServiceDelivery.objects.filter(mode=ServiceMode.GROUP)
        if ids is not None:
            deliveries = deliveries.filter(programme_id__in=ids)
        return super().get_context_data(
            programmes=programmes_for(user, "pathways.record_service").order_by("name"),
            deliveries=deliveries.select_related("programme", "operator").order_by(
                "-held_on", "-pk"
            )[:50],
            today=timezone.localdate(),
            **kwargs,
        )


class ProgrammeObjectMixin(ObjectMixin):
    programme_perm = "pathways.record_service"
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> Programme:
        return get_object_for_user(
            self.request.user,
            Programme.objects.all(),
            self.kwargs["programme_pk"],
            view_perm="network.view_programme",
            perm=self.programme_perm,
        )


class GroupServiceView(BackofficeMixin, ProgrammeObjectMixin, ServiceFormMixin, FormView):
    permission = "pathways.record_service"
    template_name = "pathways/group_service.html"
    form_class = forms.GroupServiceForm
    success_message = gettext_lazy("The group session is recorded.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["enrolments"] = (
            Enrolment.objects.filter(
                programme=self.object,
                status=EnrolmentStatus.ACTIVE,
                person__anonymised_at__isnull=True,
            )
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "pk")
        )
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return {"held_on": timezone.localdate(), "duration_minutes": 120, "kind": "lab_session"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programme=self.object, **kwargs)

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        attended = {e.pk for e in data["attended"]}
        return services.service_record(
            actor=self.request.user,
            programme=self.object,
            kind=data["kind"],
            mode=ServiceMode.GROUP,
            held_on=data["held_on"],
            duration_minutes=data["duration_minutes"],
            title=data["title"],
            attendances=[(e, e.pk in attended) for e in data["participants"]],
        )

    def get_success_url(self) -> str:
        return reverse("pathways:services")


class AttendanceView(BackofficeMixin, ObjectMixin, ServiceFormMixin, FormView):
    permission = "pathways.record_service"
    template_name = "pathways/attendance.html"
    form_class = forms.AttendanceForm
    success_message = gettext_lazy("Attendance is recorded.")

    def get_object(self) -> ServiceDelivery:
        return get_delivery_for_user(self.request.user, self.kwargs["pk"])

    def participants(self) -> QuerySet[Enrolment]:
        return (
            Enrolment.objects.filter(attendances__delivery=self.object)
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "pk")
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["enrolments"] = self.participants()
        kwargs.setdefault("initial", {})["attended"] = list(
            self.object.attendances.filter(present=True).values_list("enrolment_id", flat=True)
        )
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(delivery=self.object, **kwargs)

    def run_service(self, form: Any) -> Model:
        attended = {e.pk for e in form.cleaned_data["attended"]}
        return services.attendance_set(
            actor=self.request.user,
            delivery=self.object,
            attendances=[(e, e.pk in attended) for e in self.participants()],
        )

    def get_success_url(self) -> str:
        return reverse("pathways:services")


# --- my tasks: follow-ups ----------------------------------------------------------------


class TaskListView(BackofficeMixin, ListView):
    permission = "pathways.record_outcome"
    template_name = "pathways/tasks.html"
    context_object_name = "follow_ups"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return follow_ups_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = list(context["follow_ups"])
        log_list_read(
            self.request,
            [f.outcome.enrolment.person for f in rows],
            ["first_name", "last_name", "outcomes"],
        )
        context.update(rows=rows, today=timezone.localdate())
        return context


class FollowUpView(ObjectFirstMixin, BackofficeMixin, ServiceFormMixin, FormView):
    permission = "pathways.record_outcome"
    template_name = "pathways/follow_up.html"
    form_class = forms.FollowUpForm
    success_message = gettext_lazy("The follow-up is recorded.")

    def get_object(self) -> Any:
        return get_follow_up_for_user(self.request.user, self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        log_person_read(
            request.user,
            self.object.outcome.enrolment.person,
            ["first_name", "last_name", "outcomes"],
            path=request.get_full_path(),
            purpose=str(PURPOSE),
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        follow_up = self.object
        return super().get_context_data(follow_up=follow_up, outcome=follow_up.outcome, **kwargs)

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.follow_up_complete(
            actor=self.request.user,
            follow_up=self.object,
            still_in_work=data["still_in_work"],
            note=data["note"],
        )

    def get_success_url(self) -> str:
        return reverse("pathways:tasks")


# --- referrals ---------------------------------------------------------------------------


class ReferralListView(BackofficeMixin, TemplateView):
    permission = "pathways.refer"
    template_name = "pathways/referrals.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        inbox = list(referrals_inbox(self.request.user)[:100])
        sent = list(referrals_sent(self.request.user))
        log_list_read(
            self.request,
            [r.person for r in [*inbox, *sent]],
            ["first_name", "last_name", "referrals"],
        )
        return super().get_context_data(inbox=inbox, sent=sent, **kwargs)


class ReferralDecideView(ObjectFirstMixin, BackofficeMixin, ServiceFormMixin, FormView):
    permission = "pathways.manage_enrolment"
    template_name = "pathways/referral_decide.html"
    form_class = forms.ReferralDecisionForm

    def get_object(self) -> Any:
        referral = get_referral_for_user(self.request.user, self.kwargs["pk"])
        if not has_perm(self.request.user, "pathways.manage_enrolment", referral.to_programme):
            raise PermissionDenied
        return referral

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["tutors"] = tutors_for([self.object.to_programme_id])
        kwargs.setdefault("initial", {})["tutor"] = self.request.user.pk
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        log_person_read(
            request.user,
            self.object.person,
            ["first_name", "last_name", "referrals"],
            path=request.get_full_path(),
            purpose=str(PURPOSE),
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(referral=self.object, **kwargs)

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        if data["decision"] == "accept":
            self.success_message = _("The person is enrolled in your programme.")
            return services.referral_accept(
                actor=self.request.user,
                referral=self.object,
                tutor=data["tutor"],
                note=data["note"],
                person_consents=data["person_consents"],
            )
        self.success_message = _("The referral is declined.")
        return services.referral_decline(
            actor=self.request.user, referral=self.object, note=data["note"]
        )

    def get_success_url(self) -> str:
        if self.object.status == ReferralStatus.ACCEPTED or getattr(self.saved, "person_id", None):
            return person_file_url(self.object.person_id)
        return reverse("pathways:referrals")


class ReferralWithdrawView(ObjectFirstMixin, BackofficeMixin, ServiceFormMixin, FormView):
    permission = "pathways.refer"
    template_name = "pathways/referral_withdraw.html"
    form_class = forms.WithdrawForm
    success_message = gettext_lazy("The referral is withdrawn.")

    def get_object(self) -> Any:
        referral = get_referral_for_user(self.request.user, self.kwargs["pk"])
        if not has_perm(self.request.user, "pathways.refer", referral.from_enrolment.programme):
            raise PermissionDenied
        return referral

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(referral=self.object, **kwargs)

    def run_service(self, form: Any) -> Model:
        return services.referral_withdraw(
            actor=self.request.user, referral=self.object, note=form.cleaned_data["note"]
        )

    def get_success_url(self) -> str:
        return reverse("pathways:referrals")


# --- programme set-up (coordinators) -------------------------------------------------------


class ProgrammeListView(BackofficeMixin, TemplateView):
    permission = "pathways.manage_pathway"
    template_name = "pathways/programme_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            programmes=programmes_for(self.request.user, "pathways.manage_pathway").order_by(
                "name"
            ),
            **kwargs,
        )


class SetupMixin(ObjectMixin):
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> Programme:
        return get_programme_for_setup(self.request.user, self.kwargs["programme_pk"])

    def setup_url(self) -> str:
        return reverse("pathways:programme_setup", kwargs={"programme_pk": self.object.pk})


class ProgrammeSetupView(BackofficeMixin, SetupMixin, TemplateView):
    permission = "pathways.manage_pathway"
    template_name = "pathways/programme_setup.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programme = self.object
        counts = programme_stage_counts(programme)
        stages = list(Stage.objects.filter(programme=programme).order_by("position"))
        for stage in stages:
            stage.people = counts.get(stage.pk, 0)  # type: ignore[attr-defined]
        return super().get_context_data(
            programme=programme,
            targets=programme.targets.order_by("kind", "category"),
            stages=stages,
            target_form=forms.TargetForm(),
            stage_form=forms.StageForm(),
            **kwargs,
        )


class SetupFormView(BackofficeMixin, SetupMixin, ServiceFormMixin, FormView):
    permission = "pathways.manage_pathway"
    template_name = "pathways/setup_form.html"
    title: Any = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(programme=self.object, title=self.title, **kwargs)

    def get_success_url(self) -> str:
        return self.setup_url()


class TargetSetView(SetupFormView):
    form_class = forms.TargetForm
    title = gettext_lazy("Set a target")
    success_message = gettext_lazy("The target is saved.")

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.programme_target_set(
            actor=self.request.user,
            programme=self.object,
            kind=data["kind"],
            category=data["category"],
            value=data["value"],
        )


class StageAddView(SetupFormView):
    form_class = forms.StageForm
    title = gettext_lazy("Add a stage")
    success_message = gettext_lazy("The stage is added at the end of the pathway.")

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.stage_add(
            actor=self.request.user,
            programme=self.object,
            name=data["name"],
            kind=data["kind"],
            gate=data["gate"],
        )


class StageUpdateView(SetupFormView):
    form_class = forms.StageForm
    title = gettext_lazy("Change a stage")
    success_message = gettext_lazy("The stage is saved.")

    def stage(self) -> Stage:
        return get_stage_for_setup(self.request.user, self.object, self.kwargs["pk"])

    def get_initial(self) -> dict[str, Any]:
        stage = self.stage()
        return {"name": stage.name, "kind": stage.kind, "gate": stage.gate}

    def run_service(self, form: Any) -> Model:
        data = form.cleaned_data
        return services.stage_update(
            actor=self.request.user,
            stage=self.stage(),
            name=data["name"],
            kind=data["kind"],
            gate=data["gate"],
        )


class LegalBasisView(SetupFormView):
    form_class = forms.LegalBasisForm
    title = gettext_lazy("Legal basis for participants' data")
    success_message = gettext_lazy("The legal basis is saved.")

    def get_initial(self) -> dict[str, Any]:
        return {"legal_basis": self.object.legal_basis}

    def run_service(self, form: Any) -> Model:
        return services.programme_legal_basis_set(
            actor=self.request.user,
            programme=self.object,
            legal_basis=form.cleaned_data["legal_basis"],
        )


class SetupPostView(BackofficeMixin, SetupMixin, View):
    """A button of the set-up page: one service call, then back to the page."""

    permission = "pathways.manage_pathway"
    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            message = self.act()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, message)
        return HttpResponseRedirect(self.setup_url())


class TargetRemoveView(SetupPostView):
    def act(self) -> str:
        from django.shortcuts import get_object_or_404

        target = get_object_or_404(self.object.targets, pk=self.kwargs["pk"])
        services.programme_target_remove(actor=self.request.user, target=target)
        return _("The target is removed.")


class StageMoveView(SetupPostView):
    def act(self) -> str:
        stage = get_stage_for_setup(self.request.user, self.object, self.kwargs["pk"])
        services.stage_move(
            actor=self.request.user, stage=stage, up=self.request.POST.get("direction") == "up"
        )
        return _("The stage is moved.")


class StageRemoveView(SetupPostView):
    def act(self) -> str:
        stage = get_stage_for_setup(self.request.user, self.object, self.kwargs["pk"])
        services.stage_remove(actor=self.request.user, stage=stage)
        return _("The stage is removed.")
