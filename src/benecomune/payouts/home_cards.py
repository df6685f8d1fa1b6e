"""Cards on the role home pages."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.ledger.money import format_euro
from benecomune.payouts.models import (
    BatchStatus,
    DebitNote,
    DebitNoteStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)


def merchant_settlement(request):
    actor = request.actor
    if actor is None or not actor.has_perm("merchant.view") or actor.organization is None:
        return None
    from benecomune.payouts.services.debit_notes import unsettled_payments

    org_id = actor.organization.pk
    waiting = DebitNote.objects_unscoped.filter(
        merchant_id=org_id,
        status__in=[DebitNoteStatus.ISSUED, DebitNoteStatus.APPROVED, DebitNoteStatus.IN_BATCH],
    ).count()
    open_count = unsettled_payments(org_id).count()
    if (
        not waiting
        and not open_count
        and not DebitNote.objects_unscoped.filter(merchant_id=org_id).exists()
    ):
        return None
    return {
        "title": _("Note di debito"),
        # Two counts, two plurals: "1 incasso da rimborsare; 2 note in attesa".
        "text": ngettext("%(n)s incasso da rimborsare;", "%(n)s incassi da rimborsare;", open_count)
        % {"n": open_count}
        + " "
        + ngettext(
            "%(n)s nota in attesa di pagamento.", "%(n)s note in attesa di pagamento.", waiting
        )
        % {"n": waiting},
        "url": reverse("payouts:merchant_notes"),
        "link_label": _("Vedi incassi e note"),
    }


def municipality_payouts(request):
    actor = request.actor
    if actor is None or not actor.has_perm("payouts.manage"):
        return None
    ids = actor.tenant_ids
    notes = DebitNote.objects_unscoped.filter(
        payer_id__in=ids, status=DebitNoteStatus.ISSUED
    ).count()
    ready = PayoutOrder.objects_unscoped.filter(
        organization_id__in=ids, status=PayoutStatus.READY
    ).values_list("amount", flat=True)
    amounts = list(ready)
    return {
        "title": _("Pagamenti"),
        "text": ngettext(
            "%(n)s nota di debito da approvare;", "%(n)s note di debito da approvare;", notes
        )
        % {"n": notes}
        + " "
        + ngettext(
            "%(n)s pagamento pronto per %(total)s.",
            "%(n)s pagamenti pronti per %(total)s.",
            len(amounts),
        )
        % {"n": len(amounts), "total": format_euro(sum(amounts))},
        "url": reverse("payouts:home"),
        "link_label": _("Vai ai pagamenti"),
    }


def batches_to_approve(request):
    actor = request.actor
    if actor is None or not actor.has_perm("payouts.approve"):
        return None
    count = PayoutBatch.objects_unscoped.filter(
        organization_id__in=actor.tenant_ids, status=BatchStatus.READY
    ).count()
    if not count:
        return None  # the home keeps its own empty state
    return {
        "title": _("Distinte di pagamento"),
        "text": ngettext(
            "%(count)s distinta da approvare.", "%(count)s distinte da approvare.", count
        )
        % {"count": count},
        "url": reverse("payouts:batches"),
        "link_label": _("Vedi le distinte"),
    }
