"""The owner's month-end workbook on a small shop whose figures are worked out by hand
(see ``build_shop``), read back with openpyxl: sheets, headers, known figures in known
cells, number formats, charts, hostile text, and totals that reconcile with the report
functions and with the ledgers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from shoptui import db as dbmod
from shoptui.i18n import _, set_language
from shoptui.io import month_export, month_lists
from shoptui.io.importer import import_sheet
from shoptui.io.month_export import Month, export_month
from shoptui.io.readers import open_sheet
from shoptui.io.xlsx import safe_text
from shoptui.models import Customer, DebtEntry, PointsEntry, ReceiptLine
from shoptui.reports import load
from shoptui.reports.query import ReportQuery
from shoptui.services import (
    customers,
    debts,
    settings,
    stores,
)
from shoptui.services.context import Actor
from tests.builders import at
from tests.builders import month_sell as sell
from tests.builders import month_shop as build_shop
from tests.xlsx_reading import (
    HOSTILE,
    SHEETS,
    chart_facts,
    charts_by_sheet,
    formulas,
    values,
)

from ..actors import SYSTEM

MARCH = Month(dt.date(2025, 3, 1))


def export(tmp_path, name="march.xlsx"):
    path = tmp_path / name
    result = export_month(MARCH, path)
    data = path.read_bytes()
    return result, data, load_workbook(io.BytesIO(data))


@pytest.fixture
def shop(database):
    return build_shop()


def by_header(ws) -> list[dict]:
    rows = values(ws)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# -- the workbook -------------------------------------------------------------------------------------


def test_sheets_properties_and_styles(shop, tmp_path):
    result, data, book = export(tmp_path)
    assert book.sheetnames == SHEETS == result.sheets
    assert result.rows == 6  # two lines of B's sale, four receipts without lines
    assert book.properties.title == "My shop: month 2025-03" and book.properties.creator == "shoptui"
    assert book.properties.created is not None
    for name in SHEETS[1:]:
        if name == "Portrait":
            continue
        ws = book[name]
        assert ws.freeze_panes == "A2", name
        assert all(cell.font.b for cell in ws[1] if cell.value is not None), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
    assert formulas(data) == []
    assert [p.name for p in tmp_path.glob("*march.xlsx*")] == ["march.xlsx"]  # no temporary file left beside it


def test_summary_compares_the_month_with_the_month_before_and_a_year_before(shop, tmp_path):
    _result, _data, book = export(tmp_path)
    rows = values(book["Summary"])
    assert rows[0][0] == "My shop: month 2025-03"
    assert rows[1] == ["Figure", "2025-03", "2025-02", "Change", "2024-03", "Change"]
    figures = {row[0]: row[1:] for row in rows[2:12]}
    assert figures["Revenue"][:2] == [180_000, 200_000] and figures["Revenue"][3] == 100_000
    assert figures["Revenue"][2] == pytest.approx(-0.1) and figures["Revenue"][4] == pytest.approx(0.8)
    assert figures["Receipts"] == [4, 1, 3, 1, 3]
    assert figures["Average receipt"][:2] == [45_000, 200_000]
    assert figures["Receipts with a known customer"][:2] == [0.75, 1]
    assert figures["New customers"][:2] == [2, 0]
    assert figures["Visitors"][:2] == [70, 0]
    assert figures["Conversion"][0] == pytest.approx(round(2 / 70, 4)) and figures["Conversion"][1] is None
    assert figures["Debt outstanding"][:2] == [69_000, 50_000]  # 50,000 + 40,000 − 20,000 − 1,000
    summary = book["Summary"]
    assert summary["B3"].value == 180_000 and summary["B3"].number_format == "#,##0"
    assert summary["D3"].number_format == "0.0%" and summary["B6"].number_format == "0.0%"


def test_sales_by_day_has_every_day_a_chart_and_totals_that_match_the_portrait(shop, tmp_path):
    _result, data, book = export(tmp_path)
    ws = book["Sales by day"]
    rows = values(ws)
    assert rows[0] == [
        "Date",
        "Receipts",
        "Receipts with a known customer",
        "Sales",
        "Returns",
        "Returned amount",
        "Revenue",
        "Average receipt",
        "Discounts",
    ]
    assert len(rows) == 1 + 31 + 1
    assert rows[4][:8] == [dt.datetime(2025, 3, 4), 2, 1, 145_000, 0, 0, 145_000, 72_500]
    assert rows[5][4:7] == [1, 10_000, -10_000]
    assert ws["A5"].number_format == "yyyy-mm-dd" and ws["G5"].number_format == "#,##0"
    portrait = load("portrait").build(MARCH.query())
    total = rows[-1]
    assert total[0] == "Total" and total[1] == portrait["receipts"] == 4
    assert total[6] == int(portrait["revenue"]) == 180_000 and total[7] == int(portrait["avg_receipt"]) == 45_000
    (chart,) = charts_by_sheet(data)["Sales by day"]
    kind, refs, _titles = chart_facts(chart)
    assert kind == "barChart" and "'Sales by day'!$G$2:$G$32" in refs and "'Sales by day'!$A$2:$A$32" in refs


def test_conversion_by_day_and_hour_reconcile_with_the_conversion_report(shop, tmp_path):
    _result, data, book = export(tmp_path)
    day = by_header(book["Conversion by day"])
    assert len(day) == 2 * 31 + 1  # BRANCH then MAIN, every day, then the totals
    report = load("conversion").build(MARCH.query(by="day"))["rows"]
    for row in report:
        sheet_row = next(
            r for r in day if r["Store"] == row["store"] and r["Date"] == dt.datetime.combine(row["date"], dt.time())
        )
        assert (sheet_row["Visitors"], sheet_row["Receipts"], sheet_row["Revenue"]) == (
            row["visitors"],
            row["receipts"],
            int(row["revenue"]),
        )
        assert sheet_row["Conversion"] == (
            None if row["conversion"] is None else pytest.approx(float(row["conversion"]))
        )
    total = day[-1]
    assert (total["Store"], total["Visitors"], total["Receipts"], total["Revenue"]) == ("Total", 70, 4, 180_000)
    assert total["Receipts when visitors were counted"] == 2 and total["Conversion"] == pytest.approx(round(2 / 70, 4))
    hour = by_header(book["Conversion by hour"])
    main = {r["Hour"]: r for r in hour if r["Store"] == "MAIN"}
    assert set(main) == set(range(8, 24))  # from the first hour anything happened to the last (23:59)
    assert (main[10]["Visitors"], main[11]["Receipts"], main[11]["Conversion"]) == (15, 1, pytest.approx(0.2))
    assert main[23]["Conversion"] is None and main[23]["Receipts"] == 1
    assert hour[-1]["Visitors"] == 70 and hour[-1]["Receipts"] == 4
    charts = charts_by_sheet(data)
    day_kind, day_refs, day_titles = chart_facts(charts["Conversion by day"][0])
    assert day_kind == "lineChart" and day_titles == ["BRANCH", "MAIN"]
    assert "'Conversion by day'!$H$2:$H$32" in day_refs and "'Conversion by day'!$H$33:$H$63" in day_refs
    assert chart_facts(charts["Conversion by hour"][0])[0] == "barChart"


def test_new_customers_with_all_their_fields(shop, tmp_path):
    _result, _data, book = export(tmp_path)
    rows = by_header(book["Customers"])
    assert [r["Name"] for r in rows] == ["Bình", "Chi"]  # A registered before March
    b = rows[0]
    assert b["Code"] == shop["b"].code and b["Phone"] == "0912 345 679"
    assert (b["Gender"], b["Birthday"], b["Status"]) == ("female", dt.datetime(1990, 5, 31), "active")
    assert b["Card"] == "2000000000015" and b["Groups"] == "VIP" and b["Zalo"] is True and b["SMS"] is False
    assert b["Registered"] == dt.datetime(2025, 3, 2, 10, 0) and b["Store"] == "MAIN"
    assert b["Eyesight"] == -1.5
    assert book["Customers"]["E2"].number_format == "yyyy-mm-dd"


def test_debts_move_from_opening_to_closing_and_reconcile_with_the_ledger(shop, tmp_path):
    _result, _data, book = export(tmp_path)
    ws = book["Debts"]
    rows = by_header(ws)
    assert values(ws)[0] == [
        "Code",
        "Name",
        "Phone",
        "Opening balance",
        "Credit sales",
        "Paid from the advance",
        "Payments",
        "Returns",
        "Adjustments",
        "Closing balance",
    ]
    a, total = rows  # only A ever owed
    assert total["Code"] == "Total" and total["Closing balance"] == 69_000
    assert [
        a[k] for k in ("Opening balance", "Credit sales", "Payments", "Returns", "Adjustments", "Closing balance")
    ] == [50_000, 40_000, 20_000, 0, -1_000, 69_000]
    ledger = sum(e.amount for e in DebtEntry.select() if e.at < MARCH.end)  # a plain loop, not the export's SQL
    assert a["Closing balance"] == ledger
    owed = load("debtors").build(ReportQuery(as_of=MARCH.last))["totals"]["owed"]
    assert int(owed) == 69_000
    assert ws["D2"].number_format == "#,##0"


def test_points_move_from_opening_to_closing_and_reconcile_with_the_ledger_and_report(shop, tmp_path):
    _result, _data, book = export(tmp_path)
    rows = by_header(book["Points"])
    *people, total = rows
    assert total["Code"] == "Total"
    entries = [e for e in PointsEntry.select() if e.at < MARCH.end]
    for row in people:
        customer = Customer.get(Customer.code == row["Code"])
        mine = [e for e in entries if e.customer_id == customer.id]
        opening = sum(e.points for e in mine if e.at < MARCH.start)
        month = [e for e in mine if e.at >= MARCH.start]
        assert row["Opening balance"] == opening
        assert row["Earned"] == sum(e.points for e in month if e.kind == "earn")
        assert row["Redeemed"] == -sum(e.points for e in month if e.kind == "redeem")
        assert row["Returns"] == sum(e.points for e in month if e.kind in ("reverse", "restore"))
        assert row["Adjustments"] == sum(e.points for e in month if e.kind in ("adjust", "opening", "move"))
        assert row["Closing balance"] == opening + sum(e.points for e in month)
        assert row["Closing balance"] == (
            row["Opening balance"]
            + row["Earned"]
            - row["Redeemed"]
            + row["Returns"]
            - row["Expired"]
            + row["Adjustments"]
        )
    b = next(r for r in people if r["Name"] == "Bình")
    assert b["Adjustments"] == 5 and b["Opening balance"] == 0
    assert total["Closing balance"] == sum(e.points for e in entries)
    report = load("points").build(ReportQuery(as_of=MARCH.last))
    assert sum(max(r["Closing balance"], 0) for r in people) == report["outstanding_points"]
    summary = {row[0]: row[1] for row in values(book["Summary"])[2:12]}
    assert summary["Points outstanding"] == report["outstanding_points"]
    assert summary["Points liability"] == int(report["liability"])


def report_labels(name: str) -> dict:
    return load(name).labels


def test_portrait_rfm_and_winback_sheets(shop, tmp_path):
    _result, data, book = export(tmp_path)
    portrait = values(book["Portrait"])
    assert portrait[0][0] == "Customer portrait"
    assert ["Revenue", 180_000] == portrait[[r[0] for r in portrait].index("Revenue")][:2]
    charts = charts_by_sheet(data)
    assert len(charts["Portrait"]) >= 3  # visit buckets, gender, age, spend, return intervals
    assert any("Customers by number of visits" in c for c in charts["Portrait"])
    segments = by_header(book["RFM segments"])
    report = load("rfm").build(ReportQuery(as_of=MARCH.last))
    assert sum(r["Customers"] for r in segments) == report["customers"] == 3
    assert len(charts["RFM segments"]) == 1
    people = by_header(book["RFM customers"])
    assert len(people) == 3 and {r["Segment"] for r in people} <= {_(label) for label in report_labels("rfm").values()}
    assert values(book["Win-back"])[0][:2] == ["Code", "Name"]


def test_receipts_journal_lists_every_line_and_imports_back(shop, tmp_path, db_path):
    _result, _data, book = export(tmp_path)
    ws = book["Receipts"]
    rows = by_header(ws)
    assert values(ws)[0][:3] == ["Receipt no", "Date time", "Kind"]
    assert len(rows) == 6 and ReceiptLine.select().count() == 2
    assert [r["Kind"] for r in rows] == ["sale", "sale", "sale", "return", "sale", "sale"]
    first, second = rows[0], rows[1]
    assert first["Receipt no"] == second["Receipt no"] and first["Total"] == 75_000
    assert (first["SKU"], first["Qty"], first["Price"], first["Line amount"]) == ("T1", 2, 30_000, 60_000)
    assert second["Qty"] == 1.5
    credit = next(r for r in rows if r["Store"] == "BRANCH")
    assert credit["Paid credit"] == 40_000
    assert rows[3]["Return of"] == first["Receipt no"]
    assert ws["B2"].number_format == "yyyy-mm-dd hh:mm"
    # The journal is in the columns `import sales` reads: into a new shop, nothing is rejected.
    dbmod.open_database(str(tmp_path / "other.sqlite"))
    settings.ensure_defaults()
    stores.ensure_main_store()
    stores.add_store("BRANCH", "Chợ Lớn")
    report = import_sheet("sales", open_sheet(tmp_path / "march.xlsx", sheet="Receipts"), create_customers=True)
    assert report.counts["rejected"] == 0 and report.counts["imported"] == 5, report.messages
    settings.clear_cache()
    dbmod.open_database(str(db_path))


def test_hostile_text_stays_text_everywhere(shop, tmp_path):
    """Text a customer or an old database put there: never a formula, never a broken file."""
    hostile = HOSTILE
    Customer.update(
        name=hostile[0],
        notes=hostile[-1],
        company=hostile[1],
        address=hostile[2],
        area=hostile[3],
        email=hostile[6],
        phone_typed=hostile[7],
    ).where(Customer.id == shop["c"].id).execute()
    Customer.update(name=hostile[5], notes=hostile[8]).where(Customer.id == shop["b"].id).execute()
    ReceiptLine.update(name=hostile[4], sku=hostile[9]).where(ReceiptLine.position == 1).execute()
    _result, data, book = export(tmp_path)
    assert formulas(data) == []
    texts = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in texts)
    customers_rows = by_header(book["Customers"])
    chi = customers_rows[1]
    assert chi["Name"] == hostile[0] and chi["Company"] == "@SUM(A1)" and chi["Address"] == hostile[2]
    assert chi["Area"] == "-2+3" and chi["E-mail"] == "[31m"
    assert len(chi["Notes"]) == 32_767 and chi["Notes"].endswith("…")
    assert customers_rows[0]["Name"] == "#N/A" and customers_rows[0]["Notes"] == "[/]"
    lines = by_header(book["Receipts"])
    assert lines[0]["Product"] == "=1+1" and lines[0]["SKU"] == safe_text(hostile[9]) == "abc"
    debts_names = [r["Name"] for r in by_header(book["Debts"])]
    assert debts_names == ["An", None]


def test_sheet_names_and_headers_follow_the_language(shop, tmp_path):
    set_language("vi")
    result, _data, book = export(tmp_path)
    expected = [
        _(month_export.SHEETS[key])
        for key in (
            "summary",
            "sales_by_day",
            "conversion_by_day",
            "conversion_by_hour",
            "customers",
            "debts",
            "points",
            "portrait",
            "rfm",
            "rfm_customers",
            "winback",
            "receipts",
        )
    ]
    assert book.sheetnames == expected
    assert _("Customers") != "Customers" and _("Customers") in book.sheetnames
    assert values(book[_("Customers")])[0][:3] == ["Mã khách hàng", "Tên khách hàng", "Điện thoại"]
    assert values(book[_("Receipts")])[0][:2] == ["Mã hóa đơn", "Thời gian"]
    assert book[_("Sales by day")]["A2"].number_format == "dd/mm/yyyy"


def test_a_currency_with_cents(database, tmp_path):
    settings.set_value("currency", "EUR")
    a = customers.register({"name": "Anna"}, registered_at=at("2025-03-01 09:00")).customer
    sell(a, 1234, "2025-03-02 10:00")  # 12.34 EUR
    _result, _data, book = export(tmp_path)
    ws = book["Sales by day"]
    assert float(ws["G3"].value) == pytest.approx(12.34) and ws["G3"].number_format == "#,##0.00"
    summary = book["Summary"]
    assert float(summary["B3"].value) == pytest.approx(12.34) and summary["B3"].number_format == "#,##0.00"


def test_an_empty_month_is_a_workbook_of_empty_tables(database, tmp_path):
    result, data, book = export(tmp_path)
    assert book.sheetnames == SHEETS and result.rows == 0
    assert values(book["Receipts"]) == [values(book["Receipts"])[0]]
    assert values(book["Debts"])[1:] == [["Total", None, None, 0, 0, 0, 0, 0, 0, 0]]
    assert values(book["Sales by day"])[-1][:2] == ["Total", 0]


def test_long_sheets_are_read_in_chunks(shop, tmp_path, monkeypatch):
    """Chunks of one row give the same workbook: the keyset paging neither skips nor repeats."""
    _result, _data, whole = export(tmp_path, "whole.xlsx")
    monkeypatch.setattr(month_lists, "CHUNK", 1)
    _result, _data, chunked = export(tmp_path, "chunked.xlsx")
    for name in ("Customers", "Debts", "Points", "Receipts"):
        assert values(chunked[name]) == values(whole[name]), name


@pytest.mark.postgres
def test_the_same_workbook_on_postgresql(pg_database, tmp_path):
    """The keyset paging, the day and hour grouping and the ledgers' CASE sums are portable."""
    build_shop()
    _result, _data, on_postgres = export(tmp_path, "pg.xlsx")
    settings.clear_cache()
    dbmod.open_database(str(tmp_path / "lite.sqlite"))
    settings.ensure_defaults()
    stores.ensure_main_store()
    build_shop()
    _result, _data, on_sqlite = export(tmp_path, "lite.xlsx")
    assert on_postgres.sheetnames == on_sqlite.sheetnames
    for name in on_sqlite.sheetnames:
        pg_rows, lite_rows = values(on_postgres[name]), values(on_sqlite[name])
        if name == "Summary":  # the moment each workbook was made differs
            pg_rows, lite_rows = pg_rows[:-1], lite_rows[:-1]
        assert pg_rows == lite_rows, name
    settings.clear_cache()
    dbmod.database.close()


