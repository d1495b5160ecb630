from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lavorete.territory.models import District, Municipality, Province, Region


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data comes from the ISTAT list (load_municipalities): look, don't touch."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["name", "abbreviation", "code", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "abbreviation", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "istat_code",
        "province",
        "cadastral_code",
        "is_provincial_capital",
        "latitude",
        "longitude",
    ]
    list_filter = ["is_provincial_capital", "province__region"]
    list_select_related = ["province"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    show_full_result_count = False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """Districts are changed in the back office, where the change is audited."""

    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["name", "slug", "description", "municipalities", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
