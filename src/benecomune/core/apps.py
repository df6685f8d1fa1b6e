from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "benecomune.core"
    label = "core"
    verbose_name = _("Piattaforma")

    def ready(self):
        # Each app registers its background job handlers in its `jobs` module.
        autodiscover_modules("jobs")
        # Each app registers who may see its kinds of files in its `files` module.
        autodiscover_modules("files")
        from benecomune.core import checks  # noqa: F401 (registers the system checks)
        from benecomune.core.dates import lowercase_italian_names

        lowercase_italian_names()  # "mercoledì 9 dicembre", not "Mercoledì 9 Dicembre"
        from benecomune.core.audit import register_actions
        from benecomune.core.registry import load_modules

        load_modules(self)  # core/nav.py: the outbox page's navigation entry and home card

        register_actions(
            {
                "person.registered": _("Persona registrata in anagrafe"),
                "person.contacts_changed": _("Contatti modificati"),
                "person.iban_changed": _("Dati di pagamento modificati"),
                "household.created": _("Nucleo familiare creato"),
                "household.member_added": _("Componente aggiunto al nucleo"),
                "household.relationship_changed": _("Relazione nel nucleo modificata"),
                "household.member_removed": _("Componente tolto dal nucleo"),
                "membership.granted": _("Ruolo assegnato"),
                "membership.revoked": _("Ruolo revocato"),
                "membership.role_changed": _("Ruolo cambiato"),
                "invitation.created": _("Invito al personale inviato"),
                "invitation.accepted": _("Invito al personale accettato"),
                "invitation.revoked": _("Invito al personale annullato"),
                "municipality.updated": _("Dati del Comune modificati"),
                "api_token.created": _("Token API creato"),
                "api_token.revoked": _("Token API revocato"),
                "citizen_token.created": _("Chiave di un'app collegata creata"),
                "citizen_token.revoked": _("Chiave di un'app collegata revocata"),
                "core.on_behalf_refused": _(
                    "Azione per conto di un cittadino rifiutata: delega non valida"
                ),
                "job.started": _("Lavoro in background avviato"),
                "job.refused": _(
                    "Lavoro in background non eseguito: chi l'ha avviato non ha più il ruolo"
                ),
                "user.login": _("Accesso alla piattaforma"),
                "user.totp_enrolled": _("Verifica in due passaggi attivata"),
                "network.created": _("Rete creata"),
                "municipality.created": _("Comune aggiunto"),
                "company.created": _("Azienda aggiunta"),
                "provider.created": _("Fornitore aggiunto"),
                "employee.hired": _("Dipendente registrato"),
                "outbox.resent": _("E-mail rimessa in invio"),
                "outbox.cancelled": _("Invio di un'e-mail annullato"),
            }
        )
