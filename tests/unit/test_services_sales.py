"""Sales at the till: discounts, lines, payments, points, vouchers, gift cards, credit,
receipt numbers; attaching an anonymous receipt and moving one to another customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw
import pytest

from shoptui import clock
from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import (
    AuditLog,
    Customer,
    DebtEntry,
    Payment,
    PointsEntry,
    PointsTier,
    Product,
    Receipt,
    ReceiptLine,
    VoucherUse,
)
from shoptui.services import (
    checkout,
    customers,
    debts,
    points,
    receipt_owner,
    sale_quote,
    sale_return,
    settings,
    stores,
    users,
    vouchers,
)
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput
from tests.actors import SYSTEM

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def an(database):
    return customers.register({"name": "An"}).customer


@pytest.fixture
def manager(database):
    return users.add_user("Minh", "manager", "2222", SYSTEM)


@pytest.fixture
def cashier(database):
    return users.add_user("Lan", "cashier", "1111", SYSTEM)


def sell(actor=SYSTEM, **values):
    values.setdefault("at", NOW)
    return checkout.record_sale(SaleInput(**values), actor)


def fresh(customer) -> Customer:
    return Customer.get_by_id(customer.id)


def payments_of(receipt) -> dict[str, int]:
    return {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)}


def assert_ledgers_match():
    for customer in Customer.select():
        points_sum = (
            PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0))
            .where(PointsEntry.customer == customer)
            .scalar()
        )
        debt_sum = (
            DebtEntry.select(pw.fn.COALESCE(pw.fn.SUM(DebtEntry.amount), 0))
            .where(DebtEntry.customer == customer)
            .scalar()
        )
        signed = pw.Case(None, [(Receipt.kind == "return", 0 - Receipt.total)], Receipt.total)
        sales_sum = Receipt.select(pw.fn.COALESCE(pw.fn.SUM(signed), 0)).where(Receipt.customer == customer).scalar()
        assert (customer.points_balance, customer.debt_balance, customer.total_sales) == (
            points_sum,
            debt_sum,
            sales_sum,
        )


# --- discounts and lines ------------------------------------------------------------------


def test_personal_discount_rounds_half_up(an):
    customers.update(an, {"discount_bp": 1000})
    result = sell(customer=an, amount=125_005)
    receipt = result.receipt
    assert (receipt.subtotal, receipt.discount, receipt.total) == (125_005, 12_501, 112_504)
    assert payments_of(receipt) == {"cash": 112_504}


def test_tier_discount_and_rate_apply_when_better(an):
    PointsTier.create(name="Gold", min_spend=1_000_000, earn_per=5_000, discount_bp=500)
    customers.update(an, {"discount_bp": 300})
    first = sell(customer=an, amount=1_000_000, at=NOW - dt.timedelta(days=30))
    assert first.receipt.total == 970_000  # below the tier yet: the personal 3%
    assert points.rate_for(fresh(an), NOW).tier is None
    sell(customer=an, amount=31_000, at=NOW - dt.timedelta(days=20))  # 970,000 + 30,070 in 12 months
    quote = sale_quote.quote(SaleInput(customer=an, amount=100_000, at=NOW))
    assert (quote.discount_bp, quote.personal_discount, quote.total) == (500, 5_000, 95_000)
    assert sell(customer=an, amount=100_000).points_earned == 19  # 95,000 / 5,000
    customers.update(an, {"discount_bp": 1000})
    assert sale_quote.quote(SaleInput(customer=an, amount=100_000, at=NOW)).discount_bp == 1000
    # Spend older than 12 months does not count.
    assert points.rate_for(fresh(an), NOW + dt.timedelta(days=400)).tier is None


def test_extra_discount_comes_after_the_personal_one(an):
    customers.update(an, {"discount_bp": 1000})
    receipt = sell(customer=an, amount=100_000, extra_discount=5_000).receipt
    assert (receipt.discount, receipt.total) == (15_000, 85_000)
    with pytest.raises(ValidationError):
        sell(customer=an, amount=100_000, extra_discount=90_001)
    with pytest.raises(ValidationError):
        sell(customer=an, amount=100_000, extra_discount=-1)


def test_lines_multiply_qty_by_price_rounding_half_up(database):
    Product.create(sku="RICE", barcode="8930000000017", name="Rice 1 kg", price=333)
    receipt = sell(
        lines=[
            LineInput(qty="1.5", sku="RICE"),  # 499.5 -> 500
            LineInput(qty=0.1, unit_price=12_345, name="Tea"),  # 1234.5 -> 1235, the float read as 0.1
            LineInput(qty=Decimal("2"), sku="8930000000017", line_discount=66),  # by barcode: 666 - 66
            LineInput(qty="0,3335", unit_price=1_000),  # kept to the thousandth: 0.334 -> 334
        ]
    ).receipt
    lines = list(receipt.lines.order_by(ReceiptLine.position))
    assert [line.amount for line in lines] == [500, 1235, 600, 334]
    assert [line.qty for line in lines] == [Decimal("1.5"), Decimal("0.1"), Decimal("2"), Decimal("0.334")]
    assert lines[0].name == "Rice 1 kg" and lines[2].sku == "RICE"
    assert (receipt.subtotal, receipt.discount, receipt.total) == (2735, 66, 2669)


def test_line_refusals(database):
    with pytest.raises(NotFound):
        sell(lines=[LineInput(qty=1, sku="NOPE")])
    for line in (
        LineInput(qty=0, unit_price=1),
        LineInput(qty="0.0004", unit_price=1),
        LineInput(qty="abc", unit_price=1),
        LineInput(qty=1, unit_price=-1),
        LineInput(qty=1, unit_price=10, line_discount=11),
    ):
        with pytest.raises(ValidationError):
            sell(lines=[line])
    with pytest.raises(ValidationError):
        sell()  # no amount, no lines
    assert not Receipt.select().exists()


def test_eur_amounts_are_cents(database):
    settings.set_value("currency", "EUR")
    settings.set_value("points_earn_per", "1")
    customer = customers.register({"name": "Anna", "discount_bp": 1000}).customer
    result = sell(customer=customer, lines=[LineInput(qty="0.5", unit_price=1999)])  # 9.995 € -> 10.00 €
    assert result.receipt.subtotal == 1000
    assert result.receipt.total == 900
    assert result.points_earned == 9
    with pytest.raises(RuleViolation, match="€10.01, but the receipt is €9.00"):
        sell(customer=customer, amount=1000, card=900, cash=101)


# --- payments --------------------------------------------------------------------------------


def test_payments_must_add_up(an):
    with pytest.raises(RuleViolation, match=r"add up to ₫150,000, but the receipt is ₫100,000"):
        sell(customer=an, amount=100_000, card=150_000)
    with pytest.raises(RuleViolation, match="Not enough cash: type ₫80,000"):
        sell(customer=an, amount=100_000, card=20_000, cash=30_000)
    with pytest.raises(ValidationError):
        sell(customer=an, amount=100_000, card=-1)
    receipt = sell(customer=an, amount=100_000, card=60_000).receipt
    assert payments_of(receipt) == {"card": 60_000, "cash": 40_000}
    assert Receipt.select().count() == 1


def test_a_sale_is_audited(an, cashier):
    receipt = sell(Actor(user=cashier), customer=an, amount=100_000, card=100_000).receipt
    entry = AuditLog.get(AuditLog.action == "receipt.sale")
    assert entry.user_id == cashier.id and entry.entity_id == str(receipt.id)
    assert entry.after["payments"] == {"card": 100_000} and entry.after["total"] == 100_000
    assert receipt.cashier_id == cashier.id


# --- points ---------------------------------------------------------------------------------------


def test_points_are_earned_rounding_down(an):
    result = sell(customer=an, amount=129_999)
    assert (result.points_earned, result.points_balance) == (12, 12)
    assert result.receipt.points_earned == 12
    assert sell(customer=an, amount=9_999).points_earned == 0


def test_redeeming_points(an):
    points.adjust_points(an, 100, "welcome")
    result = sell(customer=an, amount=150_000, points=30)
    assert payments_of(result.receipt) == {"points": 30_000, "cash": 120_000}
    assert result.points_earned == 12  # on the 120,000 not paid with points
    assert result.points_balance == 100 - 30 + 12
    assert result.receipt.points_redeemed == 30
    kinds = [
        (e.kind, e.points)
        for e in PointsEntry.select().where(PointsEntry.receipt == result.receipt).order_by(PointsEntry.id)
    ]
    assert kinds == [("redeem", -30), ("earn", 12)]


def test_points_paid_part_earns_when_the_shop_says_so(an):
    settings.set_value("points_earn_on_points", "yes")
    points.adjust_points(an, 100, "welcome")
    assert sell(customer=an, amount=150_000, points=30).points_earned == 15


def test_redeeming_refusals(an):
    points.adjust_points(an, 100, "welcome")
    with pytest.raises(RuleViolation, match="only 100 points"):
        sell(customer=an, amount=500_000, points=101)
    with pytest.raises(RuleViolation, match="at most 30"):
        sell(customer=an, amount=30_500, points=31)
    with pytest.raises(ValidationError):
        sell(customer=an, amount=30_000, points=-1)
    settings.set_value("points_min_redeem", "50")
    with pytest.raises(RuleViolation, match="50"):
        sell(customer=an, amount=100_000, points=20)
    assert sale_quote.quote(SaleInput(customer=an, amount=30_000)).max_points == 0  # 30 is below the minimum
    assert sale_quote.quote(SaleInput(customer=an, amount=80_000)).max_points == 80
    assert fresh(an).points_balance == 100


# --- vouchers --------------------------------------------------------------------------------------


def test_voucher_validity_dates(an):
    vouchers.create_voucher("TET", "amount", 20_000, valid_from=dt.date(2024, 6, 1), valid_to=dt.date(2024, 6, 30))
    with pytest.raises(RuleViolation, match="valid from 2024-06-01"):
        sell(customer=an, amount=100_000, voucher="TET", at=dt.datetime(2024, 5, 31, 23, 59))
    with pytest.raises(RuleViolation, match="expired on 2024-06-30"):
        sell(customer=an, amount=100_000, voucher="TET", at=dt.datetime(2024, 7, 1, 0, 0))
    receipt = sell(customer=an, amount=100_000, voucher="TET", at=dt.datetime(2024, 6, 30, 21, 0)).receipt
    assert payments_of(receipt) == {"voucher": 20_000, "cash": 80_000}
    assert receipt.total == 100_000  # a voucher pays, it does not lower revenue
    assert VoucherUse.get().amount == 20_000
    with pytest.raises(NotFound):
        sell(customer=an, amount=100_000, voucher="NOPE")


def test_a_voucher_is_used_once_unless_multi_use(an):
    vouchers.create_voucher("ONCE", "amount", 10_000)
    vouchers.create_voucher("TWICE", "amount", 10_000, max_uses=2)
    vouchers.create_voucher("ALWAYS", "amount", 10_000, max_uses=None)
    sell(customer=an, amount=50_000, voucher="ONCE")
    with pytest.raises(RuleViolation, match="already been used"):
        sell(customer=an, amount=50_000, voucher="ONCE")
    sell(customer=an, amount=50_000, voucher="TWICE")
    sell(amount=50_000, voucher="TWICE")
    with pytest.raises(RuleViolation):
        sell(customer=an, amount=50_000, voucher="TWICE")
    for _ in range(3):
        sell(amount=50_000, voucher="ALWAYS")
    assert vouchers.uses_of(vouchers.Voucher.get(code="ALWAYS")) == 3


def test_a_voucher_bound_to_a_customer(an):
    binh = customers.register({"name": "Bình"}).customer
    vouchers.create_voucher("AN-BDAY", "amount", 10_000, customer=an)
    with pytest.raises(RuleViolation, match="another customer"):
        sell(customer=binh, amount=50_000, voucher="AN-BDAY")
    with pytest.raises(RuleViolation):
        sell(amount=50_000, voucher="AN-BDAY")
    sell(customer=an, amount=50_000, voucher="AN-BDAY")


def test_percent_voucher_rounds_half_up_and_never_pays_more_than_the_receipt(an):
    vouchers.create_voucher("P125", "percent", 1250, max_uses=None)  # 12.5 %
    vouchers.create_voucher("BIG", "amount", 500_000)
    assert payments_of(sell(customer=an, amount=100_004, voucher="P125").receipt)["voucher"] == 12_501
    points.adjust_points(an, 40, "welcome")
    # The percent is of the discounted price, whatever pays the rest: 12.5% of 100,000.
    assert payments_of(sell(customer=an, amount=100_000, points=20, voucher="P125").receipt)["voucher"] == 12_500
    assert payments_of(sell(customer=an, amount=100_000, voucher="BIG").receipt) == {"voucher": 100_000}


def test_voucher_definitions_are_checked(database):
    for kwargs in (
        dict(code="", kind="amount", value=1),
        dict(code="A", kind="gift", value=1),
        dict(code="A", kind="amount", value=0),
        dict(code="A", kind="percent", value=10_001),
        dict(code="A", kind="amount", value=1, max_uses=0),
        dict(code="A", kind="amount", value=1, valid_from=dt.date(2024, 2, 1), valid_to=dt.date(2024, 1, 1)),
    ):
        with pytest.raises(ValidationError):
            vouchers.create_voucher(**kwargs)
    vouchers.create_voucher("A", "amount", 1, at=NOW)
    assert vouchers.Voucher.get().created_at == NOW
    with pytest.raises(ValidationError):
        vouchers.create_voucher("A", "amount", 1)


# --- gift cards -------------------------------------------------------------------------------------


def test_paying_with_a_gift_card(an):
    card = vouchers.load_gift_card("GIFT-1", 50_000, at=NOW - dt.timedelta(days=1))
    receipt = sell(customer=an, amount=80_000, gift_card="GIFT-1", gift_amount=30_000).receipt
    assert payments_of(receipt) == {"giftcard": 30_000, "cash": 50_000}
    assert vouchers.gift_balance(card) == 20_000
    with pytest.raises(RuleViolation, match="only ₫20,000 left"):
        sell(amount=80_000, gift_card="GIFT-1", gift_amount=30_000)
    vouchers.load_gift_card("GIFT-1", 10_000)  # top up
    sell(amount=80_000, gift_card="GIFT-1", gift_amount=30_000)
    assert vouchers.gift_balance(card) == 0
    assert [e.kind for e in card.gift_entries.order_by(vouchers.GiftCardEntry.id)] == [
        "issue",
        "redeem",
        "topup",
        "redeem",
    ]


def test_gift_card_refusals(an):
    from shoptui.services import cards

    cards.issue_card(an, "2000000010007")
    with pytest.raises(ValidationError, match="This is .*s card"):
        vouchers.load_gift_card("2000000010007", 10_000)  # a loyalty card holds no money
    with pytest.raises(NotFound):
        sell(amount=10_000, gift_card="2000000010007", gift_amount=5_000)
    with pytest.raises(NotFound):
        sell(amount=10_000, gift_card="NOPE", gift_amount=5_000)
    with pytest.raises(ValidationError):
        vouchers.load_gift_card("GIFT-1", 0)
    with pytest.raises(ValidationError):
        vouchers.load_gift_card("  ", 10_000)


# --- credit --------------------------------------------------------------------------------------------


def test_credit_within_the_limit(an):
    customers.update(an, {"credit_limit": 100_000})
    result = sell(customer=an, amount=150_000, credit=100_000)
    assert payments_of(result.receipt) == {"credit": 100_000, "cash": 50_000}
    assert result.debt_balance == 100_000
    assert debts.credit_left(fresh(an)) == 0
    with pytest.raises(RuleViolation, match="at most ₫0 more"):
        sell(customer=an, amount=10_000, credit=1)
    assert fresh(an).debt_balance == 100_000


def test_no_limit_means_any_credit_and_zero_means_none(an):
    sell(customer=an, amount=5_000_000, credit=5_000_000)
    customers.update(an, {"credit_limit": 0})
    with pytest.raises(RuleViolation):
        sell(customer=an, amount=10_000, credit=1)


def test_a_manager_may_allow_credit_over_the_limit_and_it_is_audited(an, manager, cashier):
    customers.update(an, {"credit_limit": 50_000}, actor=SYSTEM)
    result = sell(Actor(user=cashier), customer=an, amount=80_000, credit=80_000, override_by=manager)
    assert result.debt_balance == 80_000
    assert any("Minh" in w for w in result.warnings)
    entry = AuditLog.get(AuditLog.action == "receipt.sale")
    assert (entry.user_id, entry.override_by_id) == (cashier.id, manager.id)


def test_a_cashier_cannot_allow_credit_over_the_limit(an, cashier):
    other = users.add_user("Hoa", "cashier", "3333", SYSTEM)
    customers.update(an, {"credit_limit": 50_000}, actor=SYSTEM)
    with pytest.raises(PermissionDenied, match="Hoa"):
        sell(Actor(user=cashier), customer=an, amount=80_000, credit=80_000, override_by=other)
    assert not Receipt.select().exists()


def test_credit_rule_warn_lets_the_sale_through_with_a_warning(an):
    settings.set_value("credit_rule", "warn")
    customers.update(an, {"credit_limit": 50_000})
    result = sell(customer=an, amount=80_000, credit=80_000)
    assert result.debt_balance == 80_000 and "credit limit" in result.warnings[0]


def test_old_debt_blocks_credit_or_warns(an, manager):
    settings.set_value("credit_max_age_days", "30", actor=SYSTEM)
    sell(customer=an, amount=40_000, credit=40_000, at=NOW - dt.timedelta(days=31))
    with pytest.raises(RuleViolation, match="unpaid for 31 days"):
        sell(customer=an, amount=10_000, credit=10_000)
    sell(customer=an, amount=10_000, cash=10_000)  # paying cash is fine
    allowed = sell(customer=an, amount=10_000, credit=10_000, override_by=manager)
    assert any("31 days" in w for w in allowed.warnings)
    settings.set_value("credit_rule", "warn", actor=SYSTEM)
    assert "31 days" in sell(customer=an, amount=10_000, credit=10_000).warnings[0]
    # Paying the old debt (oldest first) lifts the block.
    settings.set_value("credit_rule", "block", actor=SYSTEM)
    debts.take_payment(an, 40_000, at=NOW, actor=SYSTEM)
    assert sell(customer=an, amount=10_000, credit=10_000).warnings == []


# --- anonymous sales and receipt numbers ----------------------------------------------------------------


def test_an_anonymous_sale(database):
    result = sell(amount=70_000)
    assert result.receipt.customer is None
    assert (result.points_earned, result.points_balance, result.debt_balance) == (0, None, None)
    assert payments_of(result.receipt) == {"cash": 70_000}
    assert sell(amount=0).receipt.total == 0  # a receipt of total 0 is a receipt


def test_points_and_credit_need_a_customer(database):
    with pytest.raises(RuleViolation, match="known customer"):
        sell(amount=70_000, points=10)
    with pytest.raises(RuleViolation, match="known customer"):
        sell(amount=70_000, credit=10_000)


def test_ids_are_accepted_where_a_customer_is_expected(an):
    from shoptui.services import cards

    cards.issue_card(an.id, "2000000010007")
    customers.add_to_group(an.id, "VIP")
    assert points.set_opening_balance(an.id, 5) and debts.set_opening_balance(an.id, 7)
    assert (fresh(an).points_balance, fresh(an).debt_balance, customers.groups_of(an)) == (5, 7, ["VIP"])
    with pytest.raises(NotFound):
        cards.issue_card(99_999, "2000000010014")


def test_receipt_numbers_are_unique_per_store(database):
    second = stores.add_store("S2", "Second store")
    in_main = [sell(amount=1).receipt.number for _ in range(2)]
    in_second = sell(Actor(store=second), amount=1).receipt.number
    assert in_main == ["MAIN-000001", "MAIN-000002"] and in_second == "S2-000001"
    sell(amount=1, number="MAIN-000003")
    assert sell(amount=1).receipt.number == "MAIN-000004"  # a number typed by hand is skipped
    with pytest.raises(ValidationError, match="already exists"):
        sell(amount=1, number="MAIN-000001")
    assert sell(Actor(store=second), amount=1, number="MAIN-000001").receipt.store_id == second.id


def test_a_failed_sale_writes_nothing(an):
    points.adjust_points(an, 10, "welcome")
    vouchers.create_voucher("V", "amount", 1000)
    with pytest.raises(RuleViolation):
        sell(customer=an, amount=50_000, points=5, voucher="V", card=60_000)
    assert (fresh(an).points_balance, Receipt.select().count(), VoucherUse.select().count()) == (10, 0, 0)


# --- attach and move -------------------------------------------------------------------------------------


def test_attach_an_anonymous_receipt_forgot_my_card(an):
    receipt = sell(amount=100_000, at=NOW - dt.timedelta(days=3)).receipt
    sale_return.record_return(receipt, 30_000, at=NOW - dt.timedelta(days=2))
    earned = receipt_owner.attach_receipt(receipt, an, at=NOW)
    assert earned == 7  # on what was kept: 70,000
    assert PointsEntry.get(PointsEntry.kind == "earn").at == NOW
    customer = fresh(an)
    assert (customer.points_balance, customer.total_sales) == (7, 70_000)
    assert customer.last_purchase_at == NOW - dt.timedelta(days=3)
    assert Receipt.select().where(Receipt.customer == an).count() == 2  # the sale and its return
    assert_ledgers_match()
    with pytest.raises(RuleViolation):
        receipt_owner.attach_receipt(receipt, an, today=NOW.date())  # no longer anonymous


def test_attach_only_within_the_days_allowed(an):
    receipt = sell(amount=100_000, at=NOW - dt.timedelta(days=8)).receipt
    with pytest.raises(RuleViolation, match="7 days"):
        receipt_owner.attach_receipt(receipt, an, today=NOW.date())
    settings.set_value("attach_receipt_days", "10")
    assert receipt_owner.attach_receipt(receipt, an, today=NOW.date()) == 10
    with pytest.raises(NotFound):
        receipt_owner.attach_receipt(99999, an)
    with pytest.raises(ValidationError):
        receipt_owner.attach_receipt(sell(amount=1).receipt, None, today=NOW.date())


def test_move_a_receipt_to_the_right_customer(an, manager):
    binh = customers.register({"name": "Bình"}, actor=SYSTEM).customer
    points.adjust_points(an, 50, "welcome", actor=SYSTEM)
    receipt = sell(customer=an, amount=200_000, points=20, credit=100_000).receipt  # earns 18
    sale_return.record_return(receipt, 50_000, actor=SYSTEM)
    before_an = fresh(an)
    receipt_owner.move_receipt(receipt, binh, Actor(user=manager), at=NOW)
    assert {e.at for e in PointsEntry.select().where(PointsEntry.kind == "move")} == {NOW}
    a, b = fresh(an), fresh(binh)
    assert (a.points_balance, a.debt_balance, a.total_sales, a.last_purchase_at) == (50, 0, 0, None)
    assert b.points_balance == before_an.points_balance - 50
    assert b.debt_balance == before_an.debt_balance
    assert b.total_sales == 150_000
    assert Receipt.select().where(Receipt.customer == binh).count() == 2
    assert_ledgers_match()
    # And back again: the compensating entries of the first move move too.
    receipt_owner.move_receipt(receipt, an, actor=SYSTEM)
    assert (fresh(an).points_balance, fresh(binh).points_balance, fresh(binh).debt_balance) == (
        before_an.points_balance,
        0,
        0,
    )
    assert_ledgers_match()


def test_move_refusals(an, cashier):
    binh = customers.register({"name": "Bình"}, actor=SYSTEM).customer
    anonymous = sell(amount=1).receipt
    with pytest.raises(RuleViolation):
        receipt_owner.move_receipt(anonymous, binh, actor=SYSTEM)
    mine = sell(customer=an, amount=1).receipt
    with pytest.raises(RuleViolation):
        receipt_owner.move_receipt(mine, an, actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        receipt_owner.move_receipt(mine, binh, Actor(user=cashier))
    with pytest.raises(ValidationError):
        receipt_owner.move_receipt(mine, None, actor=SYSTEM)


def test_now_is_used_when_no_time_is_given(an, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    assert checkout.record_sale(SaleInput(customer=an, amount=1)).receipt.at == NOW


def test_a_sale_holds_the_write_lock_from_its_start(an, db_path, monkeypatch):
    """Another process (the counter listener, a second till) writing between a sale's first
    read and its first write must not make the sale fail half-way with "database is
    locked": the sale took the write lock when it began, so the other writer waits."""
    import sqlite3

    seen = {}
    check_redeem = points.check_redeem

    def another_process_writes(*args):
        other = sqlite3.connect(db_path, timeout=0)
        try:
            other.execute("INSERT INTO setting (key, value) VALUES ('probe', '1')")
            other.commit()
            seen["other"] = "wrote"
        except sqlite3.OperationalError as exc:
            seen["other"] = str(exc)
        finally:
            other.close()
        return check_redeem(*args)

    monkeypatch.setattr(points, "check_redeem", another_process_writes)
    assert sell(customer=an, amount=10_000).points_earned == 1
    assert seen["other"] == "database is locked"


