from django.urls import path

from lavorete.people import views_me

app_name = "people_me"

urlpatterns = [
    path("", views_me.MyProfileView.as_view(), name="profile"),
    path("modifica/", views_me.MyProfileEditView.as_view(), name="edit"),
    path("lingue/", views_me.MyLanguagesView.as_view(), name="languages"),
    path(
        "lingue/<str:language>/rimuovi/",
        views_me.MyLanguageRemoveView.as_view(),
        name="language_remove",
    ),
    path("competenze/", views_me.MySkillsView.as_view(), name="skills"),
    path("competenze/<int:skill_pk>/", views_me.MySkillEditView.as_view(), name="skill_edit"),
    path(
        "competenze/<int:skill_pk>/rimuovi/",
        views_me.MySkillRemoveView.as_view(),
        name="skill_remove",
    ),
    path("cv/", views_me.MyCvView.as_view(), name="cv"),
    path("cv/scarica/", views_me.MyCvDownloadView.as_view(), name="cv_download"),
    path("cv/rimuovi/", views_me.MyCvRemoveView.as_view(), name="cv_remove"),
    path("consensi/", views_me.MyConsentsView.as_view(), name="consents"),
    path(
        "consensi/<str:purpose>/revoca/",
        views_me.MyConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
]
