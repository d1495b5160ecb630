"""Back office to set up spaces: /gestione/spazi/."""

from django.urls import URLPattern, path

from lavorete.spaces import views_setup as views

urlpatterns: list[URLPattern] = [
    path("gestione/spazi/", views.SpaceListView.as_view(), name="space_list"),
]
