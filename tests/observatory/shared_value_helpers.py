"""Shared value test helpers: a project and a signed agreement made through the services."""

import datetime
import io
import itertools

from django.core.management import call_command
from django.utils import timezone

from benecomune.core.models import Provider, Role
from benecomune.ledger.services import statements
from benecomune.ledger.services.invariants import check_invariants
from benecomune.observatory.models import ProjectStatus, ShareMode
from benecomune.observatory.services import shared_value as sv
from tests.helpers import actor_for

IBAN = "IT60X0542811101000000123456"
# tests/vouchers' fixtures a shared value test pays with (a shop of the circuit, its till, a
# citizen's voucher): `use_voucher_fixtures(globals())` makes them visible to the test module.
VOUCHER_FIXTURES = (
    "cashier", "cashier_actor", "citizen", "ctx", "fresh_caches", "join", "member_shop", "voucher",
)  # fmt: skip
_bodies = itertools.count(1)


def comune_actor(make_user, municipality):
    user = make_user(
        "comune-sv@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality
    )
    return actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)


def network_actor(make_user, network):
    """The network's staff (the platform administrator's role, held in the network)."""
    user = make_user("rete-sv@example.org", role=Role.PLATFORM_ADMIN, organization=network)
    return actor_for(user, Role.PLATFORM_ADMIN, network)


def merchant_actor(make_user, shop):
    user = make_user(
        f"negozio-sv-{shop.pk}@example.org", role=Role.MERCHANT_STAFF, organization=shop
    )
    return actor_for(user, Role.MERCHANT_STAFF, shop)


def body(network, municipality) -> Provider:
    from tests.vouchers.conftest import new_shop

    return new_shop(f"Cooperativa Il Girasole {next(_bodies)}", network, municipality)


def project(actor, municipality, beneficiary, *, iban=IBAN, target=100_000):
    made = sv.create_project(
        actor,
        municipality,
        title="Doposcuola solidale",
        description="Un doposcuola gratuito per i ragazzi del quartiere.",
        target_amount=target,
        beneficiary=beneficiary,
        beneficiary_iban=iban,
        starts_on=timezone.localdate(),
    )
    return sv.set_project_status(actor, made, ProjectStatus.ACTIVE)


def proposal(actor, party, shop, project_, *, percent="10", start=None, end=None):
    """A proposal of `party` (a Comune or network), not yet accepted: from yesterday for a
    year unless told."""
    today = timezone.localdate()
    return sv.propose_agreement(
        actor,
        party,
        merchant=shop,
        project=project_,
        mode=ShareMode.PERCENT,
        values={"value_public": percent, "value_corporate": percent, "value_own": "0"},
        valid_from=start or today - datetime.timedelta(days=1),
        valid_until=end or today + datetime.timedelta(days=365),
    )


def agreement(actor, merchant_actor_, municipality, shop, project_, *, percent="10", named=True):
    made = proposal(actor, municipality, shop, project_, percent=percent)
    return sv.accept_agreement(merchant_actor_, made, named_publicly=named)


def sound():
    """The ledger's invariants and `ledger_check` hold."""
    assert check_invariants() == []
    call_command("ledger_check", stdout=io.StringIO())


def raised(project) -> int:
    """What the project's account holds."""
    return statements.balance(project.account)


def publish(owner, shop) -> None:
    """The shop's public page (marketplace catalogue) published by its owner."""
    from benecomune.core.scoping import all_tenants
    from benecomune.marketplace.models import PublicationStatus
    from benecomune.marketplace.services import profiles

    with all_tenants():
        profile = profiles.ensure_profile(owner, shop)
        data = {f: getattr(profile, f) for f in profiles.PROFILE_FIELDS}
        data.update(publication=PublicationStatus.PUBLISHED, description="Alimentari di quartiere.")
        profiles.update_profile(owner, shop, **data, municipalities_served=[])


def payer(make_fund, make_wallet, system_actor):
    """pay(shop, cents): a payment from a Comune's voucher wallet (call award) at the shop."""
    from benecomune.ledger.services import wallets

    wallet = make_wallet(make_fund(1_000_000), 100_000)
    keys = itertools.count(1)

    def pay(shop, amount=1_000):
        key = f"sv-pay-{wallet.pk}-{next(keys)}"
        return wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=amount, idempotency_key=key
        )

    return pay


def use_voucher_fixtures(namespace: dict) -> None:
    from tests.vouchers import conftest

    namespace.update({name: getattr(conftest, name) for name in VOUCHER_FIXTURES})
