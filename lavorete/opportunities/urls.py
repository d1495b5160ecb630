"""Back-office pages of opportunities: /gestione/opportunita/."""

from django.urls import path

from lavorete.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="list"),
    path("nuova/", views.OpportunityCreateView.as_view(), name="create"),
    path("<int:pk>/", views.OpportunityDetailView.as_view(), name="detail"),
    path("<int:pk>/modifica/", views.OpportunityUpdateView.as_view(), name="update"),
    path("<int:pk>/competenze/", views.OpportunitySkillsView.as_view(), name="skills"),
    path(
        "<int:pk>/competenze/da-professione/",
        views.OpportunitySkillsFromOccupationView.as_view(),
        name="skills_from_occupation",
    ),
    path(
        "<int:pk>/competenze/<int:skill_pk>/",
        views.OpportunitySkillEditView.as_view(),
        name="skill_edit",
    ),
    path(
        "<int:pk>/competenze/<int:skill_pk>/rimuovi/",
        views.OpportunitySkillRemoveView.as_view(),
        name="skill_remove",
    ),
    path("<int:pk>/lingue/", views.OpportunityLanguagesView.as_view(), name="languages"),
    path(
        "<int:pk>/lingue/<str:language>/rimuovi/",
        views.OpportunityLanguageRemoveView.as_view(),
        name="language_remove",
    ),
    path("<int:pk>/pubblica/", views.OpportunityPublishView.as_view(), name="publish"),
    path("<int:pk>/chiudi/", views.OpportunityCloseView.as_view(), name="close"),
    path("<int:pk>/coperta/", views.OpportunityFillView.as_view(), name="fill"),
]
