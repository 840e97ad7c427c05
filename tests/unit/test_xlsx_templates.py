"""Import templates: headers in the chosen language that the importer reads back, columns
formatted for what goes in them, a sheet explaining each column, and a round trip: a
template filled with one row imports without a rejection."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from shoptui.errors import UsageError
from shoptui.i18n import _, set_language
from shoptui.io import templates
from shoptui.io.headers import FIELDS, header_word, map_headers
from shoptui.io.importer import import_file
from shoptui.models import Customer, DebtEntry, PointsEntry, Receipt, VisitCount

LANGUAGES = ("en", "vi", "ru", "de")

ROWS = {
    "customers": {
        "code": "KH900",
        "name": "Lan",
        "phone": "0912345678",
        "gender": "female",
        "birthday": dt.datetime(1990, 5, 31),
        "points": 120,
        "debt": 150_000,
        "registered": dt.datetime(2024, 1, 15, 9, 30),
        "status": "active",
    },
    "sales": {
        "receipt_no": "HD1",
        "datetime": dt.datetime(2025, 3, 5, 10, 15),
        "kind": "sale",
        "total": 125_000,
        "discount": 5_000,
        "sku": "SP1",
        "product": "Trà",
        "qty": 2,
        "price": 65_000,
        "line_amount": 130_000,
    },
    "visits": {"store": "MAIN", "datetime": dt.datetime(2025, 3, 5, 10, 0), "in": 37, "out": 35},
}


def fill(path, kind: str, row: dict) -> None:
    """Type one row under the headers, as the shopkeeper would, choosing words from the lists."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    names = list(templates.FIELDS[kind])
    choices = {
        min(r.min_col for r in dv.sqref.ranges): dv.formula1.strip('"').split(",")
        for dv in sheet.data_validations.dataValidation
    }
    for index, name in enumerate(names, start=1):
        if name not in row:
            continue
        value = row[name]
        if index in choices:  # the list offers the words in the sheet's language, in the English order
            english = {
                "customers": {"gender": ("female", "male", "other"), "status": ("active", "incomplete", "archived")},
                "sales": {"kind": ("sale", "return")},
            }[kind][name]
            value = choices[index][english.index(value)]
        sheet.cell(row=2, column=index, value=value)
    assert headers == [header_word(kind, n, _lang()) for n in names]
    book.save(path)


def _lang() -> str:
    from shoptui.i18n import language

    return language()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", templates.KINDS)
def test_template_headers_are_read_back_and_a_filled_row_imports(database, tmp_path, kind, lang):
    set_language(lang)
    path = tmp_path / f"{kind}.xlsx"
    headers = templates.write_template(kind, path)
    book = load_workbook(path)
    sheet, explained = book.worksheets
    assert sheet.title == _(templates.SHEET_NAMES[kind]) and explained.title == _("Columns")
    assert [c.value for c in sheet[1]] == headers and sheet.max_row == 1
    assert sheet.freeze_panes == "A2" and all(c.font.b for c in sheet[1])
    mapped = map_headers(kind, headers)
    assert mapped.unknown == [] and mapped.repeated == []
    assert set(mapped.columns) == set(templates.FIELDS[kind]) <= set(FIELDS[kind])
    rows = list(explained.iter_rows(values_only=True))
    assert rows[0] == (_("Column"), _("Field"), _("Required"), _("What it holds"), _("Example"))
    assert [r[0] for r in rows[1:]] == headers and all(r[3] for r in rows[1:])
    required = {r[1] for r in rows[1:] if r[2] == _("yes")}
    assert required == {n for n, spec in templates.FIELDS[kind].items() if spec[1]}

    empty = import_file(kind, path)
    assert empty.counts == {"imported": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    fill(path, kind, ROWS[kind])
    report = import_file(kind, path)
    assert report.counts["imported"] == 1 and report.counts["rejected"] == 0, report.messages
    assert not [m for m in report.messages if "not known" in m]


def test_the_filled_rows_mean_what_was_typed(database, tmp_path):
    set_language("ru")
    for kind in templates.KINDS:
        path = tmp_path / f"{kind}.xlsx"
        templates.write_template(kind, path)
        fill(path, kind, ROWS[kind])
        assert import_file(kind, path).counts["imported"] == 1
    lan = Customer.get(Customer.code == "KH900")
    assert (lan.phone, lan.gender, lan.birthday, lan.registered_at) == (
        "+84912345678",
        "female",
        dt.date(1990, 5, 31),
        dt.datetime(2024, 1, 15, 9, 30),
    )
    assert [(e.kind, e.points) for e in PointsEntry.select()] == [("opening", 120)]
    assert [(e.kind, e.amount) for e in DebtEntry.select()] == [("opening", 150_000)]
    receipt = Receipt.get()
    assert (receipt.number, receipt.kind, receipt.total, receipt.discount) == ("HD1", "sale", 125_000, 5_000)
    assert [(line.sku, line.qty, line.unit_price) for line in receipt.lines] == [("SP1", 2, 65_000)]
    visit = VisitCount.get()
    assert (visit.hour, visit.visitors_in, visit.visitors_out) == (dt.datetime(2025, 3, 5, 10), 37, 35)


def test_columns_are_formatted_for_what_goes_in_them(database, tmp_path):
    set_language("vi")
    templates.write_template("customers", tmp_path / "c.xlsx")
    sheet = load_workbook(tmp_path / "c.xlsx").worksheets[0]
    column = {c.value: c.column_letter for c in sheet[1]}
    fmt = lambda header: sheet.column_dimensions[column[header]].number_format  # noqa: E731
    assert fmt("Điện thoại") == "@" and fmt("Mã khách hàng") == "@"  # a phone keeps its leading zero
    assert fmt("Ngày sinh") == "dd/mm/yyyy" and fmt("Nợ hiện tại") == "#,##0" and fmt("Điểm hiện tại") == "#,##0"
    lists = {min(r.min_col for r in dv.sqref.ranges): dv.formula1 for dv in sheet.data_validations.dataValidation}
    gender = lists[sheet[column["Giới tính"] + "1"].column]
    assert gender.strip('"').split(",")[0] == _("female")


def test_only_three_kinds_have_templates(database, tmp_path):
    with pytest.raises(UsageError):
        templates.write_template("products", tmp_path / "p.xlsx")
