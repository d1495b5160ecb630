from django.urls import path

from lavorete.pathways import views_me

app_name = "pathways_me"

urlpatterns = [
    path("", views_me.MyPathwayView.as_view(), name="pathway"),
    path("piano/", views_me.MyPlanView.as_view(), name="plan"),
    path("piano/<int:goal_pk>/", views_me.MyGoalView.as_view(), name="goal"),
]
