"""The social project's lifecycle (shared value): drafted, raising money, closed."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.audit_display import register_detail_names, register_value_labels
from benecomune.core.lifecycle import Lifecycle
from benecomune.core.lifecycle import Transition as T
from benecomune.observatory.models import ProjectStatus as P
from benecomune.observatory.models import SocialProject
from benecomune.observatory.models.shared_value import AgreementState

PROJECT = Lifecycle(
    SocialProject,
    initial=P.DRAFT,
    terminal=(P.CLOSED,),
    transitions=[
        T(P.DRAFT, P.ACTIVE, "funds.manage", "observatory.project_opened"),
        T(P.ACTIVE, P.CLOSED, "funds.manage", "observatory.project_closed"),
    ],
)

LIFECYCLES = {"observatory.SocialProject": PROJECT}

register_actions(
    {
        "observatory.project_created": _("Progetto sociale creato"),
        "observatory.project_opened": _("Progetto sociale aperto alla raccolta"),
        "observatory.project_closed": _("Progetto sociale concluso"),
        "observatory.project_disbursed": _("Fondi del progetto erogati all'ente beneficiario"),
        "observatory.project_beneficiary_changed": _(
            "Ente beneficiario o IBAN del progetto sociale cambiato"
        ),
        "observatory.agreement_created": _("Accordo di valore condiviso proposto"),
        "observatory.agreement_signed": _("Accordo di valore condiviso firmato"),
        "observatory.agreement_refused": _("Proposta di accordo rifiutata dall'esercente"),
        "observatory.agreement_withdrawn": _("Proposta di accordo ritirata dal proponente"),
        "observatory.agreement_ended": _("Accordo di valore condiviso terminato in anticipo"),
    }
)

# Names of the keys of this app's audit details (the audit page, the history).
register_detail_names(
    {
        "agreement": _("accordo"),
        "state": _("stato"),
        "orders_ready_again": _("ordini di nuovo pronti"),
    }
)
register_value_labels("state", dict(AgreementState.choices))
register_value_labels("by", {"party": _("una parte dell'accordo"), "merchant": _("l'esercente")})