@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:XDG_RUNTIME_DIR is not set")  # embedded PostgreSQL's socket folder
def test_two_tills_cannot_spend_the_same_points(pg_url, monkeypatch):
    """Two tills (threads, so two connections) redeem 80 of the same 100 points at once. The
    first locks the customer's row; the second waits for it, then sees 20 and is refused."""
    import threading

    from shoptui import db as dbmod

    database = dbmod.open_database(pg_url)
    try:
        settings.clear_cache()
        settings.ensure_defaults()
        stores.ensure_main_store()
        customer = customers.register({"name": "An"}).customer
        points.adjust_points(customer, 100, "welcome")
        both_checked = threading.Barrier(2, timeout=2)
        check_redeem = points.check_redeem

        def check_then_wait_for_the_other_till(*args):
            check_redeem(*args)
            try:
                both_checked.wait()  # only reached by both when nothing serialises them
            except threading.BrokenBarrierError:
                pass

        monkeypatch.setattr(points, "check_redeem", check_then_wait_for_the_other_till)
        outcomes = []

        def till():
            try:
                checkout.record_sale(SaleInput(customer=customer.id, amount=100_000, points=80, at=NOW))
                outcomes.append("sold")
            except RuleViolation as exc:
                outcomes.append(str(exc))
            finally:
                database.close()

        threads = [threading.Thread(target=till) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        # The first sale leaves 100 - 80 + 2 earned on the 20,000 paid otherwise.
        assert sorted(outcomes) == ["An has only 22 points.", "sold"]
        assert Customer.get_by_id(customer.id).points_balance == 22
    finally:
        settings.clear_cache()
        database.close()


# -- the till review: receipt discount in percent, amount against lines, voucher before
# points, the shop's default credit limit, archived customers ---------------------------


def test_a_receipt_discount_in_percent_is_a_share_of_the_price_after_the_personal_discount(database):
    an = customers.register({"name": "An", "discount_bp": 500}).customer
    # 200,000 - 5% = 190,000; 10% of it = 19,000; 171,000 to pay.
    receipt = sell(customer=an, amount=200_000, extra_discount_bp=1_000).receipt
    assert (receipt.subtotal, receipt.discount, receipt.total) == (200_000, 29_000, 171_000)
    # Anonymous, 10% of 10,000 is 1,000 (not ₫10).
    assert sale_quote.quote(SaleInput(amount=10_000, extra_discount_bp=1_000)).total == 9_000
    with pytest.raises(ValidationError, match="not both") as refused:
        sale_quote.quote(SaleInput(amount=10_000, extra_discount=1, extra_discount_bp=1_000))
    assert refused.value.field == "extra_discount"
    with pytest.raises(ValidationError, match="100%"):
        sale_quote.quote(SaleInput(amount=10_000, extra_discount_bp=10_001))


def test_a_typed_amount_that_is_not_what_the_lines_come_to_is_refused_on_the_amount(database):
    Product.create(sku="MI-HAOHAO", barcode="8930000000019", name="Hao Hao", price=4_500)
    lines = [LineInput(qty=Decimal(10), sku="MI-HAOHAO")]
    with pytest.raises(ValidationError, match="The lines come to ₫45,000, not ₫100,000") as refused:
        sale_quote.quote(SaleInput(amount=100_000, lines=lines))
    assert refused.value.field == "amount"
    with pytest.raises(ValidationError):
        sell(amount=100_000, lines=lines)
    assert Receipt.select().count() == 0
    # The lines' sum (before or after their discounts), or no amount at all, is taken.
    assert sale_quote.quote(SaleInput(amount=45_000, lines=lines)).total == 45_000
    discounted = [LineInput(qty=Decimal(10), sku="MI-HAOHAO", line_discount=5_000)]
    assert sale_quote.quote(SaleInput(amount=40_000, lines=discounted)).total == 40_000
    assert sale_quote.quote(SaleInput(amount=45_000, lines=discounted)).total == 40_000
    assert sell(lines=lines).receipt.total == 45_000


def test_a_percent_voucher_is_taken_before_points_pay(database):
    an = customers.register({"name": "An", "discount_bp": 500}).customer
    points.adjust_points(an, 60, "welcome")
    vouchers.create_voucher("TEN", "percent", 1_000)
    # 200,000 - 5% = 190,000 to pay; the voucher takes 10% of it, 19,000 (not 10% of
    # 190,000 - 50,000 = 14,000); 50 points pay 50,000; cash is the rest, 121,000.
    q = sale_quote.quote(SaleInput(customer=an, amount=200_000, points=50, voucher="TEN", at=NOW))
    assert (q.total, q.voucher_money, q.points_money) == (190_000, 19_000, 50_000)
    # What points may still pay is what the voucher left: 171,000 is worth 171 points, the balance is 60.
    assert q.max_points == 60
    result = sell(customer=an, amount=200_000, points=50, voucher="TEN")
    receipt = result.receipt
    assert payments_of(receipt) == {"voucher": 19_000, "points": 50_000, "cash": 121_000}
    # The voucher pays, it is not a discount: the receipt's discount is the personal one only.
    assert (receipt.subtotal, receipt.discount, receipt.total) == (200_000, 10_000, 190_000)
    # Points earned on what points did not pay: 140,000 / 10,000 = 14.
    assert result.points_earned == 14
    # Half back: each way of paying gives back half, rounded on running totals.
    back = sale_return.record_return(receipt, 95_000, at=NOW)
    assert (back.points_restored, back.points_reversed, back.refunded) == (25, 7, 95_000 - 25_000 - 9_500)
    assert payments_of(back.receipt) == {"points": 25_000, "voucher": 9_500, "cash": 60_500}
    rest = sale_return.record_return(receipt, at=NOW)
    assert payments_of(rest.receipt) == {"points": 25_000, "voucher": 9_500, "cash": 60_500}
    assert fresh(an).points_balance == 60 and assert_ledgers_match() is None


def test_a_voucher_and_points_together_may_not_pay_more_than_the_receipt(database):
    an = customers.register({"name": "An"}).customer
    points.adjust_points(an, 100, "welcome")
    vouchers.create_voucher("HALF", "percent", 5_000)
    # 100,000: the voucher pays 50,000, so at most 50 points are left to pay.
    assert sale_quote.quote(SaleInput(customer=an, amount=100_000, voucher="HALF", at=NOW)).max_points == 50
    with pytest.raises(RuleViolation, match="at most 50") as refused:
        sell(customer=an, amount=100_000, points=60, voucher="HALF")
    assert refused.value.field == "points"


def test_the_shops_default_credit_limit_applies_to_customers_without_their_own(an, manager):
    assert settings.get("credit_limit_default") == ""  # as before: no limit without one
    sell(customer=an, amount=500_000, credit=500_000)
    settings.set_value("credit_limit_default", "600000", actor=SYSTEM)
    with pytest.raises(RuleViolation, match="at most ₫100,000 more") as refused:
        sell(customer=an, amount=200_000, credit=200_000)
    assert refused.value.field == "credit"
    assert sale_quote.quote(SaleInput(customer=an, amount=1)).credit_left == 100_000
    sell(customer=an, amount=100_000, credit=100_000)
    # Over it, a manager's PIN allows it and the audit says who.
    result = sell(customer=an, amount=50_000, credit=50_000, override_by=manager)
    assert any("allowed by Minh" in w for w in result.warnings)
    assert AuditLog.get(AuditLog.entity_id == str(result.receipt.id)).override_by_id == manager.id
    # The customer's own limit wins over the shop's.
    Customer.update(credit_limit=2_000_000).where(Customer.id == an.id).execute()
    sell(customer=an, amount=100_000, credit=100_000)


def test_a_default_credit_limit_of_zero_means_no_credit_without_a_manager(an, manager):
    settings.set_value("credit_limit_default", "0", actor=SYSTEM)
    with pytest.raises(RuleViolation, match="at most ₫0 more"):
        sell(customer=an, amount=10_000, credit=10_000)
    sell(customer=an, amount=10_000, credit=10_000, override_by=manager)
    assert fresh(an).debt_balance == 10_000
    for bad in ("-1", "abc"):
        with pytest.raises(ValidationError):
            settings.set_value("credit_limit_default", bad, actor=SYSTEM)
    assert settings.set_value("credit_limit_default", "", actor=SYSTEM) == ""


def test_an_archived_or_merged_customer_cannot_buy(database):
    kept = customers.register({"name": "Kept"}).customer
    gone = customers.register({"name": "Gone"}).customer
    Customer.update(status="archived").where(Customer.id == gone.id).execute()
    with pytest.raises(RuleViolation, match="is archived"):
        sell(customer=gone, amount=10_000)
    Customer.update(merged_into=kept.id).where(Customer.id == gone.id).execute()
    with pytest.raises(RuleViolation, match="was merged into Kept"):
        sell(customer=gone, amount=10_000, credit=10_000)
    anonymous = sell(amount=10_000).receipt
    with pytest.raises(RuleViolation, match="was merged into Kept"):
        receipt_owner.attach_receipt(anonymous, gone, at=NOW)
    mine = sell(customer=kept, amount=10_000).receipt
    with pytest.raises(RuleViolation, match="was merged into Kept"):
        receipt_owner.move_receipt(mine, gone, at=NOW)
    assert Receipt.select().count() == 2 and fresh(gone).total_sales == 0


def test_a_line_with_neither_a_product_nor_a_price_is_refused_with_a_sentence(database):
    with pytest.raises(ValidationError) as refused:
        sale_quote.quote(SaleInput(lines=[LineInput(qty=1, name="Tea")]))
    assert refused.value.field == "sku"
    assert "product or a price" in str(refused.value)
