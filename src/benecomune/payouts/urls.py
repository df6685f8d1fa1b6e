from django.urls import path

from benecomune.payouts.views import batches, citizen, claim_review, desk, merchant, payer, reports

app_name = "payouts"

urlpatterns = [
    # Merchant staff: redemptions and debit notes.
    path("gestione/liquidazione/", merchant.merchant_notes, name="merchant_notes"),
    path(
        "gestione/liquidazione/nuova-nota/",
        merchant.merchant_build_note,
        name="merchant_build_note",
    ),
    path("gestione/liquidazione/note/<int:pk>/", merchant.merchant_note, name="merchant_note"),
    path(
        "gestione/liquidazione/note/<int:pk>/emetti/",
        merchant.merchant_issue_note,
        name="merchant_issue_note",
    ),
    path(
        "gestione/liquidazione/note/<int:pk>/pdf/",
        merchant.merchant_note_pdf,
        name="merchant_note_pdf",
    ),
    path("gestione/liquidazione/conto/", merchant.merchant_account, name="merchant_account"),
    # The paying Comune.
    path("gestione/pagamenti/", payer.payouts_home, name="home"),
    path("gestione/pagamenti/note-di-debito/", payer.payer_notes, name="payer_notes"),
    path("gestione/pagamenti/note-di-debito/<int:pk>/", payer.payer_note, name="payer_note"),
    path(
        "gestione/pagamenti/note-di-debito/<int:pk>/decidi/",
        payer.payer_note_decide,
        name="payer_note_decide",
    ),
    path(
        "gestione/pagamenti/note-di-debito/<int:pk>/pdf/",
        payer.payer_note_pdf,
        name="payer_note_pdf",
    ),
    path("gestione/pagamenti/ordini/", payer.orders, name="orders"),
    path("gestione/pagamenti/ordini/<int:pk>/", payer.order_detail, name="order"),
    path("gestione/pagamenti/impostazioni/", payer.payout_settings, name="settings"),
    path("gestione/pagamenti/distinte/", batches.batch_list, name="batches"),
    path("gestione/pagamenti/distinte/nuova/", batches.batch_prepare, name="batch_prepare"),
    path("gestione/pagamenti/distinte/<int:pk>/", batches.batch_detail, name="batch"),
    path(
        "gestione/pagamenti/distinte/<int:pk>/approva/", batches.batch_approve, name="batch_approve"
    ),
    path(
        "gestione/pagamenti/distinte/<int:pk>/ritira/",
        batches.batch_withdraw,
        name="batch_withdraw",
    ),
    path(
        "gestione/pagamenti/distinte/<int:pk>/riprendi/", batches.batch_resume, name="batch_resume"
    ),
    path(
        "gestione/pagamenti/distinte/<int:pk>/file/<str:variant>/",
        batches.batch_file,
        name="batch_file",
    ),
    path(
        "gestione/pagamenti/distinte/<int:pk>/elenco/<str:fmt>/",
        batches.batch_list_export,
        name="batch_list_export",
    ),
    path(
        "gestione/pagamenti/distinte/<int:pk>/esiti/", batches.batch_results, name="batch_results"
    ),
    # Expense claims: the citizen, the desk, the call's rules.
    path("area-personale/rimborsi/", citizen.claims, name="citizen_claims"),
    path(
        "area-personale/rimborsi/<int:award_pk>/nuova/", citizen.claim_new, name="citizen_claim_new"
    ),
    path("area-personale/rimborsi/richieste/<int:pk>/", citizen.claim_detail, name="citizen_claim"),
    path(
        "area-personale/rimborsi/richieste/<int:pk>/ricevuta/",
        citizen.claim_document,
        name="citizen_claim_document",
    ),
    path(
        "gestione/sportello/rimborsi/persona/<int:person_pk>/",
        desk.desk_claims,
        name="desk_claims",
    ),
    path(
        "gestione/sportello/rimborsi/<int:award_pk>/nuova/",
        desk.desk_claim_new,
        name="desk_claim_new",
    ),
    path("gestione/rimborsi/", claim_review.claim_queue, name="claim_queue"),
    path("gestione/rimborsi/<int:pk>/", claim_review.claim_review, name="claim_review"),
    path(
        "gestione/rimborsi/<int:pk>/ricevuta/", claim_review.claim_document, name="claim_document"
    ),
    path("gestione/rimborsi/regole/<int:call_pk>/", claim_review.claim_policy, name="claim_policy"),
    # Rendicontazione and archive.
    path("gestione/pagamenti/rendiconti/", reports.report_list, name="reports"),
    path(
        "gestione/pagamenti/rendiconti/<str:kind>/<int:pk>/<str:fmt>/",
        reports.report_start,
        name="report_start",
    ),
    path(
        "gestione/pagamenti/rendiconti/archivio/<int:pk>/",
        reports.archive_start,
        name="archive_start",
    ),
]
