"""Every use of a voucher at a till is told to its holder: in-app, and by e-mail when they have
one; sent by a Celery task queued after the commit, or, for the API's one-statement payment,
through the outbox its statement writes (drained by beat, or at once without a broker); never
for a refusal nor for a replay."""

import pytest
from django.core import mail

from benecomune.core.models import Notification
from benecomune.vouchers.services import codes
from tests.vouchers.conftest import qr

pytestmark = pytest.mark.django_db


@pytest.fixture
def reachable(citizen):
    citizen.email = "anna.bianchi@example.org"
    citizen.save(update_fields=["email"])
    return citizen


def messages_of(person):
    return list(Notification.objects.filter(person=person).order_by("pk"))


def test_a_payment_and_its_void_are_notified(
    pos, voucher, reachable, member_shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        paid = pos("redeem", {"code": qr(voucher), "amount": 1_250}, key="s1")
    assert paid.status_code == 201
    [message] = messages_of(reachable)
    assert message.subject == "Pagamento con il buono: € 12,50"
    assert member_shop.name in message.body and voucher.title in message.body
    assert "€ 87,50" in message.body  # balance left
    assert "non riconosce" in message.body
    assert message.link == f"/area-personale/borsellini/{voucher.pk}/"
    assert [m.to for m in mail.outbox] == [["anna.bianchi@example.org"]]
    assert "Pagamento con il buono" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        replay = pos("redeem", {"code": qr(voucher), "amount": 1_250}, key="s1")
        refused = pos("redeem", {"code": qr(voucher), "amount": 99_999})
    assert replay.body["replayed"] and refused.status_code == 409
    assert len(messages_of(reachable)) == 1  # neither a replay nor a refusal is a payment
    with django_capture_on_commit_callbacks(execute=True):
        voided = pos(f"redemptions/{paid.body['id']}/void", {"reason": "errore"})
    assert voided.status_code == 200
    assert messages_of(reachable)[-1].subject == "Pagamento annullato: € 12,50 tornati sul buono"
    assert len(mail.outbox) == 2


def test_the_notice_waits_for_the_commit(
    pos, voucher, reachable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert pos("redeem", {"code": qr(voucher), "amount": 100}).status_code == 201
    assert messages_of(reachable) == []  # queued, not sent: the payment is not committed yet
    assert len(callbacks) == 1


def test_typed_code_hold_release_and_capture_are_notified(
    pos, voucher, citizen, django_capture_on_commit_callbacks
):
    # No e-mail address: the in-app message alone.
    with django_capture_on_commit_callbacks(execute=True):
        code = codes.current_typed_code(voucher).code
        held = pos("authorisations", {"code": code, "amount": 3_000})
        pos(f"authorisations/{held.body['id']}/void")
        code = codes.current_typed_code(voucher).code
        again = pos("authorisations", {"code": code, "amount": 2_000})
        pos(f"authorisations/{again.body['id']}/capture", {"amount": 1_500})
    subjects = [m.subject for m in messages_of(citizen)]
    assert subjects == [
        "Importo bloccato sul buono: € 30,00",
        "Importo sbloccato: € 30,00 di nuovo disponibili",
        "Importo bloccato sul buono: € 20,00",
        "Pagamento con il buono: € 15,00",
    ]
    assert "con il codice digitato" in messages_of(citizen)[0].body
    assert mail.outbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_fast_path_payment_is_notified(voucher, reachable, device_token):
    from tests.vouchers.test_vouchers_api_fast import Paths, call

    paths = Paths()
    answer = call(paths.fast, {"code": qr(voucher), "amount": 700}, token=device_token)
    assert (answer.status_code, paths.fallbacks) == (201, 0)  # answered by the fast path
    [message] = messages_of(reachable)
    assert message.subject == "Pagamento con il buono: € 7,00"
    assert "con il QR" in message.body
    to_anna = [m for m in mail.outbox if m.to == ["anna.bianchi@example.org"]]
    assert [m.subject for m in to_anna] == ["[Bene Comune] Pagamento con il buono: € 7,00"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_fast_path_writes_the_notice_in_its_statement_and_beat_sends_it(
    voucher, reachable, device_token, queued_notices
):
    """With a broker the fast path publishes nothing: its statement wrote the notice into the
    outbox, and beat's task sends it (once, whoever else drains at the same time)."""
    from benecomune.vouchers.models import TillNotice
    from benecomune.vouchers.tasks import send_till_notices
    from tests.vouchers.test_vouchers_api_fast import Paths, call

    paths = Paths()
    answer = call(paths.fast, {"code": qr(voucher), "amount": 700}, token=device_token)
    assert paths.fallbacks == 0
    assert queued_notices == []
    assert list(TillNotice.objects.values_list("kind", "object_id")) == [
        ("payment", answer.body["id"])
    ]
    assert Notification.objects.count() == 0
    assert send_till_notices() == 1
    assert send_till_notices() == 0
    [message] = messages_of(reachable)
    assert message.subject == "Pagamento con il buono: € 7,00"
    assert not TillNotice.objects.exists()
    to_anna = [m for m in mail.outbox if m.to == ["anna.bianchi@example.org"]]
    assert [m.subject for m in to_anna] == ["[Bene Comune] Pagamento con il buono: € 7,00"]


def test_a_notice_that_fails_stays_for_the_next_drain(voucher, citizen, monkeypatch):
    from benecomune.vouchers.models import TillNotice
    from benecomune.vouchers.services import notices

    paid = TillNotice.objects.create(kind="payment", object_id=10**9, created_at=voucher.created_at)
    failing = TillNotice.objects.create(kind="hold", object_id=1, created_at=voucher.created_at)

    def send(kind, pk):
        if kind == "hold":
            raise RuntimeError("SMTP down")
        raise notices.Redemption.DoesNotExist

    monkeypatch.setattr(notices, "send", send)
    assert notices.drain() == 0
    # The row of a redemption that is gone is dropped; the failed one is kept.
    assert list(TillNotice.objects.values_list("pk", flat=True)) == [failing.pk]
    assert paid.pk != failing.pk
