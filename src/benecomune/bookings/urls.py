from django.urls import path

from benecomune.bookings.views import agenda, agenda_public, agenda_schedule

app_name = "bookings"

urlpatterns: list = [
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
