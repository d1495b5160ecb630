"""Access to territory objects.

Territory is reference data of the whole network: whoever holds
"territory.view_territory" on any scope may read all of it, while changing a
district takes "territory.manage_district" on the whole network.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from lavorete.core.permissions import has_perm, has_perm_somewhere
from lavorete.territory.models import District

VIEW_TERRITORY = "territory.view_territory"
MANAGE_DISTRICT = "territory.manage_district"


def get_district_for_user(user: Any, pk: Any, *, perm: str | None = None) -> District:
    """The district, or 404 for someone who can't see the territory, or 403 without `perm`."""
    try:
        district = District.objects.get(pk=pk)
    except (District.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not has_perm_somewhere(user, VIEW_TERRITORY):
        raise Http404
    if perm is not None and perm != VIEW_TERRITORY and not has_perm(user, perm, district):
        raise PermissionDenied
    return district
