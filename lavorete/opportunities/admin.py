"""Django admin: a read-only technical view of opportunities. Writes go through the back
office, so every change is validated by the services and audited. Candidacies hold personal
data and are not shown here."""

from django.contrib import admin

from lavorete.network.admin import ReadOnlyAdmin, ReadOnlyInline
from lavorete.opportunities.models import Opportunity, OpportunityLanguage, OpportunitySkill


class OpportunitySkillInline(ReadOnlyInline):
    model = OpportunitySkill
    fields = ("skill", "relation", "level")


class OpportunityLanguageInline(ReadOnlyInline):
    model = OpportunityLanguage
    fields = ("language", "level")


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "organisation", "programme", "status", "opens_on", "closes_on")
    list_filter = ("kind", "status")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "programme")
    date_hierarchy = "opens_on"
    inlines = (OpportunitySkillInline, OpportunityLanguageInline)
