from django.urls import path

from lavorete.territory import views

app_name = "territory"
urlpatterns = [
    path("comuni/", views.MunicipalityListView.as_view(), name="municipality_list"),
    path("comuni/cerca/", views.MunicipalitySearchView.as_view(), name="municipality_search"),
    path("ambiti/", views.DistrictListView.as_view(), name="district_list"),
    path("ambiti/nuovo/", views.DistrictCreateView.as_view(), name="district_create"),
    path("ambiti/<int:pk>/", views.DistrictDetailView.as_view(), name="district_detail"),
    path("ambiti/<int:pk>/modifica/", views.DistrictUpdateView.as_view(), name="district_update"),
]
