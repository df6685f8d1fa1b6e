"""Ranking and award: audit labels (the ranking page is reached from the call's page)."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions

register_actions(
    {
        "calls.benefit_awarded": _("Beneficio assegnato"),
        "calls.application_appeal": _("Ricorso accolto per il riesame"),
        "calls.clarifications_closed": _("Integrazioni scadute chiuse dalla graduatoria"),
    }
)
