"""The accreditation's, the promotion's and the catalogue's lifecycles (see core.lifecycle and
docs/marketplace.md).

The provider's staff submit; the network's administrators (organizations.manage on the
network) take in review, decide, suspend, renew and revoke. The maker-checker rule (who took
the request in review or verified one of its documents does not decide it) is the service's.
The periodic task suspends and expires as the system actor.

A service of the catalogue is published, taken back to draft, archived and restored by the
provider's staff (owner or operator).
"""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.audit_display import register_detail_names, register_value_labels
from benecomune.core.lifecycle import Lifecycle
from benecomune.core.lifecycle import Transition as T
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationStatus,
    Promotion,
    PromotionStatus,
    Service,
    ServiceStatus,
)
from benecomune.marketplace.models.threads import Side

S = AccreditationStatus
# A voucher shop's staff hold merchant.manage, a cooperative's provider.manage.
PROVIDER = ("provider.manage", "merchant.manage")
NETWORK = "organizations.manage"

ACCREDITATION = Lifecycle(
    Accreditation,
    tenant="network_id",
    initial=S.DRAFT,
    terminal=(S.REJECTED, S.EXPIRED, S.REVOKED),
    transitions=[
        T(S.DRAFT, S.SUBMITTED, PROVIDER, "marketplace.accreditation_submitted", "provider_id"),
        T(S.SUBMITTED, S.IN_REVIEW, NETWORK, "marketplace.accreditation_review_started"),
        T(S.IN_REVIEW, S.ACCREDITED, NETWORK, "marketplace.accreditation_granted"),
        T(S.IN_REVIEW, S.REJECTED, NETWORK, "marketplace.accreditation_rejected"),
        T(S.ACCREDITED, S.SUSPENDED, NETWORK, "marketplace.accreditation_suspended"),
        T(S.SUSPENDED, S.ACCREDITED, NETWORK, "marketplace.accreditation_renewed"),
        T(S.ACCREDITED, S.EXPIRED, NETWORK, "marketplace.accreditation_expired"),
        T(S.SUSPENDED, S.EXPIRED, NETWORK, "marketplace.accreditation_expired"),
        T(S.ACCREDITED, S.REVOKED, NETWORK, "marketplace.accreditation_revoked"),
        T(S.SUSPENDED, S.REVOKED, NETWORK, "marketplace.accreditation_revoked"),
    ],
)

# A shop's offer: its staff (owner or operator) publish it and withdraw it; a draft never
# published is withdrawn too (nothing is deleted). Withdrawn is final: a new offer is a new row.
P = PromotionStatus
PROMOTION = Lifecycle(
    Promotion,
    tenant="provider_id",
    initial=P.DRAFT,
    terminal=(P.WITHDRAWN,),
    transitions=[
        T(P.DRAFT, P.PUBLISHED, PROVIDER, "marketplace.promotion_published"),
        T(P.PUBLISHED, P.WITHDRAWN, PROVIDER, "marketplace.promotion_withdrawn"),
        T(P.DRAFT, P.WITHDRAWN, PROVIDER, "marketplace.promotion_withdrawn"),
    ],
)

V = ServiceStatus
SERVICE = Lifecycle(
    Service,
    tenant="provider_id",
    initial=V.DRAFT,
    transitions=[
        T(V.DRAFT, V.PUBLISHED, PROVIDER, "marketplace.service_published"),
        T(V.PUBLISHED, V.DRAFT, PROVIDER, "marketplace.service_unpublished"),
        T(V.DRAFT, V.ARCHIVED, PROVIDER, "marketplace.service_archived"),
        T(V.PUBLISHED, V.ARCHIVED, PROVIDER, "marketplace.service_archived"),
        # Restored as a draft: it is checked again before it is published.
        T(V.ARCHIVED, V.DRAFT, PROVIDER, "marketplace.service_restored"),
    ],
)

LIFECYCLES = {
    "marketplace.Accreditation": ACCREDITATION,
    "marketplace.Promotion": PROMOTION,
    "marketplace.Service": SERVICE,
}

register_actions(
    {
        "marketplace.accreditation_submitted": _("Domanda di accreditamento presentata"),
        "marketplace.accreditation_review_started": _("Domanda di accreditamento presa in esame"),
        "marketplace.accreditation_granted": _("Fornitore accreditato"),
        "marketplace.accreditation_rejected": _("Domanda di accreditamento respinta"),
        "marketplace.accreditation_suspended": _("Accreditamento sospeso"),
        "marketplace.accreditation_renewed": _("Accreditamento rinnovato"),
        "marketplace.accreditation_expired": _("Accreditamento scaduto"),
        "marketplace.accreditation_revoked": _("Accreditamento revocato"),
        "marketplace.promotion_published": _("Offerta del negozio pubblicata"),
        "marketplace.promotion_withdrawn": _("Offerta del negozio ritirata"),
        "marketplace.service_published": _("Servizio pubblicato"),
        "marketplace.service_unpublished": _("Servizio riportato in bozza"),
        "marketplace.service_archived": _("Servizio archiviato"),
        "marketplace.service_restored": _("Servizio ripristinato in bozza"),
    }
)

# Names of the keys of this app's audit details (the audit page, the history).
register_detail_names(
    {
        "accreditation": _("accreditamento"),
        "requirement": _("requisito"),
        "keys": _("voci"),
        "week": _("orari della settimana"),
        "replaces": _("sostituisce"),
        "purchase": _("acquisto"),
        "answered_at": _("risposto il"),
        "owner": _("titolare"),
        "about": _("riguarda"),
        "attachments": _("allegati"),
        "side": _("chi scrive"),
        "thread": _("conversazione"),
        "reports": _("segnalazioni"),
        "price": _("prezzo"),
    }
)
register_value_labels("side", dict(Side.choices))
