"""Back-office occupancy reports: one space, and the network (or the spaces a manager runs).

Read-only pages: filters arrive by GET, and anything malformed falls back to
the defaults with a message instead of an error page.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from lavorete.core.backoffice import BackofficeMixin, ObjectMixin
from lavorete.core.exports import tabular_response
from lavorete.core.permissions import scope_access
from lavorete.spaces.models import Space
from lavorete.spaces.occupancy import (
    Breakdown,
    Granularity,
    Line,
    OccupancyReport,
    chart,
    last_twelve_months,
    network_report,
    occupancy_report,
    period_label,
)
from lavorete.spaces.permissions import get_space_for_user
from lavorete.spaces.selectors import spaces_for_user

EXPORT_FORMATS = ("csv", "xlsx")
EARLIEST = dt.date(2000, 1, 1)
MAX_DAYS = 5 * 366  # five years of weeks or months
MAX_DAILY_DAYS = 92  # a quarter, day by day


class OccupancyFilterForm(forms.Form):
    """The report's filters (GET); the view falls back to defaults for what doesn't validate."""

    first = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    last = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    granularity = forms.ChoiceField(
        label=gettext_lazy("Figures by"),
        required=False,
        choices=Granularity.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    breakdown = forms.ChoiceField(
        label=gettext_lazy("Lines"),
        required=False,
        choices=Breakdown.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


@dataclass
class Filters:
    first: dt.date
    last: dt.date
    granularity: str = Granularity.MONTH
    breakdown: str = Breakdown.SPACE
    problems: list[str] = field(default_factory=list)

    def query(self, with_breakdown: bool) -> str:
        query = QueryDict(mutable=True)
        query["first"] = self.first.isoformat()
        query["last"] = self.last.isoformat()
        query["granularity"] = self.granularity
        if with_breakdown:
            query["breakdown"] = self.breakdown
        return query.urlencode()


def resolve_filters(data: QueryDict, today: dt.date, *, with_breakdown: bool) -> Filters:
    """The filters to apply: what the user asked for where it makes sense, else the defaults."""
    form = OccupancyFilterForm(data)
    form.is_valid()
    cleaned = form.cleaned_data
    default_first, default_last = last_twelve_months(today)
    fields = ["first", "last", "granularity"] + (["breakdown"] if with_breakdown else [])
    problems = []
    if any(name in form.errors for name in fields):
        problems.append(_("Some filters were not valid: the defaults are used instead."))
    first = cleaned.get("first") or default_first
    last = cleaned.get("last") or default_last
    latest = today + dt.timedelta(days=2 * 366)
    if first < EARLIEST or last > latest or last < first or (last - first).days >= MAX_DAYS:
        problems.append(
            _(
                "The period must end after it starts, between 2000 and two years from now, "
                "and cover at most five years: the last twelve months are shown."
            )
        )
        first, last = default_first, default_last
    granularity = cleaned.get("granularity") or Granularity.MONTH
    if granularity == Granularity.DAY and (last - first).days >= MAX_DAILY_DAYS:
        problems.append(
            _("Figures by day cover at most %(days)d days: they are shown by week.")
            % {"days": MAX_DAILY_DAYS}
        )
        granularity = Granularity.WEEK
    breakdown = (cleaned.get("breakdown") if with_breakdown else None) or Breakdown.SPACE
    return Filters(first, last, granularity, breakdown, problems)


def table_lines(report: OccupancyReport) -> list[Line]:
    """The lines of the page's table and of its export: each line, then the period totals
    when there is more than one key, then the total of the whole range."""
    lines = list(report.lines)
    if len(report.keys) > 1:
        lines.extend(report.totals)
    return [*lines, report.total]


def labelled(lines: list[Line], report: OccupancyReport) -> list[tuple[str, Line]]:
    """Each line with its period as it reads; the total of the range reads as the range."""
    return [
        (
            period_label(line.first, line.last, report.granularity)
            if (line.first, line.last) in report.periods
            else period_label(line.first, line.last, Granularity.DAY),
            line,
        )
        for line in lines
    ]


def _percent(value: Any) -> Any:
    return "" if value is None else value


def export_rows(lines: Iterable[tuple[str, Line]], *, with_resource: bool) -> Any:
    for label, line in lines:
        row = [
            label,
            line.first,
            line.last,
            line.space_name,
        ]
        if with_resource:
            row.append(line.resource_name)
        yield [
            *row,
            line.booked_hours,
            line.capacity_hours,
            _percent(line.occupancy),
            _percent(line.target),
            _percent(line.gap),
            line.people,
        ]


def export_header(*, with_resource: bool) -> list[str]:
    head = [_("Period"), _("From"), _("To"), _("Space")]
    if with_resource:
        head.append(_("Resource"))
    return [
        *head,
        _("Booked hours"),
        _("Open seat-hours"),
        _("Occupancy (%)"),
        _("Target (%)"),
        _("Gap (points)"),
        _("People checked in"),
    ]


class FiltersMixin:
    """Reads the filters once per request; shows their problems as messages on the page."""

    request: HttpRequest
    with_breakdown = True

    @property
    def filters(self) -> Filters:
        if not hasattr(self, "_filters"):
            self._filters = resolve_filters(
                self.request.GET, timezone.localdate(), with_breakdown=self.with_breakdown
            )
        return self._filters

    def filter_form(self) -> OccupancyFilterForm:
        f = self.filters
        form = OccupancyFilterForm(
            initial={
                "first": f.first,
                "last": f.last,
                "granularity": f.granularity,
                "breakdown": f.breakdown,
            }
        )
        if not self.with_breakdown:
            del form.fields["breakdown"]
        return form

    def warn(self) -> None:
        for problem in self.filters.problems:
            messages.warning(self.request, problem)


# --- one space -----------------------------------------------------------------------


class SpaceOccupancyMixin(BackofficeMixin, ObjectMixin, FiltersMixin):
    permission = "spaces.view_occupancy"
    kwargs: dict[str, Any]

    def get_object(self) -> Any:
        return get_space_for_user(
            self.request.user, self.kwargs["pk"], perm="spaces.view_occupancy"
        )

    def report(self) -> OccupancyReport:
        f = self.filters
        return occupancy_report(
            [self.object], f.first, f.last, granularity=f.granularity, breakdown=f.breakdown
        )


class OccupancyView(SpaceOccupancyMixin, TemplateView):
    template_name = "spaces/reports/occupancy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.warn()
        report = self.report()
        try:
            space_url = reverse("spaces:space_detail", args=[self.object.pk])
        except NoReverseMatch:  # pragma: no cover - the set-up pages define it
            space_url = ""
        return super().get_context_data(
            space=self.object,
            space_url=space_url,
            report=report,
            rows=labelled(table_lines(report), report),
            by_resource=report.breakdown == Breakdown.RESOURCE,
            chart=chart(report.totals, report.granularity),
            chart_title=_("Occupancy of %(space)s against its target") % {"space": self.object},
            filter_form=self.filter_form(),
            export_query=self.filters.query(with_breakdown=True),
            **kwargs,
        )


class OccupancyExportView(SpaceOccupancyMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in EXPORT_FORMATS:
            raise Http404
        report = self.report()
        by_resource = report.breakdown == Breakdown.RESOURCE
        return tabular_response(
            filename=f"occupancy-{self.object.slug}-{report.first}-{report.last}",
            fmt=fmt,
            header=export_header(with_resource=by_resource),
            rows=export_rows(labelled(table_lines(report), report), with_resource=by_resource),
        )


# --- the network -----------------------------------------------------------------------


class NetworkOccupancyMixin(BackofficeMixin, FiltersMixin):
    """The whole network for the coordinator; for a space manager, the spaces they run."""

    permission = "spaces.view_occupancy"
    with_breakdown = False

    def spaces(self) -> list[Space]:
        if not hasattr(self, "_spaces"):
            qs = spaces_for_user(self.request.user, "spaces.view_occupancy")
            self._spaces = list(qs.order_by("name"))
        return self._spaces

    def report(self) -> OccupancyReport:
        f = self.filters
        return network_report(self.spaces(), f.first, f.last, f.granularity)

    def is_whole_network(self) -> bool:
        return scope_access(self.request.user, "spaces.view_occupancy").everywhere


class NetworkOccupancyView(NetworkOccupancyMixin, TemplateView):
    template_name = "spaces/reports/occupancy_network.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.warn()
        report = self.report()
        municipality: dict[int | None, str] = {s.pk: s.municipality.name for s in self.spaces()}
        rows = [(line, municipality.get(line.space_id, "")) for line in report.keys]
        whole = self.is_whole_network()
        return super().get_context_data(
            report=report,
            rows=rows,
            whole_network=whole,
            chart=chart(report.totals, report.granularity),
            chart_title=_("Occupancy of the network against its target")
            if whole
            else _("Occupancy of your spaces against their target"),
            filter_form=self.filter_form(),
            export_query=self.filters.query(with_breakdown=False),
            **kwargs,
        )


class NetworkOccupancyExportView(NetworkOccupancyMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = kwargs["fmt"]
        if fmt not in EXPORT_FORMATS:
            raise Http404
        report = self.report()
        # One row per space over the range, the network by period, then the whole.
        lines = [*report.keys, *report.totals, report.total]
        rows = export_rows(labelled(lines, report), with_resource=False)
        return tabular_response(
            filename=f"network-occupancy-{report.first}-{report.last}",
            fmt=fmt,
            header=export_header(with_resource=False),
            rows=rows,
        )
