"""The payment rule of the catalogue, where money moves (payments.services.checkout): an intent
paying a service (`object_type` "marketplace.service") from a public or company wallet needs a
provider accredited in the service's area; own money pays anyone. Refused legs move nothing
(the ledger's invariants are checked after every test by `ledger_stays_sound`)."""

import datetime

import pytest

from benecomune.core.actors import Actor
from benecomune.core.scoping import all_tenants
from benecomune.ledger.exceptions import NotSpendable
from benecomune.ledger.models import Account, Reservation, Transfer, Wallet, WalletSource
from benecomune.ledger.services.statements import with_balances
from benecomune.ledger.spending import purchase_refusal
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE, service_payment_refusal
from benecomune.marketplace.services.expiry import expire_evidence
from benecomune.payments.models import IntentStatus, PaymentIntent
from benecomune.payments.services import checkout
from benecomune.payments.services.planning import gateway_leg, plan_legs, wallet_leg
from tests.ledger.conftest import ledger_stays_sound, make_fund, make_wallet  # noqa: F401
from tests.marketplace.conftest import TODAY
from tests.marketplace.test_catalogue import make_service
from tests.payments.conftest import fake_gateway  # noqa: F401

pytestmark = pytest.mark.django_db
PRICE = 2_000


@pytest.fixture
def system():
    return Actor.system_actor("test")


@pytest.fixture
def buyer(make_person, municipality):
    return make_person(municipality)


@pytest.fixture
def public_wallet(make_fund, make_wallet, buyer):  # noqa: F811
    return make_wallet(make_fund(10_000), 10_000, person=buyer)


def balance(wallet: Wallet) -> int:
    account = with_balances(Account.objects_unscoped.filter(pk=wallet.account_id)).get()
    return account.current_balance - account.held


def pay(system, buyer, service, legs, key):
    intent = checkout.create_intent(
        system,
        buyer=buyer,
        payee=service.provider,
        amount=PRICE,
        legs=legs,
        idempotency_key=key,
        object_type=SERVICE_OBJECT_TYPE,
        object_id=str(service.pk),
    )
    checkout.authorise(system, intent)
    return checkout.capture(system, intent)


def test_unaccredited_provider_is_not_paid_by_a_public_wallet(
    make_provider,
    system,
    buyer,
    public_wallet,
    fake_gateway,  # noqa: F811
):
    provider, owner = make_provider()
    service = make_service(owner, provider)
    transfers = Transfer.objects_unscoped.count()
    with pytest.raises(NotSpendable, match="non è accreditato"):
        pay(system, buyer, service, [wallet_leg(public_wallet, PRICE)], "svc-1")
    # Nothing moved, nothing held, no intent.
    assert balance(public_wallet) == 10_000
    assert Transfer.objects_unscoped.count() == transfers
    assert not Reservation.objects_unscoped.filter(account_id=public_wallet.account_id).exists()
    assert not PaymentIntent.objects_unscoped.filter(idempotency_key="svc-1").exists()
    # Planning leaves the public wallet out: own money pays it all.
    legs = plan_legs(
        buyer,
        provider,
        PRICE,
        gateway="fake",
        object_type=SERVICE_OBJECT_TYPE,
        object_id=str(service.pk),
    )
    assert [(leg.wallet, leg.gateway) for leg in legs] == [(None, "fake")]
    # The same service with own money through the payment provider: paid.
    intent = pay(system, buyer, service, [gateway_leg("fake", PRICE)], "svc-2")
    assert intent.status == IntentStatus.CAPTURED
    assert balance(public_wallet) == 10_000


def test_accredited_pays_until_the_sweep_suspends_it(
    accredited,
    system,
    buyer,
    public_wallet,
    fake_gateway,  # noqa: F811
):
    provider, owner, _accreditation = accredited
    service = make_service(owner, provider)
    # Accredited in the service's area: the public wallet pays.
    intent = pay(system, buyer, service, [wallet_leg(public_wallet, PRICE)], "svc-3")
    assert intent.status == IntentStatus.CAPTURED
    assert balance(public_wallet) == 10_000 - PRICE
    # An intent created while accredited, authorised after a required document expired: the
    # nightly sweep has suspended the accreditation, the authorisation is refused.
    pending = checkout.create_intent(
        system,
        buyer=buyer,
        payee=provider,
        amount=PRICE,
        legs=[wallet_leg(public_wallet, PRICE)],
        idempotency_key="svc-4",
        object_type=SERVICE_OBJECT_TYPE,
        object_id=str(service.pk),
    )
    with all_tenants():
        assert expire_evidence(today=TODAY)["suspended"] == 0
        assert expire_evidence(today=TODAY + datetime.timedelta(days=366))["suspended"] == 1
    with pytest.raises(NotSpendable, match="non è accreditato"):
        checkout.authorise(system, pending)
    pending.refresh_from_db()
    assert pending.status == IntentStatus.FAILED
    assert balance(public_wallet) == 10_000 - PRICE
    with pytest.raises(NotSpendable):
        pay(system, buyer, service, [wallet_leg(public_wallet, PRICE)], "svc-5")
    # Own money still pays.
    assert pay(system, buyer, service, [gateway_leg("fake", PRICE)], "svc-6").captured == PRICE


def test_service_in_another_area_or_not_accepting_the_wallet(accredited, municipality, company):
    provider, owner, _accreditation = accredited
    public = Wallet(organization=municipality, source_kind=WalletSource.CALL_AWARD)
    plan = Wallet(
        organization=company, source_kind=WalletSource.COMPANY_PLAN, allowed_categories=["tutoring"]
    )
    top_up = Wallet(organization=municipality, source_kind=WalletSource.TOP_UP)
    family = make_service(owner, provider, title="Famiglia")
    home = make_service(owner, provider, title="Casa", accreditation_area="home")
    education = make_service(owner, provider, title="Educativo", art51_category="education")
    own_only = make_service(
        owner, provider, title="Solo proprio", payable_by=["own"], art51_category=""
    )
    draft = make_service(owner, provider, title="Bozza", publish=False)
    assert service_payment_refusal(public, family, on=TODAY) is None
    assert service_payment_refusal(plan, family, on=TODAY) is None
    assert "non è accreditato" in service_payment_refusal(public, home, on=TODAY)
    assert "art. 51" in service_payment_refusal(plan, education, on=TODAY)
    assert "non si può pagare" in service_payment_refusal(public, own_only, on=TODAY)
    assert service_payment_refusal(top_up, own_only, on=TODAY) is None
    assert "non è più offerto" in service_payment_refusal(top_up, draft, on=TODAY)
    # Through the registry, as payments asks: the service must be the payee's.
    assert purchase_refusal(public, provider, SERVICE_OBJECT_TYPE, str(family.pk)) is None
    assert purchase_refusal(public, provider, SERVICE_OBJECT_TYPE, "999999") is not None
    assert purchase_refusal(public, provider, "vouchers.authorisation", "999999") is None


def test_the_till_is_untouched(make_provider, system, buyer, public_wallet):
    """An intent without the catalogue's object type (the till's) ignores the rule."""
    provider, _owner = make_provider()
    intent = checkout.create_intent(
        system,
        buyer=buyer,
        payee=provider,
        amount=PRICE,
        legs=[wallet_leg(public_wallet, PRICE)],
        idempotency_key="till-1",
    )
    assert checkout.authorise(system, intent).status == IntentStatus.AUTHORISED
    checkout.void(system, intent)
    assert balance(public_wallet) == 10_000
