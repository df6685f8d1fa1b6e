"""SEPA credit transfer initiation, pain.001.001.09 (current) and pain.001.001.03 (legacy).

Written as a stream, one transaction at a time, so a batch of 100,000 payouts takes the same
memory as one of ten. `sepaxml` builds the whole document as an ElementTree and validates it
with the pure-Python `xmlschema`, which does not fit that size; we keep its bundled official
ISO 20022 schemas and validate with libxml2 (lxml), also as a stream.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from benecomune.payouts.sepa.text import sepa_text

SCHEMES = ("pain.001.001.09", "pain.001.001.03")


class BankFileInvalid(Exception):
    """The file does not validate against the official schema (a bug: it must never reach
    the bank)."""


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


def amount_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _agent(scheme: str, bic: str) -> str:
    if bic:
        tag = "BICFI" if scheme != "pain.001.001.03" else "BIC"
        return f"<FinInstnId><{tag}>{escape(bic)}</{tag}></FinInstnId>"
    # EPC guidelines: without a BIC the debtor agent says so explicitly.
    return "<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>"


def write_pain001(
    out,
    *,
    scheme: str,
    message_id: str,
    created_at: datetime.datetime,
    execution_date: datetime.date,
    debtor: Debtor,
    count: int,
    total: int,
    transactions: Iterable[tuple[str, int, str, str, str]],
) -> tuple[int, int]:
    """Write the file to `out` (a text stream). `transactions` yields (end-to-end id, cents,
    IBAN, holder, remittance text); `count` and `total` go in the headers, which come first,
    and are checked against what was written. Returns (count, total) written."""
    if scheme not in SCHEMES:
        raise ValueError(scheme)
    w = out.write
    debtor_name = escape(sepa_text(debtor.name, 70))
    stamp = created_at.strftime("%Y-%m-%dT%H:%M:%S")
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{scheme}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    )
    w("<CstmrCdtTrfInitn><GrpHdr>")
    w(f"<MsgId>{escape(message_id)}</MsgId><CreDtTm>{stamp}</CreDtTm>")
    w(f"<NbOfTxs>{count}</NbOfTxs><CtrlSum>{amount_text(total)}</CtrlSum>")
    w(f"<InitgPty><Nm>{debtor_name}</Nm></InitgPty></GrpHdr>")
    w(f"<PmtInf><PmtInfId>{escape(message_id)}</PmtInfId><PmtMtd>TRF</PmtMtd>")
    w(f"<BtchBookg>true</BtchBookg><NbOfTxs>{count}</NbOfTxs>")
    w(f"<CtrlSum>{amount_text(total)}</CtrlSum>")
    w("<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>")
    day = execution_date.isoformat()
    if scheme == "pain.001.001.03":
        w(f"<ReqdExctnDt>{day}</ReqdExctnDt>")
    else:
        w(f"<ReqdExctnDt><Dt>{day}</Dt></ReqdExctnDt>")
    w(f"<Dbtr><Nm>{debtor_name}</Nm></Dbtr>")
    w(f"<DbtrAcct><Id><IBAN>{escape(debtor.iban)}</IBAN></Id></DbtrAcct>")
    w(f"<DbtrAgt>{_agent(scheme, debtor.bic)}</DbtrAgt><ChrgBr>SLEV</ChrgBr>")
    written = written_total = 0
    for end_to_end, cents, iban, holder, remittance in transactions:
        w(
            f"<CdtTrfTxInf><PmtId><EndToEndId>{escape(end_to_end)}</EndToEndId></PmtId>"
            f'<Amt><InstdAmt Ccy="EUR">{amount_text(cents)}</InstdAmt></Amt>'
            f"<Cdtr><Nm>{escape(sepa_text(holder, 70))}</Nm></Cdtr>"
            f"<CdtrAcct><Id><IBAN>{escape(iban)}</IBAN></Id></CdtrAcct>"
            f"<RmtInf><Ustrd>{escape(sepa_text(remittance, 140))}</Ustrd></RmtInf>"
            "</CdtTrfTxInf>"
        )
        written += 1
        written_total += cents
    w("</PmtInf></CstmrCdtTrfInitn></Document>\n")
    if (written, written_total) != (count, total):
        raise BankFileInvalid(
            _("Il file non torna: %(n)s bonifici per %(t)s centesimi invece di %(en)s per %(et)s.")
            % {"n": written, "t": written_total, "en": count, "et": total}
        )
    return written, written_total


def schema_path(scheme: str):
    if scheme not in SCHEMES:
        raise ValueError(scheme)
    return resources.files("sepaxml").joinpath("schemas", f"{scheme}.xsd")


@cache
def _schema(scheme: str):
    from lxml import etree

    with resources.as_file(schema_path(scheme)) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def validate_pain001(path, scheme: str) -> None:
    """Validate a file against the official XSD, streaming (constant memory). Raises
    BankFileInvalid with libxml2's message."""
    from lxml import etree

    try:
        for _event, element in etree.iterparse(
            str(path),
            events=("end",),
            schema=_schema(scheme),
            resolve_entities=False,
            no_network=True,
            huge_tree=True,
        ):
            if element.tag.endswith("}CdtTrfTxInf"):
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise BankFileInvalid(
            _("Il file per la banca non rispetta lo schema %(scheme)s: %(error)s")
            % {"scheme": scheme, "error": exc}
        ) from exc
