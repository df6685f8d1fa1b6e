"""QR tokens (signature, expiry), typed codes, and printed cards (PIN, lockout, block,
reissue, who may do it, the citizen told)."""

import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.vouchers.models import CardStatus, TypedCode, VoucherCard
from benecomune.vouchers.services import cards, codes
from benecomune.vouchers.services.errors import VoucherError
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


def test_qr_token_round_trip_and_expiry():
    token, expires = codes.make_qr_token(4242, now=1_000_000)
    assert expires == 1_000_000 + codes.QR_SECONDS
    assert token.startswith("BC1.")
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.")  # QR alphanumeric mode
    assert codes.read_qr_token(token, now=1_000_000 + codes.QR_SECONDS) == 4242
    with pytest.raises(VoucherError) as caught:
        codes.read_qr_token(token, now=1_000_000 + codes.QR_SECONDS + 1)
    assert caught.value.error_code == "invalid_code"
    assert "scaduto" in caught.value.text


def test_qr_token_tampering_is_detected():
    token, _exp = codes.make_qr_token(7)
    prefix, wallet, expiry, signature = token.split(".")
    forged = [
        f"{prefix}.{codes._b36(8)}.{expiry}.{signature}",  # another wallet
        f"{prefix}.{wallet}.{codes._b36(int(expiry, 36) + 3600)}.{signature}",  # longer life
        f"{prefix}.{wallet}.{expiry}.{signature[:-1]}{'B' if signature[-1] == 'A' else 'A'}",
        f"{prefix}.{wallet}.{expiry}",
    ]
    for value in forged:
        with pytest.raises(VoucherError) as caught:
            codes.read_qr_token(value)
        assert caught.value.error_code == "invalid_code"


def test_qr_token_survives_key_rotation(settings):
    token, _exp = codes.make_qr_token(9)
    old_key = settings.SECRET_KEY
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old_key]):
        assert codes.read_qr_token(token) == 9
    with (
        override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]),
        pytest.raises(VoucherError),
    ):
        codes.read_qr_token(token)


def test_classify_catches_typos_before_any_lookup():
    assert codes.classify(" bc1.a.b.c ").kind == "qr"
    code = codes.random_digits(8)
    assert codes.classify(f"{code[:4]} {code[4:]}") == codes.ReadCode("code", code)
    card = codes.random_digits(12)
    assert codes.classify(card).kind == "card"
    typo = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(VoucherError) as caught:
        codes.classify(typo)
    assert "controlli le cifre" in caught.value.text
    with pytest.raises(VoucherError):
        codes.classify("123")


def test_typed_code_is_reused_then_renewed(voucher):
    first = codes.current_typed_code(voucher)
    assert codes.current_typed_code(voucher).pk == first.pk
    assert codes.lookup_typed_code(first.code) == voucher.pk
    TypedCode.objects_unscoped.filter(pk=first.pk).update(
        expires_at=first.created_at  # nearly dead: the page gets a new one
    )
    second = codes.current_typed_code(voucher)
    assert second.code != first.code
    with pytest.raises(VoucherError):
        codes.lookup_typed_code(first.code)
    assert not TypedCode.objects_unscoped.filter(pk=first.pk).exists()  # purged


def test_pin_rules():
    for bad in ("123", "1234567", "abcd", "1111", "1234", "9876"):
        with pytest.raises(VoucherError):
            cards.validate_pin(bad)
    assert cards.validate_pin("2468") == "2468"


def test_issue_reissue_block_by_the_holder(
    voucher, citizen, make_user, django_capture_on_commit_callbacks
):
    user = make_user("anna@example.org", person=citizen)
    holder = actor_for(user)
    card, pin = cards.issue_card(holder, voucher, pin="2468")
    assert pin == "2468"
    assert card.pin_hash != "2468" and len(card.pin_hash) == 64
    assert cards.pin_matches(card, "2468")
    assert not cards.pin_matches(card, "2469")
    assert Notification.objects.filter(person=citizen).count() == 0  # first card: no alarm

    new, new_pin = cards.issue_card(holder, voucher)
    assert len(new_pin) == cards.GENERATED_PIN_LENGTH
    card.refresh_from_db()
    assert card.status == CardStatus.REPLACED
    assert Notification.objects.filter(person=citizen, subject__startswith="Nuova tessera").exists()

    cards.block_card(holder, new, reason="Persa")
    new.refresh_from_db()
    assert new.status == CardStatus.BLOCKED
    assert Notification.objects.filter(person=citizen, subject__contains="bloccata").exists()
    actions = set(
        AuditEvent.objects_unscoped.filter(object_type="vouchers.vouchercard").values_list(
            "action", flat=True
        )
    )
    assert actions == {"vouchers.card_issued", "vouchers.card_reissued", "vouchers.card_blocked"}


def test_someone_else_cannot_touch_the_card(voucher, make_person, municipality, make_user, shop):
    stranger = actor_for(make_user("x@example.org", person=make_person(municipality)))
    with pytest.raises(PermissionDenied):
        cards.issue_card(stranger, voucher)
    merchant = make_user("m@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    with pytest.raises(PermissionDenied):
        cards.issue_card(actor_for(merchant, Role.MERCHANT_STAFF, shop), voucher)
    assert not VoucherCard.objects_unscoped.exists()


def test_desk_operator_issues_for_the_citizen(voucher, make_user, municipality):
    user = make_user("desk@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    desk = actor_for(user, Role.DESK_OPERATOR, municipality)
    with pytest.raises(ValidationError):  # no consent, no delegation
        cards.issue_card(desk, voucher)
    assert not VoucherCard.objects_unscoped.exists()
    card, pin = cards.issue_card(desk, voucher, consent="di persona, con documento")
    assert card.issued_by == user
    assert cards.pin_matches(card, pin)


def test_lockout_after_five_wrong_pins(voucher, system_actor, django_capture_on_commit_callbacks):
    card, _pin = cards.issue_card(system_actor, voucher, pin="2468")
    for left in (4, 3, 2, 1):
        with pytest.raises(VoucherError) as caught:
            cards.verify_pin(system_actor, card, "0000")
        assert caught.value.error_code == "wrong_pin"
        assert str(left) in caught.value.text
    with pytest.raises(VoucherError) as caught:
        cards.verify_pin(system_actor, card, "0000")
    assert caught.value.error_code == "card_locked"
    card.refresh_from_db()
    assert card.status == CardStatus.LOCKED
    assert card.failed_pins == 5
    assert AuditEvent.objects_unscoped.filter(action="vouchers.card_locked").count() == 1
    with pytest.raises(VoucherError) as caught:
        cards.verify_pin(system_actor, card, "2468")
    assert caught.value.error_code == "card_locked"


def test_pin_check_is_fast(voucher, system_actor):
    """The PIN hash is a keyed HMAC, not a slow password hash: fine at the till."""
    card, _pin = cards.issue_card(system_actor, voucher, pin="2468")
    start = time.perf_counter()
    for _ in range(200):
        cards.pin_matches(card, "2468")
    assert time.perf_counter() - start < 1.0
