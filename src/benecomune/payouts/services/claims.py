"""Expense claims under a reimbursement call: submit, review, answer a clarification.

Caps: per claim (the call's claim rules), per beneficiary (the award: accepted plus claims
still open never exceed it) and per call (accepted in all never exceeds the rules' maximum,
and the call's reservation refuses anything beyond it anyway). Duplicates: the same file
(SHA-256) is refused while it is the receipt of another live claim (services.receipts); the
same payee, date and amount is refused within one award and flagged for the reviewer across
awards.
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.models import Award, AwardStatus, Call, CallStatus
from benecomune.core import audit, on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.core.notifications import notify_person
from benecomune.core.on_behalf import on_behalf_reason
from benecomune.core.services.people import set_payment_account
from benecomune.ledger.money import format_euro
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.models import (
    ACCEPTED_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    ClaimCategory,
    ClaimPolicy,
    ClaimStatus,
    ExpenseClaim,
)
from benecomune.payouts.services.receipts import check_receipt, reject_used_receipt, store_receipt


def policy_for(call: Call) -> ClaimPolicy:
    """The call's claim rules; without any, every category with a receipt, no extra caps."""
    policy = ClaimPolicy.objects_unscoped.filter(call=call).first()
    return policy or ClaimPolicy(call=call, organization_id=call.organization_id)


@transaction.atomic
def set_policy(actor: Actor, call: Call, **values) -> ClaimPolicy:
    actor.require("calls.manage", call.organization_id)
    if call.benefit_type != "reimbursement":
        raise PayoutError(_("Le regole dei rimborsi valgono solo per i bandi di rimborso."))
    categories = [c for c in values.get("categories") or [] if c in ClaimCategory.values]
    declared = [
        c for c in values.get("self_declaration_categories") or [] if c in ClaimCategory.values
    ]
    for name in ("max_per_claim", "max_per_call"):
        value = values.get(name)
        if value is not None and (type(value) is not int or value <= 0):
            raise PayoutError({name: _("Indichi un importo maggiore di zero, o lasci vuoto.")})
    policy, _created = ClaimPolicy.objects_unscoped.select_for_update().get_or_create(
        call=call, defaults={"organization_id": call.organization_id}
    )
    before = {
        "categories": policy.categories,
        "self_declaration_categories": policy.self_declaration_categories,
        "max_per_claim": policy.max_per_claim,
        "max_per_call": policy.max_per_call,
    }
    policy.categories, policy.self_declaration_categories = categories, declared
    policy.max_per_claim, policy.max_per_call = (
        values.get("max_per_claim"),
        values.get("max_per_call"),
    )
    policy.save()
    audit.record(
        actor,
        "payouts.claim_policy_changed",
        call,
        organization=Organization(pk=call.organization_id),
        before=before,
        after={
            "categories": categories,
            "self_declaration_categories": declared,
            "max_per_claim": policy.max_per_claim,
            "max_per_call": policy.max_per_call,
        },
    )
    return policy


def award_usage(award: Award) -> dict:
    """Cents of the award accepted, still under review, and what is left to claim."""
    claims = ExpenseClaim.objects_unscoped.filter(award=award)
    accepted = claims.filter(status__in=ACCEPTED_CLAIM_STATUSES).aggregate(
        t=Coalesce(Sum("accepted_amount"), 0)
    )["t"]
    pending = claims.filter(status__in=OPEN_CLAIM_STATUSES).aggregate(t=Coalesce(Sum("amount"), 0))[
        "t"
    ]
    return {
        "amount": award.amount,
        "accepted": accepted,
        "pending": pending,
        "remaining": max(award.amount - accepted - pending, 0),
    }


def reimbursement_awards(person_id: int):
    return Award.objects_unscoped.filter(
        person_id=person_id, benefit_type="reimbursement", status=AwardStatus.ACTIVE
    ).select_related("call")


def _payee_key(payee: str) -> str:
    return " ".join(payee.split()).casefold()[:200]


