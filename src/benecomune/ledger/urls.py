from django.urls import path

from benecomune.ledger import views

app_name = "ledger"

urlpatterns = [
    path("area-personale/borsellini/", views.wallet_list, name="wallets"),
    path("area-personale/borsellini/<int:pk>/", views.wallet_detail, name="wallet_detail"),
    path("area-personale/borsellini/<int:pk>/movimenti.csv", views.wallet_csv, name="wallet_csv"),
    path("gestione/fondi/", views.fund_list, name="funds"),
    path("gestione/fondi/nuovo/", views.fund_create, name="fund_create"),
    path("gestione/fondi/<int:pk>/", views.fund_detail, name="fund_detail"),
    path(
        "gestione/fondi/<int:pk>/contributi/nuovo/",
        views.contribution_create,
        name="contribution_create",
    ),
    path("gestione/fondi/<int:pk>/movimenti.csv", views.fund_csv, name="fund_csv"),
]
