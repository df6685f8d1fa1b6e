from django.urls import path

from benecomune.observatory import (
    views,
    views_dashboard,
    views_shared_value,
    views_shared_value_beneficiary,
    views_shared_value_closing,
)

app_name = "observatory"

urlpatterns = [
    path("dati-aperti/", views.open_data, name="open_data"),
    path("dati-aperti/catalogo.ttl", views.catalogue_ttl, name="catalogue_ttl"),
    path("dati-aperti/catalogo.jsonld", views.catalogue_jsonld, name="catalogue_jsonld"),
    path("dati-aperti/<slug:slug>.csv", views.dataset_csv, name="dataset_csv"),
]

# Shared value (views_shared_value.py): the Comune's pages, the merchant's, the public ones.
urlpatterns += [
    path("gestione/valore-condiviso/", views_shared_value.manage, name="sv_manage"),
    path(
        "gestione/valore-condiviso/progetti/nuovo/",
        views_shared_value.project_create,
        name="sv_project_create",
    ),
    path(
        "gestione/valore-condiviso/progetti/<int:pk>/stato/",
        views_shared_value.project_status,
        name="sv_project_status",
    ),
    path(
        "gestione/valore-condiviso/progetti/<int:pk>/eroga/",
        views_shared_value.project_disburse,
        name="sv_project_disburse",
    ),
    path(
        "gestione/valore-condiviso/progetti/<int:pk>/beneficiario/",
        views_shared_value_beneficiary.project_beneficiary,
        name="sv_project_beneficiary",
    ),
    path(
        "gestione/valore-condiviso/accordi/nuovo/",
        views_shared_value.agreement_create,
        name="sv_agreement_create",
    ),
    path(
        "gestione/valore-condiviso/accordi/<int:pk>/accordo.pdf",
        views_shared_value.agreement_pdf,
        name="sv_agreement_pdf",
    ),
    path(
        "gestione/valore-condiviso/accordi/<int:pk>/ritira/",
        views_shared_value_closing.agreement_withdraw,
        name="sv_agreement_withdraw",
    ),
    path(
        "gestione/valore-condiviso/accordi/<int:pk>/termina/",
        views_shared_value_closing.agreement_end,
        name="sv_agreement_end",
    ),
    path(
        "gestione/esercente/valore-condiviso/",
        views_shared_value.merchant_agreements,
        name="sv_merchant",
    ),
    path(
        "gestione/esercente/valore-condiviso/<int:pk>/accetta/",
        views_shared_value.merchant_accept,
        name="sv_merchant_accept",
    ),
    path(
        "gestione/esercente/valore-condiviso/<int:pk>/rifiuta/",
        views_shared_value_closing.merchant_refuse,
        name="sv_merchant_refuse",
    ),
    path(
        "gestione/esercente/valore-condiviso/<int:pk>/termina/",
        views_shared_value_closing.merchant_end,
        name="sv_merchant_end",
    ),
    path(
        "gestione/esercente/valore-condiviso/<int:pk>/accordo.pdf",
        views_shared_value.agreement_pdf_merchant,
        name="sv_merchant_pdf",
    ),
    path(
        "valore-condiviso/progetti/<int:pk>/", views_shared_value.public_project, name="sv_project"
    ),
    path("valore-condiviso/comuni/<int:pk>/", views_shared_value.public_comune, name="sv_comune"),
    path("valore-condiviso/reti/<int:pk>/", views_shared_value.public_network, name="sv_network"),
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
