"""Dashboards and the network's pages (views/dashboard.py)."""

from django.urls import path

from benecomune.corporate.views import dashboard

urlpatterns = [
    path(
        "gestione/azienda/piani/<int:pk>/cruscotto/",
        dashboard.plan_dashboard,
        name="plan_dashboard",
    ),
    path(
        "gestione/rete/welfare-aziendale/",
        dashboard.network_overview,
        name="network_overview",
    ),
    path(
        "gestione/rete/welfare-aziendale/aziende/<int:pk>/",
        dashboard.company_overview,
        name="company_overview",
    ),
    path(
        "gestione/rete/welfare-aziendale/bonifici/",
        dashboard.incoming_transfers,
        name="incoming_transfers",
    ),
]
