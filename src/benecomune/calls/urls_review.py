"""Staff pages to review applications and decide them (gestione/domande/...)."""

from django.urls import path

from benecomune.calls.views import review, review_list

urlpatterns = [
    path("gestione/domande/", review_list.review_list, name="review_list"),
    path("gestione/domande/esporta.csv", review_list.review_export, name="review_export"),
    path("gestione/domande/decisioni/", review_list.review_bulk, name="review_bulk"),
    path(
        "gestione/domande/decisioni/<int:pk>/",
        review_list.review_bulk_job,
        name="review_bulk_job",
    ),
    path("gestione/domande/<int:pk>/", review.review_detail, name="review_detail"),
    path(
        "gestione/domande/<int:pk>/istruttoria/", review.review_checklist, name="review_checklist"
    ),
    path("gestione/domande/<int:pk>/verifiche/", review.review_recheck, name="review_recheck"),
    path("gestione/domande/<int:pk>/integrazione/", review.review_clarify, name="review_clarify"),
    path("gestione/domande/<int:pk>/istruita/", review.review_complete, name="review_complete"),
    path("gestione/domande/<int:pk>/decisione/", review.review_decide, name="review_decide"),
    path(
        "gestione/domande/<int:pk>/documenti/<int:document_pk>/",
        review.review_document,
        name="review_document",
    ),
]
