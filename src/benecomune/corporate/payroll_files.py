"""The payroll export as CSV (semicolons, UTF-8 with BOM, amounts in cents, one line per item
and a total line per category: `tipo_riga` D / T) and XLSX (sheets "Voci" and "Totali", amounts
in euro), through core's exports (formula-safe cells, streamed lines, write-only workbook);
and as the API's JSON."""

from django.utils.translation import gettext as _

from benecomune.core.exports import (
    add_sheet,
    csv_lines,
    euro_number,
    streaming_csv_response,
    xlsx_bytes,
)

CSV_HEADER = (
    "tipo_riga",
    "periodo",
    "matricola",
    "codice_fiscale",
    "cognome",
    "nome",
    "piano",
    "voce_cedolino",
    "base_normativa",
    "riferimento_normativo",
    "esente_centesimi",
    "imponibile_centesimi",
    "da_premio_di_risultato",
    "anno_spesa_cu_701",
)


def _yes(flag: bool) -> str:
    return "S" if flag else "N"


def csv_rows(export):
    for r in export.rows:
        yield (
            "D",
            r.period,
            r.employee_number,
            r.fiscal_code,
            r.last_name,
            r.first_name,
            r.plan,
            r.item_code,
            r.basis_code,
            r.basis_reference,
            r.exempt,
            r.taxable,
            _yes(r.from_bonus),
            r.expense_year or "",
        )
    for t in export.totals:
        yield (
            "T",
            export.period.key,
            "",
            "",
            "",
            "",
            "",
            "",
            t.basis_code,
            t.basis_reference,
            t.exempt,
            t.taxable,
            _yes(t.from_bonus),
            "",
        )


def file_name(export, ext: str) -> str:
    return f"paghe-welfare-{export.company.pk}-{export.period.key}.{ext}"


def csv_response(export):
    return streaming_csv_response(csv_lines(CSV_HEADER, csv_rows(export)), file_name(export, "csv"))


def xlsx_content(export) -> bytes:
    def build(workbook):
        add_sheet(
            workbook,
            _("Voci"),
            [
                _("Periodo"),
                _("Matricola"),
                _("Codice fiscale"),
                _("Cognome"),
                _("Nome"),
                _("Piano"),
                _("Voce del cedolino"),
                _("Base normativa"),
                _("Esente (€)"),
                _("Imponibile (€)"),
                _("Da premio di risultato"),
                _("Anno della spesa (CU 701)"),
            ],
            (
                (
                    export.period.label,
                    r.employee_number,
                    r.fiscal_code,
                    r.last_name,
                    r.first_name,
                    r.plan,
                    r.item_code,
                    r.basis_reference,
                    euro_number(r.exempt),
                    euro_number(r.taxable),
                    _("sì") if r.from_bonus else _("no"),
                    r.expense_year or "",
                )
                for r in export.rows
            ),
            columns="ABCDEFGHIJKL",
            widths={"H": 40},
        )
        add_sheet(
            workbook,
            _("Totali"),
            [
                _("Base normativa"),
                _("Da premio di risultato"),
                _("Esente (€)"),
                _("Imponibile (€)"),
            ],
            [
                *(
                    (
                        t.basis_reference,
                        _("sì") if t.from_bonus else _("no"),
                        euro_number(t.exempt),
                        euro_number(t.taxable),
                    )
                    for t in export.totals
                ),
                (
                    _("Totale"),
                    "",
                    euro_number(export.total_exempt),
                    euro_number(export.total_taxable),
                ),
            ],
            columns="ABCD",
            widths={"A": 50},
        )

    return xlsx_bytes(build, write_only=True)


def as_json(export) -> dict:
    return {
        "company_id": export.company.pk,
        "company": export.company.name,
        "period": export.period.key,
        "plan_id": export.plan.pk if export.plan else None,
        "rows": [
            {
                "employee_number": r.employee_number,
                "fiscal_code": r.fiscal_code,
                "last_name": r.last_name,
                "first_name": r.first_name,
                "plan": r.plan,
                "item_code": r.item_code,
                "legal_basis": r.basis_code,
                "legal_reference": r.basis_reference,
                "exempt": r.exempt,
                "taxable": r.taxable,
                "from_bonus_conversion": r.from_bonus,
                "expense_year": r.expense_year,
            }
            for r in export.rows
        ],
        "totals": [
            {
                "legal_basis": t.basis_code,
                "legal_reference": t.basis_reference,
                "from_bonus_conversion": t.from_bonus,
                "exempt": t.exempt,
                "taxable": t.taxable,
            }
            for t in export.totals
        ],
        "total_exempt": export.total_exempt,
        "total_taxable": export.total_taxable,
    }
