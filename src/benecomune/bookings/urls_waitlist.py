"""Routes of the waiting list and of the bookings' calendar file (added to bookings/urls.py)."""

from django.urls import path

from benecomune.bookings.views import bookings_calendar, waitlist_pages

urlpatterns = [
    path(
        "area-personale/prenotazioni/<int:pk>/calendario.ics",
        bookings_calendar.my_booking_ics,
        name="my_booking_ics",
    ),
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
    path(
        "gestione/sportello/prenotazioni/persona/<int:person_pk>/lista-attesa/<int:pk>/esci/",
        waitlist_pages.desk_waitlist_leave,
        name="desk_waitlist_leave",
    ),
]
