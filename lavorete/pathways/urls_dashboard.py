from django.urls import path

from lavorete.pathways import views_dashboard

app_name = "programme_dashboard"

urlpatterns = [
    path("", views_dashboard.DashboardIndexView.as_view(), name="index"),
    path("<int:pk>/", views_dashboard.ProgrammeDashboardView.as_view(), name="programme"),
    path(
        "<int:pk>/esporta/<str:fmt>/",
        views_dashboard.ProgrammeDashboardExportView.as_view(),
        name="export",
    ),
]
