"""A merchant's bank account for its payouts: set, validated, audited, notified."""

from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_iban, validate_iban
from benecomune.core.models import Organization
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.lifecycles import PAYOUT_ORDER
from benecomune.payouts.models import PayeeAccount, PayoutOrder, PayoutStatus
from benecomune.payouts.services.notify import notify_organization


def payee_account_for(organization: Organization | int, payer=None) -> PayeeAccount | None:
    """The organisation's IBAN for payouts: the one it set here (PayeeAccount), else the IBAN
    it declared when joining the payer's (or the payer's network's) merchant circuit, as the
    Comune approved it (vouchers app). The latter comes back as an unsaved PayeeAccount."""
    org_id = getattr(organization, "pk", organization)
    account = PayeeAccount.objects_unscoped.filter(organization_id=org_id).first()
    return account or _circuit_account(org_id, payer)


def _circuit_account(org_id: int, payer) -> PayeeAccount | None:
    try:
        membership_model = apps.get_model("vouchers", "CircuitMembership")
    except LookupError:
        return None
    try:
        with transaction.atomic():  # a savepoint: a failed read must not spoil the caller's
            memberships = membership_model.objects_unscoped.filter(
                merchant_id=org_id, status="approved"
            ).exclude(iban="")
            if payer is not None:
                payer_ids = [payer.pk] + ([payer.network_id] if payer.network_id else [])
                memberships = memberships.filter(organization_id__in=payer_ids)
            membership = memberships.order_by("-decided_at", "-pk").first()
    except (FieldError, DatabaseError):  # the circuit is not there (yet) or changed shape
        return None
    if membership is None:
        return None
    return PayeeAccount(
        organization_id=org_id, iban=membership.iban, holder=membership.iban_holder[:70]
    )


def clean_holder(holder: str) -> str:
    holder = " ".join((holder or "").split())
    if not holder:
        raise PayoutError({"holder": _("Indichi l'intestatario del conto.")})
    if len(holder) > 70:
        raise PayoutError(
            {"holder": _("L'intestatario può avere al massimo 70 caratteri (limite dei bonifici).")}
        )
    return holder


@transaction.atomic
def set_payee_account(
    actor: Actor, organization: Organization, *, iban: str, holder: str, reason: str = ""
) -> PayeeAccount:
    """Set the IBAN payouts to `organization` go to. Orders waiting for payment data (or
    rejected by the bank) take the new IBAN and become payable again."""
    actor.require("merchant.manage", organization)
    iban = normalize_iban(iban)
    try:
        validate_iban(iban)
    except ValidationError as exc:
        raise PayoutError({"iban": exc.messages}) from exc
    holder = clean_holder(holder)
    account = (
        PayeeAccount.objects_unscoped.select_for_update()
        .filter(organization_id=organization.pk)
        .first()
    )
    before = {"iban": account.iban, "holder": account.holder} if account else None
    if account is None:
        account = PayeeAccount(organization_id=organization.pk)
    account.iban, account.holder, account.updated_by = iban, holder, actor.user
    account.save()
    waiting = PayoutOrder.objects_unscoped.filter(
        provider_id=organization.pk, status__in=[PayoutStatus.ON_HOLD, PayoutStatus.REJECTED]
    )
    refreshed = list(waiting.order_by("pk").values_list("pk", flat=True))
    PAYOUT_ORDER.apply_bulk(
        actor,
        waiting,
        PayoutStatus.READY,
        action="payouts.order_payee_account_set",
        values={"iban": iban, "holder": holder, "rejection_reason": ""},
        reason=reason,
    )
    audit.record(
        actor,
        "payouts.payee_account_changed",
        account,
        organization=organization,
        before=before,
        after={"iban": iban, "holder": holder, "orders_ready_again": refreshed},
        reason=reason,
    )
    notify_organization(
        organization,
        subject=_("Conto per i pagamenti aggiornato"),
        body=_(
            "Il conto su cui riceverà i pagamenti delle note di debito è stato cambiato: IBAN "
            "che termina con %(tail)s. Se non è stato lei, contatti subito il Comune."
        )
        % {"tail": iban[-4:]},
    )
    return account
