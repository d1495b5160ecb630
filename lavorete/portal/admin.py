from django.contrib import admin

from lavorete.portal.models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "email", "page")
    readonly_fields = ("message", "email", "page", "language", "user", "created_at")
