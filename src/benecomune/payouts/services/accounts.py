"""The ledger accounts a payer's payouts move through, and its payout settings.

fund ──REIMBURSEMENT──▶ payable (clearing) ◀──SETTLEMENT── merchant receivable
payable ──SETTLEMENT (one transfer per batch: the payer's funding)──▶ platform (payout)
platform ──PAYOUT (one per credit transfer the bank confirms)──▶ beneficiaries (external)
"""

from django.db import transaction

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, OrganizationKind
from benecomune.ledger.services import accounts as ledger_accounts
from benecomune.payouts.models import PayoutSettings, SettlementPeriod

SETTINGS_FIELDS = [
    "settlement_period",
    "debtor_name",
    "debtor_iban",
    "debtor_bic",
    "sepa_scheme",
]


def payer_setup(organization: Organization | int) -> PayoutSettings:
    """The payer's settings row with its three ledger accounts, created on first use."""
    org_id = getattr(organization, "pk", organization)
    with transaction.atomic():
        setup, _created = PayoutSettings.objects_unscoped.select_for_update().get_or_create(
            organization_id=org_id
        )
        if setup.payable_account_id is None:
            opened = ledger_accounts.open_payout_accounts(Organization.objects.get(pk=org_id))
            setup.payable_account = opened.payable
            setup.platform_account = opened.platform
            setup.beneficiaries_account = opened.beneficiaries
            setup.save(
                update_fields=[
                    "payable_account",
                    "platform_account",
                    "beneficiaries_account",
                    "updated_at",
                ]
            )
    return setup


def settlement_period_for(organization: Organization) -> str:
    """The payer's own period, else its network's, else weekly."""
    own = PayoutSettings.objects_unscoped.filter(organization_id=organization.pk).first()
    if own and own.settlement_period:
        return own.settlement_period
    if organization.kind != OrganizationKind.NETWORK and organization.network_id:
        network = PayoutSettings.objects_unscoped.filter(
            organization_id=organization.network_id
        ).first()
        if network and network.settlement_period:
            return network.settlement_period
    return SettlementPeriod.WEEKLY


@transaction.atomic
def update_settings(actor: Actor, organization: Organization, **values) -> PayoutSettings:
    actor.require("payouts.manage", organization)
    setup = payer_setup(organization)
    setup = PayoutSettings.objects_unscoped.select_for_update().get(pk=setup.pk)
    before = audit.snapshot(setup, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(setup, name, values[name] or "")
    setup.debtor_iban = "".join(setup.debtor_iban.split()).upper()
    setup.debtor_bic = "".join(setup.debtor_bic.split()).upper()
    setup.full_clean(exclude=["organization", *_account_fields()])
    setup.save()
    audit.record(
        actor,
        "payouts.settings_changed",
        setup,
        organization=organization,
        before=before,
        after=audit.snapshot(setup, SETTINGS_FIELDS),
    )
    return setup


def _account_fields():
    return ["payable_account", "platform_account", "beneficiaries_account"]
