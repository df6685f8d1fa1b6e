"""The treasurer's beneficiary list of a batch (for Comuni that pay through their treasurer's
payment order): CSV for any spreadsheet, XLSX for the treasury's office. Written by a job."""

import os
import tempfile

from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from benecomune.core.exports import (
    MONEY_FORMAT,
    CsvWriter,
    euro_number,
    safe_row,
    with_progress,
)
from benecomune.core.files import stored_name
from benecomune.ledger.money import format_decimal
from benecomune.payouts.models import BatchItem, ItemStatus, PayoutBatch

CHUNK = 2000


def headers() -> list[str]:
    return [
        _("N."),
        _("Beneficiario"),
        _("Codice fiscale o partita IVA"),
        _("IBAN"),
        _("Intestatario del conto"),
        _("Importo (euro)"),
        _("Causale"),
        _("Riferimento del bonifico"),
    ]


def rows(batch: PayoutBatch):
    items = (
        BatchItem.objects_unscoped.filter(batch=batch)
        .exclude(status=ItemStatus.WITHDRAWN)
        .order_by("pk")
        .values_list(
            "order__beneficiary_name",
            "order__person__fiscal_code",
            "order__provider__vat_number",
            "iban",
            "holder",
            "amount",
            "remittance",
            "end_to_end_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    for number, (name, fiscal_code, vat, iban, holder, amount, remittance, ref) in enumerate(
        items, start=1
    ):
        yield [number, name, fiscal_code or vat or "", iban, holder, amount, remittance, ref]


def write_beneficiary_list(job, batch_id: int, fmt: str) -> None:
    batch = PayoutBatch.objects_unscoped.get(pk=batch_id)
    total = batch.item_count
    handle, path = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    try:
        if fmt == "xlsx":
            _write_xlsx(path, batch, job, total)
        else:
            _write_csv(path, batch, job, total)
        with open(path, "rb") as fh:
            # A random stored name; the download is named after the job's title.
            job.result_file.save(stored_name(f"elenco.{fmt}"), File(fh), save=False)
    finally:
        os.unlink(path)
    job.result = {"batch_id": batch.pk, "rows": total}


def _write_csv(path, batch, job, total):
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = CsvWriter(out)
        writer.writerow(headers())
        for row in with_progress(job, rows(batch), total, every=CHUNK):
            row[5] = format_decimal(row[5])
            writer.writerow(row)
        writer.writerow([])
        writer.writerow(["", _("Totale"), "", "", "", format_decimal(batch.total), "", ""])


def _write_xlsx(path, batch, job, total):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Beneficiari"))
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["C"].width = 20
    sheet.column_dimensions["D"].width = 32
    sheet.column_dimensions["E"].width = 30
    sheet.column_dimensions["F"].width = 14
    sheet.column_dimensions["G"].width = 60
    sheet.column_dimensions["H"].width = 22
    bold = Font(bold=True)
    title = WriteOnlyCell(
        sheet,
        value=_("Distinta n. %(number)s — %(org)s — esecuzione %(date)s")
        % {
            "number": batch.display_number,
            "org": batch.organization.name,
            "date": batch.execution_date.strftime("%d/%m/%Y"),
        },
    )
    title.font = bold
    sheet.append([title])
    head = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in with_progress(job, rows(batch), total, every=CHUNK):
        row = safe_row(row)
        amount = WriteOnlyCell(sheet, value=euro_number(row[5]))
        amount.number_format = MONEY_FORMAT
        row[5] = amount
        sheet.append(row)
    total_cell = WriteOnlyCell(sheet, value=euro_number(batch.total))
    total_cell.number_format = MONEY_FORMAT
    total_cell.font = bold
    sheet.append([])
    sheet.append(["", WriteOnlyCell(sheet, value=_("Totale")), "", "", "", total_cell])
    workbook.save(path)
