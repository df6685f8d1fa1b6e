"""Review of expense claims by the desk (applications.instruct) or a validator
(applications.decide): accept in full or in part with a reason (the money moves and a payout
order is created), reject, or ask for clarification; and the beneficiary's answer."""

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.models import Award, Call, CallReservation
from benecomune.core import clarifications
from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.core.notifications import notify_person
from benecomune.ledger.models import Reservation, TransferKind
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import transfer
from benecomune.payouts import claim_kinds
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.lifecycles import CLAIM
from benecomune.payouts.models import (
    ACCEPTED_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    BeneficiaryKind,
    ClaimClarification,
    ClaimStatus,
    ExpenseClaim,
)
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.claims import _check_duplicates, policy_for
from benecomune.payouts.services.orders import create_order
from benecomune.payouts.services.receipts import check_receipt, store_receipt

REVIEW_PERMISSIONS = ("applications.instruct", "applications.decide")


def _subject(claim: ExpenseClaim, target: str, *, extra_fields) -> clarifications.Subject:
    return clarifications.Subject(
        claim,
        CLAIM,
        target,
        extra_fields=extra_fields,
        organization=Organization(pk=claim.organization_id),
        person=claim.person,
    )


def _reviewable(actor: Actor, claim: ExpenseClaim, statuses=(ClaimStatus.SUBMITTED,)):
    handler = claim_kinds.handler_for(claim)
    permissions = handler.review_permissions if handler else REVIEW_PERMISSIONS
    if not any(actor.has_perm(p, claim.organization_id) for p in permissions):
        actor.require(permissions[-1], claim.organization_id)
    claim = ExpenseClaim.objects_unscoped.select_for_update().get(pk=claim.pk)
    if claim.status not in statuses:
        raise PayoutError(
            _("La richiesta è nello stato «%(status)s»: non si può decidere ora.")
            % {"status": claim.get_status_display()}
        )
    return claim


@transaction.atomic
def accept_claim(
    actor: Actor, claim: ExpenseClaim, *, amount: int | None = None, reason: str = ""
) -> ExpenseClaim:
    """Accept in full, or in part with a reason; the money leaves the fund (consuming the
    call's reservation) for the payer's payable account and a payout order is created. A claim
    of another kind (claim_kinds) has its money moved by its handler."""
    handler = claim_kinds.handler_for(claim)
    award = None
    if handler is None:
        award = Award.objects_unscoped.select_for_update().get(pk=claim.award_id)
    claim = _reviewable(actor, claim)
    amount = claim.amount if amount is None else amount
    reason = " ".join((reason or "").split())
    if type(amount) is not int or amount <= 0 or amount > claim.amount:
        raise PayoutError(
            {
                "amount": _("L'importo riconosciuto va da 0,01 a %(max)s.")
                % {"max": format_euro(claim.amount)}
            }
        )
    if amount < claim.amount and not reason:
        raise PayoutError({"reason": _("Spieghi perché riconosce solo una parte.")})
    if handler is not None:
        return _accept_by_kind(actor, claim, handler, amount, reason)
    accepted_before = ExpenseClaim.objects_unscoped.filter(
        award=award, status__in=ACCEPTED_CLAIM_STATUSES
    ).aggregate(t=Coalesce(Sum("accepted_amount"), 0))["t"]
    if accepted_before + amount > award.amount:
        raise PayoutError(
            {
                "amount": _("Supera il contributo assegnato: restano %(left)s.")
                % {"left": format_euro(award.amount - accepted_before)}
            }
        )
    call = Call.objects_unscoped.select_related("fund__account").get(pk=claim.call_id)
    policy = policy_for(call)
    if policy.max_per_call:
        call_total = ExpenseClaim.objects_unscoped.filter(
            call=call, status__in=ACCEPTED_CLAIM_STATUSES
        ).aggregate(t=Coalesce(Sum("accepted_amount"), 0))["t"]
        if call_total + amount > policy.max_per_call:
            raise PayoutError(
                {
                    "amount": _("Supera il massimo dei rimborsi del bando: restano %(left)s.")
                    % {"left": format_euro(max(policy.max_per_call - call_total, 0))}
                }
            )
    holder = CallReservation.objects.filter(call=call).first()
    reservation = Reservation.objects_unscoped.get(pk=holder.reservation_id) if holder else None
    fund = call.fund
    setup = payer_setup(fund.organization_id)
    person = claim.person
    money = transfer(
        actor,
        debit=fund.account,
        credit=setup.payable_account,
        amount=amount,
        kind=TransferKind.REIMBURSEMENT,
        idempotency_key=f"claim:{claim.pk}",
        obj=claim,
        reservation=reservation,
        memo=_("Rimborso richiesta n. %(n)s, bando %(call)s") % {"n": claim.pk, "call": call.title},
    )
    order = create_order(
        organization_id=fund.organization_id,
        kind=BeneficiaryKind.PERSON,
        person=person,
        name=person.full_name,
        iban=person.iban,
        holder=person.iban_holder,
        amount=amount,
        remittance=_("Rimborso %(category)s - %(call)s - richiesta n. %(n)s")
        % {"category": claim.get_category_display(), "call": call.title, "n": claim.pk},
        source=claim,
        source_transfer=money,
        claim=claim,
        call_id=call.pk,
        fund=fund,
    )
    claim.accepted_amount, claim.decision_reason = amount, reason
    claim.reviewed_by, claim.reviewed_at = actor.user, timezone.now()
    claim.reimbursement_transfer = money
    CLAIM.apply(
        actor,
        claim,
        ClaimStatus.ACCEPTED if amount == claim.amount else ClaimStatus.PARTIALLY_ACCEPTED,
        extra_fields=None,  # every field: the decision and its transfer
        organization=Organization(pk=claim.organization_id),
        person=person,
        after={
            "accepted": amount,
            "claimed": claim.amount,
            "transfer": money.pk,
            "order": order.pk,
        },
        reason=reason,
    )
    body = _("La richiesta n. %(n)s è stata accolta per %(amount)s.") % {
        "n": claim.pk,
        "amount": format_euro(amount),
    }
    if reason:
        body += " " + _("Motivazione: %(reason)s") % {"reason": reason}
    if not person.iban:
        body += " " + _("Indichi l'IBAN nel suo profilo per ricevere il pagamento.")
    notify_person(person, subject=_("Rimborso accolto"), body=body)
    return claim


