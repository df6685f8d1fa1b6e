"""Ledger accounts other apps need, opened by the ledger (only the ledger writes `ledger_*`).

- `external_account`: a tenant's external account (money from or to outside: a payment
  provider, the bank), found by its name or opened.
- `open_payout_accounts`: the three accounts a payer's payouts move through (payouts/services/
  accounts.py draws the flow).

Like a merchant's receivable (`wallets.merchant_account`) these are plumbing opened on first
use, without an audit event of their own: the row that records them is the caller's.
"""

import dataclasses

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benecomune.core.models import Organization
from benecomune.ledger.models import Account, AccountKind


@dataclasses.dataclass(frozen=True)
class PayoutAccounts:
    payable: Account  # clearing: settlements and reimbursements waiting for a batch
    platform: Account  # payout: the platform's bank account the batches are paid from
    beneficiaries: Account  # external: where the credit transfers go


@transaction.atomic(savepoint=False)  # the caller's transaction, no extra savepoint
def open_payout_accounts(organization: Organization) -> PayoutAccounts:
    """Open the payer's payable and platform accounts, and find or open its (shared, by name)
    external beneficiaries account. The caller stores them, holding its own lock so that
    they are opened once."""
    org_id = organization.pk
    payable = Account.objects_unscoped.create(
        organization_id=org_id,
        kind=AccountKind.CLEARING,
        name=(_("Liquidazioni da pagare — %(org)s") % {"org": organization.name})[:200],
    )
    platform = Account.objects_unscoped.create(
        organization_id=org_id,
        kind=AccountKind.PAYOUT,
        name=(_("Conto pagamenti della piattaforma — %(org)s") % {"org": organization.name})[:200],
    )
    beneficiaries, _created = Account.objects_unscoped.get_or_create(
        organization_id=org_id, kind=AccountKind.EXTERNAL, name=_("Beneficiari dei bonifici")
    )
    return PayoutAccounts(payable=payable, platform=platform, beneficiaries=beneficiaries)


def external_account(organization_id: int, name: str) -> Account:
    """The tenant's external account called `name` (unique per tenant), opened on first use.
    It may go negative: it stands for the outside world, so the ledger still sums to zero."""
    lookup = {"organization_id": organization_id, "kind": AccountKind.EXTERNAL, "name": name[:200]}
    try:
        with transaction.atomic():
            account, _created = Account.objects_unscoped.get_or_create(**lookup)
    except IntegrityError:  # opened concurrently
        account = Account.objects_unscoped.get(**lookup)
    return account


def open_shared_value_account(organization_id: int, name: str) -> Account:
    """A social project's account (observatory app): shares of payments come in, payouts to
    the beneficiary body go out. The caller records the project holding it."""
    return Account.objects_unscoped.create(
        organization_id=organization_id, kind=AccountKind.SHARED_VALUE, name=name[:200]
    )
