from django.urls import path  # noqa: F401

app_name = "pathways_me"

urlpatterns: list = []
