"""A damaged bank result file is refused in Italian, with the line to look at, never with the
parser's English ("no element found: line 6, column 203")."""

import pytest

from benecomune.payouts.sepa.results import ResultFileError, parse_report
from tests.payouts.bank import pain002

ENGLISH = ("no element found", "column", "not well-formed", "unquoted field", "line contains")


def refused(data: bytes) -> str:
    with pytest.raises(ResultFileError) as error:
        parse_report(data, "esiti")
    message = " ".join(error.value.messages)
    assert not any(word in message for word in ENGLISH), message
    return message


def test_a_truncated_pain002_names_the_line_in_italian():
    whole = pain002("BC-1-2026-00001", [("E2E-1", "ACSC", "", 1000)])
    cut = whole[: len(whole) // 2].replace(b"><", b">\n<")
    message = refused(cut)
    assert "non è un XML leggibile" in message
    assert "incompleto o danneggiato" in message
    assert "riga" in message


def test_broken_xml_in_italian():
    message = refused(b"<Document><a></b></Document>")
    assert "incompleto o danneggiato (problema alla riga 1)" in message


def test_a_csv_the_reader_cannot_read_names_the_row_in_italian():
    # A field over csv's size limit: csv's own error is "field larger than field limit".
    data = b"riferimento;esito\nE2E-1;pagato\n" + b"x" * 200_000 + b";pagato\n"
    message = refused(data)
    assert message.startswith("Il CSV non è leggibile alla riga 3")
    assert "field" not in message