# -- who may export, where, and stopping half-way ------------------------------------------------------


def openpyxl_temp_files() -> set[str]:
    from openpyxl.worksheet import _writer

    return {path for path in _writer.ALL_TEMP_FILES if __import__("os").path.exists(path)}


def test_a_cancelled_export_leaves_the_target_as_it_was_and_no_temporary_files(shop, tmp_path):
    target = tmp_path / "march.xlsx"
    target.write_bytes(b"the owner's old file")
    before = openpyxl_temp_files()
    seen = []

    def progress(stage, done, total):
        seen.append((stage, done, total))
        if stage == "Receipts":
            raise month_export.Cancelled()

    with pytest.raises(month_export.Cancelled, match="cancelled"):
        export_month(MARCH, target, progress=progress)
    assert target.read_bytes() == b"the owner's old file"
    assert [p.name for p in tmp_path.glob("*march.xlsx*")] == ["march.xlsx"]
    assert openpyxl_temp_files() == before  # the sheets streamed so far are gone too
    assert ("Summary", 0, 0) in seen and seen[-1] == ("Receipts", 0, 6)


def test_a_cancelled_export_of_a_new_file_writes_nothing(shop, tmp_path):
    def cancel(stage, done, total):
        raise month_export.Cancelled()

    with pytest.raises(month_export.Cancelled):
        export_month(MARCH, tmp_path / "march.xlsx", progress=cancel)
    assert list(tmp_path.glob("*.xlsx*")) == []


