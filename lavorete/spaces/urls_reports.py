from django.urls import path

from lavorete.spaces import views_reports

urlpatterns = [
    path(
        "gestione/spazi/occupazione/",
        views_reports.NetworkOccupancyView.as_view(),
        name="occupancy_network",
    ),
    path(
        "gestione/spazi/occupazione/esporta/<str:fmt>/",
        views_reports.NetworkOccupancyExportView.as_view(),
        name="occupancy_network_export",
    ),
    path(
        "gestione/spazi/<int:pk>/occupazione/",
        views_reports.OccupancyView.as_view(),
        name="occupancy",
    ),
    path(
        "gestione/spazi/<int:pk>/occupazione/esporta/<str:fmt>/",
        views_reports.OccupancyExportView.as_view(),
        name="occupancy_export",
    ),
]
