"""Access helpers: the opportunity, or 404 outside its scope, or 403 inside it without the right."""

from typing import Any

from lavorete.core.permissions import get_object_for_user
from lavorete.opportunities.models import Opportunity

VIEW = "opportunities.view_opportunity"
MANAGE = "opportunities.manage_opportunity"


def get_opportunity_for_user(user: Any, pk: Any, perm: str = VIEW) -> Opportunity:
    """The opportunity `pk`, if `user` may see it and holds `perm` on it."""
    return get_object_for_user(
        user,
        Opportunity.objects.select_related(
            "organisation__municipality", "programme", "municipality__province", "occupation"
        ),
        pk,
        view_perm=VIEW,
        perm=perm,
    )
