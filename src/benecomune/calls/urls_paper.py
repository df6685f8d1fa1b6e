"""Paper applications imported in bulk by the desk (views/paper_import.py)."""

from django.urls import path

from benecomune.calls.views import paper_import as views

urlpatterns = [
    path("gestione/sportello/domande/cartacee/", views.paper_calls, name="paper_calls"),
    path("gestione/bandi/<int:pk>/domande-cartacee/", views.paper_import, name="paper_import"),
    path(
        "gestione/bandi/<int:pk>/domande-cartacee/conferma/",
        views.paper_import_confirm,
        name="paper_import_confirm",
    ),
    path(
        "gestione/bandi/<int:pk>/domande-cartacee/modello.<str:kind>",
        views.paper_template,
        name="paper_template",
    ),
]
