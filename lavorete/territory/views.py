from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from lavorete.core.backoffice import BackofficeMixin
from lavorete.core.forms import add_service_errors
from lavorete.core.permissions import has_perm
from lavorete.territory.forms import DistrictForm, MunicipalityFilterForm
from lavorete.territory.models import District
from lavorete.territory.permissions import (
    MANAGE_DISTRICT,
    VIEW_TERRITORY,
    get_district_for_user,
)
from lavorete.territory.selectors import district_list, district_municipalities, municipality_search
from lavorete.territory.services import district_create, district_update

SEARCH_LIMIT = 20


class MunicipalityListView(BackofficeMixin, ListView):
    permission = VIEW_TERRITORY
    template_name = "territory/municipality_list.html"
    context_object_name = "municipalities"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filter_form = MunicipalityFilterForm(self.request.GET or None)
        self.filter_form.is_valid()
        data = getattr(self.filter_form, "cleaned_data", {})
        return municipality_search(
            data.get("q") or "", region=data.get("region"), province=data.get("province")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class MunicipalitySearchView(LoginRequiredMixin, View):
    """Autocomplete: up to 20 municipalities matching ?q=, as [{id, label, istat_code}]."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("q", "").strip()[:100]
        if len(query) < 2 and not query.isdigit():
            return JsonResponse([], safe=False)
        results = [
            {"id": m.pk, "label": str(m), "istat_code": m.istat_code}
            for m in municipality_search(query)[:SEARCH_LIMIT]
        ]
        return JsonResponse(results, safe=False)


class DistrictListView(BackofficeMixin, ListView):
    permission = VIEW_TERRITORY
    template_name = "territory/district_list.html"
    context_object_name = "districts"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return district_list()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        can_manage = has_perm(self.request.user, MANAGE_DISTRICT)
        return super().get_context_data(can_manage=can_manage, **kwargs)


class DistrictDetailView(BackofficeMixin, TemplateView):
    permission = VIEW_TERRITORY
    template_name = "territory/district_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        district = get_district_for_user(self.request.user, self.kwargs["pk"])
        return super().get_context_data(
            district=district,
            municipalities=list(district_municipalities(district)),
            can_manage=has_perm(self.request.user, MANAGE_DISTRICT, district),
            **kwargs,
        )


class DistrictCreateView(BackofficeMixin, FormView):
    permission = MANAGE_DISTRICT
    network_wide = True
    template_name = "territory/district_form.html"
    form_class = DistrictForm

    def form_valid(self, form: DistrictForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            district = district_create(
                actor=self.request.user,
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                municipalities=data["municipalities"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("District “%(name)s” created.") % {"name": district})
        return redirect("territory:district_detail", pk=district.pk)


class DistrictUpdateView(BackofficeMixin, FormView):
    permission = MANAGE_DISTRICT
    network_wide = True
    template_name = "territory/district_form.html"
    form_class = DistrictForm

    @cached_property
    def district(self) -> District:
        # Looked up by the handler, so the back-office checks in dispatch() come first.
        return get_district_for_user(self.request.user, self.kwargs["pk"], perm=MANAGE_DISTRICT)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "district": self.district}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(district=self.district, **kwargs)

    def form_valid(self, form: DistrictForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            district = district_update(
                actor=self.request.user,
                district=self.district,
                name=data["name"],
                slug=data["slug"],
                description=data["description"],
                municipalities=data["municipalities"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("District “%(name)s” saved.") % {"name": district})
        return redirect("territory:district_detail", pk=district.pk)
