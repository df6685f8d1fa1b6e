"""Voucher fixtures: a funded voucher wallet, a shop in the Comune's circuit (approved, with the
convention accepted), a device token for the shop's till, and a helper to call the POS API.
The ledger's fixtures (and its invariants check after every test) come from tests/ledger."""

import itertools
import json
import re

import pytest

from benecomune.core.models import Provider, Role
from benecomune.core.services.tokens import clear_token_cache, create_api_token
from benecomune.vouchers.services import circuit as circuit_services
from benecomune.vouchers.services import codes
from benecomune.vouchers.services.lookup import merchant_context
from tests.helpers import actor_for
from tests.ledger import conftest as ledger_fixtures

# The ledger's fixtures, and its invariants checked after every test (autouse).
ledger_stays_sound = ledger_fixtures.ledger_stays_sound
make_fund = ledger_fixtures.make_fund
make_provider = ledger_fixtures.make_provider
make_wallet = ledger_fixtures.make_wallet

IBAN = "IT60X0542811101000000123456"
_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_caches():
    """In-process caches (tokens, shops' circuits, wrong-code counters) start empty."""
    from django.core.cache import cache

    clear_token_cache()
    cache.clear()
    yield
    clear_token_cache()


@pytest.fixture
def queued_notices(monkeypatch, settings):
    """The citizen's till notices as a broker would receive them: (kind, id) per task queued,
    not run (the list of what the till asked for, without the task's own queries). With a
    broker the outbox of the one-statement payments waits for beat's drain."""
    from benecomune.vouchers import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.till_notice, "delay", lambda *args: queued.append(args))
    return queued


def join_circuit(actor, shop: Provider, organization, *, accept=True, approve=True):
    """The shop's request to join `organization`'s circuit, approved and the convention
    accepted (unless told otherwise), through the real services."""
    membership = circuit_services.request_membership(
        actor,
        shop,
        organization,
        category=shop.category,
        vat_number=shop.vat_number,
        iban=IBAN,
        iban_holder=shop.name,
        address="Via Roma 1",
        municipality=shop.municipality,
        points_of_sale=[("Negozio", "Via Roma 1")],
        contact_email="negozio@example.org",
    )
    if approve:
        membership = circuit_services.approve(actor, membership)
    if accept:
        membership = circuit_services.accept_convention(actor, membership)
    return membership


@pytest.fixture
def join(system_actor):
    """join(shop, organisation): the shop in that circuit, approved, convention accepted."""

    def make(shop: Provider, organization, *, accept=True, approve=True):
        return join_circuit(system_actor, shop, organization, accept=accept, approve=approve)

    return make


@pytest.fixture
def citizen(make_person, municipality):
    return make_person(municipality, first_name="Anna", last_name="Bianchi", sex="F")


@pytest.fixture
def voucher(make_fund, make_wallet, citizen, network):
    """A 100 euro food voucher of the Comune, valid in the network, for `citizen`."""
    fund = make_fund(1_000_000)
    return make_wallet(
        fund, 10_000, person=citizen, categories=["grocery", "pharmacy"], network=network
    )


@pytest.fixture
def member_shop(shop, municipality, join):
    join(shop, municipality)
    return shop


@pytest.fixture
def ctx(member_shop):
    return merchant_context(member_shop.pk)


@pytest.fixture
def cashier(make_user, member_shop):
    user = make_user("cassa@example.org", role=Role.MERCHANT_STAFF, organization=member_shop)
    return user


@pytest.fixture
def cashier_actor(cashier, member_shop):
    return actor_for(cashier, Role.MERCHANT_STAFF, member_shop)


@pytest.fixture
def device_token(cashier_actor, member_shop):
    _token, clear = create_api_token(cashier_actor, member_shop, "Cassa 1")
    return clear


_vats = itertools.count(5000)


def valid_vat() -> str:
    """A valid partita IVA: serial, provincial office (028 = Padova), Luhn check digit."""
    from stdnum import luhn

    base = f"{next(_vats):07d}028"
    return base + luhn.calc_check_digit(base)


def new_shop(name: str, network, municipality, *, category="grocery", **fields) -> Provider:
    """A shop seated in `municipality` with a valid partita IVA, its slug made from its name;
    `fields` for the rest (or to set slug and VAT number)."""
    values = {
        "slug": re.sub(r"[^a-z0-9]+", "-", name.lower()),
        "vat_number": valid_vat(),
        **fields,
    }
    return Provider.objects.create(
        name=name,
        provider_kind="shop",
        category=category,
        network=network,
        municipality=municipality,
        **values,
    )


def qr(wallet) -> str:
    return codes.make_qr_token(wallet.pk)[0]


def new_key() -> str:
    return f"key-{next(_keys)}"


@pytest.fixture
def pos(api_client, device_token):
    """pos(path, body, key=..., token=...): POST to /api/v1/pos/<path>, JSON back."""
    client = api_client

    def call(path, body=None, *, key="auto", token=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token or device_token}"}
        if key == "auto":
            key = new_key()
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        response = client.post(
            f"/api/v1/pos/{path}",
            data=json.dumps(body or {}),
            content_type="application/json",
            **headers,
        )
        response.body = response.json()
        return response

    return call
