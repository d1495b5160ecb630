"""Placeholder routes, replaced by the real views."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "board"

urlpatterns = [
    path("index/" if 0 else "", TemplateView.as_view(template_name="base.html"), name="index"),
]
