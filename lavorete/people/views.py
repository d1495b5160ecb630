"""Back-office pages about one person's record: profile, languages, skills, CV, consents,
health data. Thin, over the services; every page writes what it shows to the access log."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from lavorete.core.backoffice import ServiceFormMixin
from lavorete.core.permissions import has_perm
from lavorete.people import services
from lavorete.people.forms import (
    ConsentForm,
    CvForm,
    LanguageForm,
    PersonForm,
    SkillAddForm,
    SkillEditForm,
    SpecialDataForm,
)
from lavorete.people.models import Category, Person, PersonSkill, SpecialCategoryData
from lavorete.people.permissions import PersonMixin, log_person_read
from lavorete.people.registry import (
    consent_texts,
    person_consents,
    person_languages,
    person_skills,
)

PURPOSE = gettext_lazy("Following the person's pathway")
PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "tax_code",
    "birth_date",
    "gender",
    "email",
    "phone",
    "residence",
    "address",
    "education_level",
    "education_title",
    "employment_status",
    "employment_status_since",
    "is_neet",
    "is_returning_mother",
    "is_migrant",
    "hours_per_week",
    "mobility_km",
    "driving_licence",
]
SPECIAL_FIELDS = [
    "has_disability",
    "disability_percentage",
    "protected_category_l68",
    "health_notes",
]


def cv_filename(person: Person) -> str:
    """The name a downloaded CV gets: no personal value, just the record's number."""
    extension = (person.cv.name or "").rsplit(".", 1)[-1].lower()
    return f"cv-{person.pk}.{extension}"


def cv_response(person: Person) -> FileResponse:
    """The CV as an attachment, never cached, never rendered in the browser."""
    if not person.cv:
        raise Http404
    try:
        handle = person.cv.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=cv_filename(person))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def person_file_url(person: Person) -> str:
    """The person's file in the pathways app, once that page exists."""
    try:
        return reverse("pathways:person_file", kwargs={"person_pk": person.pk})
    except NoReverseMatch:
        return ""


class PersonPage(PersonMixin):
    """A page of the person's record: the section tabs, and the rights the viewer holds."""

    section = ""
    title: Any = ""
    request: HttpRequest

    @property
    def can_manage(self) -> bool:
        return has_perm(self.request.user, "people.manage_person", self.person)

    def require_manage(self) -> None:
        if not self.can_manage:
            raise PermissionDenied

    def log_read(self, fields: list[str]) -> None:
        # A form shown again after a refused POST shows what the GET before it
        # showed (and logged): a refused request writes nothing, not even a log row.
        if self.request.method != "GET":
            return
        # The name heads every page of the record.
        log_person_read(
            self.request.user,
            self.person,
            sorted({"first_name", "last_name", *fields}),
            path=self.request.get_full_path(),
            purpose=str(PURPOSE),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "section": self.section,
                "page_title": self.title,
                "can_manage": self.can_manage,
                "can_view_special": has_perm(
                    self.request.user, "people.view_special_category", self.person
                ),
                "person_file_url": person_file_url(self.person),
            }
        )
        return context


# --- profile -------------------------------------------------------------------------


class PersonProfileView(PersonPage, TemplateView):
    title = gettext_lazy("Profile")
    """The person's profile as the registry holds it."""

    section = "profile"
    template_name = "people/staff/profile.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.person
        context["categories"] = sorted(Category(c).label for c in person.categories())
        self.log_read([*PROFILE_FIELDS, "cv_uploaded_at"])
        return context


