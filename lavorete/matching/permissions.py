"""Access helpers of matching: 404 outside the scope, 403 inside it without the right.

A person's matches are reached like the person (`people.permissions`). An
opportunity's candidates are shown by name to the operators of its programmes
and anonymised to its organisation's representatives; anyone else who could
hold the right somewhere gets 404, someone who can't hold it anywhere 403.
"""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from lavorete.core.permissions import get_object_for_user, has_perm, has_perm_somewhere
from lavorete.matching.services import CandidateView, candidate_view
from lavorete.network.models import Programme
from lavorete.opportunities.models import Opportunity

CANDIDATE_PERMISSIONS = ("matching.view_matches", "opportunities.view_candidates")


def get_opportunity_for_candidates(user: Any, pk: Any) -> tuple[Opportunity, str]:
    """The opportunity and how the user sees its candidates (named or anonymised)."""
    if not any(has_perm_somewhere(user, perm) for perm in CANDIDATE_PERMISSIONS):
        raise PermissionDenied
    try:
        opportunity = Opportunity.objects.select_related(
            "organisation", "municipality", "programme"
        ).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    view = candidate_view(user, opportunity)
    if view == CandidateView.NONE:
        raise Http404
    return opportunity, view


def get_programme_for_policy(user: Any, pk: Any) -> Programme:
    """A programme whose matching policy the user sets (404 outside scope, 403 without the right)."""
    return get_object_for_user(
        user,
        Programme.objects.all(),
        pk,
        view_perm="network.view_programme",
        perm="matching.manage_policy",
    )


def may_view_matches(user: Any, obj: Any) -> bool:
    return has_perm(user, "matching.view_matches", obj)
