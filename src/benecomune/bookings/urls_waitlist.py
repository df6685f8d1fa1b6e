"""Routes of the waiting list (included by bookings/urls.py)."""

from django.urls import path

from benecomune.bookings.views import waitlist_pages

urlpatterns = [
    path(
        "area-personale/prenotazioni/lista-attesa/nuova/<int:service_pk>/",
        waitlist_pages.waitlist_join,
        name="waitlist_join",
    ),
    path(
        "area-personale/prenotazioni/lista-attesa/<int:pk>/",
        waitlist_pages.my_waitlist_entry,
        name="my_waitlist_entry",
    ),
    path(
        "area-personale/prenotazioni/lista-attesa/<int:pk>/rifiuta/",
        waitlist_pages.my_waitlist_decline,
        name="my_waitlist_decline",
    ),
    path(
        "area-personale/prenotazioni/lista-attesa/<int:pk>/esci/",
        waitlist_pages.my_waitlist_leave,
        name="my_waitlist_leave",
    ),
    path(
        "gestione/sportello/prenotazioni/persona/<int:person_pk>/lista-attesa/<int:service_pk>/",
        waitlist_pages.desk_waitlist_join,
        name="desk_waitlist_join",
    ),
]
