"""The marketplace's navigation entries, audit labels and public page section (loaded by
MarketplaceConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.public import PUBLIC_SECTIONS
from benecomune.marketplace.public_sections import catalogue_section, district_section

register_nav(Role.PROVIDER_STAFF, _("Profilo"), "marketplace:profile")
register_nav(Role.PROVIDER_STAFF, _("Accreditamenti"), "marketplace:my_accreditations")
register_nav(Role.PROVIDER_STAFF, _("Servizi offerti"), "marketplace:services")
register_nav(Role.MERCHANT_STAFF, _("Profilo"), "marketplace:profile")
register_nav(Role.MERCHANT_STAFF, _("Accreditamenti"), "marketplace:my_accreditations")
register_nav(Role.MERCHANT_STAFF, _("Orari e offerte"), "marketplace:shop_hours")
register_nav(Role.MERCHANT_STAFF, _("Servizi offerti"), "marketplace:services")
register_nav(Role.PLATFORM_ADMIN, _("Fornitori e accreditamenti"), "marketplace:network_home")
for role in (Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN):
    register_nav(role, _("Distretto del commercio"), "marketplace:district")

register_nav("citizen", _("Servizi del territorio"), "marketplace:my_catalogue")

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
    }
)
