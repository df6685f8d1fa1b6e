"""The treasurer's beneficiary list of a batch (for Comuni that pay through their treasurer's
payment order): CSV for any spreadsheet, XLSX for the treasury's office. Written by a job."""

import csv
import os
import tempfile

from django.core.files import File
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from benecomune.core.files import stored_name
from benecomune.core.services.jobs import report_progress
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
    report_progress(job, 0, total)
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
        writer = csv.writer(out, delimiter=";")
        writer.writerow(headers())
        for index, row in enumerate(rows(batch), start=1):
            row[5] = format_decimal(row[5])
            writer.writerow(row)
            if index % CHUNK == 0:
                report_progress(job, index, total)
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
    for index, row in enumerate(rows(batch), start=1):
        amount = WriteOnlyCell(sheet, value=row[5] / 100)
        amount.number_format = "#,##0.00"
        row[5] = amount
        sheet.append(row)
        if index % CHUNK == 0:
            report_progress(job, index, total)
    total_cell = WriteOnlyCell(sheet, value=batch.total / 100)
    total_cell.number_format = "#,##0.00"
    total_cell.font = bold
    sheet.append([])
    sheet.append(["", WriteOnlyCell(sheet, value=_("Totale")), "", "", "", total_cell])
    workbook.save(path)
