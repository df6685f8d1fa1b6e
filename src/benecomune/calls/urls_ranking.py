from django.urls import path

from benecomune.calls.views import ranking, ranking_blockers, ranking_confirm

urlpatterns = [
    path("gestione/bandi/<int:pk>/graduatoria/", ranking.ranking_page, name="ranking"),
    path(
        "gestione/bandi/<int:pk>/graduatoria/avvia/<str:what>/",
        ranking.ranking_start,
        name="ranking_start",
    ),
    path(
        "gestione/bandi/<int:pk>/graduatoria/conferma/<str:what>/",
        ranking_confirm.ranking_confirm,
        name="ranking_confirm",
    ),
    path(
        "gestione/bandi/<int:pk>/graduatoria/lavoro/<int:job_pk>/",
        ranking.ranking_job_state,
        name="ranking_job_state",
    ),
    path("gestione/bandi/<int:pk>/graduatoria/ricorso/", ranking.ranking_appeal, name="appeal"),
    path(
        "gestione/bandi/<int:pk>/graduatoria/integrazioni-scadute/",
        ranking_blockers.close_expired_clarifications,
        name="ranking_close_expired",
    ),
    path(
        "gestione/bandi/<int:pk>/graduatoria/<str:kind>.<str:fmt>",
        ranking.ranking_download,
        name="ranking_download",
    ),
    path(
        "<slug:slug>/bandi/<slug:code>/graduatoria-<str:kind>.<str:fmt>",
        ranking.public_ranking_download,
        name="public_ranking_download",
    ),
]