class PersonEditView(PersonPage, ServiceFormMixin, FormView):
    title = gettext_lazy("Edit the profile")
    section = "profile"
    person_permission = "people.manage_person"
    template_name = "people/staff/edit.html"
    form_class = PersonForm
    success_message = gettext_lazy("Profile saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.person}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.log_read(PROFILE_FIELDS)
        return super().get(request, *args, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.person_update(
            actor=self.request.user, person=self.person, **form.changed_values()
        )

    def get_success_url(self) -> str:
        return reverse("people:person", args=[self.person.pk])


# --- languages -----------------------------------------------------------------------


class LanguagesView(PersonPage, ServiceFormMixin, FormView):
    title = gettext_lazy("Languages")
    section = "languages"
    template_name = "people/staff/languages.html"
    form_class = LanguageForm
    success_message = gettext_lazy("Language saved.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["languages"] = person_languages(self.person)
        self.log_read(["languages"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        return super().post(request, *args, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.person_language_set(
            actor=self.request.user, person=self.person, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return self.request.path


class LanguageRemoveView(PersonPage, View):
    person_permission = "people.manage_person"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, person_pk: int, language: str) -> HttpResponse:
        services.person_language_remove(actor=request.user, person=self.person, language=language)
        messages.success(request, _("Language removed."))
        return HttpResponseRedirect(reverse("people:languages", args=[self.person.pk]))


# --- skills --------------------------------------------------------------------------


class SkillsView(PersonPage, ServiceFormMixin, FormView):
    title = gettext_lazy("Skills")
    section = "skills"
    template_name = "people/staff/skills.html"
    form_class = SkillAddForm
    success_message = gettext_lazy("Skill added.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["skills"] = person_skills(self.person)
        self.log_read(["skills"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        return super().post(request, *args, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.person_skill_add(
            actor=self.request.user, person=self.person, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return self.request.path


class PersonSkillMixin(PersonPage):
    """A page about one skill of the person: the person is checked first (404 outside scope)."""

    kwargs: dict[str, Any]
    _person_skill: PersonSkill | None = None

    @property
    def person_skill(self) -> PersonSkill:
        if self._person_skill is None:
            if not 0 < int(self.kwargs.get("skill_pk") or 0) < 2**63:
                raise Http404
            self._person_skill = get_object_or_404(
                PersonSkill.objects.select_related("skill", "person"),
                pk=self.kwargs.get("skill_pk"),
                person=self.person,
            )
        return self._person_skill


class SkillEditView(PersonSkillMixin, ServiceFormMixin, FormView):
    title = gettext_lazy("Change a skill")
    section = "skills"
    person_permission = "people.manage_person"
    template_name = "people/staff/skill_edit.html"
    form_class = SkillEditForm
    success_message = gettext_lazy("Skill saved.")

    def get_initial(self) -> dict[str, Any]:
        return {"level": self.person_skill.level, "evidence": self.person_skill.evidence}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["row"] = person_skills(self.person, only=self.person_skill.pk)[0]
        self.log_read(["skills"])
        return context

    def run_service(self, form: Any) -> Any:
        return services.person_skill_update(
            actor=self.request.user, person_skill=self.person_skill, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("people:skills", args=[self.person.pk])


class SkillRemoveView(PersonSkillMixin, View):
    person_permission = "people.manage_person"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.person_skill_remove(actor=request.user, person_skill=self.person_skill)
        messages.success(request, _("Skill removed."))
        return HttpResponseRedirect(reverse("people:skills", args=[self.person.pk]))


# --- CV ------------------------------------------------------------------------------


class CvView(PersonPage, ServiceFormMixin, FormView):
    title = gettext_lazy("CV")
    section = "cv"
    template_name = "people/staff/cv.html"
    form_class = CvForm
    success_message = gettext_lazy("CV saved.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        self.log_read(["cv_uploaded_at"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        return super().post(request, *args, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.person_cv_set(
            actor=self.request.user, person=self.person, upload=form.cleaned_data["cv"]
        )

    def get_success_url(self) -> str:
        return self.request.path


class CvDownloadView(PersonPage, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        response = cv_response(self.person)
        self.log_read(["cv"])
        return response


class AccountInviteView(PersonPage, View):
    """Give the person their personal area (link or create the account)."""

    person_permission = "people.manage_person"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            user = services.person_account_invite(actor=request.user, person=self.person)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The personal area is ready: %(email)s can now sign in.") % {"email": user.email},
            )
        return HttpResponseRedirect(reverse("people:person", args=[self.person.pk]))


class CvRemoveView(PersonPage, View):
    person_permission = "people.manage_person"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.person_cv_remove(actor=request.user, person=self.person)
        messages.success(request, _("CV deleted."))
        return HttpResponseRedirect(reverse("people:cv", args=[self.person.pk]))


# --- consents ------------------------------------------------------------------------


class ConsentsView(PersonPage, ServiceFormMixin, FormView):
    title = gettext_lazy("Consents")
    section = "consents"
    template_name = "people/staff/consents.html"
    form_class = ConsentForm
    success_message = gettext_lazy("Consent recorded.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["consents"] = person_consents(self.person)
        context["texts"] = consent_texts()
        self.log_read(["consents"])
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require_manage()
        return super().post(request, *args, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.consent_give(
            actor=self.request.user, person=self.person, purpose=form.cleaned_data["purpose"]
        )

    def get_success_url(self) -> str:
        return self.request.path


class ConsentWithdrawView(PersonPage, View):
    person_permission = "people.manage_person"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, person_pk: int, purpose: str) -> HttpResponse:
        try:
            services.consent_withdraw(actor=request.user, person=self.person, purpose=purpose)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Consent withdrawn."))
        return HttpResponseRedirect(reverse("people:consents", args=[self.person.pk]))


# --- health and disability data (GDPR Art. 9) ----------------------------------------


class SpecialDataView(PersonPage, ServiceFormMixin, FormView):
    """Readable only with people.view_special_category, changed with manage_special_category."""

    section = "special"
    title = gettext_lazy("Health and disability data")
    person_permission = "people.view_special_category"
    template_name = "people/staff/special.html"
    form_class = SpecialDataForm
    success_message = gettext_lazy("Health and disability data saved.")

    @property
    def can_edit_special(self) -> bool:
        return has_perm(self.request.user, "people.manage_special_category", self.person)

    def get_form_kwargs(self) -> dict[str, Any]:
        data = SpecialCategoryData.objects.filter(person=self.person).first()
        return {**super().get_form_kwargs(), "instance": data}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["special"] = SpecialCategoryData.objects.filter(person=self.person).first()
        context["can_edit_special"] = self.can_edit_special
        self.log_read(SPECIAL_FIELDS)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.can_edit_special:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def run_service(self, form: Any) -> Any:
        return services.special_data_set(
            actor=self.request.user, person=self.person, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return self.request.path
