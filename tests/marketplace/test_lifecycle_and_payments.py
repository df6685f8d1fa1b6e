"""The accreditation's transition table follows the rules tests/core/test_lifecycles.py checks
for every table (reachable statuses, labelled audit actions, real permissions); and the rule
for marketplace purchases: public and company wallets pay only accredited providers, own money
pays anyone, the voucher circuit's shops are untouched."""

import datetime

import pytest

from benecomune.core.actors import ROLE_PERMISSIONS
from benecomune.core.audit import ACTION_LABELS
from benecomune.core.lifecycle import OWNER
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Wallet, WalletSource
from benecomune.marketplace.lifecycles import ACCREDITATION, LIFECYCLES
from benecomune.marketplace.queries import payment_refusal
from benecomune.marketplace.services import accreditation as services
from tests.marketplace.conftest import TODAY

ALL_PERMISSIONS = set().union(*ROLE_PERMISSIONS.values())


def test_table_is_complete_and_audited():
    assert LIFECYCLES["marketplace.Accreditation"] is ACCREDITATION
    statuses = set(ACCREDITATION.statuses)
    assert ACCREDITATION.reachable() == statuses
    dead_ends = {s for s in statuses if not any(t.source == s for t in ACCREDITATION.transitions)}
    assert dead_ends == set(ACCREDITATION.terminal)
    for t in ACCREDITATION.transitions:
        assert t.action.startswith("marketplace.")
        assert str(ACTION_LABELS[t.action]) != t.action
        codes = (t.permission,) if isinstance(t.permission, str) else t.permission
        assert all(code == OWNER or code in ALL_PERMISSIONS for code in codes)
    assert (
        "accredited --> suspended: marketplace.accreditation_suspended" in ACCREDITATION.mermaid()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "refused"),
    [
        (WalletSource.CALL_AWARD, True),
        (WalletSource.COMPANY_PLAN, True),
        (WalletSource.TOP_UP, False),
    ],
)
def test_public_and_company_wallets_pay_only_accredited_providers(
    make_provider, municipality, company, admins, source, refused
):
    provider, _owner = make_provider()
    issuer = company if source == WalletSource.COMPANY_PLAN else municipality
    wallet = Wallet(organization=issuer, source_kind=source)
    reason = payment_refusal(wallet, provider, on=TODAY)
    assert (reason is not None) == refused
    if refused:
        assert "non è accreditato" in reason


@pytest.mark.django_db
def test_accredited_provider_is_paid_only_while_accredited(accredited, municipality, admins):
    provider, _owner, accreditation = accredited
    wallet = Wallet(organization=municipality, source_kind=WalletSource.CALL_AWARD)
    assert payment_refusal(wallet, provider, on=TODAY) is None
    assert payment_refusal(wallet, provider, area="family", on=TODAY) is None
    assert payment_refusal(wallet, provider, area="home", on=TODAY) is not None
    assert payment_refusal(wallet, provider, on=TODAY - datetime.timedelta(days=1)) is not None
    with all_tenants():
        services.suspend(admins[1], accreditation, reason="Ispezione")
    assert payment_refusal(wallet, provider, on=TODAY) is not None


@pytest.mark.django_db
def test_a_wallet_of_another_network_does_not_count(accredited, make_actor):
    from benecomune.core.models import Municipality, Network

    provider, _owner, _accreditation = accredited
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete")
    comune = Municipality.objects.create(
        name="Padova", slug="padova", istat_code="028060", network=elsewhere
    )
    wallet = Wallet(organization=comune, source_kind=WalletSource.CALL_AWARD)
    assert payment_refusal(wallet, provider, on=TODAY) is not None
