"""Public pages of the taxonomy: find a skill or an occupation, see what an occupation asks."""

from typing import Any

from django.http import Http404
from django.utils.translation import get_language
from django.views.generic import TemplateView

from lavorete.skills.models import Occupation
from lavorete.skills.selectors import occupation_skills, preferred_labels, search


def _language() -> str:
    return (get_language() or "it")[:2]


class SearchView(TemplateView):
    template_name = "skills/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").replace("\x00", "")[:200].strip()
        context["q"] = query
        if query:
            context["skills"] = search(query, _language(), limit=20)
            context["occupations"] = search(query, _language(), kind="occupation", limit=10)
        return context


class OccupationView(TemplateView):
    template_name = "skills/occupation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pk = kwargs["pk"]
        occupation = (
            Occupation.objects.select_related("isco_group").filter(pk=pk).first()
            if 0 < pk < 2**63
            else None
        )
        if occupation is None:
            raise Http404
        context["occupation"] = occupation
        context["label"] = preferred_labels([occupation], _language(), "occupation").get(
            occupation.pk
        )
        context["skills"] = occupation_skills(occupation, _language())
        return context
