"""Returns: whole, by amount, by lines; proportional points and payments; credit first;
the cashier's day limit; gift-card money back to the card."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw
import pytest

from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, Customer, DebtEntry, Payment, PointsEntry, Receipt, ReceiptLine
from shoptui.services import checkout, customers, debts, points, sale_return, settings, users, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput
from tests.actors import SYSTEM

NOW = dt.datetime(2024, 6, 15, 10, 0)


@pytest.fixture
def an(database):
    return customers.register({"name": "An"}).customer


def sell(**values):
    values.setdefault("at", NOW)
    return checkout.record_sale(SaleInput(**values), actor=SYSTEM).receipt


def give_back(sale, amount=None, **kwargs):
    kwargs.setdefault("at", NOW)
    return sale_return.record_return(sale, amount, **kwargs)


def fresh(customer) -> Customer:
    return Customer.get_by_id(customer.id)


def payments_of(receipt) -> dict[str, int]:
    return {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)}


def assert_receipts_balance():
    for receipt in Receipt.select():
        assert sum(payments_of(receipt).values()) == receipt.total, receipt.number


def assert_ledgers_match(customer):
    c = fresh(customer)
    points_sum = PointsEntry.select(pw.fn.SUM(PointsEntry.points)).where(PointsEntry.customer == c).scalar() or 0
    debt_sum = DebtEntry.select(pw.fn.SUM(DebtEntry.amount)).where(DebtEntry.customer == c).scalar() or 0
    assert (c.points_balance, c.debt_balance) == (points_sum, debt_sum)


def test_whole_return(an):
    points.adjust_points(an, 50, "welcome")
    sale = sell(customer=an, amount=100_000, points=20, card=30_000)  # earns 8
    result = give_back(sale)
    # Card and cash were paid; everything not points goes back the one way chosen.
    assert (result.amount, result.points_reversed, result.points_restored, result.refunded) == (100_000, 8, 20, 80_000)
    assert payments_of(result.receipt) == {"points": 20_000, "cash": 80_000}
    receipt = result.receipt
    assert (receipt.kind, receipt.return_of_id, receipt.total, receipt.customer_id) == (
        "return",
        sale.id,
        100_000,
        an.id,
    )
    c = fresh(an)
    assert (c.points_balance, c.total_sales) == (50, 0)
    assert_ledgers_match(an)
    with pytest.raises(RuleViolation, match="Nothing is left"):
        give_back(sale)


def test_partial_return_by_amount(an):
    sale = sell(customer=an, amount=100_000)  # earns 10
    result = give_back(sale, 25_000, refund_method="card")
    assert (result.amount, result.points_reversed, result.refunded) == (25_000, 3, 25_000)  # 2.5 points, half up
    assert payments_of(result.receipt) == {"card": 25_000}
    with pytest.raises(RuleViolation, match="At most ₫75,000"):
        give_back(sale, 75_001)
    give_back(sale, 75_000)
    assert sum(r.points_earned for r in Receipt.select().where(Receipt.kind == "return")) == 10
    assert fresh(an).points_balance == 0


def test_several_partial_returns_add_up_exactly(an):
    points.adjust_points(an, 100, "welcome")
    sale = sell(customer=an, amount=100_001, points=33, credit=30_001)  # earns 6 on 67,001
    parts = [33_333, 33_333, 1, 33_334]
    results = [give_back(sale, part) for part in parts]
    assert sum(r.amount for r in results) == sale.total
    assert sum(r.points_reversed for r in results) == sale.points_earned == 6
    assert sum(r.points_restored for r in results) == 33
    returned = {}
    for r in results:
        for method, value in payments_of(r.receipt).items():
            returned[method] = returned.get(method, 0) + value
    assert returned == {"points": 33_000, "credit": 30_001, "cash": 37_000}
    assert (fresh(an).points_balance, fresh(an).debt_balance, fresh(an).total_sales) == (100, 0, 0)
    assert_receipts_balance()
    assert_ledgers_match(an)


def test_instrument_shares_never_exceed_the_return(an):
    # Points and gift card each paid half of 2: a return of 1 cannot give back 1 + 1.
    settings.set_value("points_value", "1")
    points.adjust_points(an, 5, "welcome")
    vouchers.load_gift_card("GIFT", 10)
    sale = sell(customer=an, amount=2, points=1, gift_card="GIFT", gift_amount=1)
    first = give_back(sale, 1)
    assert sum(payments_of(first.receipt).values()) == 1
    second = give_back(sale, 1)
    assert sum(payments_of(second.receipt).values()) == 1
    both = {**payments_of(first.receipt), **payments_of(second.receipt)}
    assert both == {"points": 1, "giftcard": 1}
    assert vouchers.gift_balance(vouchers.gift_card("GIFT")) == 10
    assert_receipts_balance()


def test_partial_return_by_lines_with_a_receipt_discount(an):
    customers.update(an, {"discount_bp": 1000})
    sale = sell(
        customer=an,
        lines=[
            LineInput(qty=1, unit_price=1001, name="A"),
            LineInput(qty=1, unit_price=1001, name="B"),
            LineInput(qty=3, unit_price=1001, name="C"),
        ],
    )
    assert sale.total == 4504  # 5005 - 501 (10 %, half up)
    a, b, c = list(sale.lines.order_by(ReceiptLine.position))
    results = [
        give_back(sale, lines=[(a.id, 1)]),
        give_back(sale, lines=[(c.id, Decimal("1")), (b.id, 1)]),
        give_back(sale, lines=[(c.id, "1.5")]),
        give_back(sale, lines=[(c.id, 0.5)]),
    ]
    assert [r.amount for r in results] == [901, 1801, 1352, 450]
    assert sum(r.amount for r in results) == sale.total
    assert results[1].receipt.lines.count() == 2
    assert ReceiptLine.get((ReceiptLine.return_of_line == c) & (ReceiptLine.qty == Decimal("1.5"))).amount == 1502
    with pytest.raises(RuleViolation, match="Nothing is left|At most 0"):
        give_back(sale, lines=[(a.id, 1)])
    assert fresh(an).total_sales == 0
    assert_receipts_balance()


def test_line_returns_that_round_up_cannot_overrun_the_sale(database):
    # Two lines of 1 with 1 off the receipt: each line is worth half a unit.
    sale = sell(lines=[LineInput(qty=1, unit_price=1), LineInput(qty=1, unit_price=1)], extra_discount=1)
    first, second = list(sale.lines)
    assert give_back(sale, lines=[(first.id, 1)]).amount == 1
    assert give_back(sale, lines=[(second.id, 1)]).amount == 0
    assert sale_return.returned_so_far(sale) == sale.total


def test_line_refusals(database):
    sale = sell(lines=[LineInput(qty=2, unit_price=1000, name="Tea")])
    other = sell(lines=[LineInput(qty=1, unit_price=5, name="Cup")])
    tea = sale.lines.get()
    with pytest.raises(RuleViolation, match="At most 2 of Tea"):
        give_back(sale, lines=[(tea.id, 3)])
    with pytest.raises(RuleViolation):
        give_back(sale, lines=[(tea.id, 1), (tea.id, "1.5")])  # 2.5 in one return
    with pytest.raises(RuleViolation):
        give_back(sale, lines=[(tea.id, 0)])
    with pytest.raises(NotFound):
        give_back(sale, lines=[(other.lines.get().id, 1)])
    assert Receipt.select().where(Receipt.kind == "return").count() == 0


def test_credit_is_reduced_before_cash_is_paid_back(an):
    sale = sell(customer=an, amount=100_000, credit=60_000)
    first = give_back(sale, 50_000)
    assert (first.credit_reduced, first.refunded) == (50_000, 0)
    assert payments_of(first.receipt) == {"credit": 50_000}
    second = give_back(sale, 50_000)
    assert (second.credit_reduced, second.refunded) == (10_000, 40_000)
    assert fresh(an).debt_balance == 0
    assert_ledgers_match(an)


def test_paid_off_credit_is_paid_back_in_cash(an):
    sale = sell(customer=an, amount=100_000, credit=60_000)
    debts.take_payment(an, 40_000, at=NOW)
    result = give_back(sale)
    assert (result.credit_reduced, result.refunded) == (20_000, 80_000)
    assert fresh(an).debt_balance == 0


def test_gift_card_share_goes_back_to_the_card(an):
    card = vouchers.load_gift_card("GIFT", 40_000)
    sale = sell(customer=an, amount=100_000, gift_card="GIFT", gift_amount=40_000)
    result = give_back(sale, 50_000)
    assert payments_of(result.receipt) == {"giftcard": 20_000, "cash": 30_000}
    assert vouchers.gift_balance(card) == 20_000
    refund = Payment.get((Payment.receipt == result.receipt) & (Payment.method == "giftcard"))
    assert refund.gift_card_id == card.id


def test_voucher_share_is_not_paid_back_in_cash(an):
    vouchers.create_voucher("V", "amount", 20_000)
    sale = sell(customer=an, amount=100_000, voucher="V")
    result = give_back(sale)
    assert payments_of(result.receipt) == {"voucher": 20_000, "cash": 80_000}


def test_late_return_needs_a_manager(an):
    cashier = users.add_user("Lan", "cashier", "1111", SYSTEM)
    other_cashier = users.add_user("Hoa", "cashier", "3333", SYSTEM)
    manager = users.add_user("Minh", "manager", "2222", SYSTEM)
    sale = sell(customer=an, amount=100_000, at=NOW - dt.timedelta(days=31))
    with pytest.raises(PermissionDenied, match="cashier.*manager"):
        give_back(sale, 10_000, actor=Actor(user=cashier))
    with pytest.raises(PermissionDenied, match="Hoa"):
        give_back(sale, 10_000, actor=Actor(user=cashier), override_by=other_cashier)
    give_back(sale, 10_000, actor=Actor(user=cashier), override_by=manager)
    entry = AuditLog.get(AuditLog.action == "receipt.return")
    assert (entry.user_id, entry.override_by_id) == (cashier.id, manager.id)
    give_back(sale, 10_000, actor=Actor(user=manager))
    # Within the limit a cashier needs nobody.
    recent = sell(customer=an, amount=100_000, at=NOW - dt.timedelta(days=30))
    give_back(recent, actor=Actor(user=cashier))


def test_return_refusals(an):
    sale = sell(customer=an, amount=100_000)
    with pytest.raises(ValidationError):
        give_back(sale, refund_method="voucher")
    with pytest.raises(ValidationError):
        give_back(sale, 0)
    with pytest.raises(ValidationError):
        give_back(sale, -5)
    returned = give_back(sale, 10_000).receipt
    with pytest.raises(NotFound):
        give_back(returned)  # a return cannot be returned
    with pytest.raises(NotFound):
        give_back(99_999)
    with pytest.raises(ValidationError, match="already exists"):
        give_back(sale, 1, number=returned.number)


def test_anonymous_return(database):
    sale = sell(amount=50_000, card=50_000)
    result = give_back(sale, refund_method="card")
    assert (result.receipt.customer_id, result.refunded, result.credit_reduced) == (None, 50_000, 0)


def test_find_receipt(database):
    sale = sell(amount=1)
    assert sale_return.find_receipt(sale.number).id == sale.id
    with pytest.raises(NotFound):
        sale_return.find_receipt("nope")


def test_a_return_cannot_come_before_its_sale(database):
    sale = sell(amount=1_000)
    with pytest.raises(ValidationError, match=sale.number):
        sale_return.record_return(sale, at=NOW - dt.timedelta(minutes=1))


def test_a_points_refund_is_whole_points_at_the_price_they_paid(an):
    # Issue 12, defect 4: 47 points were restored but the points payment said 47,134:
    # 134 existed nowhere, and the cash refund (37,866) could not come out of a VND drawer.
    points.adjust_points(an, 100, "welcome")
    sale = sell(customer=an, amount=392_500, points=100, credit=100_000)  # 192,500 cash
    result = give_back(sale, 185_000)
    assert result.points_restored == 47
    assert payments_of(result.receipt) == {"points": 47_000, "credit": 100_000, "cash": 38_000}
    rest = give_back(sale)
    assert payments_of(rest.receipt) == {"points": 53_000, "cash": 154_500}
    assert (
        fresh(an).points_balance == 100 - 100 + sale.points_earned - result.points_reversed - rest.points_reversed + 100
    )
    assert_receipts_balance()
    assert_ledgers_match(an)


def test_a_points_refund_never_pays_more_than_the_return(an):
    # A return of 500 on a sale paid with points worth 1,000 each restores no point now: its
    # money goes back in cash; the last return restores the point.
    points.adjust_points(an, 3, "welcome")
    sale = sell(customer=an, amount=5_000, points=3)  # 3,000 in points, 2,000 cash
    small = give_back(sale, 500)
    assert (small.points_restored, payments_of(small.receipt)) == (0, {"cash": 500})
    last = give_back(sale)
    assert (last.points_restored, payments_of(last.receipt)) == (3, {"points": 3_000, "cash": 1_500})
    assert_receipts_balance()
    assert_ledgers_match(an)


def test_a_partial_return_leaves_the_points_the_kept_amount_earns(an):
    # Issue 12, defect 5: 96 points on 969,000; returning 289,000 took back 29 (a rounded
    # share), leaving 67, while the 680,000 kept earns 68.
    sale = sell(customer=an, amount=969_000)
    assert sale.points_earned == 96
    first = give_back(sale, 289_000)
    assert first.points_reversed == 28
    assert fresh(an).points_balance == 68
    second = give_back(sale, 5_001)  # 674,999 kept earns 67
    assert (second.points_reversed, fresh(an).points_balance) == (1, 67)
    give_back(sale)
    assert fresh(an).points_balance == 0
    assert_ledgers_match(an)


def test_the_rule_of_the_sale_decides_even_after_the_rate_changed(an):
    sale = sell(customer=an, amount=969_000)  # 1 point per 10,000
    settings.set_value("points_earn_per", "1000")
    give_back(sale, 289_000)
    assert fresh(an).points_balance == 68
