"""The person's own candidacies: /area-personale/candidature/."""

from django.urls import path

from lavorete.opportunities import views_me

app_name = "candidacies_me"

urlpatterns = [
    path("", views_me.MyCandidaciesView.as_view(), name="list"),
    path("candidati/<int:opportunity_pk>/", views_me.ApplyView.as_view(), name="apply"),
    path("<int:candidacy_pk>/condividi/", views_me.MyShareView.as_view(), name="share"),
    path("<int:candidacy_pk>/ritira/", views_me.MyWithdrawView.as_view(), name="withdraw"),
]
