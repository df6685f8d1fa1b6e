"""The circuit: requests with validated partita IVA and IBAN, decisions by the Comune, the
convention, and that only approved shops with the convention accepted can redeem."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import AuditEvent, Provider, Role, User
from benecomune.vouchers.models import CircuitMembership, MembershipStatus, PointOfSale
from benecomune.vouchers.services import circuit, staff
from benecomune.vouchers.services.errors import VoucherError
from benecomune.vouchers.services.lookup import merchant_context
from benecomune.vouchers.services.redeem import identify, redeem
from tests.helpers import actor_for
from tests.vouchers.conftest import IBAN, new_shop, qr, valid_vat

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_actor(make_user, shop):
    user = make_user("titolare@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    return actor_for(user, Role.MERCHANT_STAFF, shop)


@pytest.fixture
def admin_actor(make_user, municipality):
    user = make_user("admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    return actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)


def request(actor, shop, org, **overrides):
    data = {
        "category": "grocery",
        "vat_number": shop.vat_number,
        "iban": IBAN,
        "iban_holder": "Bepi Srl",
        "address": "Via Roma 1",
        "municipality": shop.municipality,
        "points_of_sale": [("Centro", "Via Roma 1"), ("", "Piazza Camerini 3")],
        "contact_email": "bepi@example.org",
    }
    data.update(overrides)
    return circuit.request_membership(actor, shop, org, **data)


def test_request_approve_accept_then_redeem(
    shop_actor, admin_actor, shop, municipality, voucher, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    membership = request(shop_actor, shop, municipality, category="bakery")
    assert membership.status == MembershipStatus.PENDING
    assert list(
        PointOfSale.objects_unscoped.filter(merchant=shop)
        .order_by("pk")
        .values_list("name", "address")
    ) == [
        ("Centro", "Via Roma 1"),
        (shop.name, "Piazza Camerini 3"),
    ]
    ctx = merchant_context(shop.pk)
    assert not ctx.may_redeem(voucher)  # pending

    with django_capture_on_commit_callbacks(execute=True):
        circuit.approve(admin_actor, membership)
    shop.refresh_from_db()
    assert shop.category == "bakery"  # what the Comune approved is what the rules check
    assert not merchant_context(shop.pk).may_redeem(voucher)  # convention not accepted yet

    circuit.accept_convention(shop_actor, membership)
    membership.refresh_from_db()
    assert membership.is_active
    assert membership.convention_version == 1
    assert membership.convention_accepted_by == shop_actor.user
    assert merchant_context(shop.pk).may_redeem(voucher)
    actions = list(
        AuditEvent.objects_unscoped.filter(object_type="vouchers.circuitmembership")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "vouchers.membership_requested",
        "vouchers.membership_approved",
        "vouchers.convention_accepted",
    ]
    assert any("approvata" in m.subject for m in mail.outbox)


def test_network_circuit_takes_the_vouchers_of_its_comuni(shop, network, join, voucher):
    join(shop, network)
    assert merchant_context(shop.pk).may_redeem(voucher)


def test_pending_or_unaccepted_shop_cannot_redeem(shop, municipality, join, voucher, system_actor):
    join(shop, municipality, approve=False, accept=True)
    ctx = merchant_context(shop.pk)
    with pytest.raises(VoucherError) as caught:
        redeem(system_actor, ctx, code=qr(voucher), amount=100, idempotency_key="k")
    assert caught.value.error_code == "not_valid_here"
    assert "circuito" in caught.value.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vat_number", "12345678901", "La partita IVA 12345678901 non è valida"),
        ("iban", "IT60X0542811101000000123457", "L'IBAN IT60X0542811101000000123457 non è valido"),
        ("iban", "DE89370400440532013000", "Serve un conto italiano"),
        ("iban_holder", "  ", "Indichi l'intestatario"),
        ("points_of_sale", [], "almeno un punto vendita"),
        ("category", "casinò", "Scelga la categoria"),
    ],
)
def test_bad_request_data_changes_nothing(shop_actor, shop, municipality, field, value, message):
    before = AuditEvent.objects_unscoped.count()
    with pytest.raises(ValidationError) as caught:
        request(shop_actor, shop, municipality, **{field: value})
    assert message in " ".join(caught.value.message_dict[field])
    assert not CircuitMembership.objects_unscoped.exists()
    assert not PointOfSale.objects_unscoped.exists()
    assert AuditEvent.objects_unscoped.count() == before


def test_vat_of_another_shop_is_refused(shop_actor, shop, municipality, make_provider):
    other = new_shop("Altro", shop.network, municipality)
    with pytest.raises(ValidationError) as caught:
        request(shop_actor, shop, municipality, vat_number=other.vat_number)
    assert "già registrata" in caught.value.message_dict["vat_number"][0]


def test_only_the_comune_decides_and_with_reasons(shop_actor, admin_actor, shop, municipality):
    membership = request(shop_actor, shop, municipality)
    with pytest.raises(PermissionDenied):
        circuit.approve(shop_actor, membership)
    with pytest.raises(ValidationError) as caught:
        circuit.reject(admin_actor, membership, reason="")
    assert "motivo" in caught.value.message_dict["reason"][0]
    circuit.reject(admin_actor, membership, reason="Documenti incompleti")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REJECTED
    with pytest.raises(ValidationError):
        circuit.approve(admin_actor, membership)  # rejected: the shop must ask again
    again = request(shop_actor, shop, municipality)
    assert again.pk == membership.pk
    assert again.status == MembershipStatus.PENDING


def test_other_comune_admin_cannot_decide(
    shop_actor, shop, municipality, other_municipality, make_user
):
    user = make_user(
        "limena@example.org", role=Role.MUNICIPALITY_ADMIN, organization=other_municipality
    )
    other_admin = actor_for(user, Role.MUNICIPALITY_ADMIN, other_municipality)
    membership = request(shop_actor, shop, municipality)
    with pytest.raises(PermissionDenied):
        circuit.approve(other_admin, membership)


def test_suspend_and_reinstate(shop, municipality, join, admin_actor, voucher):
    membership = join(shop, municipality)
    circuit.suspend(admin_actor, membership, reason="Verifica")
    assert not merchant_context(shop.pk).may_redeem(voucher)
    circuit.reinstate(admin_actor, membership)
    assert merchant_context(shop.pk).may_redeem(voucher)


def test_merchant_iban_for_settlement(shop, municipality, join):
    join(shop, municipality)
    assert circuit.merchant_iban(shop) == (IBAN, shop.name)
    assert circuit.merchant_iban(shop, municipality.pk) == (IBAN, shop.name)


def test_self_service_signup_creates_a_pending_shop(
    municipality, admin_actor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        provider, user = staff.register_merchant(
            name="Forno Nuovo",
            vat_number=valid_vat(),
            category="bakery",
            address="Via Dante 2",
            municipality=municipality,
            circuit_organization=municipality,
            points_of_sale=[("", "Via Dante 2")],
            iban=IBAN,
            iban_holder="Forno Nuovo snc",
            contact_name="Lucia Forno",
            email="Lucia@Example.org",
            base_url="http://testserver/",
        )
    assert not provider.is_active
    assert user.email == "lucia@example.org"
    assert not user.has_usable_password()
    assert user.memberships.get().role == Role.MERCHANT_STAFF
    membership = CircuitMembership.objects_unscoped.get(merchant=provider)
    assert membership.status == MembershipStatus.PENDING
    assert "/password/nuova/" in mail.outbox[-1].body
    circuit.approve(admin_actor, membership)
    provider.refresh_from_db()
    assert provider.is_active


def test_self_service_signup_with_bad_data_writes_nothing(municipality):
    users, providers = User.objects.count(), Provider.objects.count()
    with pytest.raises(ValidationError) as caught:
        staff.register_merchant(
            name="Forno",
            vat_number="123",
            category="bakery",
            address="Via Dante 2",
            municipality=municipality,
            circuit_organization=municipality,
            points_of_sale=[("", "Via Dante 2")],
            iban="IT00 0000",
            iban_holder="Forno",
            contact_name="Lucia",
            email="lucia@example.org",
            base_url="http://testserver/",
        )
    errors = caught.value.message_dict
    assert set(errors) >= {"vat_number", "iban"}  # every problem at once
    assert (User.objects.count(), Provider.objects.count()) == (users, providers)
    assert not CircuitMembership.objects_unscoped.exists()


def test_staff_invite_and_removal(shop_actor, shop, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        membership = staff.invite_staff(
            shop_actor,
            shop,
            email="commessa@example.org",
            full_name="Carla Commessa",
            base_url="http://t/",
        )
    assert membership.role == Role.MERCHANT_STAFF
    assert "commessa" in mail.outbox[-1].to[0]
    staff.remove_staff(shop_actor, membership)
    membership.refresh_from_db()
    assert not membership.is_active
    own = shop_actor.membership
    with pytest.raises(ValidationError):
        staff.remove_staff(shop_actor, own)


def test_a_shop_reads_a_code_but_the_wallet_is_what_counts(
    shop, municipality, join, voucher, system_actor
):
    join(shop, municipality)
    found = identify(system_actor, merchant_context(shop.pk), qr(voucher))
    assert found.wallet.pk == voucher.pk
    assert found.wallet.available == 10_000
    assert found.wallet.holder_name == "Anna B."
