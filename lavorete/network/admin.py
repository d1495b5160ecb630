"""Django admin: a read-only technical view. Writes go through the back office,
so every change is validated by the services and audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lavorete.network.models import Agreement, Contact, Organisation, Programme, ProgrammePartner


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactInline(ReadOnlyInline):
    model = Contact
    fields = ("first_name", "last_name", "job_title", "email", "phone", "is_primary")


class ProgrammePartnerInline(ReadOnlyInline):
    model = ProgrammePartner
    fields = ("organisation", "role", "description")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "legal_form", "vat_number", "tax_code", "municipality")
    list_filter = ("kind", "legal_form")
    search_fields = ("name", "vat_number", "tax_code")
    list_select_related = ("municipality__province",)
    inlines = (ContactInline,)


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "job_title", "is_primary")
    search_fields = ("last_name", "first_name", "organisation__name")
    list_select_related = ("organisation",)


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "lead_organisation", "status", "is_public", "start_date")
    list_filter = ("status", "is_public")
    search_fields = ("name", "slug")
    list_select_related = ("lead_organisation",)
    inlines = (ProgrammePartnerInline,)


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "reference", "date_signed", "valid_until")
    search_fields = ("title", "reference")
    date_hierarchy = "date_signed"
