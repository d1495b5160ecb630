"""Back office to set up spaces: /gestione/spazi/."""

from django.urls import URLPattern, path

from lavorete.spaces import views_setup as views

S = "gestione/spazi/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path("gestione/spazi/", views.SpaceListView.as_view(), name="space_list"),
    path("gestione/spazi/nuovo/", views.SpaceCreateView.as_view(), name="space_create"),
    path(S, views.SpaceDetailView.as_view(), name="space_detail"),
    path(f"{S}modifica/", views.SpaceUpdateView.as_view(), name="space_update"),
    path(f"{S}orari/", views.OpeningHoursView.as_view(), name="opening_hours"),
    path(f"{S}chiusure/", views.ClosureListView.as_view(), name="closure_list"),
    path(
        f"{S}chiusure/<int:closure_pk>/elimina/",
        views.ClosureDeleteView.as_view(),
        name="closure_delete",
    ),
    path(f"{S}foto/", views.PhotoListView.as_view(), name="photo_list"),
    path(f"{S}foto/<int:photo_pk>/elimina/", views.PhotoDeleteView.as_view(), name="photo_delete"),
    path(f"{S}risorse/", views.ResourceListView.as_view(), name="resource_list"),
    path(f"{S}risorse/nuova/", views.ResourceCreateView.as_view(), name="resource_create"),
    path(
        f"{S}risorse/<int:resource_pk>/",
        views.ResourceUpdateView.as_view(),
        name="resource_update",
    ),
    path(f"{S}abilitazioni/", views.QualificationListView.as_view(), name="qualification_list"),
    path(
        f"{S}abilitazioni/<int:qualification_pk>/",
        views.QualificationDetailView.as_view(),
        name="qualification_detail",
    ),
    path(
        f"{S}abilitazioni/<int:qualification_pk>/revoca/<int:grant_pk>/",
        views.QualificationRevokeView.as_view(),
        name="qualification_revoke",
    ),
    path(f"{S}piani/", views.PlanListView.as_view(), name="plan_list"),
    path(f"{S}piani/nuovo/", views.PlanCreateView.as_view(), name="plan_create"),
    path(f"{S}piani/<int:plan_pk>/", views.PlanUpdateView.as_view(), name="plan_update"),
    path(f"{S}fasce-solidali/", views.TierListView.as_view(), name="tier_list"),
    path(f"{S}fasce-solidali/nuova/", views.TierCreateView.as_view(), name="tier_create"),
    path(f"{S}fasce-solidali/<int:tier_pk>/", views.TierUpdateView.as_view(), name="tier_update"),
    path(f"{S}totem/", views.KioskSettingsView.as_view(), name="kiosk_settings"),
]