def _check_duplicates(
    award: Award | None, checked, payee_key: str, expense_date, amount, exclude=None, person_id=None
):
    """Refuse a receipt already used (`checked`: the new receipt, if any) or an expense the
    beneficiary already claimed (within the award; without one, e.g. a company plan's claim,
    of the same person); return another beneficiary's claim of the same expense."""
    if checked is not None:
        reject_used_receipt(checked, claim_id=exclude)
    live = ExpenseClaim.objects_unscoped.exclude(status=ClaimStatus.REJECTED)
    if exclude is not None:
        live = live.exclude(pk=exclude)
    same_expense = live.filter(payee_key=payee_key, expense_date=expense_date, amount=amount)
    mine = (
        same_expense.filter(award=award)
        if award is not None
        else same_expense.filter(award=None, person_id=person_id)
    ).first()
    if mine is not None:
        raise PayoutError(
            _(
                "Ha già chiesto il rimborso di questa spesa (stesso destinatario, data e "
                "importo: richiesta n. %(n)s)."
            )
            % {"n": mine.pk}
        )
    return same_expense.first()  # another beneficiary's: flagged for the reviewer


def _check_receipt(
    upload, policy: ClaimPolicy, category: str, self_declared: bool, confirmed: bool
):
    if upload is not None:
        return check_receipt(upload)
    if not self_declared:
        raise PayoutError({"document": _("Alleghi la ricevuta o la fattura della spesa.")})
    if not policy.allows_self_declaration(category):
        raise PayoutError(
            {
                "document": _(
                    "Per questa categoria di spesa il bando chiede la ricevuta: "
                    "l'autocertificazione non basta."
                )
            }
        )
    if not confirmed:
        raise PayoutError(
            {
                "declaration": _(
                    "Confermi la dichiarazione sostitutiva (art. 47 D.P.R. 445/2000) per "
                    "presentare la spesa senza ricevuta."
                )
            }
        )
    return None


def _assisting_basis(actor: Actor, award: Award, consent_note: str) -> str:
    """How staff files for the beneficiary: the desk of the award's Comune on a delegation in
    scope or the consent given now; any other operator (a Welfare Point's) only on a valid
    delegation to file claims (core.on_behalf)."""
    if actor.has_perm("desk.assist", award.organization_id):
        return on_behalf.authorize(actor, award.person, on_behalf.CLAIMS, consent_note)
    if on_behalf.is_assisting(actor):
        basis = on_behalf.delegation_basis(actor, award.person, on_behalf.CLAIMS)
        if basis:
            return basis
    actor.require("desk.assist", award.organization_id)  # raises PermissionDenied
    return ""


