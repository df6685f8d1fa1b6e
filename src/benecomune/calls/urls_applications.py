"""Application pages: the citizen's (area personale) and the desk's (assisted applications)."""

from django.urls import path

from benecomune.calls.views import applications_citizen as citizen
from benecomune.calls.views import applications_desk as desk


def application_pages(prefix: str, base: str, views) -> list:
    """The same pages for the citizen and for the desk, under their own URLs and names."""
    return [
        path(f"{base}<int:pk>/", views.application_detail, name=prefix),
        path(f"{base}<int:pk>/compila/", views.application_edit, name=f"{prefix}_edit"),
        path(f"{base}<int:pk>/salva/", views.application_autosave, name=f"{prefix}_autosave"),
        path(f"{base}<int:pk>/nucleo/", views.application_household, name=f"{prefix}_household"),
        path(f"{base}<int:pk>/documenti/", views.document_add, name=f"{prefix}_document_add"),
        path(
            f"{base}<int:pk>/documenti/<int:doc>/",
            views.document_download,
            name=f"{prefix}_document",
        ),
        path(
            f"{base}<int:pk>/documenti/<int:doc>/togli/",
            views.document_remove,
            name=f"{prefix}_document_remove",
        ),
        path(f"{base}<int:pk>/invia/", views.application_submit, name=f"{prefix}_submit"),
        path(f"{base}<int:pk>/ritira/", views.application_withdraw, name=f"{prefix}_withdraw"),
        path(f"{base}<int:pk>/integrazione/", views.application_answer, name=f"{prefix}_answer"),
        path(f"{base}<int:pk>/ricevuta.pdf", views.application_receipt, name=f"{prefix}_receipt"),
    ]


urlpatterns = [
    path("area-personale/domande/", citizen.my_applications, name="my_applications"),
    path("area-personale/bandi/<int:pk>/domanda/", citizen.apply_start, name="apply_start"),
    *application_pages("my_application", "area-personale/domande/", citizen),
    path("gestione/sportello/domande/", desk.desk_home, name="desk_home"),
    path("gestione/sportello/domande/persona/<int:pk>/", desk.desk_person, name="desk_person"),
    *application_pages("desk_application", "gestione/sportello/domande/", desk),
    path(
        "gestione/sportello/domande/<int:pk>/consenso/",
        desk.application_consent,
        name="desk_application_consent",
    ),
]
