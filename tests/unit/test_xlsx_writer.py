"""The one xlsx writer: text that stays text, cells XML can hold, styles, widths, number
formats, totals, sheets that go on past Excel's last row, charts and workbook properties.

Every workbook is read back with openpyxl; charts (which openpyxl does not load) are
found in the file itself, by following the sheet's relationships to its drawing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shoptui.i18n import set_language
from shoptui.io import xlsx
from shoptui.io.report_output import render
from shoptui.io.xlsx import Book, Chart, Column, safe_text
from shoptui.reports import Money, Share
from tests.xlsx_reading import HOSTILE, chart_facts, charts_by_sheet, formulas, values


def table_bytes(columns, rows, **options) -> bytes:
    book = Book(options.pop("currency", "VND"), title="Test")
    book.table("Data", columns, rows, **options)
    return book.to_bytes()


# -- safe text ---------------------------------------------------------------------------------


def test_safe_text_drops_what_xml_cannot_hold_and_cuts_at_the_cell_limit():
    assert safe_text("\x1b[31m red\x00\x07") == "[31m red"
    assert safe_text("tab\there\nline\r") == "tab\there\nline\r"
    assert safe_text("a\ufffeb\udc80c\uffff") == "abc"
    assert safe_text("Nguyễn Văn Ánh 😀") == "Nguyễn Văn Ánh 😀"
    cut = safe_text("y" * 40_000)
    assert len(cut) == 32_767 and cut.endswith("…") and cut[:-1] == "y" * 32_766
    assert safe_text("z" * 32_767) == "z" * 32_767  # exactly the limit is kept whole
    assert safe_text(12) == "12"


@pytest.mark.parametrize("kind", ["text", "auto"])
def test_hostile_strings_are_written_as_text_never_as_formulas(kind):
    data = table_bytes([Column("n", "n", "int"), Column("text", "Text", kind)], [[i, s] for i, s in enumerate(HOSTILE)])
    assert formulas(data) == []
    ws = load_workbook(io.BytesIO(data))["Data"]
    for row, text in zip(ws.iter_rows(min_row=2), HOSTILE):
        cell = row[1]
        expected = safe_text(text)
        if expected:
            assert cell.data_type == "s", text
            assert cell.value == expected
        else:
            assert cell.value in (None, "")
    long_cell = ws.cell(row=len(HOSTILE) + 1, column=2).value
    assert len(long_cell) == 32_767 and long_cell.endswith("…")


def test_text_with_a_formula_look_stays_text_in_every_cell_role():
    """Headers, totals labels and report keys are text too."""
    book = Book("VND")
    book.table(
        "=SUM(A1)",
        [Column("a", "=A1", "text"), Column("b", "@B", "int", total=True)],
        [["=x", 1]],
        totals=True,
        total_label="=TOTAL()",
    )
    data = book.to_bytes()
    assert formulas(data) == []
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert values(ws) == [["=A1", "@B"], ["=x", 1], ["=TOTAL()", 1]]


def test_the_cell_writers_write_every_string_as_text_and_type_other_values_as_openpyxl_does():
    """What a Book writes goes through its cell writers (openpyxl's public write-only
    cells, no row writer of its own): a string is text even when it looks like a formula
    or an error, a date gets a date format, and a cell after it does not inherit that format."""
    book = Book("VND")
    ws = book.new_sheet("Raw")
    auto, text = book.cell_writer(ws, "auto"), book.cell_writer(ws, "text")
    ws.append([text("=1+1"), auto(dt.date(2025, 3, 4)), 7, Decimal("1.5"), True, None, text("#N/A")])
    ws.append([book.cell_writer(ws, "money")(Money(5000)), book.cell_writer(ws, "date")(dt.date(2025, 3, 5)), "x"])
    data = book.to_bytes()
    assert formulas(data) == []
    sheet = load_workbook(io.BytesIO(data))["Raw"]
    first, second = list(sheet.iter_rows(max_row=2))
    assert [c.value for c in first] == ["=1+1", dt.datetime(2025, 3, 4), 7, 1.5, True, None, "#N/A"]
    assert first[0].data_type == "s" and first[6].data_type == "s"
    assert first[1].is_date and first[2].number_format == "General" and not first[2].is_date
    assert second[0].value == 5000 and second[0].number_format == "#,##0"
    assert second[1].is_date and second[1].number_format == "yyyy-mm-dd" and second[2].number_format == "General"


# -- layout and formats ------------------------------------------------------------------------------


def test_header_is_bold_and_frozen_with_an_autofilter_over_the_data():
    columns = [Column("day", "Date", "date"), Column("n", "Receipts", "int"), Column("m", "Revenue", "money")]
    rows = [[dt.date(2025, 3, d), d, Money(d * 1000)] for d in range(1, 11)]
    ws = load_workbook(io.BytesIO(table_bytes(columns, rows)))["Data"]
    assert [c.value for c in ws[1]] == ["Date", "Receipts", "Revenue"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C11"
    assert ws.print_title_rows in ("1:1", "$1:$1")
    assert ws["A2"].value == dt.datetime(2025, 3, 1) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B11"].value == 10 and ws["B11"].number_format == "#,##0"
    assert ws["C11"].value == 10000 and ws["C11"].number_format == "#,##0"


def test_money_has_the_decimals_of_the_currency():
    columns = [Column("m", "Amount", "money")]
    rows = [[Money(123456)], [Money(-5)], [None]]
    euro = load_workbook(io.BytesIO(table_bytes(columns, rows, currency="EUR")))["Data"]
    assert euro["A2"].value == Decimal("1234.56") or euro["A2"].value == pytest.approx(1234.56)
    assert euro["A2"].number_format == "#,##0.00"
    assert euro["A3"].value == pytest.approx(-0.05)
    assert euro["A4"].value is None
    dong = load_workbook(io.BytesIO(table_bytes(columns, rows, currency="VND")))["Data"]
    assert dong["A2"].value == 123456 and dong["A2"].number_format == "#,##0"
    yen_places = load_workbook(io.BytesIO(table_bytes(columns, rows, currency="JPY")))["Data"]
    assert yen_places["A2"].number_format == "#,##0"


def test_dates_are_written_the_way_the_interface_language_writes_them():
    columns = [Column("d", "Date", "date"), Column("t", "At", "datetime"), Column("s", "Share", "share")]
    rows = [[dt.date(2025, 3, 5), dt.datetime(2025, 3, 5, 10, 15, 30, 999), Share(0.25)]]
    ws = load_workbook(io.BytesIO(table_bytes(columns, rows)))["Data"]
    assert (ws["A2"].number_format, ws["B2"].number_format, ws["C2"].number_format) == (
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
        "0.0%",
    )
    assert ws["B2"].value == dt.datetime(2025, 3, 5, 10, 15, 30)
    set_language("vi")
    ws = load_workbook(io.BytesIO(table_bytes(columns, rows)))["Data"]
    assert (ws["A2"].number_format, ws["B2"].number_format) == ("dd/mm/yyyy", "dd/mm/yyyy hh:mm")
    set_language("de")
    ws = load_workbook(io.BytesIO(table_bytes(columns, rows)))["Data"]
    assert ws["A2"].number_format == "dd.mm.yyyy"


def test_widths_fit_headers_types_and_the_first_rows():
    columns = [
        Column("code", "Code"),
        Column("name", "Name"),
        Column("note", "Note"),
        Column("n", "Receipts with a known customer", "int"),
        Column("d", "Date", "date"),
    ]
    rows = [["K1", "Nguyễn Văn Ánh", "x" * 500, 3, dt.date(2025, 3, 1)]]
    ws = load_workbook(io.BytesIO(table_bytes(columns, rows)))["Data"]
    width = {c: ws.column_dimensions[c].width for c in "ABCDE"}
    assert width["A"] < width["B"] < width["C"]
    assert width["B"] >= len("Nguyễn Văn Ánh") + 2
    assert width["C"] == xlsx.WIDEST_COLUMN  # a long note does not make a wall of a column
    assert width["D"] < len("Receipts with a known customer")  # the long header wraps instead
    assert ws.row_dimensions[1].height == 2 * xlsx.LINE_HEIGHT
    assert ws["D1"].alignment.wrap_text
    assert width["E"] >= 10


def test_totals_row_sums_and_takes_computed_figures():
    columns = [
        Column("day", "Day", "date"),
        Column("receipts", "Receipts", "int", total=True),
        Column("revenue", "Revenue", "money", total=True),
        Column("avg", "Average", "money"),
    ]
    rows = [
        [dt.date(2025, 3, 1), 2, Money(300)],
        [dt.date(2025, 3, 2), 1, Money(-50)],
        [dt.date(2025, 3, 3), 0, Money(0)],
    ]
    rows = [r + [None] for r in rows]
    book = Book("VND")
    written = book.table("Data", columns, rows, totals=lambda s: {"avg": Money(s["revenue"] // s["receipts"])})
    assert written.totals == {"receipts": 3, "revenue": 250, "avg": 83}
    assert (written.rows, written.totals_row) == (3, 5)
    ws = load_workbook(io.BytesIO(book.to_bytes()))["Data"]
    assert values(ws)[-1] == ["Total", 3, 250, 83]
    assert all(c.font.b for c in ws[5])
    assert ws.auto_filter.ref == "A1:D4"  # the filter leaves the totals row out


def test_a_table_longer_than_a_sheet_goes_on_in_the_next_sheet(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 5)  # a header, three rows and the totals row a sheet
    book = Book("VND")
    written = book.table("Receipts", [Column("n", "N", "int", total=True)], ([i] for i in range(1, 8)), totals=True)
    assert written.sheets == ["Receipts", "Receipts (2)", "Receipts (3)"]
    back = load_workbook(io.BytesIO(book.to_bytes()))
    assert [values(back[name]) for name in written.sheets] == [
        [["N"], [1], [2], [3]],
        [["N"], [4], [5], [6]],
        [["N"], [7], [28]],
    ]
    assert back["Receipts (3)"]["A3"].font.b and back["Receipts (2)"].freeze_panes == "A2"


def test_rows_are_read_lazily_a_sample_ahead_of_what_is_written():
    """Write-only streaming: the writer holds its sample of the rows, never the whole table."""
    consumed, appended, ahead = [0], [0], []

    def rows():
        for i in range(3000):
            consumed[0] += 1
            ahead.append(consumed[0] - appended[0])
            yield [i, f"row {i}"]

    book = Book("VND")
    new_sheet = book.new_sheet

    def counting_sheet(name):
        ws = new_sheet(name)
        append = ws.append

        def counted(row):
            appended[0] += 1
            append(row)

        ws.append = counted
        return ws

    book.new_sheet = counting_sheet
    progress = []
    book.table("Data", [Column("n", "N", "int"), Column("t", "T")], rows(), progress=progress.append)
    book.to_bytes()
    assert progress == [3000]  # called every 5,000 rows and at the end
    assert max(ahead) <= xlsx.SAMPLE_ROWS + 1


def test_sheet_names_are_valid_and_distinct():
    book = Book("VND")
    names = [book.sheet_name(n) for n in ("Sales [3/2025]", "x" * 40, "x" * 40, "sales [3 2025]", "'quoted'", "")]
    assert names[0] == "Sales  3 2025"
    assert names[1] == "x" * 31 and names[2] == "x" * 27 + " (2)"
    assert names[3].lower() != names[0].lower()
    assert names[4] == "quoted" and names[5] == "Sheet"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_workbook_properties():
    book = Book("VND", title="My shop: month 2025-03", subject="Month-end workbook")
    book.table("Data", [Column("a", "A")], [["x"]])
    props = load_workbook(io.BytesIO(book.to_bytes())).properties
    assert (props.title, props.subject, props.creator) == ("My shop: month 2025-03", "Month-end workbook", "shoptui")
    assert isinstance(props.created, dt.datetime) and props.created.year >= 2025


# -- charts -------------------------------------------------------------------------------------------


def test_a_table_chart_is_a_native_chart_over_the_written_rows():
    columns = [Column("date", "Date", "date"), Column("revenue", "Revenue", "money")]
    rows = [[dt.date(2025, 3, d), Money(d)] for d in range(1, 32)]
    book = Book("VND")
    book.table("Sales", columns, rows, chart=Chart("bar", "Revenue by day", "date", ("revenue",)))
    (chart,) = charts_by_sheet(book.to_bytes())["Sales"]
    kind, refs, _titles = chart_facts(chart)
    assert kind == "barChart" and "Revenue by day" in chart
    assert refs == ["'Sales'!B1", "'Sales'!$A$2:$A$32", "'Sales'!$B$2:$B$32"]


def test_a_chart_grouped_by_store_has_a_line_per_store():
    columns = [Column("store", "Store"), Column("date", "Date", "date"), Column("conversion", "Conversion", "share")]
    rows = [[store, dt.date(2025, 3, d), Share(d / 100)] for store in ("BRANCH", "MAIN") for d in (1, 2, 3)]
    book = Book("VND")
    book.table(
        "Conv",
        columns,
        rows,
        chart=Chart("line", "Conversion", "date", ("conversion",), group_by="store", percent=True),
    )
    (chart,) = charts_by_sheet(book.to_bytes())["Conv"]
    kind, refs, titles = chart_facts(chart)
    assert kind == "lineChart" and titles == ["BRANCH", "MAIN"]
    assert refs == ["'Conv'!$B$2:$B$4", "'Conv'!$C$2:$C$4", "'Conv'!$B$2:$B$4", "'Conv'!$C$5:$C$7"]


# -- reports --------------------------------------------------------------------------------------------


PORTRAIT_LIKE = {
    "as_of": dt.date(2025, 3, 10),
    "revenue": Money(123450),
    "receipts": 3,
    "stores": ["MAIN", "=B"],
    "visit_buckets": {
        "1": {"customers": 2, "revenue": Money(-500), "customers_share": Share(0.6667)},
        "2": {"customers": 1, "revenue": Money(1000), "customers_share": Share(0.3333)},
        "3+": {"customers": 0, "revenue": Money(0), "customers_share": Share(0.0)},
    },
    "gender": {"female": 1, "male": 2, "unknown": 0},
}


def test_a_report_with_sections_keeps_the_csv_rows_first_then_a_sheet_per_table():
    labels = {
        "visit_buckets": "Customers by number of visits",
        "gender": "Gender",
        "customers": "Customers",
        "revenue": "Revenue",
        "female": "female",
    }
    data = render(PORTRAIT_LIKE, "xlsx", "EUR", title="Customer portrait", labels=labels)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Customer portrait", "Summary", "Customers by number of visits", "Gender"]
    first = values(book["Customer portrait"])
    assert first[0] == ["section", "key", "value"]
    assert ["summary", "receipts", 3] in first and ["visit_buckets", "1.customers", 2] in first
    assert ["summary", "stores", "MAIN, =B"] in first
    buckets = book["Customers by number of visits"]
    assert values(buckets)[0] == ["Customers by number of visits", "Customers", "Revenue", "customers_share"]
    assert values(buckets)[1][:2] == ["1", 2] and float(values(buckets)[1][2]) == -5.0
    assert buckets["C2"].number_format == "#,##0.00" and buckets["D2"].number_format == "0.0%"
    charts = charts_by_sheet(data)
    assert len(charts["Customers by number of visits"]) == 1 and len(charts["Gender"]) == 1
    assert charts["Summary"] == [] and charts["Customer portrait"] == []
    assert formulas(data) == []


def test_a_report_of_rows_by_day_gets_a_conversion_chart_per_store():
    rows = [
        {
            "store": store,
            "date": dt.date(2025, 3, d),
            "hour": None,
            "visitors": 10,
            "receipts": d,
            "revenue": Money(d * 100),
            "conversion": Share(d / 10),
        }
        for store in ("A", "B")
        for d in (1, 2)
    ]
    columns = ("store", "date", "hour", "visitors", "receipts", "revenue", "conversion")
    data = render({"rows": rows}, "xlsx", "VND", title="Conversion", columns=columns)
    ws = load_workbook(io.BytesIO(data))["Conversion"]
    assert values(ws)[0] == list(columns)
    assert ws["B2"].number_format == "yyyy-mm-dd" and ws["G2"].number_format == "0.0%"
    (chart,) = charts_by_sheet(data)["Conversion"]
    kind, refs, titles = chart_facts(chart)
    assert kind == "lineChart" and titles == ["A", "B"]
    assert "'Conversion'!$G$2:$G$3" in refs and "'Conversion'!$G$4:$G$5" in refs
    hourly = [dict(r, hour=9) for r in rows]
    assert (
        charts_by_sheet(render({"rows": hourly}, "xlsx", "VND", title="Conversion", columns=columns))["Conversion"]
        == []
    )


def test_an_empty_report_still_has_its_header_row():
    data = render({"rows": []}, "xlsx", "VND", title="Win-back list", columns=("code", "name"))
    assert values(load_workbook(io.BytesIO(data))["Win-back list"]) == [["code", "name"]]


def test_a_discarded_book_leaves_no_temporary_file(tmp_path, monkeypatch):
    """openpyxl streams each sheet of a write-only workbook to a temporary file; a Book given
    up (an export that failed or was cancelled) removes them through public API only."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    book = Book("VND")
    book.table("Data", [Column("n", "N", "int"), Column("t", "Text")], ([i, f"=row {i}"] for i in range(500)))
    book.new_sheet("Empty sheet")
    assert list(tmp_path.glob("openpyxl.*")), "the sheets are streamed to files in the temporary folder"
    book.discard()
    assert list(tmp_path.glob("openpyxl.*")) == []