def test_only_an_owner_may_export(shop, tmp_path):
    from shoptui.errors import PermissionDenied
    from shoptui.services import users

    cashier = users.add_user("lan", "cashier", "2222", SYSTEM)
    owner = users.add_user("minh", "owner", "1111", SYSTEM)
    with pytest.raises(PermissionDenied, match="cashier may not export data; ask the owner"):
        export_month(MARCH, tmp_path / "march.xlsx", actor=Actor(user=cashier))
    assert list(tmp_path.glob("*.xlsx*")) == []
    export_month(MARCH, tmp_path / "march.xlsx", actor=Actor(user=owner))
    assert load_workbook(tmp_path / "march.xlsx").sheetnames == SHEETS


def test_a_target_that_cannot_be_written_is_one_sentence_on_the_path(tmp_path):
    from shoptui.errors import ValidationError

    with pytest.raises(ValidationError, match="does not exist") as missing:
        month_export.check_target(tmp_path / "nowhere" / "march.xlsx")
    assert missing.value.field == "path"
    with pytest.raises(ValidationError, match="is a folder"):
        month_export.check_target(tmp_path)
    for hostile in ("a\x00b.xlsx", "x" * 5000 + ".xlsx"):
        with pytest.raises(ValidationError, match="is not a file name this computer can use"):
            month_export.check_target(tmp_path / hostile)
    assert month_export.check_target(tmp_path / "march.xlsx") == tmp_path / "march.xlsx"


