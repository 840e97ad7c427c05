"""``check.run_checks``: a clean shop passes; each kind of damage, done on purpose with raw
SQL, is found and named (customer code, receipt number and store)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import peewee as pw
import pytest

from shoptui import check
from shoptui.check import run_checks
from shoptui.models import CardBinding, Customer, Payment, Receipt, ReceiptLine
from shoptui.services import cards, checkout, customers, debts, receipt_owner, sale_return, settings, vouchers
from shoptui.services.ledger import post_gift, post_points, write_transaction
from shoptui.services.sale_quote import LineInput, SaleInput
from tests.tamper_helpers import CHAIN_KINDS, drop_append_only_triggers

T0 = dt.datetime(2025, 3, 1, 9, 0)


def at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture
def shop(database):
    """Two customers with a card each, sales with lines, credit, points and a voucher, a
    partial return, a debt payment, a gift card and a receipt moved to the other customer."""
    an = customers.register({"name": "Nguyễn Thị An", "credit_limit": 1_000_000}, registered_at=T0).customer
    binh = customers.register({"name": "Trần Văn Bình"}, registered_at=T0).customer
    cards.issue_card(an, "2100000010028", at=T0)
    cards.issue_card(binh, "2100000010035", at=T0)
    vouchers.create_voucher("MULTI", "percent", 1000, max_uses=None, at=T0)
    vouchers.load_gift_card("2900000000017", 100_000, at=T0)
    lined = checkout.record_sale(
        SaleInput(
            customer=an,
            lines=[
                LineInput(qty=Decimal(2), unit_price=50_000, name="Gạo"),
                LineInput(qty=Decimal(1), unit_price=30_000, name="Mắm"),
            ],
            credit=60_000,
            voucher="MULTI",
            at=at(1),
        )
    ).receipt
    checkout.record_sale(
        SaleInput(customer=an, amount=200_000, points=5, gift_card="2900000000017", gift_amount=50_000, at=at(2))
    )
    checkout.record_sale(SaleInput(amount=45_000, at=at(3)))  # anonymous
    wrong = checkout.record_sale(SaleInput(customer=an, amount=80_000, at=at(4))).receipt
    receipt_owner.move_receipt(wrong, binh)
    first_line = ReceiptLine.get((ReceiptLine.receipt == lined) & (ReceiptLine.position == 1))
    sale_return.record_return(lined, lines=[(first_line.id, Decimal(1))], at=at(5))
    debts.take_payment(an, 10_000, at=at(6))
    return {"an": Customer.get_by_id(an.id), "binh": Customer.get_by_id(binh.id), "lined": Receipt.get_by_id(lined.id)}


def kinds(problems) -> set[str]:
    return {p.kind for p in problems}


def sql(database, text: str, *params) -> None:
    database.execute_sql(text, params)


def test_an_empty_and_a_busy_shop_pass(database, shop):
    assert check.run_checks() == []


def test_a_wrong_cached_points_balance_is_found(database, shop):
    sql(database, "UPDATE customer SET points_balance = points_balance + 7 WHERE id = ?", shop["an"].id)
    problems = check.run_checks()
    assert kinds(problems) == {"points_balance"}
    assert shop["an"].code in problems[0].message and "points" in problems[0].message


@pytest.mark.parametrize(
    "column, value, kind",
    [
        ("debt_balance", "debt_balance + 1000", "debt_balance"),
        ("total_sales", "total_sales - 1", "total_sales"),
        ("last_purchase_at", "NULL", "last_purchase"),
        ("last_purchase_at", "'2020-01-01 00:00:00'", "last_purchase"),
    ],
)
def test_wrong_cached_sums_are_found(database, shop, column, value, kind):
    sql(database, f"UPDATE customer SET {column} = {value} WHERE id = ?", shop["an"].id)
    problems = check.run_checks()
    assert kinds(problems) == {kind}
    assert shop["an"].code in problems[0].message


def test_a_deleted_payment_is_found_and_names_the_receipt(database, shop):
    receipt = Receipt.get(Receipt.customer.is_null() & (Receipt.kind == "sale"))
    sql(database, "DELETE FROM payment WHERE receipt_id = ?", receipt.id)
    problems = check.run_checks()
    assert kinds(problems) == {"payments"}
    assert receipt.number in problems[0].message and "MAIN" in problems[0].message


def test_the_database_refuses_a_second_open_binding(database, shop):
    card = cards.resolve_scan("2100000010028").card
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            CardBinding.create(card=card, customer=shop["binh"], bound_at=at(7))
    assert check.run_checks() == []


def test_a_card_bound_twice_is_found_when_the_index_is_missing(database, shop):
    # A database restored from elsewhere or damaged may lack the partial unique index.
    sql(database, "DROP INDEX cardbinding_one_open")
    card = cards.resolve_scan("2100000010028").card
    CardBinding.create(card=card, customer=shop["binh"], bound_at=at(7))
    problems = check.run_checks()
    assert kinds(problems) == {"card_binding"}
    assert "2100000010028" in problems[0].message


def test_returns_beyond_the_sale_are_found(database, shop):
    sale = Receipt.get((Receipt.customer == shop["an"]) & (Receipt.kind == "sale") & (Receipt.total == 200_000 - 0))
    sale_return.record_return(sale, amount=100_000, at=at(8))
    second = sale_return.record_return(sale, amount=50_000, at=at(9)).receipt
    # Swell the second return (and its payment, so only the return rule breaks).
    sql(database, "UPDATE receipt SET total = total + 100000 WHERE id = ?", second.id)
    sql(database, "UPDATE payment SET amount = amount + 100000 WHERE receipt_id = ? AND method = 'cash'", second.id)
    sql(database, "UPDATE customer SET total_sales = total_sales - 100000 WHERE id = ?", shop["an"].id)
    problems = check.run_checks()
    assert kinds(problems) == {"return_amount"}
    assert sale.number in problems[0].message


def test_a_line_returned_more_than_sold_is_found(database, shop):
    back = ReceiptLine.get(ReceiptLine.return_of_line.is_null(False))
    sql(database, "UPDATE receipt_line SET qty = 3 WHERE id = ?", back.id)
    problems = check.run_checks()
    assert kinds(problems) == {"return_lines"}
    assert shop["lined"].number in problems[0].message and "Gạo" in problems[0].message


def test_return_references_are_checked(database, shop):
    anonymous = Receipt.get(Receipt.customer.is_null() & (Receipt.kind == "sale"))
    sql(database, "UPDATE receipt SET return_of_id = ? WHERE id = ?", shop["lined"].id, anonymous.id)
    assert kinds(check.run_checks()) == {"return_reference"}
    sql(database, "UPDATE receipt SET return_of_id = NULL WHERE id = ?", anonymous.id)

    ret = Receipt.get(Receipt.kind == "return")
    sql(database, "UPDATE receipt SET return_of_id = NULL WHERE id = ?", ret.id)
    problems = check.run_checks()
    assert "return_reference" in kinds(problems)
    assert any(ret.number in p.message and "does not name" in p.message for p in problems)
    # An imported return may come without its sale: the other program may not give it.
    sql(database, "UPDATE receipt SET source = 'import' WHERE id = ?", ret.id)
    assert "return_reference" not in kinds(check.run_checks())


def test_negative_gift_card_and_overused_voucher_are_found(database, shop):
    card = vouchers.gift_card("2900000000017")
    with write_transaction():
        post_gift(card, "adjust", -60_000, at=at(9))
    sql(database, "UPDATE voucher SET max_uses = 0 WHERE code = 'MULTI'")
    problems = check.run_checks()
    assert kinds(problems) == {"gift_card", "voucher_uses"}
    assert any("2900000000017" in p.message for p in problems)
    assert any("MULTI" in p.message for p in problems)


def test_points_spent_beyond_the_balance_are_found_but_a_reversal_is_not(database, shop):
    an = shop["an"]
    # Spend every point, then return the sale that earned them: the reversal may go negative.
    balance = Customer.get_by_id(an.id).points_balance
    sale = checkout.record_sale(SaleInput(customer=an, amount=balance * 1000 + 1000, points=balance, at=at(10))).receipt
    assert sale.points_redeemed == balance
    sale_return.record_return(Receipt.get((Receipt.customer == an) & (Receipt.total == 200_000)), at=at(11))
    assert Customer.get_by_id(an.id).points_balance < 0
    assert check.run_checks() == []

    chi = customers.register({"name": "Lê Chi"}, registered_at=T0).customer
    with write_transaction():
        post_points(chi, "redeem", -1000, at=at(12))
    problems = check.run_checks()
    assert kinds(problems) == {"negative_balance"}
    assert chi.code in problems[0].message


def test_entries_of_someone_elses_receipt_are_found(database, shop):
    an, binh = shop["an"], shop["binh"]
    entry_id = database.execute_sql(
        "SELECT id FROM points_entry WHERE customer_id = ? AND kind = 'earn' AND receipt_id = ?",
        (an.id, shop["lined"].id),
    ).fetchone()[0]
    drop_append_only_triggers(database)
    sql(database, "UPDATE points_entry SET customer_id = ? WHERE id = ?", binh.id, entry_id)
    points = database.execute_sql("SELECT points FROM points_entry WHERE id = ?", (entry_id,)).fetchone()[0]
    sql(database, "UPDATE customer SET points_balance = points_balance - ? WHERE id = ?", points, an.id)
    sql(database, "UPDATE customer SET points_balance = points_balance + ? WHERE id = ?", points, binh.id)
    problems = [p for p in check.run_checks() if p.kind not in CHAIN_KINDS]
    assert kinds(problems) == {"entry_owner"}
    assert binh.code in problems[0].message and shop["lined"].number in problems[0].message
    assert "chain_edited" in kinds(check.run_checks())


def test_a_moved_receipt_whose_points_cancel_out_is_clean(database, shop):
    # Earned and redeemed the same points: the move posts no entries, and the ones left
    # with the first customer add up to zero, as they must.
    an, binh = shop["an"], shop["binh"]
    settings.set_value("points_earn_per", "1000")
    receipt = checkout.record_sale(SaleInput(customer=an, amount=20_000, points=10, at=at(13))).receipt
    assert receipt.points_earned == receipt.points_redeemed == 10
    receipt_owner.move_receipt(receipt, binh)
    assert Receipt.get_by_id(receipt.id).customer_id == binh.id
    assert check.run_checks() == []


def test_wrong_signs_and_ledgers_out_of_step_with_receipts_are_found(database, shop):
    an = shop["an"]
    drop_append_only_triggers(database)
    sql(database, "UPDATE debt_entry SET amount = -amount WHERE kind = 'credit_sale' AND customer_id = ?", an.id)
    sql(
        database,
        "UPDATE customer SET debt_balance = (SELECT SUM(amount) FROM debt_entry WHERE customer_id = ?) WHERE id = ?",
        an.id,
        an.id,
    )
    found = kinds(check.run_checks())
    assert {"entry_sign", "credit_ledger"} <= found


def test_points_on_a_receipt_must_be_on_the_ledger(database, shop):
    sql(database, "UPDATE receipt SET points_earned = points_earned + 3 WHERE id = ?", shop["lined"].id)
    problems = check.run_checks()
    # The sale was partly returned: what its customer keeps no longer follows the rule either.
    assert kinds(problems) == {"points_ledger", "points_kept"}
    assert all(shop["lined"].number in p.message for p in problems)


def test_a_row_pointing_nowhere_is_found(database, shop):
    sql(database, "PRAGMA foreign_keys = OFF")
    try:
        sql(database, "INSERT INTO payment (receipt_id, method, amount) VALUES (999999, 'cash', 0)")
    finally:
        sql(database, "PRAGMA foreign_keys = ON")
    problems = check.run_checks()
    assert "foreign_key" in kinds(problems)
    assert any("payment" in p.message for p in problems)


def test_a_damaged_file_is_found(database, db_path, shop):
    # Point an index at another table's pages: the classic corruption integrity_check reports.
    sql(database, "CREATE TABLE scratch (a)")
    sql(database, "CREATE INDEX scratch_a ON scratch (a)")
    sql(database, "INSERT INTO scratch VALUES (1), (2), (3)")
    database.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA writable_schema = ON")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'customer_phone'").fetchone()[0]
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'scratch_a'", (root,))
    conn.commit()
    conn.close()
    database.connect()
    problems = check.run_checks()
    assert "integrity" in kinds(problems)
    assert all(p.message.startswith("The database file is damaged") for p in problems if p.kind == "integrity")


def test_many_problems_of_one_kind_are_cut_short(database, shop):
    for i in range(5):
        customers.register({"name": f"Khách {i}"}, registered_at=T0)
    sql(database, "UPDATE customer SET points_balance = 1")
    problems = check.run_checks(limit=3)
    assert [p.kind for p in problems] == ["points_balance"] * 4
    assert "only the first 3" in problems[-1].message


# -- issue 12: what slipped through before the till was fixed ---------------------------------


def _till_shop():
    from shoptui.services import points as points_service

    settings.set_value("points_earn_per", "10000")
    settings.set_value("points_value", "1000")
    an = customers.register({"name": "An", "credit_limit": 1_000_000}).customer
    points_service.adjust_points(an, 100, "welcome")
    return an


def test_check_names_a_points_refund_not_at_its_price(database):
    # Defect 4 as it was written before the fix: 47 points given back as 47,134.
    an = _till_shop()
    sale = checkout.record_sale(SaleInput(customer=an, amount=392_500, points=100, credit=100_000, at=at(1))).receipt
    ret = sale_return.record_return(sale, 185_000, at=at(2)).receipt
    assert run_checks() == []
    Payment.update(amount=47_134).where((Payment.receipt == ret) & (Payment.method == "points")).execute()
    Payment.update(amount=37_866).where((Payment.receipt == ret) & (Payment.method == "cash")).execute()
    problems = [p for p in run_checks() if p.kind == "points_price"]
    assert len(problems) == 1 and ret.number in problems[0].message and "47 points" in problems[0].message
    assert "₫47,000" in problems[0].message


def test_check_names_a_return_giving_back_more_than_a_method_paid(database):
    an = _till_shop()
    sale = checkout.record_sale(SaleInput(customer=an, amount=100_000, credit=30_000, at=at(1))).receipt
    ret = sale_return.record_return(sale, 50_000, at=at(2)).receipt
    Payment.update(amount=40_000).where((Payment.receipt == ret) & (Payment.method == "credit")).execute()
    Payment.update(amount=10_000).where((Payment.receipt == ret) & (Payment.method == "cash")).execute()
    kinds = {p.kind for p in run_checks()}
    assert "return_method" in kinds


def test_check_names_a_point_lost_on_a_partial_return(database):
    # Defect 5 as it was before the fix: 29 points taken back where 28 leave what 680,000 earns.
    an = _till_shop()
    sale = checkout.record_sale(SaleInput(customer=an, amount=969_000, at=at(1))).receipt
    ret = sale_return.record_return(sale, 289_000, at=at(2)).receipt
    assert ret.points_earned == 28 and run_checks() == []
    with write_transaction():
        post_points(an, "reverse", -1, receipt=ret, at=at(2))
        Receipt.update(points_earned=29).where(Receipt.id == ret.id).execute()
    problems = run_checks()
    assert [p.kind for p in problems] == ["points_kept"], problems
    assert sale.number in problems[0].message and "67" in problems[0].message and "68" in problems[0].message


def test_warnings_name_a_negative_opening_debt_and_cards_off_the_rule_without_failing(database):
    from shoptui.check import warnings
    from shoptui.services import debts

    an = customers.register({"name": "An"}).customer
    debts.set_opening_balance(an, -50_000)
    cards.issue_card(an, "KV-0001", follow_rule=False)  # another program's card, kept as it is
    assert run_checks() == []
    found = {p.kind: p.message for p in warnings()}
    assert "paid in advance" in found["opening_advance"] and an.code in found["opening_advance"]
    assert "KV-0001" in found["card_rule"]
