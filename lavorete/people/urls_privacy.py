from django.urls import path

from lavorete.people import views_privacy as views

app_name = "privacy"

urlpatterns = [
    path(
        "persone/<int:person_pk>/esporta/", views.PersonExportView.as_view(), name="person_export"
    ),
    path(
        "persone/<int:person_pk>/esporta/<str:fmt>/",
        views.PersonExportDownloadView.as_view(),
        name="person_export_download",
    ),
    path(
        "persone/<int:person_pk>/anonimizza/", views.PersonEraseView.as_view(), name="person_erase"
    ),
]
