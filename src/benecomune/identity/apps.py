from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "benecomune.identity"
    label = "identity"
    verbose_name = _("Identità digitale e dati personali")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from benecomune.core.audit import register_actions
        from benecomune.core.registry import load_modules
        from benecomune.identity.views.login import remember_provider_logout

        user_logged_out.connect(remember_provider_logout, dispatch_uid="identity_oidc_logout")
        register_actions(
            {
                "identity.account_created": _("Account creato al primo accesso con SPID o CIE"),
                "identity.account_linked": _("Account collegato alla persona con SPID o CIE"),
            }
        )

        # Names of the keys of this app's audit details (the audit page, the history).
        from benecomune.core.audit_display import register_detail_names

        register_detail_names(
            {
                "acr": _("livello di autenticazione"),
            }
        )

        load_modules(self, ("privacy_nav",))
