"""Who may issue or block a printed voucher card, and on what basis (the audit reason).

- the wallet's holder in the citizen role, or a system job: no basis needed;
- a Comune's desk (`desk.assist` for the issuing Comune or the holder's): a delegation in
  scope, or the consent the citizen gives now (`core.on_behalf.authorize`);
- a Welfare Point's operator: only with a valid delegation to print voucher cards
  (`core.on_behalf.VOUCHER_CARDS`); an expired, revoked or out-of-scope one refuses with
  the reason in Italian.

Blocking a lost or stolen card protects the holder: the desk blocks it without consent; a
Point's operator still needs the delegation (they are not the holder's Comune).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from benecomune.core import on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import Person
from benecomune.ledger.models import Wallet

DESK = "desk.assist"


def _holder(wallet: Wallet) -> Person:
    return Person.objects_unscoped.only(
        "pk", "first_name", "last_name", "fiscal_code", "residence_id"
    ).get(pk=wallet.person_id)


def is_holder(actor: Actor, wallet: Wallet) -> bool:
    return (
        actor.membership is None and bool(actor.user) and actor.user.person_id == wallet.person_id
    )


def is_comune_desk(actor: Actor, wallet: Wallet, holder: Person) -> bool:
    return actor.has_perm(DESK, wallet.organization_id) or actor.has_perm(DESK, holder.residence_id)


def card_reason(actor: Actor, wallet: Wallet, *, consent: str = "", protective=False) -> str:
    """The audit reason of a card action by `actor` ("" for the holder or a system job).
    Raises PermissionDenied for anyone else, OnBehalfRefused (a ValidationError) when the
    only delegation does not cover it, a ValidationError when the desk gives no consent."""
    if actor.system or is_holder(actor, wallet):
        return ""
    holder = _holder(wallet)
    if is_comune_desk(actor, wallet, holder):
        if protective:
            return on_behalf.on_behalf_reason(actor, holder)
        basis = on_behalf.authorize(actor, holder, on_behalf.VOUCHER_CARDS, consent)
        return on_behalf.on_behalf_reason(actor, holder, basis)
    if on_behalf.is_assisting(actor):
        basis = on_behalf.delegation_basis(actor, holder, on_behalf.VOUCHER_CARDS)
        if basis:
            return on_behalf.on_behalf_reason(actor, holder, basis)
    raise PermissionDenied(
        _("Solo il titolare del buono o lo sportello, con il suo consenso, gestiscono la tessera.")
    )
