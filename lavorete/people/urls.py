from django.urls import path

from lavorete.people import views, views_import

app_name = "people"

urlpatterns = [
    path("importa/", views_import.ImportView.as_view(), name="import"),
    path("importa/modello.csv", views_import.ImportTemplateView.as_view(), name="import_template"),
    path("<int:person_pk>/", views.PersonProfileView.as_view(), name="person"),
    path("<int:person_pk>/modifica/", views.PersonEditView.as_view(), name="edit"),
    path("<int:person_pk>/lingue/", views.LanguagesView.as_view(), name="languages"),
    path(
        "<int:person_pk>/lingue/<str:language>/rimuovi/",
        views.LanguageRemoveView.as_view(),
        name="language_remove",
    ),
    path("<int:person_pk>/competenze/", views.SkillsView.as_view(), name="skills"),
    path(
        "<int:person_pk>/competenze/<int:skill_pk>/",
        views.SkillEditView.as_view(),
        name="skill_edit",
    ),
    path(
        "<int:person_pk>/competenze/<int:skill_pk>/rimuovi/",
        views.SkillRemoveView.as_view(),
        name="skill_remove",
    ),
    path("<int:person_pk>/invita/", views.AccountInviteView.as_view(), name="invite"),
    path("<int:person_pk>/cv/", views.CvView.as_view(), name="cv"),
    path("<int:person_pk>/cv/scarica/", views.CvDownloadView.as_view(), name="cv_download"),
    path("<int:person_pk>/cv/rimuovi/", views.CvRemoveView.as_view(), name="cv_remove"),
    path("<int:person_pk>/consensi/", views.ConsentsView.as_view(), name="consents"),
    path(
        "<int:person_pk>/consensi/<str:purpose>/revoca/",
        views.ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path("<int:person_pk>/dati-particolari/", views.SpecialDataView.as_view(), name="special"),
]
