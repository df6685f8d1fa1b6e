"""The shared export helpers: the formula-injection guard, CSV bytes as Italian spreadsheets
read them, streamed lines, XLSX sheets, progress of an export run as a job."""

import io

import pytest
from openpyxl import load_workbook

from benecomune.core import exports
from benecomune.core.models import Job


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-12,50", "-12,50"),  # a negative amount stays a number
        ("+39 049 123456", "+39 049 123456"),  # a phone number
        ("Mario Rossi", "Mario Rossi"),
        (-1250, -1250),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert exports.safe_cell(value) == expected


def test_csv_bytes_bom_semicolons_and_guard():
    content = exports.csv_bytes(["nome", "importo"], [["=1+1", "-5,00"], ["Anna; B.", "3,00"]])
    assert content == ('\ufeffnome;importo\r\n\'=1+1;-5,00\r\n"Anna; B.";3,00\r\n'.encode())


def test_csv_lines_stream_row_by_row():
    produced = []

    def rows():
        for n in range(3):
            produced.append(n)
            yield [n, f"riga {n}"]

    lines = exports.csv_lines(["n", "testo"], rows())
    assert next(lines) == "\ufeff"
    assert next(lines) == "n;testo\r\n"
    assert produced == []  # nothing read before it is needed
    assert next(lines) == "0;riga 0\r\n" and produced == [0]
    assert list(lines) == ["1;riga 1\r\n", "2;riga 2\r\n"]


def test_csv_response_is_a_download():
    response = exports.csv_response(["a"], [["x"]], "elenco.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="elenco.csv"'
    assert response.content == "\ufeffa\r\nx\r\n".encode()
    streamed = exports.streaming_csv_response(exports.csv_lines(["a"], [["y"]]), "b.csv")
    assert b"".join(streamed.streaming_content) == "\ufeffa\r\ny\r\n".encode()


def test_xlsx_sheets_bold_header_money_format_and_guard():
    def build(workbook):
        exports.add_sheet(
            workbook,
            "Un titolo più lungo di trentun caratteri",
            ["Voce", "Euro"],
            [["=cmd", exports.euro_number(1250)], ["Saldo", 3]],
            widths={"A": 40},
        )

    book = load_workbook(io.BytesIO(exports.xlsx_bytes(build)))
    (sheet,) = book.worksheets
    assert sheet.title == "Un titolo più lungo di trentun caratteri"[:31]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Voce", "Euro"],
        ["'=cmd", 12.5],
        ["Saldo", 3],
    ]
    assert sheet["A1"].font.bold and sheet["B2"].number_format == exports.MONEY_FORMAT
    assert sheet["B3"].number_format == "General"  # an int (a count) is not money
    assert sheet.column_dimensions["A"].width == 40


@pytest.mark.django_db
def test_with_progress_reports_every_chunk(municipality):
    job = Job.objects_unscoped.create(organization=municipality, kind="test", title="Prova")
    seen = []
    for row in exports.with_progress(job, range(5), 5, every=2):
        job.refresh_from_db()
        seen.append((row, job.done, job.total))
    assert seen == [(0, 0, 5), (1, 0, 5), (2, 2, 5), (3, 2, 5), (4, 4, 5)]
