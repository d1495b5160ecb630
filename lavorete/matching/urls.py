from django.urls import path

from lavorete.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.CaseloadView.as_view(), name="caseload"),
    path("persone/<int:person_pk>/", views.PersonMatchesView.as_view(), name="person"),
    path(
        "opportunita/<int:opportunity_pk>/",
        views.OpportunityCandidatesView.as_view(),
        name="opportunity",
    ),
    path("competenze-mancanti/", views.GapsView.as_view(), name="gaps"),
    path("competenze-mancanti/csv/", views.GapsExportView.as_view(), name="gaps_export"),
    path("criteri/", views.PoliciesView.as_view(), name="policies"),
    path("criteri/<int:programme_pk>/", views.PolicyView.as_view(), name="policy"),
]
