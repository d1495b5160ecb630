"""Matching in the Django admin: read-only, for looking; changes go through the pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lavorete.matching.models import Match, MatchingPolicy


class ReadOnlyAdmin(admin.ModelAdmin):
    """Policies are set (and audited) from the back office, matches by the engine."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MatchingPolicy)
class MatchingPolicyAdmin(ReadOnlyAdmin):
    list_display = [
        "programme",
        "essential",
        "optional",
        "languages",
        "distance",
        "hours",
        "priority_bonus",
        "top_n",
        "updated_at",
    ]


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    # Rows name people by number only: the admin is not a way around the access log.
    list_display = ["person_id", "opportunity", "score", "person_rank", "opportunity_rank"]
    list_select_related = ["opportunity"]
    list_filter = ["computed_at"]
    fields = readonly_fields = (
        "person_id",
        "opportunity",
        "score",
        "essential",
        "optional",
        "km",
        "person_rank",
        "opportunity_rank",
        "computed_at",
    )