@on_behalf.refusals_audited
@transaction.atomic
def submit_claim(
    actor: Actor,
    award: Award,
    *,
    category: str,
    amount: int,
    expense_date: datetime.date,
    payee: str,
    description: str = "",
    upload=None,
    self_declared: bool = False,
    declaration_confirmed: bool = False,
    consent_note: str = "",
    iban: str = "",
    iban_holder: str = "",
) -> ExpenseClaim:
    """The beneficiary's claim, from their personal area, filed for them at the desk of their
    Comune (`desk.assist`), which then says how they consented (`consent_note`), or by a
    Welfare Point's operator holding their delegation to file claims.

    `iban` and `iban_holder`, when given, become the person's payment account in the same
    transaction (core's `set_payment_account`: validated, holder in the household, audited):
    the form asks for them when the person has none, so an accepted claim can be paid."""
    # The award row is the lock that serialises the claims of one beneficiary (its cap).
    award = Award.objects_unscoped.select_for_update().select_related("call").get(pk=award.pk)
    is_owner = actor.user is not None and actor.user.person_id == award.person_id
    if not is_owner:
        consent_note = _assisting_basis(actor, award, consent_note)
    call = award.call
    if award.status != AwardStatus.ACTIVE or award.benefit_type != "reimbursement":
        raise PayoutError(_("Questo contributo non prevede rimborsi."))
    if call.status != CallStatus.AWARDED:
        raise PayoutError(_("Il bando è concluso: non si possono più chiedere rimborsi."))
    policy = policy_for(call)
    if category not in ClaimCategory.values or not policy.allows(category):
        raise PayoutError({"category": _("Il bando non rimborsa questa categoria di spesa.")})
    if type(amount) is not int or amount <= 0:
        raise PayoutError({"amount": _("Indichi l'importo pagato.")})
    if policy.max_per_claim and amount > policy.max_per_claim:
        raise PayoutError(
            {
                "amount": _("Si possono chiedere al massimo %(max)s per ogni spesa.")
                % {"max": format_euro(policy.max_per_claim)}
            }
        )
    today = timezone.localdate()
    if expense_date > today:
        raise PayoutError({"expense_date": _("La data della spesa è nel futuro.")})
    if (call.spend_from and expense_date < call.spend_from) or (
        call.spend_until and expense_date > call.spend_until
    ):
        raise PayoutError(
            {
                "expense_date": _("Il bando rimborsa le spese dal %(start)s al %(end)s.")
                % {
                    "start": call.spend_from.strftime("%d/%m/%Y") if call.spend_from else "…",
                    "end": call.spend_until.strftime("%d/%m/%Y") if call.spend_until else "…",
                }
            }
        )
    payee = " ".join((payee or "").split())
    if not payee:
        raise PayoutError({"payee": _("Indichi a chi ha pagato la spesa.")})
    checked = _check_receipt(upload, policy, category, self_declared, declaration_confirmed)
    if iban or iban_holder:
        set_payment_account(actor, award.person, iban=iban, holder=iban_holder)
    usage = award_usage(award)
    if amount > usage["remaining"]:
        raise PayoutError(
            {
                "amount": _(
                    "Supera quanto le resta da chiedere per questo contributo: al massimo %(left)s."
                )
                % {"left": format_euro(usage["remaining"])}
            }
        )
    duplicate = _check_duplicates(award, checked, _payee_key(payee), expense_date, amount)
    claim = ExpenseClaim(
        organization_id=award.organization_id,
        award=award,
        call=call,
        person_id=award.person_id,
        category=category,
        amount=amount,
        expense_date=expense_date,
        payee=payee[:200],
        payee_key=_payee_key(payee),
        description=" ".join((description or "").split())[:300],
        # Receipt or self-declaration, never neither: the receipt row follows below.
        self_declared=checked is None,
        possible_duplicate=duplicate,
        submitted_by=actor.user,
    )
    claim.save()
    if checked is not None:
        store_receipt(actor, claim, upload, checked)
    audit.record(
        actor,
        "payouts.claim_submitted",
        claim,
        organization=Organization(pk=claim.organization_id),
        person=claim.person,
        after={
            "award": award.pk,
            "category": category,
            "amount": amount,
            "expense_date": str(expense_date),
            "self_declared": claim.self_declared,
            "sha256": checked.sha256 if checked else "",
            "possible_duplicate": duplicate.pk if duplicate else None,
            "on_behalf_of": claim.person.fiscal_code if not is_owner else None,
        },
        reason="" if is_owner else on_behalf_reason(actor, claim.person, consent_note),
    )
    body = _("Abbiamo ricevuto la richiesta n. %(n)s di %(amount)s: la verificheremo presto.")
    if not is_owner:
        body = _(
            "Lo sportello di %(where)s ha presentato per suo conto, con il suo consenso, la "
            "richiesta di rimborso n. %(n)s di %(amount)s: la verificheremo presto. Può "
            "seguirla nella sua area personale."
        )
    where = actor.organization.name if actor.organization else ""
    notify_person(
        claim.person,
        subject=_("Richiesta di rimborso ricevuta"),
        body=body % {"n": claim.pk, "amount": format_euro(amount), "where": where},
    )
    return claim
