from django.urls import path

from lavorete.matching import views_me

app_name = "matching_me"

urlpatterns = [
    path("", views_me.MyMatchesView.as_view(), name="matches"),
    path("competenze-mancanti/", views_me.MyGapsView.as_view(), name="gaps"),
    path("consenso/", views_me.MyMatchingConsentView.as_view(), name="consent"),
]
