"""Placeholder routes, replaced by the real views."""

from typing import Any

app_name = "pipeline"

urlpatterns: list[Any] = []
