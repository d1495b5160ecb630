"""{% occupancy_chart space %}: the last twelve months of occupancy against the target, for a dashboard.

Draws nothing for a user who may not see the space's occupancy.
"""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from lavorete.core.permissions import has_perm
from lavorete.spaces.occupancy import Granularity, chart, last_twelve_months, occupancy_report

register = template.Library()


@register.inclusion_tag("spaces/reports/includes/dashboard_chart.html", takes_context=True)
def occupancy_chart(context: dict[str, Any], space: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not has_perm(user, "spaces.view_occupancy", space):
        return {"allowed": False}
    first, last = last_twelve_months(timezone.localdate())
    report = occupancy_report([space], first, last, granularity=Granularity.MONTH)
    return {
        "allowed": True,
        "space": space,
        "chart": chart(report.totals, report.granularity),
        "chart_id": f"occupancy-chart-{space.pk}",
        "chart_title": _("Occupancy of %(space)s in the last twelve months against its target")
        % {"space": space},
    }
