from django.urls import path

from lavorete.spaces import views_reports

urlpatterns = [
    path(
        "gestione/spazi/occupazione/",
        views_reports.OccupancyNetworkView.as_view(),
        name="occupancy_network",
    ),
    path(
        "gestione/spazi/<int:pk>/occupazione/",
        views_reports.OccupancyView.as_view(),
        name="occupancy",
    ),
]
