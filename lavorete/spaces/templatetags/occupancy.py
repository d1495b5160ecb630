"""{% occupancy_chart space %}: the occupancy-vs-target chart for a space's dashboard.

Placeholder until the occupancy report lands in this same change.
"""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def occupancy_chart(space: Any) -> str:
    return ""
