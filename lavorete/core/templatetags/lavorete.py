from typing import Any

from django import template
from django.http import QueryDict

from lavorete.core.permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (keeps filters when paging)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def can(context: dict[str, Any], perm: str, obj: Any = None) -> bool:
    """`{% can "network.manage_organisation" org as allowed %}` in templates."""
    return has_perm(context["request"].user, perm, obj)
