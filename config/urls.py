from django.contrib import admin
from django.urls import include, path

from lavorete.api.urls import api

urlpatterns = [
    path("", include("lavorete.core.urls")),
    path("", include("lavorete.portal.urls")),
    path("gestione/territorio/", include("lavorete.territory.urls")),
    path("", include("lavorete.spaces.urls")),
    path("", include("lavorete.skills.urls")),
    path("gestione/persone/", include("lavorete.people.urls")),
    path("gestione/percorsi/", include("lavorete.pathways.urls")),
    path("gestione/cruscotto-programmi/", include("lavorete.pathways.urls_dashboard")),
    path("gestione/privacy/", include("lavorete.people.urls_privacy")),
    path("area-personale/profilo/", include("lavorete.people.urls_me")),
    path("area-personale/percorso/", include("lavorete.pathways.urls_me")),
    path("area-personale/i-miei-dati/", include("lavorete.people.urls_mydata")),
    path("gestione/opportunita/", include("lavorete.opportunities.urls")),
    path("opportunita/", include("lavorete.opportunities.urls_public")),
    path("gestione/candidature/", include("lavorete.opportunities.urls_pipeline")),
    path("area-personale/candidature/", include("lavorete.opportunities.urls_me")),
    path("gestione/abbinamenti/", include("lavorete.matching.urls")),
    path("area-personale/abbinamenti/", include("lavorete.matching.urls_me")),
    path("gestione/", include("lavorete.network.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
