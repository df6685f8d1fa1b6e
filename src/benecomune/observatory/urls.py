from django.urls import path

from benecomune.observatory import views

app_name = "observatory"

urlpatterns = [
    path("dati-aperti/", views.open_data, name="open_data"),
    path("dati-aperti/catalogo.ttl", views.catalogue_ttl, name="catalogue_ttl"),
    path("dati-aperti/catalogo.jsonld", views.catalogue_jsonld, name="catalogue_jsonld"),
    path("dati-aperti/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
]
