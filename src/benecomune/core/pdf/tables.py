"""Tables: a filled header repeated on every page (`table`) or a lighter ruled one
(`ruled_table`, for receipts)."""

from reportlab.platypus import LongTable, Paragraph, Table, TableStyle

from benecomune.core.pdf.styles import GRID, LIGHT, PRIMARY, styles


def table(
    rows, widths, *, numeric_columns=(), header=True, total_row=False, small=False
) -> LongTable:
    """A table whose header repeats on every page, with right-aligned money columns."""
    s = styles()
    data = []
    for index, row in enumerate(rows):
        is_head = header and index == 0
        cells = []
        for col, value in enumerate(row):
            if hasattr(value, "wrap"):
                cells.append(value)
                continue
            right = col in numeric_columns
            style = (
                ("head_right" if right else "head")
                if is_head
                else ("cell_right" if right else "cell")
            )
            cells.append(Paragraph(str(value), s[style]))
        data.append(cells)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if small:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), PRIMARY))
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), LIGHT))
    result = LongTable(data, colWidths=widths, repeatRows=1 if header else 0)
    result.setStyle(TableStyle(commands))
    return result


def ruled_table(rows, widths, header=True) -> Table:
    """Cells as given (flowables), a thin line under each row, a blue one under the header."""
    result = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, PRIMARY))
    result.setStyle(TableStyle(commands))
    return result
