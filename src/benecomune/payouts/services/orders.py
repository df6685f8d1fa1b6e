"""Payout orders: created by the services that put money on the payer's payable account
(approved debit notes, accepted expense claims); corrected when the bank rejects one."""

from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_iban
from benecomune.core.models import Organization, Person
from benecomune.core.notifications import notify_person
from benecomune.core.services.people import set_payment_account
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.lifecycles import PAYOUT_ORDER
from benecomune.payouts.models import BeneficiaryKind, PayoutOrder, PayoutStatus


def create_order(
    *,
    organization_id: int,
    kind: str,
    name: str,
    iban: str,
    holder: str,
    amount: int,
    remittance: str,
    source,
    source_transfer,
    provider=None,
    person=None,
    debit_note=None,
    claim=None,
    call_id=None,
    fund=None,
) -> PayoutOrder:
    """Called inside the service that moved the money (which checked the permissions and
    writes the audit event). Without an IBAN the order waits for the payment data."""
    iban = normalize_iban(iban)
    return PayoutOrder.objects_unscoped.create(
        organization_id=organization_id,
        beneficiary_kind=kind,
        provider=provider,
        person=person,
        beneficiary_name=name[:200],
        iban=iban,
        holder=" ".join(holder.split())[:70],
        amount=amount,
        remittance=" ".join(remittance.split())[:140],
        source_type=f"{source._meta.app_label}.{source._meta.model_name}",
        source_id=str(source.pk),
        debit_note=debit_note,
        claim=claim,
        call_id=call_id,
        fund=fund,
        source_transfer=source_transfer,
        status=PayoutStatus.READY if iban else PayoutStatus.ON_HOLD,
    )


def _payable_again(actor: Actor, order: PayoutOrder, person, action: str, **audit) -> None:
    """The order takes the person's current account and is payable again (`action`: why,
    one of the lifecycle's moves to READY; `audit`: what the event adds)."""
    order.iban, order.holder = person.iban, person.iban_holder[:70]
    order.rejection_reason = ""
    PAYOUT_ORDER.apply(
        actor,
        order,
        PayoutStatus.READY,
        action=action,
        extra_fields=["iban", "holder", "rejection_reason"],
        person=person,
        **audit,
    )


@transaction.atomic
def correct_order(
    actor: Actor, order: PayoutOrder, *, iban: str, holder: str, reason: str = ""
) -> PayoutOrder:
    """New payment data for a citizen's order rejected by the bank (or waiting for an IBAN).

    The person's IBAN is changed through core (holder must be the person or a household
    member; audited and notified), then the order is payable again and goes into the next
    batch. A merchant changes its own IBAN from its area (services.payees)."""
    order = PayoutOrder.objects_unscoped.select_for_update().get(pk=order.pk)
    if order.beneficiary_kind != BeneficiaryKind.PERSON:
        raise PayoutError(
            _("L'IBAN di un esercente lo aggiorna l'esercente stesso, dalla sua area riservata.")
        )
    if order.status not in (PayoutStatus.REJECTED, PayoutStatus.ON_HOLD):
        raise PayoutError(_("Si correggono solo i pagamenti respinti dalla banca o senza IBAN."))
    is_owner = actor.user is not None and actor.user.person_id == order.person_id
    if not is_owner:
        actor.require("payouts.manage", order.organization_id)
    person = Person.objects_unscoped.get(pk=order.person_id)
    before = {"iban": order.iban, "holder": order.holder, "status": order.status}
    person = set_payment_account(actor, person, iban=iban, holder=holder, reason=reason)
    _payable_again(
        actor,
        order,
        person,
        "payouts.order_corrected",
        organization=Organization(pk=order.organization_id),
        before=before,
        after={"iban": person.iban, "holder": person.iban_holder[:70]},
        reason=reason,
    )
    notify_person(
        person,
        subject=_("Pagamento di nuovo in lavorazione"),
        body=_(
            "Abbiamo ricevuto i nuovi dati del conto (IBAN che termina con %(tail)s): il "
            "pagamento di %(what)s sarà nella prossima distinta."
        )
        % {"tail": order.iban[-4:], "what": order.remittance},
    )
    return order


def refresh_person_orders(organization_id: int, actor: Actor | None = None) -> int:
    """Citizens' orders waiting for payment data (or rejected by the bank) take the IBAN the
    person has set since, through the audited core path (profile page, desk). Returns how many
    became payable again. `actor`: the maker of the batch about to be prepared."""
    actor = actor or Actor.system_actor("payouts.refresh_person_orders")
    waiting = PayoutOrder.objects_unscoped.filter(
        organization_id=organization_id,
        beneficiary_kind=BeneficiaryKind.PERSON,
        status__in=[PayoutStatus.ON_HOLD, PayoutStatus.REJECTED],
    ).select_related("person")
    changed = 0
    for order in waiting:
        person = order.person
        if person.iban and person.iban != order.iban:
            _payable_again(actor, order, person, "payouts.order_account_refreshed")
            changed += 1
    return changed
