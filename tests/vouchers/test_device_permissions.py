"""A device token acts as its organisation's device (Actor.for_device), never as the system:
on every route of the API, a till of shop A cannot touch shop B's objects, a token of an
organisation whose devices hold no permission (a Comune) cannot redeem, a shop's device whose
permission set is withdrawn is refused by the services' own checks, and a missing or revoked
token is refused. Every refusal changes nothing (audit, ledger, receipts)."""

import json

import pytest

from benecomune.api.main import api
from benecomune.core import actors
from benecomune.core.models import AuditEvent, OrganizationKind, Role
from benecomune.core.services.tokens import create_api_token, revoke_api_token
from benecomune.ledger.models import Reservation, Transfer
from benecomune.vouchers.models import Authorisation, Redemption
from tests.helpers import actor_for
from tests.vouchers.conftest import new_key, new_shop, qr

pytestmark = pytest.mark.django_db


def _route_url(prefix: str, path: str) -> str:
    # A router's "/" is its prefix with the trailing slash (/api/v1/bookings/).
    parts = [p.strip("/") for p in (prefix, path) if p.strip("/")]
    return "/api/v1/" + "/".join(parts) + ("/" if path.strip("/") == "" and parts else "")


ROUTES = sorted(
    (method, _route_url(prefix, path))
    for prefix, router in api._routers
    for path, view in router.path_operations.items()
    for operation in view.operations
    for method in operation.methods
)
PUBLIC = {("GET", "/api/v1/health")}
# Public data that names no person (the free slots of a published service): no token needed,
# tested in tests/bookings/test_api_bookings.py.
PUBLIC_DATA = {("GET", "/api/v1/bookings/slots")}


def route_id(route) -> str:
    return f"{route[0]} {route[1]}"


@pytest.fixture
def world(voucher, member_shop, device_token, join, municipality, network, make_user, api_client):
    """Shop A (member_shop, `device_token`) and shop B in the same circuit, B with its own
    till's authorisation and receipt (made through the API), and a token of the Comune."""
    shop_b = new_shop("Panificio Due", network, municipality)
    join(shop_b, municipality)
    staff_b = make_user("cassa.b@example.org", role=Role.MERCHANT_STAFF, organization=shop_b)
    _token, token_b = create_api_token(
        actor_for(staff_b, Role.MERCHANT_STAFF, shop_b), shop_b, "Cassa B"
    )
    admin = make_user("admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    _token, comune_token = create_api_token(
        actor_for(admin, Role.MUNICIPALITY_ADMIN, municipality), municipality, "Integrazione"
    )
    revoked, revoked_clear = create_api_token(
        actor_for(staff_b, Role.MERCHANT_STAFF, shop_b), shop_b, "Vecchia cassa"
    )

    def call(method, url, body=None, token=None):
        headers = {"HTTP_IDEMPOTENCY_KEY": new_key()}
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "GET":
            response = api_client.get(url, **headers)
        else:
            response = api_client.post(
                url, data=json.dumps(body or {}), content_type="application/json", **headers
            )
        return response

    held = call("POST", "/api/v1/pos/authorisations", {"code": qr(voucher), "amount": 300}, token_b)
    paid = call("POST", "/api/v1/pos/redeem", {"code": qr(voucher), "amount": 200}, token_b)
    assert held.status_code == 201 and paid.status_code == 201, (held.json(), paid.json())
    revoke_api_token(actor_for(staff_b, Role.MERCHANT_STAFF, shop_b), revoked)
    return {
        "voucher": voucher,
        "a": device_token,
        "b": token_b,
        "comune": comune_token,
        "revoked": revoked_clear,
        "b_authorisation": held.json()["id"],
        "b_redemption": paid.json()["id"],
        "shop_a": member_shop,
        "municipality": municipality,
        "call": call,
    }


def _body(route, w):
    """A body the route would accept from shop B's own till."""
    path = route[1]
    if path.endswith(("/redeem", "/authorisations")):
        return {"code": qr(w["voucher"]), "amount": 100}
    if path.endswith("/capture"):
        return {"amount": 100}
    if path.endswith("/void") and "redemptions" in path:
        return {"reason": "prova"}
    if path.endswith("/reschedule"):
        return {"date": "2030-01-07", "time": "10:00", "reason": "prova"}
    if path == "/api/v1/bookings/":
        return {"service": 1, "date": "2030-01-07", "time": "10:00", "fiscal_code": "X"}
    return {}


