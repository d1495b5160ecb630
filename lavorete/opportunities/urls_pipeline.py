"""The candidacy pipeline in the back office: /gestione/candidature/."""

from django.urls import path

from lavorete.opportunities import views_pipeline as views

app_name = "pipeline"

urlpatterns = [
    path(
        "opportunita/<int:opportunity_pk>/",
        views.OpportunityPipelineView.as_view(),
        name="opportunity",
    ),
    path("<int:candidacy_pk>/", views.CandidacyView.as_view(), name="candidacy"),
    path("<int:candidacy_pk>/cv/", views.CandidacyCvView.as_view(), name="cv"),
    path("<int:candidacy_pk>/passo/", views.MoveView.as_view(), name="move"),
    path("<int:candidacy_pk>/condividi/", views.ShareView.as_view(), name="share"),
    path("<int:candidacy_pk>/candida/", views.ApplyOnBehalfView.as_view(), name="apply"),
    path("<int:candidacy_pk>/ritira/", views.WithdrawView.as_view(), name="withdraw"),
]
