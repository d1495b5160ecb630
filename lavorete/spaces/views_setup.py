"""Back-office pages to set up coworking spaces (/gestione/spazi/): thin, over services and selectors.

Every page is about one space in the URL: viewing needs spaces.view_space on
it, changing it spaces.manage_space. A sub-object (resource, plan, tier,
qualification, closure, photo) is looked up inside that space, so the id of
another space's object is a 404.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Model, QuerySet, TextChoices
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.audit import log_personal_data_access
from lavorete.core.backoffice import BackofficeMixin, ObjectMixin, ServiceFormMixin
from lavorete.core.permissions import has_perm, has_perm_somewhere
from lavorete.core.timeutils import now as utc_now
from lavorete.network.selectors import organisations_visible_to
from lavorete.spaces import services
from lavorete.spaces.forms_setup import (
    ClosureForm,
    OpeningHoursForm,
    PhotoForm,
    PlanForm,
    QualificationForm,
    QualificationGrantForm,
    ResourceForm,
    SpaceFilterForm,
    SpaceForm,
    TierForm,
)
from lavorete.spaces.models import (
    Closure,
    EligibleCategory,
    Plan,
    Qualification,
    QualificationGrant,
    Resource,
    ResourceKind,
    SolidarityTier,
    Space,
    SpacePhoto,
)
from lavorete.spaces.permissions import (
    get_plan_for_user,
    get_qualification_for_user,
    get_resource_for_user,
    get_space_for_user,
    get_tier_for_user,
)
from lavorete.spaces.selectors import (
    qualification_holders,
    space_resources,
    space_tiers,
    space_today,
    spaces_for_user,
)

VIEW = "spaces.view_space"
MANAGE = "spaces.manage_space"
QUALIFICATION_PURPOSE = gettext_lazy("Safe use of equipment that needs training")


def local_today(space: Space) -> dt.date:
    """Today in the space's own time zone."""
    return utc_now().astimezone(space.zone).date()


def _inside(obj: Any, space: Space) -> Any:
    """`obj` if it belongs to `space`; an id borrowed from another space is a 404."""
    if obj.space_id != space.pk:
        raise Http404
    return obj


def _labels(choices: type[TextChoices], values: Any) -> list[str]:
    """The labels of the known values of a JSON list of choices."""
    labels = dict(choices.choices)
    return [str(labels[v]) for v in values or () if v in labels]


class SpaceMixin(ObjectMixin):
    """The space in the URL: `space_perm` to read it (GET), spaces.manage_space to change it."""

    space_perm = VIEW
    request: HttpRequest
    kwargs: dict[str, Any]

    @property
    def space(self) -> Space:
        return self._space

    def get_space(self) -> Space:
        perm = self.space_perm if self.request.method in ("GET", "HEAD") else MANAGE
        return get_space_for_user(self.request.user, self.kwargs["pk"], perm=perm)

    def get_object(self) -> Any:
        self._space = self.get_space()
        return self._space

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(space=self.space, **kwargs)  # type: ignore[misc]
        context["can_manage"] = has_perm(self.request.user, MANAGE, self.space)
        return context


class SpaceFormMixin(SpaceMixin, ServiceFormMixin):
    """A form about the space in the URL that goes back to `success_url_name` (space pk) when saved."""

    space_perm = MANAGE
    success_url_name = "spaces:space_detail"

    def get_success_url(self) -> str:
        return reverse(self.success_url_name, args=[self.space.pk])


# --- spaces ---------------------------------------------------------------------


class SpaceListView(BackofficeMixin, ListView):
    permission = VIEW
    template_name = "spaces/setup/space_list.html"
    context_object_name = "spaces"
    paginate_by = 25

    def filter_form(self) -> SpaceFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = SpaceFilterForm(self.request.GET)
        return self._filter_form

    def get_queryset(self) -> QuerySet[Space]:
        filters = self.filter_form().filters()
        qs = spaces_for_user(self.request.user).select_related("municipality__province")
        if filters.get("theme"):
            qs = qs.filter(theme=filters["theme"])
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        if filters.get("municipality"):
            qs = qs.filter(municipality__name__icontains=filters["municipality"])
        return qs.order_by("name", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            filter_form=self.filter_form(),
            can_create=has_perm_somewhere(self.request.user, "spaces.create_space"),
            **kwargs,
        )