def _accept_by_kind(actor, claim, handler, amount: int, reason: str) -> ExpenseClaim:
    money = handler.accept(actor, claim, amount)
    claim.accepted_amount, claim.decision_reason = amount, reason
    claim.reviewed_by, claim.reviewed_at = actor.user, timezone.now()
    claim.reimbursement_transfer = money
    CLAIM.apply(
        actor,
        claim,
        ClaimStatus.ACCEPTED if amount == claim.amount else ClaimStatus.PARTIALLY_ACCEPTED,
        extra_fields=None,
        organization=Organization(pk=claim.organization_id),
        person=claim.person,
        after={"accepted": amount, "claimed": claim.amount, "transfer": money.pk},
        reason=reason,
    )
    body = _("La richiesta n. %(n)s è stata accolta per %(amount)s.") % {
        "n": claim.pk,
        "amount": format_euro(amount),
    }
    if reason:
        body += " " + _("Motivazione: %(reason)s") % {"reason": reason}
    notify_person(claim.person, subject=_("Rimborso accolto"), body=body)
    return claim


@transaction.atomic
def reject_claim(actor: Actor, claim: ExpenseClaim, *, reason: str) -> ExpenseClaim:
    reason = " ".join((reason or "").split())
    if not reason:
        raise PayoutError({"reason": _("Scriva il motivo: il beneficiario lo leggerà.")})
    claim = _reviewable(actor, claim, statuses=OPEN_CLAIM_STATUSES)
    claim.decision_reason = reason
    claim.reviewed_by, claim.reviewed_at = actor.user, timezone.now()
    CLAIM.apply(
        actor,
        claim,
        ClaimStatus.REJECTED,
        extra_fields=["decision_reason", "reviewed_by", "reviewed_at"],
        organization=Organization(pk=claim.organization_id),
        person=claim.person,
        reason=reason,
    )
    # Rejected while waiting for an answer: the question is closed with the claim.
    clarifications.close_open_clarifications(claim.clarifications.all())
    handler = claim_kinds.handler_for(claim)
    if handler is not None:
        handler.reject(actor, claim)  # what the claim set aside goes back
    notify_person(
        claim.person,
        subject=_("Rimborso non accolto"),
        body=_("La richiesta n. %(n)s non è stata accolta: %(reason)s")
        % {"n": claim.pk, "reason": reason},
    )
    return claim


@transaction.atomic
def request_claim_clarification(
    actor: Actor, claim: ExpenseClaim, *, question: str
) -> ExpenseClaim:
    question = " ".join((question or "").split())
    if not question:
        raise PayoutError({"question": _("Scriva che cosa serve al beneficiario.")})
    claim = _reviewable(actor, claim)
    # A new row each time: earlier questions and answers stay as the claim's history.
    clarifications.open_clarification(
        actor,
        ClaimClarification,
        subject_fields={"claim": claim},
        message=question,
        due_date=None,
        action="payouts.claim_clarification_requested",
        subject=_subject(claim, ClaimStatus.CLARIFICATION, extra_fields=[]),
    )
    notify_person(
        claim.person,
        subject=_("Rimborso: serve un'integrazione"),
        body=_("Per la richiesta n. %(n)s ci serve: %(question)s")
        % {"n": claim.pk, "question": question},
    )
    return claim


@transaction.atomic
def answer_clarification(
    actor: Actor, claim: ExpenseClaim, *, answer: str, upload=None
) -> ExpenseClaim:
    claim = ExpenseClaim.objects_unscoped.select_for_update().get(pk=claim.pk)
    if not (actor.user is not None and actor.user.person_id == claim.person_id):
        actor.require("desk.assist", claim.organization_id)
    if claim.status != ClaimStatus.CLARIFICATION:
        raise PayoutError(_("Per questa richiesta non è stata chiesta un'integrazione."))
    answer = " ".join((answer or "").split())
    if not answer and upload is None:
        raise PayoutError({"answer": _("Scriva la risposta o alleghi il documento richiesto.")})
    before = {"sha256": claim.sha256}
    if upload is not None:
        checked = check_receipt(upload)
        _check_duplicates(
            claim.award,
            checked,
            claim.payee_key,
            claim.expense_date,
            claim.amount,
            claim.pk,
            person_id=claim.person_id,
        )
        # A new receipt row: the earlier one stays as history. With a receipt, no longer a
        # self-declaration (receipt or self-declaration, never neither).
        store_receipt(actor, claim, upload, checked)
        claim.self_declared = False
    clarification = ClaimClarification.objects.select_for_update().filter(claim=claim)
    clarification = clarification.order_by("-requested_at", "-pk").first()
    if clarification is None:
        raise PayoutError(_("Per questa richiesta non è stata chiesta un'integrazione."))
    clarifications.answer_clarification(
        actor,
        clarification,
        answer[:2000],
        action="payouts.claim_clarification_answered",
        # Every field of the claim: the self-declaration flag, if a receipt came.
        subject=_subject(claim, ClaimStatus.SUBMITTED, extra_fields=None),
        before=before,
        after={"sha256": claim.sha256, "answer": bool(answer)},
    )
    return claim
