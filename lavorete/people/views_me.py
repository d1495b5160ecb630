"""The person's own pages: their profile, languages, skills, CV and consents.

The record is the logged-in user's own (`Person.user`); a user without one gets
a page explaining how to get one, never an error.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from lavorete.core.backoffice import ServiceFormMixin
from lavorete.people import services
from lavorete.people.forms import (
    ConsentForm,
    CvForm,
    LanguageForm,
    SelfProfileForm,
    SkillAddForm,
    SkillEditForm,
)
from lavorete.people.models import Person, PersonSkill, SkillEvidence
from lavorete.people.registry import (
    active_purposes,
    consent_texts,
    person_consents,
    person_languages,
    person_skills,
)
from lavorete.people.views import cv_response


def own_person(user: Any) -> Person | None:
    """The user's own record, unless there is none or it was anonymised."""
    return (
        Person.objects.select_related("residence__province")
        .filter(user=user, anonymised_at__isnull=True)
        .first()
    )


class MeMixin(LoginRequiredMixin):
    """A page about the logged-in person's own record."""

    section = ""
    title: Any = ""
    person: Person
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        person = own_person(request.user)
        if kwargs:
            # A URL naming something of a profile: 404 unless it is in the user's own,
            # whatever the method (nobody learns what someone else's profile holds).
            if person is None:
                raise Http404
            self.person = person
            self.check_own_object(**kwargs)
        if request.method and request.method.lower() not in self.http_method_names:  # type: ignore[attr-defined]
            return self.http_method_not_allowed(request, *args, **kwargs)  # type: ignore[attr-defined]
        if person is None:
            return render(request, "people/me/no_record.html")
        self.person = person
        return super().dispatch(request, *args, **kwargs)

    def check_own_object(self, **kwargs: Any) -> None:
        """Raise Http404 unless what the URL names is in the user's own profile."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(
            {"person": self.person, "section": self.section, "page_title": self.title, "me": True}
        )
        return context


class MyProfileView(MeMixin, TemplateView):
    section = "profile"
    title = gettext_lazy("My profile")
    template_name = "people/me/profile.html"


class MyProfileEditView(MeMixin, ServiceFormMixin, FormView):
    section = "profile"
    title = gettext_lazy("Update my profile")
    template_name = "people/me/edit.html"
    form_class = SelfProfileForm
    success_message = gettext_lazy("Your profile is up to date.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.person}

    def run_service(self, form: Any) -> Any:
        return services.person_self_update(person=self.person, **form.changed_values())

    def get_success_url(self) -> str:
        return reverse("people_me:profile")


class MyLanguagesView(MeMixin, ServiceFormMixin, FormView):
    section = "languages"
    title = gettext_lazy("My languages")
    template_name = "people/me/languages.html"
    form_class = LanguageForm
    success_message = gettext_lazy("Language saved.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "languages": person_languages(self.person)}

    def run_service(self, form: Any) -> Any:
        return services.person_language_set(
            actor=self.request.user, person=self.person, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return self.request.path


class MyLanguageRemoveView(MeMixin, View):
    http_method_names = ["post"]

    def check_own_object(self, **kwargs: Any) -> None:
        if not self.person.languages.filter(language=str(kwargs.get("language"))[:8]).exists():
            raise Http404

    def post(self, request: HttpRequest, language: str) -> HttpResponse:
        services.person_language_remove(actor=request.user, person=self.person, language=language)
        messages.success(request, _("Language removed."))
        return HttpResponseRedirect(reverse("people_me:languages"))


class MySkillsView(MeMixin, ServiceFormMixin, FormView):
    section = "skills"
    title = gettext_lazy("My skills")
    template_name = "people/me/skills.html"
    form_class = SkillAddForm
    success_message = gettext_lazy("Skill added.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "staff": False}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "skills": person_skills(self.person)}

    def run_service(self, form: Any) -> Any:
        return services.person_skill_add(
            actor=self.request.user,
            person=self.person,
            evidence=SkillEvidence.SELF_DECLARED,
            **form.cleaned_data,
        )

    def get_success_url(self) -> str:
        return self.request.path


class MySkillMixin(MeMixin):
    kwargs: dict[str, Any]
    _person_skill: PersonSkill | None = None

    def check_own_object(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.person_skill  # noqa: B018 - loading it raises Http404 for someone else's

    @property
    def person_skill(self) -> PersonSkill:
        if self._person_skill is None:
            pk = int(self.kwargs.get("skill_pk") or 0)
            found = (
                PersonSkill.objects.select_related("person", "skill")
                .filter(pk=pk, person=self.person)
                .first()
                if 0 < pk < 2**63
                else None
            )
            if found is None:
                raise Http404
            self._person_skill = found
        return self._person_skill


class MySkillEditView(MySkillMixin, ServiceFormMixin, FormView):
    section = "skills"
    title = gettext_lazy("Change a skill")
    template_name = "people/me/skill_edit.html"
    form_class = SkillEditForm
    success_message = gettext_lazy("Skill saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "staff": False}

    def get_initial(self) -> dict[str, Any]:
        return {"level": self.person_skill.level}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        row = person_skills(self.person, only=self.person_skill.pk)[0]
        return {**super().get_context_data(**kwargs), "row": row}

    def run_service(self, form: Any) -> Any:
        return services.person_skill_update(
            actor=self.request.user, person_skill=self.person_skill, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("people_me:skills")


class MySkillRemoveView(MySkillMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.person_skill_remove(actor=request.user, person_skill=self.person_skill)
        messages.success(request, _("Skill removed."))
        return HttpResponseRedirect(reverse("people_me:skills"))


class MyCvView(MeMixin, ServiceFormMixin, FormView):
    section = "cv"
    title = gettext_lazy("My CV")
    template_name = "people/me/cv.html"
    form_class = CvForm
    success_message = gettext_lazy("CV saved.")

    def run_service(self, form: Any) -> Any:
        return services.person_cv_set(
            actor=self.request.user, person=self.person, upload=form.cleaned_data["cv"]
        )

    def get_success_url(self) -> str:
        return self.request.path


class MyCvDownloadView(MeMixin, View):
    def get(self, request: HttpRequest) -> FileResponse:
        return cv_response(self.person)


class MyCvRemoveView(MeMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        services.person_cv_remove(actor=request.user, person=self.person)
        messages.success(request, _("CV deleted."))
        return HttpResponseRedirect(reverse("people_me:cv"))


class MyConsentsView(MeMixin, ServiceFormMixin, FormView):
    section = "consents"
    title = gettext_lazy("My consents")
    template_name = "people/me/consents.html"
    form_class = ConsentForm
    success_message = gettext_lazy("Thank you: your consent is recorded.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        active = active_purposes(self.person)
        texts = [{**text, "active": text["purpose"] in active} for text in consent_texts()]
        return {
            **super().get_context_data(**kwargs),
            "consents": person_consents(self.person),
            "texts": texts,
        }

    def run_service(self, form: Any) -> Any:
        return services.consent_give(
            actor=self.request.user, person=self.person, purpose=form.cleaned_data["purpose"]
        )

    def get_success_url(self) -> str:
        return self.request.path


class MyConsentWithdrawView(MeMixin, View):
    http_method_names = ["post"]

    def check_own_object(self, **kwargs: Any) -> None:
        purpose = str(kwargs.get("purpose"))[:20]
        if purpose not in active_purposes(self.person):
            raise Http404

    def post(self, request: HttpRequest, purpose: str) -> HttpResponse:
        try:
            services.consent_withdraw(actor=request.user, person=self.person, purpose=purpose)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your consent is withdrawn."))
        return HttpResponseRedirect(reverse("people_me:consents"))
