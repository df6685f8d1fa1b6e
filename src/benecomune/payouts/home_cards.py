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


def citizen_claims_waiting_iban(request):
    """The citizen's accepted claims that cannot be paid: no IBAN, or the bank refused it."""
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        return None
    waiting = list(
        PayoutOrder.objects_unscoped.filter(
            person_id=person_id,
            claim__isnull=False,
            status__in=[PayoutStatus.ON_HOLD, PayoutStatus.REJECTED],
        )
        .order_by("pk")
        .values_list("claim_id", "amount")
    )
    if not waiting:
        return _open_claims_without_iban(person_id)
    url = (
        reverse("payouts:citizen_claim", args=[waiting[0][0]])
        if len(waiting) == 1
        else reverse("payouts:citizen_claims")
    )
    return {
        "title": _("Rimborso in attesa dell'IBAN"),
        "text": ngettext(
            "Un rimborso accolto di %(total)s aspetta il conto su cui pagarlo.",
            "%(n)s rimborsi accolti, in tutto %(total)s, aspettano il conto su cui pagarli.",
            len(waiting),
        )
        % {"n": len(waiting), "total": format_euro(sum(a for _c, a in waiting))},
        "url": url,
        "link_label": _("Indichi l'IBAN"),
    }


def _open_claims_without_iban(person_id: int):
    """Claims still under review for a person with no IBAN: they would wait once accepted."""
    from benecomune.core.models import Person
    from benecomune.payouts.models import OPEN_CLAIM_STATUSES, ExpenseClaim

    if Person.objects_unscoped.filter(pk=person_id).exclude(iban="").exists():
        return None
    count = ExpenseClaim.objects_unscoped.filter(
        person_id=person_id, status__in=OPEN_CLAIM_STATUSES
    ).count()
    if not count:
        return None
    return {
        "title": _("Rimborso in attesa dell'IBAN"),
        "text": ngettext(
            "Ha una richiesta di rimborso in corso ma non ci ha indicato il conto su cui pagarla.",
            "Ha %(n)s richieste di rimborso in corso ma non ci ha indicato il conto su cui "
            "pagarle.",
            count,
        )
        % {"n": count},
        "url": reverse("core:profile"),
        "link_label": _("Indichi l'IBAN"),
    }
