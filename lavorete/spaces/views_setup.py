"""Back-office pages to set up coworking spaces (/gestione/spazi/): thin, over services and selectors."""

from typing import Any

from django.db.models import QuerySet
from django.views.generic import ListView

from lavorete.core.backoffice import BackofficeMixin
from lavorete.core.permissions import has_perm_somewhere
from lavorete.spaces.forms_setup import SpaceFilterForm
from lavorete.spaces.models import Space
from lavorete.spaces.selectors import spaces_for_user


class SpaceListView(BackofficeMixin, ListView):
    permission = "spaces.view_space"
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
