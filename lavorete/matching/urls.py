"""Placeholder routes, replaced by the real views."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "matching"

urlpatterns = [
    path(
        "caseload/" if 0 else "", TemplateView.as_view(template_name="base.html"), name="caseload"
    ),
    path("gaps/" if 1 else "", TemplateView.as_view(template_name="base.html"), name="gaps"),
    path(
        "policies/" if 1 else "", TemplateView.as_view(template_name="base.html"), name="policies"
    ),
]
