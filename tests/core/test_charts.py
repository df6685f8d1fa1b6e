"""A chart is rendered as its accessible data table; the script only draws what the table says."""

from django.template.loader import render_to_string

from benecomune.core.charts import Chart, ChartCell, euro_cell


def test_chart_renders_a_table_with_raw_values_for_the_picture():
    chart = Chart(
        caption="Spesa per categoria",
        headers=["Categoria", "Importo", "Operazioni"],
        rows=[
            ["Assistenza domiciliare", euro_cell(123456), 7],
            ["Centri estivi", euro_cell(50), 1],
        ],
    )
    html = render_to_string("includes/chart.html", chart.context())
    assert 'data-chart="bar"' in html
    assert "<caption" in html and "Spesa per categoria" in html
    assert '<th scope="row">Assistenza domiciliare</th>' in html
    assert 'data-value="1234.56">€ 1.234,56</td>' in html
    assert 'data-value="0.5">€ 0,50</td>' in html
    # Each cell carries its column's name: on a phone the table stacks, labelled (bc-stack).
    assert '<td class="text-end" data-label="Operazioni">7</td>' in html


def test_chart_without_rows_says_so_and_is_not_drawn():
    html = render_to_string(
        "includes/chart.html", Chart(caption="Vuoto", headers=["A", "B"], kind="line").context()
    )
    assert "Nessun dato per il periodo scelto." in html
    assert "data-chart-skip" in html


def test_chart_cell_shows_text_and_draws_value():
    cell = ChartCell(text="12 %", value=12)
    assert cell.is_chart_cell and cell.value == 12
