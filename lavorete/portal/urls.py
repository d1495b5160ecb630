from django.urls import path

from lavorete.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("programmi/", views.ProgrammeListView.as_view(), name="programmes"),
    path("programmi/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("rete/", views.PartnerListView.as_view(), name="partners"),
    path("partecipa/", views.GetInvolvedView.as_view(), name="get_involved"),
    path("accessibilita/", views.AccessibilityView.as_view(), name="accessibility"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("sviluppatori/", views.DevelopersView.as_view(), name="developers"),
    path("segnalazioni/", views.FeedbackView.as_view(), name="feedback"),
    path("area-personale/", views.MeView.as_view(), name="me"),
]
