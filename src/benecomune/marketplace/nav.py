"""The marketplace's navigation entries, home cards, audit labels and public page section
(loaded by MarketplaceConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card
from benecomune.core.views.public import PUBLIC_SECTIONS
from benecomune.marketplace import home_cards
from benecomune.marketplace.public_sections import catalogue_section, district_section


def _provider_unread(request) -> int:
    """Threads of the active role's provider with a citizen's message not yet read."""
    from benecomune.marketplace.models import Side, Thread
    from benecomune.marketplace.thread_queries import unread_threads_count

    organization = request.actor.organization
    return unread_threads_count(
        Thread.objects_unscoped.filter(provider_id=organization.pk), Side.PROVIDER
    )


def _citizen_unread(request) -> int:
    from benecomune.marketplace.models import Side, Thread
    from benecomune.marketplace.thread_queries import unread_threads_count

    person_id = request.user.person_id
    if person_id is None:
        return 0
    return unread_threads_count(Thread.objects_unscoped.filter(person_id=person_id), Side.CITIZEN)


register_nav(Role.PROVIDER_STAFF, _("Cruscotto"), "marketplace:dashboard")
register_nav(Role.PROVIDER_STAFF, _("Profilo"), "marketplace:profile")
register_nav(Role.PROVIDER_STAFF, _("Accreditamenti"), "marketplace:my_accreditations")
register_nav(Role.PROVIDER_STAFF, _("Servizi offerti"), "marketplace:services")
register_nav(Role.PROVIDER_STAFF, _("Messaggi"), "marketplace:inbox", badge=_provider_unread)
register_nav(Role.PROVIDER_STAFF, _("Recensioni"), "marketplace:provider_reviews")
register_nav(Role.MERCHANT_STAFF, _("Cruscotto"), "marketplace:dashboard")
register_nav(Role.MERCHANT_STAFF, _("Profilo"), "marketplace:profile")
register_nav(Role.MERCHANT_STAFF, _("Accreditamenti"), "marketplace:my_accreditations")
register_nav(Role.MERCHANT_STAFF, _("Orari e offerte"), "marketplace:shop_hours")
register_nav(Role.MERCHANT_STAFF, _("Servizi offerti"), "marketplace:services")
register_nav(Role.MERCHANT_STAFF, _("Messaggi"), "marketplace:inbox", badge=_provider_unread)
register_nav(Role.PLATFORM_ADMIN, _("Fornitori e accreditamenti"), "marketplace:network_home")
register_nav(Role.MERCHANT_STAFF, _("Recensioni"), "marketplace:provider_reviews")
register_nav(Role.PLATFORM_ADMIN, _("Segnalazioni sui messaggi"), "marketplace:abuse_reports")
register_nav(Role.PLATFORM_ADMIN, _("Recensioni dei servizi"), "marketplace:network_reviews")
for role in (Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN):
    register_nav(role, _("Distretto del commercio"), "marketplace:district")
register_nav(
    "citizen", _("Fornitori: conversazioni"), "marketplace:my_threads", badge=_citizen_unread
)

# First on their home: the urgent things before the till's and settlements' figures.
register_home_card(Role.PROVIDER_STAFF, home_cards.provider_dashboard, first=True)
register_home_card(Role.MERCHANT_STAFF, home_cards.provider_dashboard, first=True)

register_nav("citizen", _("Servizi del territorio"), "marketplace:my_catalogue")
register_nav("citizen", _("Le mie recensioni"), "marketplace:my_reviews")

for section in (catalogue_section, district_section):
    if section not in PUBLIC_SECTIONS:
        PUBLIC_SECTIONS.append(section)

register_actions(
    {
        "marketplace.profile_created": _("Profilo del fornitore creato"),
        "marketplace.profile_updated": _("Profilo del fornitore modificato"),
        "marketplace.image_added": _("Immagine del fornitore caricata"),
        "marketplace.image_removed": _("Immagine del fornitore tolta"),
        "marketplace.staff_role_set": _("Ruolo nel fornitore cambiato"),
        "marketplace.signup_received": _("Iscrizione di un fornitore ricevuta"),
        "marketplace.signup_approved": _("Iscrizione di un fornitore approvata"),
        "marketplace.signup_refused": _("Iscrizione di un fornitore respinta"),
        "marketplace.checklist_seeded": _("Requisiti di accreditamento predefiniti aggiunti"),
        "marketplace.requirement_saved": _("Requisito di accreditamento salvato"),
        "marketplace.accreditation_created": _("Domanda di accreditamento iniziata"),
        "marketplace.evidence_uploaded": _("Documento per l'accreditamento caricato"),
        "marketplace.evidence_verified": _("Documento per l'accreditamento verificato"),
        "marketplace.evidence_reminder": _("Promemoria di scadenza di un documento inviato"),
        "marketplace.hours_updated": _("Orari di apertura del negozio modificati"),
        "marketplace.closure_added": _("Chiusura straordinaria del negozio aggiunta"),
        "marketplace.closure_removed": _("Chiusura straordinaria del negozio tolta"),
        "marketplace.promotion_created": _("Offerta del negozio creata"),
        "marketplace.promotion_updated": _("Offerta del negozio modificata"),
        "marketplace.service_created": _("Servizio creato"),
        "marketplace.service_updated": _("Servizio modificato"),
        "marketplace.service_variant_added": _("Variante di un servizio aggiunta"),
        "marketplace.service_variant_removed": _("Variante di un servizio tolta"),
        "marketplace.service_photo_added": _("Foto di un servizio caricata"),
        "marketplace.service_photo_removed": _("Foto di un servizio tolta"),
        "marketplace.services_imported": _("Servizi importati da un file"),
        "marketplace.thread_started": _("Conversazione con un fornitore iniziata"),
        "marketplace.message_posted": _("Messaggio in una conversazione con un fornitore"),
        "marketplace.thread_closed": _("Conversazione con un fornitore chiusa"),
        "marketplace.thread_reopened": _("Conversazione con un fornitore riaperta"),
        "marketplace.abuse_reported": _("Messaggio segnalato alla rete"),
        "marketplace.abuse_handled": _("Segnalazione su un messaggio esaminata"),
        "marketplace.review_written": _("Recensione di un acquisto scritta"),
        "marketplace.review_answered": _("Risposta del fornitore a una recensione"),
        "marketplace.review_hidden": _("Recensione nascosta dalla rete"),
        "marketplace.review_restored": _("Recensione ripubblicata dalla rete"),
    }
)
