from django.urls import path

from benecomune.observatory import views, views_dashboard

app_name = "observatory"

urlpatterns = [
    path("dati-aperti/", views.open_data, name="open_data"),
    path("dati-aperti/catalogo.ttl", views.catalogue_ttl, name="catalogue_ttl"),
    path("dati-aperti/catalogo.jsonld", views.catalogue_jsonld, name="catalogue_jsonld"),
    path("dati-aperti/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
]

# Dashboards (issue 19 points 4 and 8): staff pages, each organisation its own figures.
urlpatterns += [
    path("osservatorio/", views_dashboard.dashboard, name="dashboard"),
    path("osservatorio/report.pdf", views_dashboard.dashboard_pdf, name="dashboard_pdf"),
    path(
        "osservatorio/tabelle/<slug:slug>.<str:fmt>",
        views_dashboard.dashboard_export,
        name="dashboard_export",
    ),
    path("osservatorio/bisogni-e-offerta/", views_dashboard.needs_offer, name="needs_offer"),
]
