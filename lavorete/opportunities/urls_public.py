"""The public board of opportunities: /opportunita/."""

from django.urls import path

from lavorete.opportunities import views_public

app_name = "board"

urlpatterns = [
    path("", views_public.BoardView.as_view(), name="index"),
    path("<int:pk>/", views_public.BoardDetailView.as_view(), name="detail"),
]
