from django.urls import path

from benecomune.bookings import urls_waitlist
from benecomune.bookings.views import (
    agenda,
    agenda_public,
    agenda_schedule,
    bookings_citizen,
    bookings_comune,
    bookings_desk,
    bookings_provider,
    orders_citizen,
    orders_gateway,
    orders_provider,
    provider_agenda,
    provider_walk_in,
)

app_name = "bookings"

urlpatterns = [
    # Bookings: the citizen
    path("area-personale/prenotazioni/", bookings_citizen.my_bookings, name="my_bookings"),
    path(
        "area-personale/prenotazioni/nuova/<int:service_pk>/",
        bookings_citizen.booking_new,
        name="booking_new",
    ),
    path("area-personale/prenotazioni/<int:pk>/", bookings_citizen.my_booking, name="my_booking"),
    path(
        "area-personale/prenotazioni/<int:pk>/annulla/",
        bookings_citizen.my_booking_cancel,
        name="my_booking_cancel",
    ),
    path(
        "area-personale/prenotazioni/<int:pk>/sposta/",
        bookings_citizen.my_booking_reschedule,
        name="my_booking_reschedule",
    ),
    # Bookings: the Comune's desk for a resident
    path(
        "gestione/sportello/prenotazioni/persona/<int:person_pk>/",
        bookings_desk.desk_bookings,
        name="desk_bookings",
    ),
    path(
        "gestione/sportello/prenotazioni/persona/<int:person_pk>/nuova/<int:service_pk>/",
        bookings_desk.desk_booking_new,
        name="desk_booking_new",
    ),
    path(
        "gestione/sportello/prenotazioni/persona/<int:person_pk>/<int:pk>/annulla/",
        bookings_desk.desk_booking_cancel,
        name="desk_booking_cancel",
    ),
    # Bookings: the provider's staff and the Comune
    path(
        "gestione/fornitore/prenotazioni/",
        bookings_provider.provider_bookings,
        name="provider_bookings",
    ),
    path(
        "gestione/fornitore/prenotazioni/<int:pk>/",
        bookings_provider.provider_booking,
        name="provider_booking",
    ),
    path(
        "gestione/fornitore/prenotazioni/<int:pk>/<slug:step>/",
        bookings_provider.provider_booking_move,
        name="provider_booking_move",
    ),
    path("gestione/comune/prenotazioni/", bookings_comune.comune_bookings, name="comune_bookings"),
    path(
        "gestione/comune/prenotazioni/<int:pk>/annulla/",
        bookings_comune.comune_booking_cancel,
        name="comune_booking_cancel",
    ),
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
    # The provider's agenda of bookings: day, week, moves from the day, walk-in bookings
    path(
        "gestione/fornitore/agenda/giorno/", provider_agenda.agenda_day, name="provider_agenda_day"
    ),
    path(
        "gestione/fornitore/agenda/settimana/",
        provider_agenda.agenda_week,
        name="provider_agenda_week",
    ),
    path(
        "gestione/fornitore/agenda/prenotazioni/<int:pk>/<slug:step>/",
        provider_agenda.agenda_move,
        name="provider_agenda_move",
    ),
    path("gestione/fornitore/agenda/banco/", provider_walk_in.walk_in, name="provider_walk_in"),
    # The provider's agenda: resources, working weeks, exceptions, blocked periods
    path("gestione/fornitore/agenda/", agenda.agenda_home, name="agenda"),
    path("gestione/fornitore/agenda/risorse/<int:pk>/", agenda.resource_detail, name="resource"),
    path(
        "gestione/fornitore/agenda/risorse/<int:pk>/orari/",
        agenda.resource_week,
        name="resource_week",
    ),
    path(
        "gestione/fornitore/agenda/risorse/<int:pk>/blocchi/",
        agenda.blocked_add,
        name="blocked_add",
    ),
    path(
        "gestione/fornitore/agenda/blocchi/<int:pk>/togli/",
        agenda.blocked_remove,
        name="blocked_remove",
    ),
    path("gestione/fornitore/agenda/eccezioni/", agenda.exceptions, name="exceptions"),
    path(
        "gestione/fornitore/agenda/eccezioni/<int:pk>/togli/",
        agenda.exception_remove,
        name="exception_remove",
    ),
    # A service's booking rules and series (not under ".../servizi/<pk>/": the catalogue's
    # "<pk>/<action>/" pattern answers there)
    path(
        "gestione/fornitore/agenda/servizi/<int:pk>/",
        agenda_schedule.schedule,
        name="schedule",
    ),
    path(
        "gestione/fornitore/agenda/servizi/<int:pk>/serie/",
        agenda_schedule.series_add,
        name="series_add",
    ),
    path(
        "gestione/fornitore/agenda/serie/<int:pk>/annulla/",
        agenda_schedule.series_cancel,
        name="series_cancel",
    ),
    # Public: a service's available slots, under the Comune's catalogue
    path(
        "<slug:slug>/servizi/<int:pk>/disponibilita/",
        agenda_public.service_slots,
        name="slots",
    ),
]

# The waiting list and the calendar files (their own module).
urlpatterns += urls_waitlist.urlpatterns
