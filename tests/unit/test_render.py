"""The shared report renderer: JSON money strings, CSV safety and headers, tables, Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from shoptui.i18n import set_language
from shoptui.io.report_output import render, to_xlsx
from shoptui.reports import Money, Share
from shoptui.reports.render import neutralise, to_csv, to_json, to_table

SECTIONS = {
    "as_of": dt.date(2025, 3, 10),
    "revenue": Money(123450),
    "receipts": 3,
    "visit_buckets": {"1": {"customers": 2, "revenue": Money(-500), "customers_share": Share(0.6667)}},
    "gender": {"female": 1, "unknown": 0},
}


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_json_money_is_a_major_unit_string_and_dates_are_iso():
    euro = json.loads(to_json(SECTIONS, "EUR"))
    assert euro["revenue"] == "1234.50"
    assert euro["visit_buckets"]["1"]["revenue"] == "-5.00"
    assert euro["visit_buckets"]["1"]["customers_share"] == 0.6667
    assert euro["as_of"] == "2025-03-10" and euro["receipts"] == 3
    assert json.loads(to_json({"revenue": Money(125000)}, "VND")) == {"revenue": "125000"}


def test_json_rows_keep_their_shape():
    data = {"rows": [{"store": "MAIN", "date": dt.date(2025, 3, 1), "revenue": Money(5), "conversion": None}]}
    assert json.loads(to_json(data, "VND")) == {
        "rows": [{"store": "MAIN", "date": "2025-03-01", "revenue": "5", "conversion": None}]
    }


def test_csv_flattens_sections_with_a_summary_section():
    rows = read_csv(to_csv(SECTIONS, "EUR"))
    assert rows == [
        ["section", "key", "value"],
        ["summary", "as_of", "2025-03-10"],
        ["summary", "revenue", "1234.50"],
        ["summary", "receipts", "3"],
        ["visit_buckets", "1.customers", "2"],
        ["visit_buckets", "1.revenue", "-5.00"],  # a negative amount stays a number
        ["visit_buckets", "1.customers_share", "0.6667"],
        ["gender", "female", "1"],
        ["gender", "unknown", "0"],
    ]


def test_csv_has_a_header_row_without_data():
    assert read_csv(to_csv({"rows": []}, "VND", columns=("store", "date", "visitors"))) == [
        ["store", "date", "visitors"]
    ]
    assert read_csv(to_csv({}, "VND")) == [["section", "key", "value"]]


def test_csv_neutralises_formulas_but_not_numbers():
    data = {
        "rows": [
            {"name": '=HYPERLINK("http://evil")', "note": "+1 555", "x": "-2+3", "at": "@SUM(A1)"},
            {"name": "\tcmd", "note": "\rx", "x": -12, "at": Money(-150)},
            {"name": "Nguyễn Văn A", "note": "-12.5", "x": 0, "at": None},
        ]
    }
    rows = read_csv(to_csv(data, "EUR", columns=("name", "note", "x", "at")))
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "'+1 555", "'-2+3", "'@SUM(A1)"]
    assert rows[2] == ["'\tcmd", "'\nx", "-12", "-1.50"]  # a lone CR is a line break, quoted
    assert rows[3] == ["Nguyễn Văn A", "-12.5", "0", ""]
    assert neutralise("-") == "'-" and neutralise("plain") == "plain"
    notes = read_csv(to_csv({"rows": [{"note": "line 1\rline 2", "n": 1}]}, "VND", columns=("note", "n")))
    assert notes[1] == ["line 1\nline 2", "1"]


def test_csv_headers_are_stable_keys_unless_translation_is_asked():
    labels = {"store": "Store"}
    plain = render({"rows": []}, "csv", "VND", labels=labels, columns=("store",))
    assert plain.splitlines() == ["store"]
    translated = render({"rows": []}, "csv", "VND", labels=labels, columns=("store",), translate_headers=True)
    assert translated.splitlines() == ["Store"]


def test_table_formats_money_counts_and_shares_for_people():
    text = to_table(SECTIONS, "VND", title="Customer portrait", labels={"revenue": "Revenue", "gender": "Gender"})
    lines = text.splitlines()
    assert lines[0] == "Customer portrait"
    assert any(line.startswith("Revenue") and "₫123,450" in line for line in lines)
    assert "Gender" in lines and any("66.7%" in line for line in lines)
    set_language("de")
    german = to_table({"revenue": Money(123450), "customers": 12345}, "EUR")
    assert "1.234,50" in german and "12.345" in german


def test_table_of_rows_aligns_columns_and_says_when_empty():
    data = {"rows": [{"store": "MAIN", "visitors": 5}, {"store": "BRANCH", "visitors": 1234}]}
    lines = to_table(data, "VND", columns=("store", "visitors")).splitlines()
    assert lines == ["store   visitors", "MAIN           5", "BRANCH     1,234"]
    assert "No data." in to_table({"rows": []}, "VND", columns=("store",))


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text():
    from openpyxl import load_workbook

    data = {"rows": [{"name": "=1+1", "revenue": Money(123450), "share": Share(0.25)}]}
    book = load_workbook(io.BytesIO(to_xlsx(data, "EUR", columns=("name", "revenue", "share"), title="buyers")))
    sheet = book["buyers"]
    assert [c.value for c in sheet[1]] == ["name", "revenue", "share"]
    name, revenue, share = sheet[2]
    assert name.value == "=1+1" and name.data_type == "s"  # shown as typed, never run
    assert float(revenue.value) == 1234.5 and revenue.number_format == "#,##0.00"
    assert share.value == 0.25 and share.number_format == "0.0%"
