"""Cards on the role home pages (see core.views.home.register_home_card)."""

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.core.models import OrganizationKind
from benecomune.ledger.money import format_euro
from benecomune.vouchers.models import CircuitMembership, MembershipStatus, Redemption


def merchant_till(request):
    actor = request.actor
    if actor is None or actor.membership is None:
        return None
    merchant_id = actor.organization.pk
    memberships = list(CircuitMembership.objects_unscoped.filter(merchant_id=merchant_id))
    active = [m for m in memberships if m.is_active]
    if active:
        today = timezone.localdate()
        total = Redemption.objects_unscoped.filter(
            merchant_id=merchant_id, created_at__date=today, voided_at=None
        ).aggregate(total=Coalesce(Sum("amount"), 0))["total"]
        return {
            "title": _("Cassa dei buoni"),
            "value": format_euro(total),
            "text": _(
                "Incassato oggi con i buoni. Inquadri il QR del cittadino o digiti il codice."
            ),
            "url": reverse("vouchers:till"),
            "link_label": _("Incassa un buono"),
        }
    if any(m.status == MembershipStatus.APPROVED for m in memberships):
        text = _("Il Comune ha approvato l'adesione: accetti la convenzione per attivare la cassa.")
    elif any(m.status == MembershipStatus.PENDING for m in memberships):
        text = _("La richiesta di adesione al circuito è in attesa dell'approvazione del Comune.")
    else:
        text = _("Chieda di aderire al circuito dei negozi del suo Comune: è gratuito.")
    return {
        "title": _("La cassa non è ancora attiva"),
        "text": text,
        "url": reverse("vouchers:membership"),
        "link_label": _("Adesione al circuito"),
    }


def municipality_circuit(request):
    actor = request.actor
    if actor is None or not actor.has_perm("circuit.manage"):
        return None
    members = CircuitMembership.objects_unscoped.filter(organization_id__in=actor.tenant_ids)
    # Shops where the Comune's people can spend: those of its own circuit and, when it belongs
    # to a network, the network circuit's shops with their seat in the Comune.
    where = Q(organization_id__in=actor.tenant_ids)
    org = actor.organization
    if org is not None and org.kind == OrganizationKind.MUNICIPALITY and org.network_id:
        where |= Q(organization_id=org.network_id, municipality_id=org.pk)
    active = (
        CircuitMembership.objects_unscoped.filter(
            where, status=MembershipStatus.APPROVED, convention_accepted_at__isnull=False
        )
        .values("merchant_id")
        .distinct()
        .count()
    )
    pending = members.filter(status=MembershipStatus.PENDING).count()
    return {
        "title": _("Circuito dei negozi"),
        "value": str(active),
        "text": ngettext(
            "negozio attivo nel Comune; richieste in attesa: %(n)s.",
            "negozi attivi nel Comune; richieste in attesa: %(n)s.",
            active,
        )
        % {"n": pending},
        "url": reverse("vouchers:circuit"),
        "link_label": _("Vedi il circuito"),
    }


def citizen_pay(request):
    """The "Paga" shortcut: straight to the QR when the citizen has one usable voucher,
    otherwise to the list to choose which one."""
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        return None
    from benecomune.ledger.models import Wallet

    today = timezone.localdate()
    usable = list(
        Wallet.objects_unscoped.filter(person_id=person_id, expired_at=None)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("pk", flat=True)[:2]
    )
    if not usable:
        return None
    one = len(usable) == 1
    return {
        "title": _("Paga"),
        "text": _("Mostri il codice QR del buono alla cassa di un negozio del circuito."),
        "url": reverse("vouchers:pay", args=[usable[0]]) if one else reverse("vouchers:wallets"),
        "link_label": _("Paga in negozio") if one else _("Scegli il buono e paga"),
    }
