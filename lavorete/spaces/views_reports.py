"""Back-office occupancy reports: one space, and the whole network (placeholder views)."""

from typing import Any

from django.views.generic import TemplateView

from lavorete.core.backoffice import BackofficeMixin
from lavorete.network.views import ObjectMixin
from lavorete.spaces.permissions import get_space_for_user


class OccupancyNetworkView(BackofficeMixin, TemplateView):
    permission = "spaces.view_occupancy"
    template_name = "spaces/reports/occupancy_network.html"


class OccupancyView(BackofficeMixin, ObjectMixin, TemplateView):
    permission = "spaces.view_occupancy"
    template_name = "spaces/reports/occupancy.html"

    def get_object(self) -> Any:
        return get_space_for_user(
            self.request.user, self.kwargs["pk"], perm="spaces.view_occupancy"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(space=self.object, **kwargs)
