"""The hostile-input corpus (tests/hostile.py) through every import, csv and xlsx, and back
out through the exports: no crash, one printable line per rejected row that says why,
every row accounted for, and the text that was kept is the text that was given (less the
control characters the services remove), byte for byte in the exports, never a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from shoptui import clock, reports
from shoptui.errors import ImportFileError
from shoptui.io import directory_export
from shoptui.io.importer import import_file
from shoptui.io.month_export import Month, export_month
from shoptui.io.report_output import render
from shoptui.models import Customer, Product, Receipt
from shoptui.reports.query import ReportQuery
from shoptui.services import settings
from shoptui.services.customers import clean_text
from tests.hostile import hostile_strings

CORPUS = hostile_strings()
FORMULA = ("=", "+", "-", "@", "\t", "\r")

# Every column of each kind, with the value a row has when the column is not under test.
COLUMNS = {
    "customers": {
        "code": "C{i}",
        "name": "Name {i}",
        "phone": "",
        "gender": "",
        "birthday": "",
        "email": "",
        "company": "",
        "address": "",
        "area": "",
        "status": "",
        "card": "",
        "points": "",
        "debt": "1000",
        "registered": "",
    },
    "sales": {
        "receipt_no": "R{i}",
        "datetime": "2024-03-05 10:00",
        "kind": "",
        "return_of": "",
        "customer": "",
        "store": "",
        "cashier": "",
        "total": "1000",
        "discount": "",
        "paid_credit": "",
        "points_redeemed": "",
        "voucher": "",
        "sku": "",
        "product": "",
        "qty": "",
        "price": "",
        "line_discount": "",
    },
    "visits": {"store": "", "datetime": "{hour}", "in": "5", "out": ""},
    "products": {"sku": "P{i}", "barcode": "", "name": "Product {i}", "group": "", "price": "1000"},
}
# Text a customer or product keeps as given (after clean_text), checked after the import.
KEPT = {"customers": ("name", "company", "area"), "products": ("name",)}

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def rows_of(kind: str) -> list[dict[str, str]]:
    """One row per corpus string per column: that column holds the string, the others a
    value that is fine on its own."""
    start = dt.datetime(2024, 3, 1)
    rows = []
    for column in COLUMNS[kind]:
        for value in CORPUS:
            i = len(rows)
            hour = (start + dt.timedelta(hours=i)).isoformat(sep=" ")
            row = {key: default.format(i=i, hour=hour) for key, default in COLUMNS[kind].items()}
            row[column] = value
            rows.append(row)
    return rows


def write(path, kind: str, rows: list[dict[str, str]], shuffle: bool = True):
    headers = list(COLUMNS[kind])
    if shuffle:
        # Shuffled so that no stretch of a CSV looks like binary data, and so that receipt
        # numbers that are the same once stripped ("=1+1", "\t=1+1") are not lines of one receipt.
        rows = random.Random(16).sample(rows, len(rows))
    if path.suffix == ".csv":
        # A NUL makes the whole file "not a CSV" (see the test below); the rest goes in.
        rows = [{h: v.replace("\x00", "") for h, v in row.items()} for row in rows]
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows([row[h] for h in headers] for row in rows)
        return rows
    book = openpyxl.Workbook(write_only=False)
    sheet = book.active
    sheet.append(headers)
    kept = []
    for r, row in enumerate(rows, start=2):
        # An xlsx cannot hold C0 controls: the file has what a spreadsheet would have saved
        # (a replacement character, so that two receipt numbers stay two).
        row = {h: ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) for h, v in row.items()}
        for c, header in enumerate(headers, start=1):
            cell = sheet.cell(row=r, column=c, value=row[header] or None)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=1+1" is text typed into the file, not a formula
        kept.append(row)
    book.save(path)
    return kept


def check_messages(report, rows: int) -> None:
    assert sum(report.counts.values()) == rows, report.counts
    rejected_rows = set()
    for line in report.messages:
        assert "\n" not in line and not _UNSAFE.search(line), repr(line)
        assert "Error" not in line and "Traceback" not in line, line
        match = re.match(r"row (\d+): (warning: )?(.+)$", line)
        if match is None:
            assert line.startswith("warning:"), line
            continue
        assert len(match.group(3)) > 5
        if not match.group(2):
            rejected_rows.add(int(match.group(1)))
    # Each rejected row says why (a row's reason may take more than one line: one per cell).
    assert len(rejected_rows) == report.counts["rejected"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", list(COLUMNS))
def test_every_import_takes_the_corpus_in_every_column(database, tmp_path, kind, suffix):
    rows = write(tmp_path / f"{kind}{suffix}", kind, rows_of(kind))
    report = import_file(kind, tmp_path / f"{kind}{suffix}", create_customers=True)
    check_messages(report, len(rows))
    assert report.counts["rejected"] > 0 and report.counts["imported"] > 0
    model = {"customers": Customer, "products": Product}.get(kind)
    key = {"customers": "code", "products": "sku"}.get(kind)
    for column in KEPT.get(kind, ()):
        stored = {getattr(r, key): getattr(r, column) for r in model.select()}
        for _i, row in enumerate(rows):
            code = row[key]
            given = row[column]
            if (
                code.startswith(("C", "P"))
                and code in stored
                and given not in COLUMNS[kind][column]
                and clean_text(given, column)
            ):
                assert stored[code] == clean_text(given, column), (column, given)
    if suffix == ".csv":  # the same rows again: nothing was half-written the first time
        again = import_file(kind, tmp_path / f"{kind}{suffix}", create_customers=True)
        assert again.counts["imported"] == 0 and again.counts["rejected"] == report.counts["rejected"]


def test_a_rejected_amount_or_date_says_so_in_one_sentence(database, tmp_path):
    amounts = hostile_strings(long=False, section="Amounts")
    dates = hostile_strings(long=False, section="Dates")
    rows = [
        {**{k: v.format(i=i, hour="") for k, v in COLUMNS["sales"].items()}, "total": a} for i, a in enumerate(amounts)
    ]
    rows += [
        {**{k: v.format(i=100 + i, hour="") for k, v in COLUMNS["sales"].items()}, "datetime": d}
        for i, d in enumerate(dates)
    ]
    settings.set_value("currency", "EUR")  # two decimals: "1.234,50" is an amount
    write(tmp_path / "s.csv", "sales", rows, shuffle=False)
    report = import_file("sales", tmp_path / "s.csv")
    check_messages(report, len(rows))
    said = {int(m.split(":")[0].split()[1]): m for m in report.messages if m.startswith("row ")}
    for offset, date in enumerate(dates):
        assert date.strip() in said[2 + len(amounts) + offset] or "date" in said[2 + len(amounts) + offset]
    # Digits of other scripts are digits; a currency sign beside the number is not checked
    # against the shop's currency (money.parse_money's rule).
    accepted = {
        "1,234.50",
        "1.234,50",
        "1 234,50",
        "1\u00a0234,50",
        "1\u202f234,50",
        "1'234.50",
        "\u20ac1,234.50",
        "1.234.567",
        "-1,234.50",
        "-0",
        "(1,234.50)",
        "\uff11\uff12\uff13",
        "\uff11,\uff12\uff13\uff14.\uff15\uff10",
        "\u0661\u0662\u0663",
        "\u06f1\u06f2\u06f3",
        "\u0967\u0968\u0969",
        "125.000 \u20ab",
        "1 234,50 \u20bd",
    }
    totals = {r.number: r.total for r in Receipt.select()}
    # "(1,234.50)" is how accounting programs write -1,234.50: it is read the same.
    assert totals[f"R{amounts.index('(1,234.50)')}"] == totals[f"R{amounts.index('-1,234.50')}"]
    assert Receipt.get(Receipt.number == f"R{amounts.index('(1,234.50)')}").kind == "return"
    for offset, amount in enumerate(amounts):
        if amount in accepted:
            assert 2 + offset not in said, (amount, said.get(2 + offset))
        else:
            assert amount.strip() in said[2 + offset], (amount, said.get(2 + offset))  # it names the value
        if amount.lstrip("-").startswith(("9999", "90000")):
            assert "too large" in said[2 + offset], said[2 + offset]


def exported_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


def test_exports_give_back_the_kept_text_byte_for_byte_and_never_a_formula(database, tmp_path):
    rows = [
        {**{k: v.format(i=i, hour="") for k, v in COLUMNS["customers"].items()}, "name": text[:200]}
        for i, text in enumerate(CORPUS)
    ]
    write(tmp_path / "c.csv", "customers", rows)
    import_file("customers", tmp_path / "c.csv")
    names = {c.name for c in Customer.select()}
    assert len(names) > 80
    spec = reports.load("debtors")
    data = spec.build(ReportQuery(as_of=clock.today()))
    for fmt in ("csv", "xlsx"):
        out = render(data, fmt, settings.currency(), title=spec.title, labels=spec.labels, columns=spec.columns)
        if fmt == "csv":
            # A cell a spreadsheet would run gets a leading quote there (render.neutralise).
            cells = {
                value[1:] if value.startswith("'") and value[1:].startswith(FORMULA) else value
                for row in csv.reader(io.StringIO(out))
                for value in row
            }
        else:
            cells = {value for value in exported_cells(out) if isinstance(value, str)}
        missing = sorted(name for name in names if name not in cells)
        assert not missing, (fmt, missing[:5])
    for name in ("directory.csv", "directory.xlsx"):  # the directory's own export (Ctrl+E)
        assert directory_export.export(tmp_path / name) >= len(names)
        data = (tmp_path / name).read_bytes()
        if name.endswith(".csv"):
            cells = {
                value[1:] if value.startswith("'") and value[1:].startswith(FORMULA) else value
                for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))
                for value in row
            }
        else:
            cells = {value for value in exported_cells(data) if isinstance(value, str)}
        assert not sorted(n for n in names if n not in cells)[:5], name
    target = tmp_path / "month.xlsx"
    export_month(Month(clock.today().replace(day=1)), target)
    cells = {value for value in exported_cells(target.read_bytes()) if isinstance(value, str)}
    assert not sorted(name for name in names if name not in cells)[:5]


@pytest.mark.parametrize("kind", list(COLUMNS))
def test_a_csv_with_a_nul_is_refused_whole_in_one_sentence(database, tmp_path, kind):
    path = tmp_path / "nul.csv"
    row = {key: default.format(i=1, hour="2024-03-05 10:00") for key, default in COLUMNS[kind].items()}
    path.write_text(",".join(COLUMNS[kind]) + "\n" + ",".join(row.values()).replace(",", ",a\x00b", 1) + "\n")
    with pytest.raises(ImportFileError) as refused:
        import_file(kind, path)
    assert "\n" not in str(refused.value) and "not a CSV" in str(refused.value)


def test_the_corpus_is_large_and_covers_what_issue_16_lists():
    assert len(CORPUS) >= 80
    joined = "".join(CORPUS)
    for needle in (
        "[/]",
        "[bold]",
        "\x1b[",
        "=HYPERLINK(",
        "\x00",
        "\u202e",
        "\u200b",
        "\t=",
        "\r=",
        "1,234.50",
        "1.234,50",
        "1\u00a0234,50",
        "1\u202f234,50",
        "1'234.50",
        "\uff11",
        "\u0661",
        "9999-12-31",
        "0001-01-01",
        "99999999999999999999",
        "-9",
    ):
        assert needle in joined, needle
    assert any(s.startswith(("+", "-", "@")) for s in CORPUS)
    assert sum(len(s) >= 5000 for s in CORPUS) >= 2
