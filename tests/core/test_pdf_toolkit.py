"""The shared PDF toolkit (core/pdf): the page frame with the issuing body's name and page
numbers, tables whose header repeats, escaping of user text, money and dates."""

import datetime
import io

from django.utils import timezone
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak

from benecomune.core import pdf


def _pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_frame_names_the_comune_and_numbers_the_pages():
    story = [pdf.p("Primo foglio", "title"), PageBreak(), pdf.p("Secondo foglio")]
    content = pdf.build(
        story, title="Prova", footer="Rendiconto di prova", organization="Comune di Curtarolo"
    )
    first, second = _pages(content)
    assert "Comune di Curtarolo" in first and "Comune di Curtarolo" in second
    assert "Rendiconto di prova" in second
    assert "Pagina 1" in first and "Pagina 2" in second
    assert PdfReader(io.BytesIO(content)).metadata.title == "Prova"


def test_without_a_footer_there_is_no_frame():
    (page,) = _pages(pdf.build([pdf.p("Ricevuta")], title="R", footer=None, author="Comune"))
    assert page == "Ricevuta"


def test_table_header_repeats_on_every_page():
    rows = [["Voce", "Importo"]] + [[f"riga {n}", pdf.euro(n * 100)] for n in range(120)]
    content = pdf.build(
        [pdf.table(rows, [120 * mm, 54 * mm], numeric_columns=(1,))], title="T", footer="T"
    )
    pages = _pages(content)
    assert len(pages) > 1
    assert all("Voce Importo" in page for page in pages)
    assert "riga 119" in pages[-1]


def test_text_escapes_what_users_typed_and_p_keeps_markup():
    content = pdf.build(
        [pdf.text("Rossi & <Figli>"), pdf.p("<b>grassetto</b>")], title="E", footer=None
    )
    assert _pages(content) == ["Rossi & <Figli> grassetto"]


def test_money_and_dates():
    assert pdf.euro(123456) == "€ 1.234,56"
    assert pdf.amount(-500) == "-5,00"
    assert pdf.euro_nbsp(500) == "€\u00a05,00"
    assert pdf.when(None) == "—"
    assert pdf.when(datetime.date(2026, 12, 6), with_time=False) == "06/12/2026"
    moment = timezone.make_aware(datetime.datetime(2026, 12, 6, 9, 30))
    assert pdf.when(moment) == "06/12/2026 09:30"


def test_the_old_import_path_still_works():
    from benecomune.payouts.pdf import base

    assert base.build is pdf.build and base.table is pdf.table
