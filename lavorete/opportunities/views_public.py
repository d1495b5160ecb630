"""The public board of opportunities (/opportunita/): open opportunities only, for anyone."""

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from lavorete.opportunities.forms import BoardFilterForm
from lavorete.opportunities.selectors import (
    board,
    board_municipalities,
    board_opportunity,
    board_organisations,
    occupation_label,
    opportunity_languages,
    opportunity_skills,
)
from lavorete.people.widgets import _language
from lavorete.territory.models import District

PAGE_SIZE = 20
# The filters after the search and the municipality (folded, so results show on a phone).
MORE_FILTERS = frozenset({"kind", "remote", "organisation", "district"})


class BoardView(TemplateView):
    """Every open opportunity, filtered and paginated."""

    template_name = "opportunities/board/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = BoardFilterForm(
            self.request.GET or None,
            municipalities=board_municipalities(),
            districts=District.objects.order_by("name"),
            organisations=board_organisations(),
        )
        filters = form.filters() if form.is_bound else {}
        paginator = Paginator(board(**filters), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filter_form=form,
            page_obj=page,
            opportunities=page.object_list,
            filtered=bool(filters),
            # The filters folded under "More filters": open when one of them is set.
            more_filters=bool(set(filters) & MORE_FILTERS),
            **kwargs,
        )


class BoardDetailView(TemplateView):
    """One open opportunity: what it asks, where, when, and how to apply."""

    template_name = "opportunities/board/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        opportunity = board_opportunity(self.kwargs["pk"])
        if opportunity is None:
            raise Http404
        language = _language()
        skills = opportunity_skills(opportunity, language)
        return super().get_context_data(
            opportunity=opportunity,
            essential=[s for s in skills if s.essential],
            optional=[s for s in skills if not s.essential],
            some_in_english=any(s.label and s.label.fallback for s in skills),
            languages=opportunity_languages(opportunity),
            occupation=occupation_label(opportunity, language),
            **kwargs,
        )
