"""``import sales``: receipts by store and number, payments, returns, lines, customers, conflicts."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import peewee as pw
import pytest

from shoptui.io.importer import import_file
from shoptui.models import Customer, DebtEntry, Payment, PointsEntry, Product, Receipt, ReceiptLine, Voucher, VoucherUse
from shoptui.services import cards, customers, settings
from shoptui.services.stores import add_store


def write_csv(path, rows, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


def counts(report):
    return tuple(report.counts[k] for k in ("imported", "updated", "unchanged", "rejected"))


def payments_of(receipt):
    return {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)}


def check_problems():
    from shoptui.check import run_checks

    return [p.message for p in run_checks()]


HEADER = [
    "receipt_no",
    "datetime",
    "kind",
    "return_of",
    "customer",
    "total",
    "discount",
    "paid_credit",
    "points_redeemed",
    "voucher",
    "voucher_amount",
]


@pytest.fixture
def an(database):
    customer = customers.register({"name": "An", "code": "KH1", "phone": "0912345678"}).customer
    cards.issue_card(customer, "2900000000011", follow_rule=False)  # a card from another program
    return customer


def test_anonymous_and_zero_total_receipts(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [["receipt_no", "datetime", "total"], ["1", "2024-03-05 10:00", "125.000"], ["2", "2024-03-05 10:01", "0"]],
    )
    report = import_file("sales", path)
    assert counts(report) == (2, 0, 0, 0)
    first, zero = Receipt.select().order_by(Receipt.number)
    assert (first.kind, first.customer_id, first.total, first.source, first.store.code) == (
        "sale",
        None,
        125000,
        "import",
        "MAIN",
    )
    assert payments_of(first) == {"cash": 125000}
    assert zero.total == 0 and payments_of(zero) == {}
    assert check_problems() == []


def test_the_same_file_twice_adds_nothing(an, tmp_path):
    path = write_csv(
        tmp_path / "s.csv", [HEADER, ["HD1", "05/03/2024 10:15", "", "", "KH1", "100.000", "5.000", "", "", "", ""]]
    )
    assert counts(import_file("sales", path)) == (1, 0, 0, 0)
    assert counts(import_file("sales", path)) == (0, 0, 1, 0)
    assert Receipt.select().count() == 1 and Payment.select().count() == 1
    assert Customer.get_by_id(an.id).total_sales == 100000


def test_a_stored_number_with_other_content_is_a_conflict(an, tmp_path):
    write_csv(tmp_path / "a.csv", [HEADER, ["HD1", "05/03/2024 10:15", "", "", "KH1", "100.000", "", "", "", "", ""]])
    import_file("sales", tmp_path / "a.csv")
    path = write_csv(
        tmp_path / "b.csv",
        [
            HEADER,
            ["HD1", "05/03/2024 10:15", "", "", "KH1", "90.000", "", "", "", "", ""],
            ["HD2", "05/03/2024 10:20", "", "", "", "10.000", "", "", "", "", ""],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (1, 0, 0, 1)
    assert report.messages == [
        "row 2: Receipt HD1 is already stored with different content (a conflict); it was not changed."
    ]
    assert Receipt.get(Receipt.number == "HD1").total == 100000


def test_a_receipt_is_identified_by_store_and_number(an, tmp_path):
    add_store("HN2", "Hà Nội 2")
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "total", "store"],
            ["1", "2024-03-05 10:00", "10000", "MAIN"],
            ["1", "2024-03-05 10:00", "20000", "hn2"],
            ["1", "2024-03-05 10:00", "20000", "Hà Nội 2"],
            ["2", "2024-03-05 10:00", "20000", "XX"],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (2, 0, 1, 1)
    assert report.messages == ["row 5: There is no store XX; add it first with `shoptui stores add`."]


def test_customers_by_card_code_or_phone_and_unknown_ones_rejected(an, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "customer", "total"],
            ["1", "2024-03-05 10:00", "2900000000011", "10000"],
            ["2", "2024-03-05 10:00", "KH1", "10000"],
            ["3", "2024-03-05 10:00", "912345678", "10000"],
            ["4", "2024-03-05 10:00", "KH404", "10000"],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (3, 0, 0, 1)
    assert report.messages == ["row 5: Unknown customer KH404: import the customers first, or use --create-customers."]
    assert {r.customer_id for r in Receipt.select()} == {an.id}
    customer = Customer.get_by_id(an.id)
    assert (customer.total_sales, customer.last_purchase_at) == (30000, dt.datetime(2024, 3, 5, 10))


def test_create_customers_registers_the_unknown_ones(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "customer", "customer name", "total"],
            ["1", "2024-03-06 10:00", "0987654321", "Bình", "10000"],
            ["2", "2024-03-07 10:00", "17850", "", "10000"],
            ["3", "2024-03-05 09:00", "17850", "", "5000"],
            ["4", "2024-03-05 10:00", "2000000000015", "", "7000"],
        ],
    )
    report = import_file("sales", path, create_customers=True)
    assert counts(report) == (4, 0, 0, 0)
    binh = Customer.get(Customer.phone == "+84987654321")
    assert (binh.name, binh.status, binh.registered_at) == ("Bình", "incomplete", dt.datetime(2024, 3, 6, 10))
    coded = Customer.get(Customer.code == "17850")
    # Registered no later than the first receipt, even when the file is not in time order.
    assert (coded.registered_at, coded.total_sales) == (dt.datetime(2024, 3, 5, 9), 15000)
    assert cards.resolve_scan("2000000000015").kind == "known"
    assert counts(import_file("sales", path, create_customers=True)) == (0, 0, 4, 0)
    assert Customer.select().count() == 3
    assert check_problems() == []


def test_payments_add_up_to_the_total(an, tmp_path):
    settings.set_value("points_value", "1000")
    path = write_csv(
        tmp_path / "s.csv",
        [
            HEADER,
            ["HD1", "05/03/2024 10:15", "sale", "", "KH1", "100.000", "5.000", "20.000", "10", "TET2024", "5.000"],
            ["HD2", "05/03/2024 10:16", "sale", "", "", "10.000", "", "", "", "", "20.000"],
            ["HD3", "05/03/2024 10:17", "sale", "", "", "10.000", "", "5.000", "", "", ""],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (1, 0, 0, 2)
    assert report.messages == [
        "row 3: The payments add up to more than the total of ₫10,000.",
        "row 4: Only a known customer can buy on credit or pay with points.",
    ]
    receipt = Receipt.get(Receipt.number == "HD1")
    assert payments_of(receipt) == {"credit": 20000, "points": 10000, "voucher": 5000, "cash": 65000}
    assert (receipt.subtotal, receipt.discount, receipt.total) == (105000, 5000, 100000)
    voucher = Voucher.get(Voucher.code == "TET2024")
    assert voucher.max_uses is None
    use = VoucherUse.get()
    assert (use.voucher_id, use.receipt_id, use.customer_id, use.amount) == (voucher.id, receipt.id, an.id, 5000)
    # Balances come from the customer import's opening balances: an imported receipt posts nothing.
    assert PointsEntry.select().count() == 0 and DebtEntry.select().count() == 0
    assert Customer.get_by_id(an.id).debt_balance == 0


def test_returns_link_to_their_sale_in_this_batch_or_an_earlier_one(an, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            HEADER,
            ["S1", "2024-03-05 10:00", "sale", "", "KH1", "100000", "", "", "", "", ""],
            ["S2", "2024-03-05 10:05", "", "", "", "50000", "", "", "", "", ""],
            ["R1", "2024-03-06 10:00", "Trả hàng", "S1", "", "30000", "", "", "", "", ""],
            ["R2", "2024-03-06 11:00", "return", "S1", "", "80000", "", "", "", "", ""],
            ["R3", "2024-03-06 12:00", "return", "S9", "", "1000", "", "", "", "", ""],
            ["R4", "2024-03-06 12:00", "return", "S2", "", "50000", "", "", "", "", ""],
        ],
    )
    report = import_file("sales", path, batch_size=2)
    assert counts(report) == (6, 0, 0, 0)
    assert report.messages == [
        "row 5: warning: Returns of sale S1 would exceed it; the return is kept without a link to it.",
        "row 6: warning: Sale S9 is not stored; the return is kept without a link to it.",
    ]
    by_number = {r.number: r for r in Receipt.select()}
    assert by_number["R1"].return_of_id == by_number["S1"].id and by_number["R1"].customer_id == an.id
    assert by_number["R2"].return_of_id is None and by_number["R3"].return_of_id is None
    assert by_number["R4"].return_of_id == by_number["S2"].id and by_number["R4"].customer_id is None
    assert Customer.get_by_id(an.id).total_sales == 70000
    assert counts(import_file("sales", path, batch_size=2)) == (0, 0, 6, 0)
    assert check_problems() == []


def test_a_negative_total_without_a_kind_is_a_return(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "kind", "total"],
            ["C1", "2024-03-05 10:00", "", "-30.000"],
            ["C2", "2024-03-05 10:00", "return", "-30.000"],
            ["C3", "2024-03-05 10:00", "sale", "-30.000"],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (2, 0, 0, 1)
    assert report.messages == [
        'row 4: A sale cannot have a negative total (-₫30,000); write a return as kind "return".'
    ]
    assert {(r.kind, r.total) for r in Receipt.select()} == {("return", 30000)}


def test_line_level_file_groups_consecutive_rows(database, tmp_path):
    settings.set_value("currency", "GBP")
    settings.set_value("region", "GB")
    Product.create(sku="71053", name="WHITE METAL LANTERN", price=339)
    path = write_csv(
        tmp_path / "lines.csv",
        [
            ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
            ["536365", "85123A", "WHITE HANGING HEART", "6", "1/12/2010 08:26", "2.55", "", "United Kingdom"],
            ["536365", "71053", "WHITE METAL LANTERN", "6", "1/12/2010 08:26", "", "", "United Kingdom"],
            ["536366", "22633", "HAND WARMER", "many", "1/12/2010 08:28", "1.85", "", "United Kingdom"],
            ["536366", "22632", "HAND WARMER RED", "6", "1/12/2010 08:28", "1.85", "", "United Kingdom"],
            ["C536379", "D", "Discount", "-1", "1/12/2010 09:41", "27.50", "", "United Kingdom"],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (2, 0, 0, 1)
    assert report.messages == [
        "warning: these columns are not known and are ignored: Country",
        "row 4: Quantity: many is not a quantity.",
    ]
    sale = Receipt.get(Receipt.number == "536365")
    assert (sale.kind, sale.at, sale.total, sale.subtotal) == ("sale", dt.datetime(2010, 12, 1, 8, 26), 3564, 3564)
    lines = list(ReceiptLine.select().where(ReceiptLine.receipt == sale).order_by(ReceiptLine.position))
    assert [(ln.sku, ln.qty, ln.unit_price, ln.amount) for ln in lines] == [
        ("85123A", Decimal(6), 255, 1530),
        ("71053", Decimal(6), 339, 2034),
    ]
    # A product sold but missing from the catalogue joins it.
    assert lines[0].product.name == "WHITE HANGING HEART" and lines[1].product.sku == "71053"
    refund = Receipt.get(Receipt.number == "C536379")
    assert (refund.kind, refund.total) == ("return", 2750)
    assert [(ln.qty, ln.amount) for ln in refund.lines] == [(Decimal(1), 2750)]
    assert counts(import_file("sales", path)) == (0, 0, 2, 1)


def test_rows_of_one_receipt_share_its_fields_and_a_bad_line_rejects_the_receipt(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "total", "sku", "qty", "price", "line_discount"],
            ["HD1", "2024-03-05 10:00", "95.000", "A", "2", "25.000", "5.000"],
            ["HD1", "", "", "B", "1", "50.000", ""],
            ["HD2", "2024-03-05 11:00", "10.000", "A", "1", "10.000", ""],
            ["HD2", "", "", "Z", "1", "", ""],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (1, 0, 0, 1)
    assert report.messages == ["row 5: The line has no price."]
    receipt = Receipt.get(Receipt.number == "HD1")
    assert (receipt.total, receipt.subtotal, receipt.discount) == (95000, 100000, 5000)
    assert [(ln.sku, ln.line_discount, ln.amount) for ln in receipt.lines.order_by(ReceiptLine.position)] == [
        ("A", 5000, 45000),
        ("B", 0, 50000),
    ]


def test_the_first_row_must_name_the_required_columns(database, tmp_path):
    from shoptui.errors import ImportFileError

    path = write_csv(tmp_path / "s.csv", [["receipt_no", "customer"], ["1", "x"]])
    with pytest.raises(ImportFileError, match="has no column for datetime, total"):
        import_file("sales", path)


def test_required_cells_and_row_numbers(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "total"],
            ["", "2024-03-05 10:00", "1000"],
            ["2", "", "1000"],
            ["3", "2024-03-05 10:00", ""],
            ["4", "2024-03-05 10:00", "1000"],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (1, 0, 0, 3)
    assert report.messages == ["row 2: receipt_no is empty.", "row 3: datetime is empty.", "row 4: total is empty."]


def test_dry_run_writes_nothing(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "customer", "total", "voucher", "sku", "price"],
            ["1", "2024-03-05 10:00", "0987654321", "10000", "V1", "A", "10000"],
            ["2", "2024-03-05 10:00", "", "10000", "", "", ""],
        ],
    )
    dry = import_file("sales", path, dry_run=True, create_customers=True)
    assert counts(dry) == (2, 0, 0, 0)
    for model in (Receipt, Payment, Customer, Voucher, Product, ReceiptLine):
        assert model.select().count() == 0, model
    assert counts(import_file("sales", path, create_customers=True)) == (2, 0, 0, 0)


def test_customer_sales_cache_matches_the_receipts(an, tmp_path):
    rows = [["receipt_no", "datetime", "kind", "customer", "total"]]
    for n in range(1, 13):
        rows.append([f"S{n}", f"2024-03-{n:02d} 10:00", "sale", "KH1", str(1000 * n)])
    rows.append(["R1", "2024-04-01 10:00", "return", "KH1", "500"])
    import_file("sales", write_csv(tmp_path / "s.csv", rows), batch_size=5)
    signed = pw.Case(None, [(Receipt.kind == "return", Receipt.total * -1)], Receipt.total)
    total = Receipt.select(pw.fn.SUM(signed)).where(Receipt.customer == an).scalar()
    customer = Customer.get_by_id(an.id)
    assert customer.total_sales == total == 78000 - 500
    assert customer.last_purchase_at == dt.datetime(2024, 3, 12, 10)


def test_an_excel_workbook_with_native_dates_and_numbers(an, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hóa đơn", "Thời gian", "Mã khách hàng", "Khách cần trả", "Giảm giá"])
    sheet.append(["HD1", dt.datetime(2024, 3, 5, 10, 15), "KH1", 125000, 5000.0])
    sheet.append(["HD2", dt.date(2024, 3, 6), 912345678, 99000.0, None])
    book.save(tmp_path / "hoa_don.xlsx")
    assert counts(import_file("sales", tmp_path / "hoa_don.xlsx")) == (2, 0, 0, 0)
    first, second = Receipt.select().order_by(Receipt.number)
    assert (first.at, first.total, first.discount, first.customer_id) == (
        dt.datetime(2024, 3, 5, 10, 15),
        125000,
        5000,
        an.id,
    )
    assert (second.at, second.total, second.customer_id) == (dt.datetime(2024, 3, 6), 99000, an.id)
    assert counts(import_file("sales", tmp_path / "hoa_don.xlsx")) == (0, 0, 2, 0)


def test_codes_that_went_through_a_float_still_match(database, tmp_path):
    write_csv(tmp_path / "c.csv", [["CustomerID", "Points"], ["17850.0", "5"], ["-5", "-5"]])
    report = import_file("customers", tmp_path / "c.csv")
    assert report.messages == ["row 3: warning: A points balance below zero is not taken as an opening balance."]
    write_csv(
        tmp_path / "s.csv",
        [["InvoiceNo", "InvoiceDate", "CustomerID", "Total"], ["536365.0", "2010-12-01 08:26", "17850", "100"]],
    )
    assert counts(import_file("sales", tmp_path / "s.csv")) == (1, 0, 0, 0)
    receipt = Receipt.get()
    assert (receipt.number, receipt.customer.code) == ("536365", "17850")


def test_imported_credit_and_points_keep_check_clean(an, tmp_path):
    """Imported receipts post no ledger entries (opening balances are the truth), and `check` knows it."""
    path = write_csv(
        tmp_path / "s.csv",
        [
            HEADER,
            ["C1", "2024-03-05 10:00", "sale", "", "KH1", "300000", "0", "100000", "20", "", ""],
        ],
    )
    assert counts(import_file("sales", path)) == (1, 0, 0, 0)
    receipt = Receipt.get(Receipt.number == "C1")
    assert payments_of(receipt)["credit"] == 100000
    assert DebtEntry.select().count() == 0 and PointsEntry.select().count() == 0
    assert check_problems() == []


def test_a_voucher_of_an_imported_sale_may_not_be_a_product_or_a_card(an, tmp_path):
    """One code, one meaning (issue 12): an import makes no voucher whose code a scan reads
    as something else; the row is refused with what the code is."""
    from shoptui.models import Product

    Product.create(sku="RICE", barcode="8930000000019", name="Rice", price=20_000)
    path = write_csv(
        tmp_path / "s.csv",
        [
            HEADER,
            ["HD1", "05/03/2024 10:15", "sale", "", "", "10.000", "", "", "", "8930000000019", "5.000"],
            ["HD2", "05/03/2024 10:16", "sale", "", "", "10.000", "", "", "", "2900000000011", "5.000"],
            ["HD3", "05/03/2024 10:17", "sale", "", "", "10.000", "", "", "", "TET2024", "5.000"],
        ],
    )
    report = import_file("sales", path)
    assert counts(report) == (1, 0, 0, 2)
    assert "row 2:" in report.messages[0] and "This is a product: Rice" in report.messages[0]
    assert "row 3:" in report.messages[1] and "This is An's card" in report.messages[1]
    assert [v.code for v in Voucher.select()] == ["TET2024"]
    assert check_problems() == []
