"""An advance (issue 12): a customer whose debt balance is below zero has paid in advance.
A manager records an advance payment (a payment of more than the debt) in one call; a
sale may be paid from the advance, capped at it and never counted against the credit
limit, on the debt ledger in the sale's own transaction; a return gives it back."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui import check
from shoptui.errors import PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, Customer, DebtEntry, Payment, Receipt
from shoptui.services import checkout, customers, day_close, debts, sale_quote, sale_return, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from tests.actors import SYSTEM

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def an(database):
    return customers.register({"name": "An", "credit_limit": 50_000}, actor=SYSTEM).customer


def fresh(customer) -> Customer:
    return Customer.get_by_id(customer.id)


def paid(receipt) -> dict[str, int]:
    return {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)}


def sell(**values):
    values.setdefault("at", NOW)
    return checkout.record_sale(SaleInput(**values), actor=SYSTEM)


def test_a_payment_beyond_the_debt_is_an_advance_when_asked(an):
    sell(customer=an, amount=30_000, credit=30_000)
    with pytest.raises(RuleViolation, match="owes only"):
        debts.take_payment(an, 100_000, actor=SYSTEM, at=NOW)
    payment = debts.take_payment(an, 100_000, "cash", SYSTEM, at=NOW, advance=True)
    assert (payment.balance_before, payment.balance_after) == (30_000, -70_000)
    assert payment.entry.kind == "advance" and payment.entry.amount == -100_000 and payment.entry.method == "cash"
    assert fresh(an).debt_balance == -70_000 and debts.advance_left(fresh(an)) == 70_000
    audit = AuditLog.select().where(AuditLog.action == "debt.advance").get()
    assert audit.after == {"debt": -70_000, "method": "cash", "advance": 70_000}
    assert check.run_checks() == []


def test_an_advance_while_nothing_is_owed(an):
    with pytest.raises(RuleViolation, match="owes nothing"):
        debts.take_payment(an, 20_000, actor=SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="Type the amount"):
        debts.take_payment(an, None, actor=SYSTEM, at=NOW, advance=True)
    debts.take_payment(an, 20_000, "transfer", SYSTEM, at=NOW, advance=True)
    assert fresh(an).debt_balance == -20_000
    # A payment within the debt stays a plain payment even when an advance is allowed.
    assert check.run_checks() == []


def test_only_a_manager_or_the_owner_records_an_advance(an):
    users.add_user("Hoa", "owner", "9999", SYSTEM)
    cashier = Actor(user=users.add_user("Minh", "cashier", "1111", SYSTEM))
    manager = Actor(user=users.add_user("Lan", "manager", "2222", SYSTEM))
    with pytest.raises(PermissionDenied, match="ask a manager"):
        debts.take_payment(an, 10_000, actor=cashier, at=NOW, advance=True)
    assert fresh(an).debt_balance == 0 and not DebtEntry.select().exists()
    debts.take_payment(an, 10_000, actor=manager, at=NOW, advance=True)
    assert fresh(an).debt_balance == -10_000


def test_a_sale_paid_from_the_advance(an):
    debts.take_payment(an, 70_000, actor=SYSTEM, at=NOW, advance=True)
    result = sell(customer=an, amount=100_000, advance=70_000)
    assert paid(result.receipt) == {"advance": 70_000, "cash": 30_000}
    assert result.debt_balance == 0 == fresh(an).debt_balance
    entry = DebtEntry.get(DebtEntry.receipt == result.receipt)
    assert (entry.kind, entry.amount, entry.reason) == ("credit_sale", 70_000, "paid from the advance")
    assert check.run_checks() == []


def test_the_advance_is_capped_and_needs_a_customer(an):
    with pytest.raises(RuleViolation, match="paid nothing in advance"):
        sell(customer=an, amount=10_000, advance=5_000)
    debts.take_payment(an, 20_000, actor=SYSTEM, at=NOW, advance=True)
    with pytest.raises(RuleViolation, match="only ₫20,000 paid in advance") as refused:
        sell(customer=an, amount=50_000, advance=20_001)
    assert refused.value.field == "advance"
    with pytest.raises(RuleViolation, match="scan the card"):
        sell(amount=10_000, advance=1_000)
    assert fresh(an).debt_balance == -20_000 and not Receipt.select().exists()


def test_the_advance_is_not_counted_against_the_credit_limit(an):
    """Limit 50,000: 30,000 from the advance and 50,000 on credit are allowed together."""
    debts.take_payment(an, 30_000, actor=SYSTEM, at=NOW, advance=True)
    assert sale_quote.quote(SaleInput(customer=an, amount=1)).advance_left == 30_000
    result = sell(customer=an, amount=80_000, advance=30_000, credit=50_000)
    assert result.debt_balance == 50_000
    assert check.run_checks() == []


def test_a_return_gives_the_advance_back(an):
    debts.take_payment(an, 60_000, actor=SYSTEM, at=NOW, advance=True)
    sale = sell(customer=an, amount=100_000, advance=60_000).receipt
    half = sale_return.record_return(sale, 50_000, at=NOW, actor=SYSTEM)
    assert paid(half.receipt) == {"advance": 30_000, "cash": 20_000}
    assert fresh(an).debt_balance == -30_000
    rest = sale_return.record_return(sale, at=NOW, actor=SYSTEM)
    assert paid(rest.receipt) == {"advance": 30_000, "cash": 20_000}
    assert fresh(an).debt_balance == -60_000
    assert check.run_checks() == []


def test_day_close_counts_an_advance_payment_as_money_in(an):
    debts.take_payment(an, 40_000, "cash", SYSTEM, at=NOW, advance=True)
    sell(customer=an, amount=10_000, advance=10_000)
    report = day_close.day_close(NOW.date())
    assert report.debt_by_method == [("cash", 40_000)] and report.debt_payments_count == 1
    assert dict(report.by_method) == {"advance": 10_000}
    labels = {f.what: f.label for f in day_close.figures(report)}
    assert labels["advance"] == "from the advance"


def test_check_names_an_advance_use_off_the_ledger(an, database):
    debts.take_payment(an, 40_000, actor=SYSTEM, at=NOW, advance=True)
    receipt = sell(customer=an, amount=10_000, advance=10_000).receipt
    # The advance payment recorded as cash in SQL: the debt ledger no longer matches.
    Payment.update(method="cash").where((Payment.receipt == receipt) & (Payment.method == "advance")).execute()
    assert "credit_ledger" in {p.kind for p in check.run_checks()}


def test_the_month_journal_reads_an_advance_sale_back_unchanged(an, tmp_path):
    from shoptui.io.importer import import_sheet
    from shoptui.io.month_export import Month, export_month
    from shoptui.io.readers import open_sheet

    debts.take_payment(an, 40_000, actor=SYSTEM, at=NOW, advance=True)
    sell(customer=an, amount=60_000, advance=40_000, credit=10_000)
    path = tmp_path / "june.xlsx"
    export_month(Month(NOW.date().replace(day=1)), path, actor=SYSTEM)
    again = import_sheet("sales", open_sheet(path, sheet="Receipts"), dry_run=True, actor=SYSTEM)
    assert again.counts == {"imported": 0, "updated": 0, "unchanged": 1, "rejected": 0}, again.messages[:5]


def test_the_refund_split_names_what_goes_back_to_the_advance(an):
    from shoptui.services import till

    debts.take_payment(an, 60_000, actor=SYSTEM, at=NOW, advance=True)
    sale = sell(customer=an, amount=100_000, advance=60_000).receipt
    split = till.refund_split(sale.id, 50_000, "", "cash")
    assert (split.advance, split.refunded) == (30_000, 20_000)


def test_no_service_takes_an_amount_beyond_the_maximum(an):
    """Found by a hostile tester: an advance of 10**15 was stored (the dialog refuses it,
    the service did not). Every debt, points, gift and voucher service now refuses an
    amount beyond money.MAX_MINOR with the dialog's sentence."""
    from shoptui.money import MAX_MINOR
    from shoptui.services import points, vouchers

    too_much = MAX_MINOR + 1
    with pytest.raises(ValidationError, match="too large an amount"):
        debts.take_payment(an, 10**15, actor=SYSTEM, at=NOW, advance=True)
    with pytest.raises(ValidationError, match="too large an amount"):
        debts.adjust_debt(an, too_much, "typo", SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="too large an amount"):
        debts.set_opening_balance(an, -too_much, SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="too large an amount"):
        points.adjust_points(an, too_much, "typo", SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="too large an amount"):
        points.set_opening_balance(an, too_much, SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="too large an amount"):
        vouchers.top_up_gift_card("GIFT-1", too_much, "cash", SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="too large an amount"):
        vouchers.create_voucher("BIG", "amount", too_much, actor=SYSTEM, at=NOW)
    with pytest.raises(ValidationError, match="too large an amount"):
        customers.update(an.id, {"credit_limit": too_much}, actor=SYSTEM)
    assert not DebtEntry.select().exists() and fresh(an).debt_balance == 0
    debts.take_payment(an, MAX_MINOR, actor=SYSTEM, at=NOW, advance=True)  # the maximum itself is taken
    assert fresh(an).debt_balance == -MAX_MINOR


