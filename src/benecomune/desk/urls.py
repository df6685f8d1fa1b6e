from django.urls import path

from benecomune.calls.urls_applications import application_pages
from benecomune.desk.views import (
    applications,
    appointment_closures,
    appointments,
    bookings,
    cards,
    cases,
    claims,
    delegations,
    orientation,
    points,
    public,
    referrals,
)

app_name = "desk"

urlpatterns = [
    # The Points' admin (the owner organisation's)
    path("gestione/punti-welfare/", points.point_list, name="points"),
    path("gestione/punti-welfare/nuovo/", points.point_new, name="point_new"),
    path("gestione/punti-welfare/<int:pk>/", points.point_edit, name="point"),
    path(
        "gestione/punti-welfare/<int:pk>/operatori/<int:operator_pk>/togli/",
        points.operator_remove,
        name="operator_remove",
    ),
    # The Point's operators
    path("gestione/sportello-welfare/", cases.worklist, name="worklist"),
    path("gestione/sportello-welfare/squadra/", cases.team, name="team"),
    path("gestione/sportello-welfare/nuovo-caso/", cases.intake, name="intake"),
    path("gestione/sportello-welfare/casi/<int:pk>/", cases.case_detail, name="case"),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/consensi/<int:consent_pk>/revoca/",
        cases.consent_withdraw,
        name="consent_withdraw",
    ),
    # Applications to calls for a case's person, with a delegation (point 5)
    path(
        "gestione/sportello-welfare/casi/<int:pk>/domande/",
        applications.case_applications,
        name="case_applications",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/domande/avvia/",
        applications.case_apply,
        name="case_apply",
    ),
    *application_pages("point_application", "gestione/sportello-welfare/domande/", applications),
    # Expense claims filed for a case's person, with a delegation (point 5)
    path(
        "gestione/sportello-welfare/casi/<int:pk>/rimborsi/",
        claims.case_claims,
        name="case_claims",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/rimborsi/<int:award_pk>/nuovo/",
        claims.case_claim_new,
        name="case_claim_new",
    ),
    # Voucher cards printed for a case's person, with a delegation (point 5)
    path("gestione/sportello-welfare/casi/<int:pk>/tessere/", cards.case_cards, name="case_cards"),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/tessere/<int:wallet_pk>/emetti/",
        cards.case_card_issue,
        name="case_card_issue",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/tessere/<int:wallet_pk>/emessa/",
        cards.case_card_issued,
        name="case_card_issued",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/tessere/<int:wallet_pk>/blocca/",
        cards.case_card_block,
        name="case_card_block",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/tessere/<int:wallet_pk>/tessera.pdf",
        cards.case_card_pdf,
        name="case_card_pdf",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/<slug:action>/",
        cases.case_action,
        name="case_action",
    ),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/prenota/<int:service_pk>/",
        bookings.case_booking,
        name="case_booking",
    ),
    # Public
    path("punti-welfare/", public.point_directory, name="directory"),
    # Appointments at a Point (point 1)
    path("punti-welfare/<int:pk>/appuntamento/", appointments.book, name="book_appointment"),
    path("area-personale/appuntamenti/", appointments.my_appointments, name="my_appointments"),
    path(
        "area-personale/appuntamenti/<int:pk>/annulla/",
        appointments.my_appointment_cancel,
        name="my_appointment_cancel",
    ),
    path("gestione/sportello-welfare/appuntamenti/", appointments.agenda, name="appointments"),
    path(
        "gestione/sportello-welfare/appuntamenti/<int:pk>/<slug:action>/",
        appointments.appointment_action,
        name="appointment_action",
    ),
    path(
        "gestione/punti-welfare/<int:pk>/appuntamenti/",
        appointments.settings,
        name="point_appointments",
    ),
    path(
        "gestione/punti-welfare/<int:pk>/appuntamenti/chiusure/",
        appointment_closures.closures,
        name="point_closures",
    ),
    path(
        "gestione/punti-welfare/<int:pk>/appuntamenti/chiusure/<int:closure_pk>/togli/",
        appointment_closures.closure_remove,
        name="point_closure_remove",
    ),
    # Referrals (issue 18 point 4)
    path(
        "gestione/sportello-welfare/casi/<int:pk>/segnala/nuova/",
        referrals.referral_new,
        name="referral_new",
    ),
    path("gestione/segnalazioni-ricevute/", referrals.received, name="received_referrals"),
    path(
        "gestione/segnalazioni-ricevute/<int:pk>/<slug:action>/",
        referrals.received_action,
        name="received_action",
    ),
    # Delegations (issue 18 point 5)
    path("area-personale/deleghe/", delegations.my_delegations, name="my_delegations"),
    path(
        "area-personale/deleghe/<int:pk>/revoca/",
        delegations.my_delegation_revoke,
        name="my_delegation_revoke",
    ),
    path("area-personale/chi-ha-agito-per-me/", delegations.acted_for_me, name="acted_for_me"),
    path(
        "gestione/sportello-welfare/casi/<int:pk>/deleghe/nuova/",
        delegations.desk_delegation_new,
        name="desk_delegation_new",
    ),
    path(
        "gestione/sportello-welfare/deleghe/<int:pk>/revoca/",
        delegations.desk_delegation_revoke,
        name="desk_delegation_revoke",
    ),
    # Orientation (issue 18, point 3) and unmet needs (point 7)
    path(
        "gestione/sportello-welfare/orientamento/<int:pk>/",
        orientation.orientation,
        name="orientation",
    ),
    path(
        "gestione/sportello-welfare/orientamento/<int:pk>/scarta/",
        orientation.dismiss,
        name="orientation_dismiss",
    ),
    path(
        "gestione/sportello-welfare/orientamento/<int:pk>/consegna/",
        orientation.give,
        name="orientation_give",
    ),
    path(
        "gestione/sportello-welfare/orientamento/<int:pk>/senza-risposta/",
        orientation.unmet,
        name="orientation_unmet",
    ),
    path("area-personale/orientamento/", orientation.my_orientations, name="my_orientations"),
]
