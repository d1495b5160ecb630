from django.urls import path

from lavorete.network import views

app_name = "network"
urlpatterns = [
    path("organizzazioni/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organizzazioni/esporta/<str:fmt>/",
        views.OrganisationExportView.as_view(),
        name="organisation_export",
    ),
    path(
        "organizzazioni/nuova/",
        views.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "organizzazioni/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path(
        "organizzazioni/<int:pk>/modifica/",
        views.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "organizzazioni/<int:pk>/contatti/nuovo/",
        views.ContactCreateView.as_view(),
        name="contact_create",
    ),
    path(
        "organizzazioni/<int:pk>/contatti/<int:contact_pk>/modifica/",
        views.ContactUpdateView.as_view(),
        name="contact_update",
    ),
    path(
        "organizzazioni/<int:pk>/contatti/<int:contact_pk>/elimina/",
        views.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path("accordi/", views.AgreementListView.as_view(), name="agreement_list"),
    path("accordi/nuovo/", views.AgreementCreateView.as_view(), name="agreement_create"),
    path("accordi/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path(
        "accordi/<int:pk>/modifica/",
        views.AgreementUpdateView.as_view(),
        name="agreement_update",
    ),
    path(
        "accordi/<int:pk>/documento/",
        views.AgreementDocumentView.as_view(),
        name="agreement_document",
    ),
    path("programmi/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmi/nuovo/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmi/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path(
        "programmi/<int:pk>/modifica/",
        views.ProgrammeUpdateView.as_view(),
        name="programme_update",
    ),
    path(
        "programmi/<int:pk>/partner/aggiungi/",
        views.ProgrammePartnerAddView.as_view(),
        name="programme_partner_add",
    ),
    path(
        "programmi/<int:pk>/partner/<int:partner_pk>/rimuovi/",
        views.ProgrammePartnerRemoveView.as_view(),
        name="programme_partner_remove",
    ),
]
