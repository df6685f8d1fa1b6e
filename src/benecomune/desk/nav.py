"""The desk's navigation entries, home cards, audit labels and file kind (loaded by
DeskConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.on_behalf import register_delegation_source
from benecomune.core.views.home import register_home_card
from benecomune.desk import files, home_cards
from benecomune.desk.access import OPERATOR_ROLES
from benecomune.desk.services.delegations import delegation_source
from benecomune.desk.services.referrals import referral_dashboard_section
from benecomune.marketplace.dashboard_sections import register_dashboard_section

for role in OPERATOR_ROLES:
    register_nav(role, _("Lista di lavoro"), "desk:worklist")
    register_nav(role, _("Nuovo caso"), "desk:intake")
    register_nav(role, _("Appuntamenti"), "desk:appointments")
    register_home_card(role, home_cards.my_cases_card)
    register_home_card(role, home_cards.reviews_card)
register_nav(Role.WELFARE_COORDINATOR, _("Squadra del punto"), "desk:team")
for role in (*OPERATOR_ROLES, Role.PROVIDER_STAFF, Role.DESK_OPERATOR):
    register_nav(role, _("Segnalazioni ricevute"), "desk:received_referrals")
register_dashboard_section(referral_dashboard_section)
register_nav("citizen", _("Le mie deleghe"), "desk:my_delegations")
register_nav("citizen", _("Chi ha agito per me"), "desk:acted_for_me")
register_nav("citizen", _("Il mio orientamento"), "desk:my_orientations")
register_nav("citizen", _("Appuntamenti ai Punti Welfare"), "desk:my_appointments")
for role in (Role.MUNICIPALITY_ADMIN, Role.COMPANY_HR, Role.PROVIDER_STAFF, Role.PLATFORM_ADMIN):
    register_nav(role, _("Punti Welfare"), "desk:points")

files.register()
register_delegation_source(delegation_source)

register_actions(
    {
        "desk.point_created": _("Punto Welfare creato"),
        "desk.point_updated": _("Punto Welfare modificato"),
        "desk.point_refused": _("Modifica di un Punto Welfare rifiutata"),
        "desk.operator_added": _("Operatore aggiunto al Punto Welfare"),
        "desk.operator_removed": _("Operatore tolto dal Punto Welfare"),
        "desk.case_opened": _("Caso aperto al Punto Welfare"),
        "desk.intake_refused": _("Apertura di un caso rifiutata"),
        "desk.case_refused": _("Operazione su un caso rifiutata"),
        "desk.case_access_refused": _("Accesso a un caso di un altro Punto rifiutato"),
        "desk.consent_recorded": _("Consenso registrato al Punto Welfare"),
        "desk.consent_withdrawn": _("Consenso revocato al Punto Welfare"),
        "desk.review_set": _("Data della prossima verifica cambiata"),
        "desk.case_transferred": _("Caso trasferito a un altro operatore"),
        "desk.note_added": _("Nota aggiunta al caso"),
        "desk.attachment_added": _("Allegato aggiunto al caso"),
        "desk.referral_sent": _("Segnalazione inviata dal Punto Welfare"),
        "desk.referral_refused": _("Operazione su una segnalazione rifiutata"),
        "desk.delegation_given": _("Delega registrata"),
        "desk.delegation_revoked": _("Delega revocata"),
        "desk.delegation_refused": _("Operazione su una delega rifiutata"),
        "desk.suggestion_dismissed": _("Proposta di orientamento scartata"),
        "desk.orientation_given": _("Orientamento consegnato alla persona"),
        "desk.need_unmet": _("Bisogno registrato come senza risposta"),
        "desk.appointments_set": _("Orari degli appuntamenti del Punto impostati"),
        "desk.appointment_booked": _("Appuntamento al Punto Welfare prenotato"),
        "desk.appointment_cancelled": _("Appuntamento al Punto Welfare annullato"),
        "desk.appointment_closed": _("Esito dell'appuntamento registrato"),
        "desk.appointment_reminded": _("Promemoria dell'appuntamento inviato"),
        "desk.appointment_closure_added": _("Chiusura del Punto per gli appuntamenti aggiunta"),
        "desk.appointment_closure_removed": _("Chiusura del Punto per gli appuntamenti tolta"),
    }
)