class SpaceCreateView(BackofficeMixin, ServiceFormMixin, FormView):
    permission = "spaces.create_space"
    template_name = "spaces/setup/space_form.html"
    form_class = SpaceForm
    success_message = gettext_lazy("Space created. Now add its opening hours and resources.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organisations": organisations_visible_to(self.request.user),
        }

    def run_service(self, form: SpaceForm) -> Model:
        return services.space_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("spaces:space_detail", args=[self.saved.pk])


class SpaceUpdateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/space_form.html"
    form_class = SpaceForm
    success_message = gettext_lazy("Space updated.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = {**super().get_form_kwargs(), "instance": self.space}
        # Only who may open spaces may hand one to another organisation.
        if has_perm(self.request.user, "spaces.create_space", self.space):
            kwargs["organisations"] = organisations_visible_to(self.request.user)
        return kwargs

    def run_service(self, form: SpaceForm) -> Model:
        return services.space_update(
            actor=self.request.user, space=self.space, **form.changed_values()
        )


class SpaceDetailView(BackofficeMixin, SpaceMixin, TemplateView):
    """The manager's dashboard for one space."""

    permission = VIEW
    template_name = "spaces/setup/space_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = local_today(self.space)
        return super().get_context_data(
            today=today,
            target_now=self.space.target_on(today),
            figures=space_today(self.space, today),
            opening_hours=list(self.space.opening_hours.all()),
            **kwargs,
        )


# --- opening hours and closures -------------------------------------------------


class OpeningHoursView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/opening_hours.html"
    form_class = OpeningHoursForm
    success_message = gettext_lazy("Opening hours saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "current": list(self.space.opening_hours.all())}

    def run_service(self, form: OpeningHoursForm) -> Model:
        services.opening_hours_set(
            actor=self.request.user, space=self.space, rows=form.cleaned_data["rows"]
        )
        return self.space


class ClosureListView(BackofficeMixin, SpaceFormMixin, FormView):
    """The space's closures, and a form to add one (managers only)."""

    permission = VIEW
    space_perm = VIEW
    template_name = "spaces/setup/closure_list.html"
    form_class = ClosureForm
    success_message = gettext_lazy("Closure added.")
    success_url_name = "spaces:closure_list"

    def run_service(self, form: ClosureForm) -> Model:
        return services.closure_add(actor=self.request.user, space=self.space, **form.cleaned_data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = local_today(self.space)
        return super().get_context_data(
            closures=self.space.closures.all(),
            today=today,
            **kwargs,
        )


class ClosureDeleteView(BackofficeMixin, SpaceMixin, View):
    permission = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        closure = get_object_or_404(Closure, pk=kwargs["closure_pk"], space=self.space)
        services.closure_remove(actor=request.user, closure=closure)
        messages.success(request, _("Closure removed."))
        return HttpResponseRedirect(reverse("spaces:closure_list", args=[self.space.pk]))


# --- photos ---------------------------------------------------------------------


class PhotoListView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = VIEW
    space_perm = VIEW
    template_name = "spaces/setup/photo_list.html"
    form_class = PhotoForm
    success_message = gettext_lazy("Photo added.")
    success_url_name = "spaces:photo_list"

    def run_service(self, form: PhotoForm) -> Model:
        return services.photo_add(actor=self.request.user, space=self.space, **form.cleaned_data)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(photos=self.space.photos.all(), **kwargs)


class PhotoDeleteView(BackofficeMixin, SpaceMixin, View):
    permission = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        photo = get_object_or_404(SpacePhoto, pk=kwargs["photo_pk"], space=self.space)
        services.photo_remove(actor=request.user, photo=photo)
        messages.success(request, _("Photo removed."))
        return HttpResponseRedirect(reverse("spaces:photo_list", args=[self.space.pk]))


# --- resources ------------------------------------------------------------------


class ResourceListView(BackofficeMixin, SpaceMixin, TemplateView):
    permission = VIEW
    template_name = "spaces/setup/resource_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(resources=space_resources(self.space), **kwargs)


class ResourceCreateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/resource_form.html"
    form_class = ResourceForm
    success_message = gettext_lazy("Resource added.")
    success_url_name = "spaces:resource_list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "space": self.space}

    def run_service(self, form: ResourceForm) -> Model:
        return services.resource_create(
            actor=self.request.user, space=self.space, **form.cleaned_data
        )


class ResourceUpdateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/resource_form.html"
    form_class = ResourceForm
    success_message = gettext_lazy("Resource updated.")
    success_url_name = "spaces:resource_list"

    def get_object(self) -> Any:
        space = super().get_object()
        self.resource: Resource = _inside(
            get_resource_for_user(self.request.user, self.kwargs["resource_pk"], perm=MANAGE),
            space,
        )
        return space

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "space": self.space, "instance": self.resource}

    def run_service(self, form: ResourceForm) -> Model:
        return services.resource_update(
            actor=self.request.user, resource=self.resource, **form.changed_values()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(resource=self.resource, **kwargs)


# --- qualifications -------------------------------------------------------------


class QualificationListView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = VIEW
    space_perm = VIEW
    template_name = "spaces/setup/qualification_list.html"
    form_class = QualificationForm
    success_message = gettext_lazy("Qualification created.")

    def run_service(self, form: QualificationForm) -> Model:
        return services.qualification_create(
            actor=self.request.user, space=self.space, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        return reverse("spaces:qualification_detail", args=[self.space.pk, self.saved.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            qualifications=self.space.qualifications.prefetch_related("resources"), **kwargs
        )


class QualificationMixin(SpaceMixin):
    """The qualification in the URL, inside the space in the URL."""

    qualification: Qualification

    def get_object(self) -> Any:
        space = super().get_object()
        perm = VIEW if self.request.method in ("GET", "HEAD") else MANAGE
        self.qualification = _inside(
            get_qualification_for_user(
                self.request.user, self.kwargs["qualification_pk"], perm=perm
            ),
            space,
        )
        return space


class QualificationDetailView(BackofficeMixin, QualificationMixin, ServiceFormMixin, FormView):
    """Who holds a qualification, and a form to grant it (managers only)."""

    permission = VIEW
    template_name = "spaces/setup/qualification_detail.html"
    form_class = QualificationGrantForm
    success_message = gettext_lazy("Qualification granted.")

    def run_service(self, form: QualificationGrantForm) -> Model:
        data = form.cleaned_data
        return services.qualification_grant(
            actor=self.request.user,
            qualification=self.qualification,
            member=data["email"],
            granted_on=data["granted_on"],
            expires_on=data["expires_on"],
            source=data["source"],
        )

    def get_success_url(self) -> str:
        return reverse("spaces:qualification_detail", args=[self.space.pk, self.qualification.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = local_today(self.space)
        holders = list(qualification_holders(self.qualification))
        for grant in holders:
            grant.valid_today = grant.is_valid_on(today)  # type: ignore[attr-defined]
        if self.request.method == "GET":
            for grant in holders:
                log_personal_data_access(
                    actor=self.request.user,
                    subject=grant,
                    fields=["member", "granted_on", "expires_on"],
                    purpose=str(QUALIFICATION_PURPOSE),
                    path=self.request.get_full_path(),
                )
        return super().get_context_data(
            qualification=self.qualification,
            holders=holders,
            resources=self.qualification.resources.all(),
            today=today,
            **kwargs,
        )


class QualificationRevokeView(BackofficeMixin, QualificationMixin, View):
    permission = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        grant = get_object_or_404(
            QualificationGrant, pk=kwargs["grant_pk"], qualification=self.qualification
        )
        services.qualification_revoke(actor=request.user, grant=grant)
        messages.success(request, _("Qualification revoked."))
        return HttpResponseRedirect(
            reverse("spaces:qualification_detail", args=[self.space.pk, self.qualification.pk])
        )


# --- plans ----------------------------------------------------------------------


class PlanListView(BackofficeMixin, SpaceMixin, TemplateView):
    permission = VIEW
    template_name = "spaces/setup/plan_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        plans = list(self.space.plans.all())
        for plan in plans:
            plan.cover_labels = _labels(ResourceKind, plan.covers)  # type: ignore[attr-defined]
        return super().get_context_data(plans=plans, **kwargs)


class PlanCreateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/plan_form.html"
    form_class = PlanForm
    success_message = gettext_lazy("Plan created.")
    success_url_name = "spaces:plan_list"

    def run_service(self, form: PlanForm) -> Model:
        return services.plan_create(actor=self.request.user, space=self.space, **form.cleaned_data)


class PlanUpdateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/plan_form.html"
    form_class = PlanForm
    success_message = gettext_lazy("Plan updated.")
    success_url_name = "spaces:plan_list"

    def get_object(self) -> Any:
        space = super().get_object()
        self.plan: Plan = _inside(
            get_plan_for_user(self.request.user, self.kwargs["plan_pk"], perm=MANAGE), space
        )
        return space

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.plan}

    def run_service(self, form: PlanForm) -> Model:
        return services.plan_update(
            actor=self.request.user, plan=self.plan, **form.changed_values()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plan=self.plan, **kwargs)


# --- solidarity tiers -----------------------------------------------------------


class TierListView(BackofficeMixin, SpaceMixin, TemplateView):
    permission = VIEW
    template_name = "spaces/setup/tier_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        tiers = list(space_tiers(self.space, local_today(self.space)))
        for tier in tiers:
            tier.category_labels = _labels(EligibleCategory, tier.categories)  # type: ignore[attr-defined]
        return super().get_context_data(tiers=tiers, **kwargs)


class TierCreateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/tier_form.html"
    form_class = TierForm
    success_message = gettext_lazy("Solidarity tier created.")
    success_url_name = "spaces:tier_list"

    def run_service(self, form: TierForm) -> Model:
        return services.tier_create(actor=self.request.user, space=self.space, **form.cleaned_data)


class TierUpdateView(BackofficeMixin, SpaceFormMixin, FormView):
    permission = MANAGE
    template_name = "spaces/setup/tier_form.html"
    form_class = TierForm
    success_message = gettext_lazy("Solidarity tier updated.")
    success_url_name = "spaces:tier_list"

    def get_object(self) -> Any:
        space = super().get_object()
        self.tier: SolidarityTier = _inside(
            get_tier_for_user(self.request.user, self.kwargs["tier_pk"], perm=MANAGE), space
        )
        return space

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.tier}

    def run_service(self, form: TierForm) -> Model:
        return services.tier_update(
            actor=self.request.user, tier=self.tier, **form.changed_values()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(tier=self.tier, **kwargs)


# --- kiosk ----------------------------------------------------------------------


class KioskSettingsView(BackofficeMixin, SpaceMixin, TemplateView):
    """The kiosk's secret address, and a button that replaces it (the old one stops working)."""

    permission = MANAGE
    space_perm = MANAGE
    template_name = "spaces/setup/kiosk_settings.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        path = reverse("spaces:kiosk", args=[self.space.slug, self.space.kiosk_token])
        return super().get_context_data(kiosk_url=self.request.build_absolute_uri(path), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.kiosk_token_rotate(actor=request.user, space=self.space)
        messages.success(
            request, _("The kiosk has a new address: open it on the kiosk's device again.")
        )
        return HttpResponseRedirect(reverse("spaces:kiosk_settings", args=[self.space.pk]))
