from django.urls import path

from lavorete.core import views

app_name = "core"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("gestione/", views.DashboardView.as_view(), name="dashboard"),
    path("gestione/ruoli/", views.RoleListView.as_view(), name="roles"),
    path("gestione/ruoli/assegna/", views.RoleGrantView.as_view(), name="role_grant"),
    path("gestione/ruoli/<int:pk>/revoca/", views.RoleRevokeView.as_view(), name="role_revoke"),
    path("gestione/registro/", views.AuditLogView.as_view(), name="audit"),
    path("gestione/accessi/", views.AccessLogView.as_view(), name="access_log"),
    path(
        "gestione/dati-personali/",
        views.PersonalDataInventoryView.as_view(),
        name="personal_data",
    ),
]
