"""Shared value through the ledger (issue 19, point 2): the planner the ledger asks for every
payment (ledger/services/sharing.py moves the money), the disbursement of a project's money
through the payout batches, and the figures the public pages show.

A payment carries a share when its merchant has a signed agreement in force on the day of the
payment (Europe/Rome) whose project is active: never a refused or withdrawn proposal (whose
merchant signature is missing anyway), nor an agreement ended early after its new last day.
One indexed query per payment (`observ_sva_merchant`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind
from benecomune.ledger.models.transfers import REFUND_OBJECT
from benecomune.ledger.money import format_euro
from benecomune.ledger.services import sharing
from benecomune.ledger.services.statements import balance
from benecomune.ledger.services.transfers import transfer
from benecomune.observatory.models import ProjectStatus, SharedValueAgreement, SocialProject
from benecomune.observatory.models.shared_value import LIVE
from benecomune.observatory.services.shared_value import require_owner, share_of


def _in_force(merchant_id: int):
    today = timezone.localdate()
    return SharedValueAgreement.objects_unscoped.filter(
        LIVE,
        merchant_id=merchant_id,
        valid_from__lte=today,
        valid_until__gte=today,
        comune_signed_at__isnull=False,
        merchant_signed_at__isnull=False,
        project__status=ProjectStatus.ACTIVE,
    )


# On every payment: one plain statement, no ORM query building (bench/shared_value.py).
_IN_FORCE_SQL = (
    "SELECT a.mode, a.value_public, a.value_corporate, a.value_own, p.account_id,"
    " p.organization_id, p.title FROM observatory_sharedvalueagreement a"
    " JOIN observatory_socialproject p ON p.id = a.project_id"
    " WHERE a.merchant_id = %s AND a.valid_from <= %s AND a.valid_until >= %s"
    " AND a.comune_signed_at IS NOT NULL AND a.merchant_signed_at IS NOT NULL"
    " AND a.refused_at IS NULL AND a.withdrawn_at IS NULL"
    " AND p.status = %s LIMIT 1"
)


def _agreement_row(merchant_id: int):
    today = timezone.localdate()
    return sharing.fetch_one(_IN_FORCE_SQL, [merchant_id, today, today, ProjectStatus.ACTIVE.value])


def applies(merchant_id: int) -> bool:
    return _agreement_row(merchant_id) is not None


def planner(merchant_id: int, amount: int, wallet_getter) -> sharing.Share | None:
    row = _agreement_row(merchant_id)
    if row is None:
        return None
    mode, public, corporate, own, account_id, organization_id, title = row
    agreement = SharedValueAgreement(
        mode=mode, value_public=public, value_corporate=corporate, value_own=own
    )
    wallet = wallet_getter()
    cents = share_of(agreement, amount, wallet.source_kind if wallet else "")
    if cents <= 0:
        return None
    account = Account(
        pk=account_id,
        organization_id=organization_id,
        person_id=None,
        kind=AccountKind.SHARED_VALUE,
        allow_negative=False,
    )
    memo = _("Valore condiviso per «%(project)s»") % {"project": title}
    return sharing.Share(account=account, amount=cents, memo=memo[:200])


def register() -> None:
    sharing.register_planner(planner, applies)


# --- disbursement ------------------------------------------------------------------------


@transaction.atomic
def disburse(actor: Actor, project: SocialProject, amount: int | None = None):
    """Pay the project's money (all, or `amount` cents) to its beneficiary body: SHARED_VALUE
    from the project's account to the payable account of its Comune (or network) and a
    payout order the next batch pays (payouts app). Refused without the beneficiary's IBAN."""
    from benecomune.payouts.models import BeneficiaryKind
    from benecomune.payouts.services.accounts import payer_setup
    from benecomune.payouts.services.orders import create_order

    require_owner(actor, project, "payouts.manage")
    project = SocialProject.objects_unscoped.select_for_update().get(pk=project.pk)
    if not project.beneficiary_iban:
        raise ValidationError(
            _(
                "Il progetto non ha l'IBAN dell'ente beneficiario: lo indichi prima di erogare "
                "i fondi."
            )
        )
    available = balance(project.account)
    amount = available if amount is None else amount
    if type(amount) is not int or amount <= 0 or amount > available:
        raise ValidationError(
            _("Si possono erogare al massimo %(available)s.")
            % {"available": format_euro(available)}
        )
    setup = payer_setup(project.organization_id)
    count = Transfer.objects_unscoped.filter(
        debit_account_id=project.account_id, credit_account__kind=AccountKind.CLEARING
    ).count()
    moved = transfer(
        actor,
        debit=project.account,
        credit=setup.payable_account,
        amount=amount,
        kind=TransferKind.SHARED_VALUE,
        idempotency_key=f"sv-disburse:{project.pk}:{count + 1}",
        obj=project,
        memo=_("Erogazione del progetto «%(title)s»") % {"title": project.title},
    )
    beneficiary = project.beneficiary
    order = create_order(
        organization_id=project.organization_id,
        kind=BeneficiaryKind.MERCHANT,
        provider=beneficiary,
        name=beneficiary.name,
        iban=project.beneficiary_iban,
        holder=beneficiary.name,
        amount=amount,
        remittance=_("Valore condiviso - progetto %(title)s") % {"title": project.title},
        source=project,
        source_transfer=moved,
    )
    audit.record(
        actor,
        "observatory.project_disbursed",
        project,
        organization=project.organization,
        after={"amount": amount, "transfer": moved.pk, "order": order.pk},
    )
    return order


