"""Programme dashboards: people reached against targets, breakdowns, funnel, outcomes.

Read-only pages for whoever holds pathways.view_dashboard on the programme
(coordinators, its operators, evaluators and fund administrators). They show
published figures only (small counts suppressed) and no personal data at all.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from lavorete.core.backoffice import BackofficeMixin, ObjectMixin
from lavorete.core.exports import tabular_response
from lavorete.core.permissions import get_object_for_user
from lavorete.core.suppression import cell
from lavorete.network.models import Programme
from lavorete.pathways.dashboard import (
    DASHBOARD_PERM,
    Row,
    bar_chart,
    dashboard_programmes,
    export_rows,
    programme_figures_cached,
    progress,
    published_figures,
)

EXPORT_FORMATS = ("csv", "xlsx")


class DashboardIndexView(BackofficeMixin, TemplateView):
    """The programmes the user follows, each with its people reached against the target."""

    permission = DASHBOARD_PERM
    template_name = "pathways/dashboard_index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        programmes = [
            (
                programme,
                progress(
                    Row(
                        str(programme),
                        cell(programme.reached),  # type: ignore[attr-defined]
                        target=programme.reached_target,  # type: ignore[attr-defined]
                    )
                ),
            )
            for programme in dashboard_programmes(self.request.user)
        ]
        return super().get_context_data(programmes=programmes, **kwargs)


class ProgrammeDashboardMixin(BackofficeMixin, ObjectMixin):
    permission = DASHBOARD_PERM
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self) -> Programme:
        return get_object_for_user(
            self.request.user, Programme.objects.all(), self.kwargs["pk"], view_perm=DASHBOARD_PERM
        )

    def published(self) -> dict[str, Any]:
        return published_figures(programme_figures_cached(self.object))


class ProgrammeDashboardView(ProgrammeDashboardMixin, TemplateView):
    template_name = "pathways/dashboard_programme.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        figures = self.published()
        try:
            programme_url = reverse("network:programme_detail", args=[self.object.pk])
        except NoReverseMatch:  # pragma: no cover - the network pages define it
            programme_url = ""
        charts = {
            "categories": bar_chart(figures["categories"].rows),
            "municipalities": bar_chart(figures["municipalities"].rows),
            "funnel": bar_chart(figures["funnel"], centred=True),
            "current_stages": bar_chart(figures["current_stages"].rows),
            "contracts": bar_chart(figures["contracts"].rows),
        }
        return super().get_context_data(
            programme=self.object,
            programme_url=programme_url,
            figures=figures,
            targets=[progress(row) for row in figures["targets"]],
            charts=charts,
            funnel_rows=list(
                zip(figures["funnel"], _current_by_stage(figures), strict=True),
            ),
            **kwargs,
        )


def _current_by_stage(figures: dict[str, Any]) -> list[Any]:
    """The 'currently at' cell of each funnel stage (None when that breakdown is withheld).

    The current-stage breakdown keeps the stages' order, "no stage" last."""
    rows = figures["current_stages"].rows
    return [rows[i].count if rows else None for i in range(len(figures["funnel"]))]


class ProgrammeDashboardExportView(ProgrammeDashboardMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in EXPORT_FORMATS:
            raise Http404
        figures = self.published()
        return tabular_response(
            filename=f"programme-{self.object.slug}-{figures['as_of']}",
            fmt=fmt,
            header=[_("Section"), _("Item"), _("Count"), _("Target")],
            rows=export_rows(figures),
        )
