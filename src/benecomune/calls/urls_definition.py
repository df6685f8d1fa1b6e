"""Staff pages to define calls and move them through their lifecycle."""

from django.urls import path

from benecomune.calls.views import definition as views
from benecomune.calls.views import definition_editor

urlpatterns = [
    path("gestione/bandi/", views.call_list, name="call_list"),
    path("gestione/bandi/nuovo/", views.call_create, name="call_create"),
    path("gestione/bandi/<int:pk>/", views.call_detail, name="call_detail"),
    path("gestione/bandi/<int:pk>/modifica/", views.call_edit, name="call_edit"),
    path(
        "gestione/bandi/<int:pk>/salvataggio-automatico/",
        definition_editor.call_autosave,
        name="call_autosave",
    ),
    path("gestione/bandi/<int:pk>/simulazione/", views.call_dry_run, name="call_dry_run"),
    path("gestione/bandi/<int:pk>/pubblica/", views.call_publish, name="call_publish"),
    path(
        "gestione/bandi/<int:pk>/nuova-versione/", views.call_new_version, name="call_new_version"
    ),
    path("gestione/bandi/<int:pk>/chiudi/", views.call_close, name="call_close"),
    path("gestione/bandi/<int:pk>/concludi/", views.call_close_out, name="call_close_out"),
]