def test_a_folder_without_write_permission(tmp_path):
    import os

    from shoptui.errors import ValidationError

    if os.geteuid() == 0:
        pytest.skip("running as a user who may write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(ValidationError, match="cannot be written to"):
        month_export.check_target(locked / "march.xlsx")


def test_a_file_that_cannot_be_saved_is_one_sentence_and_leaves_nothing(shop, tmp_path, monkeypatch):
    from shoptui.errors import ValidationError
    from shoptui.io.xlsx import Book

    def refused(self, target):
        open(target, "wb").write(b"half")
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Book, "save", refused)
    before = openpyxl_temp_files()
    with pytest.raises(ValidationError, match=r"march.xlsx cannot be written: Permission denied$"):
        export_month(MARCH, tmp_path / "march.xlsx")
    assert list(tmp_path.glob("*march.xlsx*")) == [] and openpyxl_temp_files() == before


@pytest.mark.parametrize("currency", ["VND", "EUR"])
def test_the_receipts_journal_round_trips_exactly(database, tmp_path, db_path, currency):
    """A month of a generated shop: read back into the same shop every receipt is
    unchanged (not a conflict); into an empty shop the month's figures come out the same.
    In euros too, where the sheet's amounts carry cents."""
    from shoptui import demo

    settings.set_value("currency", currency)
    demo.make_demo(customers=60, days=30, seed=5, today=dt.date(2025, 6, 30))
    june = Month(dt.date(2025, 6, 1))
    path = tmp_path / "june.xlsx"
    export_month(june, path, actor=SYSTEM)
    receipts = june.query().receipts()
    from shoptui.models import Receipt, VoucherUse

    stored = Receipt.select().where(receipts).count()
    assert VoucherUse.select().join(Receipt).where(receipts).count() > 0
    figures = ("revenue", "receipts", "avg_receipt", "voucher_users_over_2")
    before = {key: load("portrait").build(june.query())[key] for key in figures}
    assert before["voucher_users_over_2"] > 0  # the journal must carry the vouchers

    again = import_sheet("sales", open_sheet(path, sheet="Receipts"), dry_run=True, actor=SYSTEM)
    assert again.counts == {"imported": 0, "updated": 0, "unchanged": stored, "rejected": 0}, again.messages[:5]

    dbmod.open_database(str(tmp_path / "empty.sqlite"))
    try:
        settings.ensure_defaults()
        settings.set_value("currency", currency)
        stores.ensure_main_store()
        report = import_sheet("sales", open_sheet(path, sheet="Receipts"), create_customers=True)
        assert report.counts["rejected"] == 0 and report.counts["imported"] == stored, report.messages[:5]
        after = {key: load("portrait").build(june.query())[key] for key in figures}
        assert after == before
    finally:
        settings.clear_cache()
        dbmod.open_database(str(db_path))