def _url(route, w):
    return (
        route[1]
        .replace("{authorisation_id}", str(w["b_authorisation"]))
        .replace("{redemption_id}", str(w["b_redemption"]))
    )


def snapshot(w) -> tuple:
    """What a call could change: audit, ledger, holds, receipts and B's objects' state."""
    auth = Authorisation.objects_unscoped.get(pk=w["b_authorisation"])
    receipt = Redemption.objects_unscoped.get(pk=w["b_redemption"])
    return (
        AuditEvent.objects_unscoped.count(),
        Transfer.objects_unscoped.count(),
        Reservation.objects_unscoped.count(),
        Redemption.objects_unscoped.count(),
        Authorisation.objects_unscoped.count(),
        auth.status,
        receipt.voided_at,
    )


# (name, token key in the world, expected statuses, withdraw the shop devices' permissions)
ATTEMPTS = [
    ("no token", None, {401}, False),
    ("revoked token", "revoked", {401}, False),
    ("a Comune's token (no device permission)", "comune", {401, 403, 404}, False),
    ("shop A's till on shop B's objects, or without its permissions", "a", {401, 403, 404}, True),
]
CASES = [
    (route, attempt)
    for route in ROUTES
    if route not in PUBLIC | PUBLIC_DATA
    for attempt in ATTEMPTS
]


def test_every_route_of_the_api_is_covered():
    assert ("POST", "/api/v1/pos/redeem") in ROUTES
    assert ("GET", "/api/v1/whoami") in ROUTES
    assert len(ROUTES) == len(set(ROUTES)) >= 7
    covered = {route for route, _attempt in CASES} | PUBLIC | PUBLIC_DATA
    assert covered == set(ROUTES)


@pytest.mark.parametrize(
    ("route", "attempt"),
    CASES,
    ids=[f"{route_id(r)} | {a[0]}" for r, a in CASES],
)
def test_a_device_cannot_act_outside_its_shop(route, attempt, world, monkeypatch):
    _name, token_key, expected, withdraw = attempt
    object_route = "{" in route[1]
    if withdraw and not object_route:
        # A route on no object of another shop: the device's own permission set is what
        # lets it through, so take it away and the services' checks must refuse.
        monkeypatch.setitem(actors.DEVICE_PERMISSIONS, OrganizationKind.PROVIDER, frozenset())
    before = snapshot(world)
    response = world["call"](
        route[0], _url(route, world), _body(route, world), world[token_key] if token_key else None
    )
    if route == ("GET", "/api/v1/whoami") and token_key in ("a", "comune"):
        # Read-only, and only about the token's own organisation.
        assert response.status_code == 200
        own = world["shop_a"] if token_key == "a" else world["municipality"]
        assert response.json()["organization_id"] == own.pk
    else:
        assert response.status_code in expected, (response.status_code, response.content)
    assert snapshot(world) == before


def test_the_public_routes_reveal_no_organisation(world):
    for method, url in sorted(PUBLIC):
        before = snapshot(world)
        response = world["call"](method, url, token=world["a"])
        assert response.status_code == 200
        assert set(response.json()) <= {"status", "database", "time"}
        assert snapshot(world) == before


def test_the_device_is_bound_to_its_shop_and_is_not_a_system_actor(world):
    from benecomune.core.services.tokens import authenticate_token

    actor = actors.Actor.for_device(authenticate_token(world["a"]))
    shop_a = world["shop_a"]
    assert not actor.system and actor.user is None and actor.is_device
    assert actor.has_perm("merchant.redeem", shop_a)
    assert not actor.has_perm("merchant.redeem", shop_a.pk + 10_000)
    assert not actor.has_perm("merchant.manage", shop_a)
    assert not actor.has_perm("tokens.manage", shop_a)
    assert actor.role.startswith("dispositivo ")


def test_a_device_s_audit_events_name_the_device(world):
    response = world["call"](
        "POST",
        "/api/v1/pos/authorisations",
        {"code": qr(world["voucher"]), "amount": 100},
        world["a"],
    )
    assert response.status_code == 201
    event = AuditEvent.objects_unscoped.filter(actor_role__startswith="dispositivo ").latest("pk")
    assert event.actor_id is None
    assert event.actor_role == f"dispositivo {world['a'][:11]}"