def test_advance_use_is_its_own_column_and_reads_back_as_advance(an, tmp_path):
    """Found by a hostile tester: the Receipts sheet wrote what an advance paid as
    "Paid credit", so a re-import into an empty database made it credit (the day close
    said "on credit"), and into the same one "unchanged" only because the import treated
    both alike. It has its own column now, read back as a payment from the advance."""
    from openpyxl import load_workbook

    from shoptui import db as dbmod
    from shoptui.io.importer import import_sheet
    from shoptui.io.month_export import Month, export_month
    from shoptui.io.readers import open_sheet
    from shoptui.services.stores import ensure_main_store

    debts.take_payment(an, 58_116, actor=SYSTEM, at=NOW, advance=True)
    sell(customer=an, amount=100_000, advance=58_116, credit=10_000)
    path = tmp_path / "june.xlsx"
    export_month(Month(NOW.date().replace(day=1)), path, actor=SYSTEM)
    header, row = list(load_workbook(path, read_only=True)["Receipts"].iter_rows(values_only=True))[:2]
    assert row[header.index("Paid from the advance")] == 58_116
    assert row[header.index("Paid credit")] == 10_000
    # The Debts sheet shows it apart from the credit sales too, and still adds up.
    debts_sheet = list(load_workbook(path, read_only=True)["Debts"].iter_rows(values_only=True))
    an_row = dict(zip(debts_sheet[0], debts_sheet[1]))
    assert (an_row["Credit sales"], an_row["Paid from the advance"], an_row["Payments"]) == (10_000, 58_116, 58_116)
    assert an_row["Closing balance"] == 10_000 == fresh(an).debt_balance
    again = import_sheet("sales", open_sheet(path, sheet="Receipts"), dry_run=True, actor=SYSTEM)
    assert again.counts == {"imported": 0, "updated": 0, "unchanged": 1, "rejected": 0}, again.messages[:5]
    before = day_close.day_close(NOW.date()).by_method

    dbmod.open_database(str(tmp_path / "empty.sqlite"))
    from shoptui.services import settings

    settings.clear_cache()
    settings.ensure_defaults()
    ensure_main_store()
    into_empty = import_sheet("sales", open_sheet(path, sheet="Receipts"), create_customers=True, actor=SYSTEM)
    assert into_empty.counts["imported"] == 1, into_empty.messages[:5]
    receipt = Receipt.get()
    assert paid(receipt) == {"advance": 58_116, "credit": 10_000, "cash": 31_884}
    assert day_close.day_close(NOW.date()).by_method == before
    labels = {f.what: f.label for f in day_close.figures(day_close.day_close(NOW.date()))}
    assert labels["advance"] == "from the advance"


def test_advance_use_is_no_credit_in_the_debtors_report(an):
    """Found by a hostile tester: a customer who only paid from an advance counted among
    those who took credit (``paid_vs_unpaid.paid``: customers 1, credit 100000)."""
    from shoptui.reports.debtors import debtors
    from shoptui.reports.query import ReportQuery

    debts.take_payment(an, 100_000, actor=SYSTEM, at=NOW, advance=True)
    sell(customer=an, amount=100_000, advance=100_000)
    split = debtors(ReportQuery(as_of=NOW.date()))["paid_vs_unpaid"]
    assert split["paid"] == {"customers": 0, "credit": 0} and split["unpaid"]["customers"] == 0
    # Credit and advance on one receipt: only the credit is credit taken.
    debts.take_payment(an, 30_000, actor=SYSTEM, at=NOW, advance=True)
    sell(customer=an, amount=50_000, advance=30_000, credit=20_000)
    split = debtors(ReportQuery(as_of=NOW.date()))["paid_vs_unpaid"]
    assert split["unpaid"]["customers"] == 1 and split["unpaid"]["credit"] == 20_000