def test_an_imported_receipt_paid_with_points_reads_back_unchanged(database, tmp_path):
    """An imported receipt keeps its points only as a points payment (no ledger): the
    journal writes them back as points, so the same file read again changes nothing."""
    import csv

    customers.register({"name": "An", "code": "KH1"})
    source = tmp_path / "old.csv"
    with source.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [
                [
                    "receipt_no",
                    "datetime",
                    "customer",
                    "total",
                    "points_redeemed",
                    "paid_card",
                    "voucher",
                    "voucher_amount",
                ],
                ["HD1", "2025-03-05 10:15", "KH1", "100000", "20", "30000", "GIAM10", "10000"],
            ]
        )
    assert import_sheet("sales", open_sheet(source), create_customers=True).counts["imported"] == 1
    path = tmp_path / "march.xlsx"
    export_month(MARCH, path)
    (row,) = by_header(load_workbook(path)["Receipts"])
    assert (row["Points redeemed"], row["Paid card"], row["Voucher"], row["Voucher amount"]) == (
        20,
        30_000,
        "GIAM10",
        10_000,
    )
    again = import_sheet("sales", open_sheet(path, sheet="Receipts"), dry_run=True)
    assert again.counts["unchanged"] == 1, again.messages


def test_a_negative_opening_debt_is_an_advance_the_same_in_every_place(shop, tmp_path):
    # Issue 12, defect 7: the Summary said debt outstanding 69,000 + 50,000 of the advance's
    # customer ignored, while the Debts sheet closed at the net; now the Summary names all three.
    d = customers.register({"name": "Dũng"}, registered_at=at("2025-01-02 10:00")).customer
    debts.set_opening_balance(d, -50_000, at=at("2025-01-02 10:00"))
    _result, _data, book = export(tmp_path)
    figures = {row[0]: row[1] for row in values(book["Summary"])[2:14]}
    assert (figures["Debt outstanding"], figures["Paid in advance"]) == (69_000, 50_000)
    assert figures["Debt balance (owed less advances)"] == 19_000
    total = by_header(book["Debts"])[-1]
    assert total["Closing balance"] == figures["Debt balance (owed less advances)"]
    report = load("debtors").build(ReportQuery(as_of=MARCH.last))["totals"]
    assert (int(report["owed"]), int(report["advances"]), int(report["balance"])) == (69_000, 50_000, 19_000)
    assert (report["owing_customers"], report["advance_customers"], report["customers"]) == (1, 1, 2)
