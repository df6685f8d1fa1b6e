"""PDF documents render (long notes span pages) and are kept for looking at when
$E2E_SCREENSHOTS is set."""

import os
from pathlib import Path

import pytest

from benecomune.ledger.services.transfers import reverse
from benecomune.payouts.services import debit_notes

pytestmark = pytest.mark.django_db


def keep(name: str, content: bytes) -> None:
    target = os.environ.get("E2E_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        (Path(target) / name).write_bytes(content)


def test_a_long_debit_note_spans_pages(shop, shopkeeper, shop_iban, make_wallet, pay, system_actor):
    wallets = [make_wallet(50_000) for _ in range(6)]
    for n in range(90):
        payment = pay(wallets[n % 6], shop, 150 + n * 7)
        if n % 17 == 0:
            reverse(system_actor, payment, reason="Reso")
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    note = debit_notes.issue_debit_note(shopkeeper, note)
    content = note.pdf.read()
    keep("nota-di-debito.pdf", content)
    assert content.startswith(b"%PDF")
    assert (
        content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 2
        or content.count(b"/Type /Page") >= 3
    )
