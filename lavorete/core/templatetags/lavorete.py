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


@register.filter
def bootstrap(field: Any) -> str:
    """Render a bound field's widget with Bootstrap Italia classes and ARIA links to its help and errors."""
    from django import forms

    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio") and not isinstance(widget, forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    elif isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = ""
    else:
        css = "form-control"
    attrs: dict[str, str] = {}
    classes = " ".join(c for c in (widget.attrs.get("class", ""), css) if c)
    if classes:
        attrs["class"] = " ".join(dict.fromkeys(classes.split()))
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"{field.auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("core/includes/breadcrumbs.html")
def breadcrumbs(*trail: Any) -> dict[str, Any]:
    """`{% breadcrumbs url1 label1 url2 label2 current %}`: links, then the current page.

    A pair whose url or label is empty is left out, so an optional step (the
    object being edited, absent on a "new" page) needs no `{% if %}`.
    """
    *pairs, current = trail
    links = [
        (url, label) for url, label in zip(pairs[::2], pairs[1::2], strict=True) if url and label
    ]
    return {"links": links, "current": current}
