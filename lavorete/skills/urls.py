from django.urls import path

from lavorete.skills import views

app_name = "skills"

urlpatterns = [
    path("competenze/", views.SearchView.as_view(), name="search"),
    path("competenze/professioni/<int:pk>/", views.OccupationView.as_view(), name="occupation"),
]
