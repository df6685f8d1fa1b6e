from django.urls import path

from benecomune.bookings.views import orders_citizen, orders_gateway, orders_provider

app_name = "bookings"

urlpatterns = [
    # Orders: the citizen
    path("area-personale/ordini/", orders_citizen.my_orders, name="my_orders"),
    path(
        "area-personale/ordini/nuovo/<int:service_pk>/",
        orders_citizen.order_new,
        name="order_new",
    ),
    path("area-personale/ordini/<int:pk>/", orders_citizen.my_order, name="my_order"),
    path(
        "area-personale/ordini/<int:pk>/ricevuta.pdf",
        orders_citizen.my_order_receipt,
        name="my_order_receipt",
    ),
    path(
        "area-personale/ordini/<int:pk>/annulla/",
        orders_citizen.my_order_cancel,
        name="my_order_cancel",
    ),
    # Orders: the provider's staff
    path("gestione/fornitore/ordini/", orders_provider.provider_orders, name="provider_orders"),
    path(
        "gestione/fornitore/ordini/<int:pk>/", orders_provider.provider_order, name="provider_order"
    ),
    path(
        "gestione/fornitore/ordini/<int:pk>/ricevuta.pdf",
        orders_provider.provider_order_receipt,
        name="provider_order_receipt",
    ),
    path(
        "gestione/fornitore/ordini/<int:pk>/consegnato/",
        orders_provider.provider_order_deliver,
        name="provider_order_deliver",
    ),
    path(
        "gestione/fornitore/ordini/<int:pk>/annulla/",
        orders_provider.provider_order_cancel,
        name="provider_order_cancel",
    ),
    path(
        "gestione/fornitore/ordini/<int:pk>/rimborso/",
        orders_provider.provider_order_refund,
        name="provider_order_refund",
    ),
    # The local fake payment provider: its hosted page and the webhook it calls
    path("pagamenti/prova/<str:reference>/", orders_gateway.hosted_page, name="fake_hosted_page"),
    path("pagamenti/notifiche/prova/", orders_gateway.webhook, name="fake_hosted_webhook"),
]
