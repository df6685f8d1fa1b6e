"""The bank's answer to a batch: a pain.002 status report or a CSV of outcomes.

Both are untrusted input: XML is parsed with defusedxml (no DTD, no entities, no external
references), sizes and counts are bounded, and anything unexpected is refused with an Italian
message that says what to fix. Parsing changes nothing; matching against the batch is done by
`services.results`.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.ledger.money import parse_euro

MAX_BYTES = 50 * 1024 * 1024
MAX_OUTCOMES = 500_000

PAID, REJECTED, PENDING = "paid", "rejected", "pending"
STATUS_CODES = {
    "ACSC": PAID,  # settlement completed on the debtor's account
    "ACCC": PAID,  # settlement completed on the creditor's account
    "RJCT": REJECTED,
    "ACCP": PENDING,
    "ACSP": PENDING,
    "ACTC": PENDING,
    "ACWC": PENDING,
    "ACWP": PENDING,
    "PDNG": PENDING,
    "RCVD": PENDING,
    "PART": PENDING,
}

# ISO 20022 external status reason codes a bank uses most for rejected credit transfers.
REASONS = {
    "AC01": gettext_lazy("IBAN errato"),
    "AC04": gettext_lazy("conto chiuso"),
    "AC06": gettext_lazy("conto bloccato"),
    "AC13": gettext_lazy("tipo di conto non valido"),
    "AG01": gettext_lazy("operazione non consentita su questo conto"),
    "AG02": gettext_lazy("codice operazione non valido"),
    "AM04": gettext_lazy("fondi insufficienti sul conto di addebito"),
    "AM05": gettext_lazy("bonifico duplicato"),
    "BE01": gettext_lazy("l'intestatario non corrisponde al conto"),
    "BE04": gettext_lazy("indirizzo del beneficiario mancante"),
    "FF01": gettext_lazy("formato del file non valido"),
    "MD07": gettext_lazy("beneficiario deceduto"),
    "MS02": gettext_lazy("rifiutato dal beneficiario"),
    "MS03": gettext_lazy("motivo non specificato dalla banca"),
    "RC01": gettext_lazy("codice BIC errato"),
    "RR01": gettext_lazy("dati del debitore mancanti (norme antiriciclaggio)"),
    "RR02": gettext_lazy("nome o indirizzo del debitore mancante"),
    "RR03": gettext_lazy("nome o indirizzo del beneficiario mancante"),
    "RR04": gettext_lazy("motivi regolamentari"),
}


class ResultFileError(ValidationError):
    """The file cannot be used; the message says why, in Italian."""


@dataclass
class Outcome:
    reference: str
    status: str
    code: str = ""
    reason: str = ""
    amount: int | None = None
    line: int = 0


@dataclass
class Report:
    kind: str
    message_id: str = ""
    group_status: str = ""
    group_code: str = ""
    group_reason: str = ""
    outcomes: list[Outcome] = field(default_factory=list)


def reason_text(code: str, extra: str = "") -> str:
    label = str(REASONS.get(code, "")) if code else ""
    parts = [p for p in (f"{code} {label}".strip() if code else "", extra.strip()) if p]
    return " — ".join(parts)[:300] or _("motivo non indicato")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, name):
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _text(element, *path) -> str:
    for name in path:
        if element is None:
            return ""
        element = _child(element, name)
    return (element.text or "").strip() if element is not None else ""


def _reason(element) -> tuple[str, str]:
    info = _child(element, "StsRsnInf")
    if info is None:
        return "", ""
    code = _text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry")
    extra = " ".join((e.text or "").strip() for e in _children(info, "AddtlInf"))
    return code, extra


def _status(code: str, where: str) -> str:
    if code not in STATUS_CODES:
        raise ResultFileError(
            _("Stato «%(code)s» sconosciuto in %(where)s: il file non sembra un esito bancario.")
            % {"code": code, "where": where}
        )
    return STATUS_CODES[code]


def _unreadable_xml(exc: Exception) -> str:
    position = getattr(exc, "position", None)
    if isinstance(exc, UnicodeError):
        return _(
            "Il file non è un XML leggibile: contiene caratteri in una codifica non valida. "
            "Carichi il file dell'esito così come l'ha scaricato dalla banca."
        )
    if position:
        return _(
            "Il file non è un XML leggibile: è incompleto o danneggiato (problema alla riga "
            "%(line)s). Scarichi di nuovo l'esito dalla banca e lo carichi senza modificarlo."
        ) % {"line": position[0]}
    return _(
        "Il file non è un XML leggibile: è incompleto o danneggiato. Scarichi di nuovo "
        "l'esito dalla banca e lo carichi senza modificarlo."
    )


def parse_pain002(data: bytes) -> Report:
    if len(data) > MAX_BYTES:
        raise ResultFileError(_("Il file è troppo grande (oltre 50 MB)."))
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ResultFileError(
            _("Il file contiene dichiarazioni XML non ammesse (DTD o entità): non lo usiamo.")
        ) from exc
    except Exception as exc:  # ParseError, UnicodeError: not XML at all
        # The parser's own text is English and technical ("no element found: line 6,
        # column 203"): say what it means, with the line when there is one.
        raise ResultFileError(_unreadable_xml(exc)) from exc
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    report_el = _child(root, "CstmrPmtStsRpt")
    message_name = namespace.rsplit(":", 1)[-1]
    if (
        _local(root.tag) != "Document"
        or report_el is None
        or not message_name.startswith("pain.002.")
    ):
        raise ResultFileError(
            _(
                "Il file non è un esito di pagamento pain.002: ci aspettiamo il documento "
                "CstmrPmtStsRpt restituito dalla banca."
            )
        )
    group = _child(report_el, "OrgnlGrpInfAndSts")
    message_id = _text(group, "OrgnlMsgId")
    if not message_id:
        raise ResultFileError(_("Nel file manca il riferimento alla distinta (OrgnlMsgId)."))
    report = Report(kind="pain.002", message_id=message_id)
    group_status = _text(group, "GrpSts")
    if group_status:
        _status(group_status, _("stato della distinta"))
        report.group_status = group_status
        report.group_code, report.group_reason = _reason(group)
    for payment_info in _children(report_el, "OrgnlPmtInfAndSts"):
        info_status = _text(payment_info, "PmtInfSts")
        if info_status:
            _status(info_status, _("stato del pagamento"))
            if not report.group_status or report.group_status == "PART":
                report.group_status = info_status
                report.group_code, report.group_reason = _reason(payment_info)
        for tx in _children(payment_info, "TxInfAndSts"):
            reference = _text(tx, "OrgnlEndToEndId")
            tx_status = _text(tx, "TxSts")
            if not reference or not tx_status:
                raise ResultFileError(
                    _("Un esito del file non ha il riferimento del bonifico o il suo stato.")
                )
            code, extra = _reason(tx)
            amount_text = _text(tx, "OrgnlTxRef", "Amt", "InstdAmt")
            amount = None
            if amount_text:
                try:
                    amount = int(Decimal(amount_text) * 100)
                except InvalidOperation as exc:
                    raise ResultFileError(
                        _("Importo non leggibile per il bonifico %(ref)s.") % {"ref": reference}
                    ) from exc
            report.outcomes.append(
                Outcome(
                    reference=reference,
                    status=_status(tx_status, reference),
                    code=code,
                    reason=extra,
                    amount=amount,
                )
            )
            if len(report.outcomes) > MAX_OUTCOMES:
                raise ResultFileError(_("Il file contiene troppi esiti."))
    if not report.outcomes and report.group_status in ("", "PART"):
        raise ResultFileError(_("Il file non contiene esiti di bonifici."))
    return report


CSV_PAID = {"pagato", "eseguito", "accreditato", "acsc", "accc", "paid"}
CSV_REJECTED = {"respinto", "rifiutato", "non eseguito", "stornato", "rjct", "rejected"}


def parse_outcomes_csv(data: bytes) -> Report:
    """Columns (header required, ';' or ','): riferimento; esito (pagato / respinto);
    motivo (required when respinto); optional codice and importo."""
    if len(data) > MAX_BYTES:
        raise ResultFileError(_("Il file è troppo grande (oltre 50 MB)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ResultFileError(_("Il file CSV deve essere salvato in UTF-8.")) from exc
    if "\x00" in text:
        raise ResultFileError(_("Il file non è un CSV di testo."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise ResultFileError(_("Il file CSV è vuoto.")) from exc
    if "riferimento" not in header or "esito" not in header:
        raise ResultFileError(
            _(
                "Intestazione del CSV non valida: servono almeno le colonne «riferimento» ed "
                "«esito» (e «motivo» per i bonifici respinti)."
            )
        )
    column = {name: header.index(name) for name in header if name}
    report = Report(kind="csv")
    try:
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue

            def cell(name, row=row):
                index = column.get(name)
                return row[index].strip() if index is not None and index < len(row) else ""

            reference, outcome = cell("riferimento"), cell("esito").lower()
            if not reference:
                raise ResultFileError(_("Riga %(n)s: manca il riferimento.") % {"n": number})
            if outcome in CSV_PAID:
                status = PAID
            elif outcome in CSV_REJECTED:
                status = REJECTED
            else:
                raise ResultFileError(
                    _("Riga %(n)s: esito «%(value)s» non riconosciuto (scriva pagato o respinto).")
                    % {"n": number, "value": outcome}
                )
            code, reason = cell("codice").upper(), cell("motivo")
            if status == REJECTED and not (code or reason):
                raise ResultFileError(
                    _("Riga %(n)s: indichi il motivo del rifiuto.") % {"n": number}
                )
            amount = None
            if cell("importo"):
                try:
                    amount = parse_euro(cell("importo"))
                except ValidationError as exc:
                    raise ResultFileError(
                        _("Riga %(n)s: importo non valido.") % {"n": number}
                    ) from exc
            report.outcomes.append(
                Outcome(reference, status, code, reason, amount=amount, line=number)
            )
            if len(report.outcomes) > MAX_OUTCOMES:
                raise ResultFileError(_("Il file contiene troppi esiti."))
    except csv.Error as exc:
        # csv's own text is English ("new-line character seen in unquoted field").
        raise ResultFileError(
            _(
                "Il CSV non è leggibile alla riga %(n)s: controlli le virgolette e il "
                "separatore (punto e virgola o virgola) di quella riga."
            )
            % {"n": reader.line_num}
        ) from exc
    if not report.outcomes:
        raise ResultFileError(_("Il file CSV non contiene esiti."))
    return report


def parse_report(data: bytes, filename: str = "") -> Report:
    """pain.002 (XML) or CSV, told apart by the content, not the name."""
    head = data.lstrip()[:200].lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")):
        return parse_pain002(data)
    return parse_outcomes_csv(data)
