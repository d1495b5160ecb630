from django.urls import path

from lavorete.people import views_privacy as views

app_name = "my_data"

urlpatterns = [
    path("", views.MyDataView.as_view(), name="index"),
    path("scarica/<str:fmt>/", views.MyDataDownloadView.as_view(), name="download"),
    path("chi-ha-letto/", views.MyAccessLogView.as_view(), name="access_log"),
    path("cancellazione/", views.MyErasureRequestView.as_view(), name="erasure_request"),
]