# --- figures -----------------------------------------------------------------------------


def _moves(project: SocialProject):
    account = project.account_id
    return Transfer.objects_unscoped.filter(
        Q(credit_account_id=account) | Q(debit_account_id=account),
        kind=TransferKind.SHARED_VALUE,
    )


def project_figures(project: SocialProject) -> dict:
    """Raised (net of shares given back), from how many payments, disbursed, what is left, and
    the progress. Which shops gave: shared_value_supporters.project_supporters."""
    account = project.account_id
    moves = _moves(project)
    from_merchants = moves.filter(credit_account_id=account, debit_account__kind="merchant")
    back = moves.filter(debit_account_id=account, credit_account__kind="merchant")
    disbursed = moves.filter(debit_account_id=account, credit_account__kind="clearing")

    def total(qs):
        return qs.aggregate(t=Coalesce(Sum("amount"), 0))["t"]

    raised = total(from_merchants) - total(back)
    # A payment counts while its share is not all given back.
    by_payment = {}
    for payment_id, amount, incoming in moves.filter(
        Q(debit_account__kind="merchant") | Q(credit_account__kind="merchant"),
        object_type=REFUND_OBJECT,
    ).values_list("object_id", "amount", "debit_account__kind"):
        by_payment[payment_id] = by_payment.get(payment_id, 0) + (
            amount if incoming == "merchant" else -amount
        )
    transactions = sum(1 for net in by_payment.values() if net > 0)
    out = total(disbursed)
    percent = min(100, raised * 100 // project.target_amount) if project.target_amount else 0
    return {
        "raised": raised,
        "transactions": transactions,
        "disbursed": out,
        "held": raised - out,
        "percent": percent,
    }


def share_of_payment(payment: Transfer) -> tuple[int, SocialProject | None]:
    """What a payment gave to which project, net of what its refunds or void gave back: for
    the citizen's receipt and the shop's page ("questo acquisto ha dato € x al progetto y")."""
    rows = Transfer.objects_unscoped.filter(
        kind=TransferKind.SHARED_VALUE, object_type=REFUND_OBJECT, object_id=str(payment.pk)
    ).values_list("amount", "debit_account__kind", "credit_account_id")
    net, project_account = 0, None
    for amount, debit_kind, credit_id in rows:
        if debit_kind == AccountKind.MERCHANT:
            net, project_account = net + amount, credit_id
        else:
            net -= amount
    if project_account is None:
        return 0, None
    return net, SocialProject.objects_unscoped.filter(account_id=project_account).first()


PUBLIC = (ProjectStatus.ACTIVE, ProjectStatus.CLOSED)


def public_project(pk: int) -> SocialProject | None:
    """A project the public may see (raising money or closed; never a draft)."""
    return (
        SocialProject.objects_unscoped.select_related("organization", "beneficiary")
        .filter(pk=pk, status__in=PUBLIC)
        .first()
    )


def public_projects(organization) -> list[SocialProject]:
    return list(
        SocialProject.objects_unscoped.filter(organization=organization, status__in=PUBLIC)
        .select_related("beneficiary")
        .order_by("-starts_on")
    )


def comuni_with_projects(network) -> list:
    """The member Comuni of a network that have public projects (its public page links them)."""
    from benecomune.core.models import Municipality

    ids = SocialProject.objects_unscoped.filter(
        organization__network_id=network.pk, status__in=PUBLIC
    ).values("organization_id")
    return list(Municipality.objects.filter(pk__in=ids).order_by("name"))


def comune_totals(projects) -> dict:
    figures = [project_figures(p) for p in projects]
    return {
        "raised": sum(f["raised"] for f in figures),
        "disbursed": sum(f["disbursed"] for f in figures),
        "transactions": sum(f["transactions"] for f in figures),
        "figures": figures,
    }
