"""Test helpers: what a bank sends back (pain.002) and a payable batch."""

from benecomune.payouts.models import BatchItem, PayoutBatch
from benecomune.payouts.services import batches, debit_notes


def pain002(message_id, outcomes, *, group_status="PART", version="pain.002.001.10"):
    """outcomes: [(end_to_end_id, "ACSC" | "RJCT", reason code or "", amount cents or None)]."""
    txs = []
    for ref, status, code, amount in outcomes:
        reason = f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf>" if code else ""
        amt = (
            f'<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">{amount / 100:.2f}</InstdAmt></Amt></OrgnlTxRef>'
            if amount is not None
            else ""
        )
        txs.append(
            f"<TxInfAndSts><OrgnlEndToEndId>{ref}</OrgnlEndToEndId><TxSts>{status}</TxSts>"
            f"{reason}{amt}</TxInfAndSts>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}"><CstmrPmtStsRpt>'
        "<GrpHdr><MsgId>BANCA-1</MsgId><CreDtTm>2026-11-23T10:00:00</CreDtTm></GrpHdr>"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{message_id}</OrgnlMsgId>"
        f"<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>{group_status}</GrpSts>"
        "</OrgnlGrpInfAndSts>"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{message_id}</OrgnlPmtInfId>{''.join(txs)}"
        "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def refs(batch: PayoutBatch) -> list[str]:
    return list(
        BatchItem.objects_unscoped.filter(batch=batch)
        .order_by("pk")
        .values_list("end_to_end_id", flat=True)
    )


def approved_notes(shopkeeper, admin, shops_and_amounts, make_wallet, pay):
    """Pay each shop, issue and approve its note. Returns the notes."""
    wallet = make_wallet(500_000)
    notes = []
    for shop, amount in shops_and_amounts:
        pay(wallet, shop, amount)
        (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
        note = debit_notes.issue_debit_note(shopkeeper, note)
        notes.append(debit_notes.approve_debit_note(admin, note))
    return notes


def ready_batch(admin, payer, **kwargs) -> PayoutBatch:
    batch = batches.prepare_batch(admin, payer, start=False, **kwargs)
    return batches.generate_batch(batch.pk)
