"""Debt payments, ageing (oldest first), adjustments, opening balances and points expiry."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from shoptui.models import AuditLog, Customer, DebtEntry, PointsEntry
from shoptui.services import checkout, customers, debts, points, sale_return, settings, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from tests.actors import SYSTEM

D0 = dt.datetime(2024, 1, 1, 9, 0)


def day(n: int, hour: int = 9) -> dt.datetime:
    return D0 + dt.timedelta(days=n, hours=hour - 9)


@pytest.fixture
def an(database):
    return customers.register({"name": "An"}).customer


@pytest.fixture
def roles(database):
    return {
        role: Actor(user=users.add_user(role.title(), role, "1234", SYSTEM)) for role in ("cashier", "manager", "owner")
    }


def fresh(customer) -> Customer:
    return Customer.get_by_id(customer.id)


def on_credit(customer, amount, at):
    return checkout.record_sale(SaleInput(customer=customer, amount=amount, credit=amount, at=at), actor=SYSTEM)


# --- payments -------------------------------------------------------------------------------


def test_a_payment_takes_all_by_default(an):
    on_credit(an, 150_000, day(0))
    payment = debts.take_payment(an, at=day(3))
    assert (payment.amount, payment.balance_before, payment.balance_after) == (150_000, 150_000, 0)
    assert fresh(an).debt_balance == 0
    entry = payment.entry
    assert (entry.kind, entry.amount, entry.method, entry.at) == ("payment", -150_000, "cash", day(3))
    assert AuditLog.get(AuditLog.action == "debt.payment").after == {"debt": 0, "method": "cash"}


def test_a_partial_payment_and_its_method(an, roles):
    on_credit(an, 150_000, day(0))
    payment = debts.take_payment(an, 50_000, "transfer", roles["cashier"])
    assert (payment.balance_after, payment.entry.method, payment.entry.user_id) == (
        100_000,
        "transfer",
        roles["cashier"].user.id,
    )


def test_payment_refusals(an):
    with pytest.raises(RuleViolation, match="owes nothing"):
        debts.take_payment(an)
    on_credit(an, 150_000, day(0))
    with pytest.raises(RuleViolation, match="owes only ₫150,000"):
        debts.take_payment(an, 150_001)
    for bad in (0, -1):
        with pytest.raises(ValidationError):
            debts.take_payment(an, bad)
    with pytest.raises(ValidationError, match="cash, card, transfer"):
        debts.take_payment(an, 1, "points")
    with pytest.raises(NotFound):
        debts.take_payment(12345, 1)
    assert fresh(an).debt_balance == 150_000
    assert DebtEntry.select().where(DebtEntry.kind == "payment").count() == 0


# --- ageing ------------------------------------------------------------------------------------


def test_oldest_unpaid_pays_oldest_first(an):
    on_credit(an, 100_000, day(0))
    on_credit(an, 50_000, day(5))
    assert debts.oldest_unpaid(an) == day(0)
    debts.take_payment(an, 99_999, at=day(10))
    assert debts.oldest_unpaid(an) == day(0)  # one dong of the first debt is still open
    debts.take_payment(an, 1, at=day(11))
    assert debts.oldest_unpaid(an) == day(5)
    assert debts.aging_days(fresh(an), day(15).date()) == 10
    # As it was before the payments:
    assert debts.oldest_unpaid(an, as_of=day(10)) == day(0)
    debts.take_payment(an, at=day(12))
    assert debts.oldest_unpaid(an) is None and debts.aging_days(fresh(an)) is None


def test_credit_left(an):
    assert debts.credit_left(fresh(an)) is None  # no limit
    customers.update(an, {"credit_limit": 100_000})
    on_credit(an, 30_000, day(0))
    assert debts.credit_left(fresh(an)) == 70_000


def test_credit_left_falls_back_to_the_shops_default_limit_on_the_card_and_in_the_report(an):
    from shoptui.reports.debtors import debtors
    from shoptui.reports.query import ReportQuery

    settings.set_value("credit_limit_default", "50000")
    on_credit(an, 30_000, day(0))
    assert debts.credit_limit(fresh(an)) == 50_000 and debts.credit_left(fresh(an)) == 20_000
    row = debtors(ReportQuery(as_of=day(0).date()))["rows"][0]
    assert (row["credit_limit"], row["credit_left"]) == (50_000, 20_000)
    customers.update(an, {"credit_limit": 40_000})  # the customer's own limit wins
    assert debts.credit_left(fresh(an)) == 10_000


# --- adjustments ----------------------------------------------------------------------------------


def test_adjustments_need_a_reason(an):
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as err:
            points.adjust_points(an, 10, reason)
        assert err.value.field == "reason"
        with pytest.raises(ValidationError):
            debts.adjust_debt(an, 10, reason)
    with pytest.raises(ValidationError):
        points.adjust_points(an, 0, "nothing")
    with pytest.raises(ValidationError):
        debts.adjust_debt(an, 0, "nothing")


def test_adjustments_are_for_managers_and_owners(an, roles):
    with pytest.raises(PermissionDenied, match="A cashier may not adjust points or debt; ask a manager."):
        points.adjust_points(an, 10, "gift", roles["cashier"])
    with pytest.raises(PermissionDenied):
        debts.adjust_debt(an, 10, "old paper book", roles["cashier"])
    points.adjust_points(an, 10, "gift", roles["manager"])
    entry = debts.adjust_debt(an, 10_000, " old paper book ", roles["owner"], at=day(2))
    assert (entry.kind, entry.reason, entry.user_id, entry.at) == (
        "adjust",
        "old paper book",
        roles["owner"].user.id,
        day(2),
    )
    log = AuditLog.get(AuditLog.action == "debt.adjust")
    assert (log.before, log.after, log.note) == ({"debt": 0}, {"debt": 10_000}, "old paper book")
    assert (fresh(an).points_balance, fresh(an).debt_balance) == (10, 10_000)


def test_points_cannot_go_negative_by_adjustment(an):
    points.adjust_points(an, 10, "gift")
    with pytest.raises(RuleViolation, match="only 10 points"):
        points.adjust_points(an, -11, "typo")
    points.adjust_points(an, -10, "typo")
    assert fresh(an).points_balance == 0


def test_debt_cannot_go_below_zero_by_adjustment(an):
    debts.adjust_debt(an, 5_000, "paper book")
    with pytest.raises(RuleViolation, match="owes only ₫5,000"):
        debts.adjust_debt(an, -5_001, "typo")
    debts.adjust_debt(an, -5_000, "typo")
    assert fresh(an).debt_balance == 0


# --- opening balances ------------------------------------------------------------------------------


def test_opening_balances_are_taken_once(an):
    assert debts.set_opening_balance(an, 70_000, at=day(0)) is True
    assert debts.set_opening_balance(an, 70_000) is False
    assert debts.set_opening_balance(an, 90_000) is False
    assert points.set_opening_balance(an, 120, at=day(0)) is True
    assert points.set_opening_balance(an, 120) is False
    assert points.set_opening_balance(customers.register({"name": "B"}).customer, 0) is False
    c = fresh(an)
    assert (c.debt_balance, c.points_balance) == (70_000, 120)
    assert DebtEntry.get(DebtEntry.kind == "opening").at == day(0)


# --- expiry ----------------------------------------------------------------------------------------------


def test_points_expire_oldest_first(an):
    settings.set_value("points_expiry_days", "365")
    points.adjust_points(an, 100, "old", at=day(0))
    points.adjust_points(an, 50, "newer", at=day(200))
    points.adjust_points(an, -30, "spent", at=day(250))
    # On day 400 the cut-off is day 35: 100 earned before it, 30 spent since: 70 expire.
    assert points.expire_points(day(400).date(), at=day(400)) == 70
    assert fresh(an).points_balance == 50
    entry = PointsEntry.get(PointsEntry.kind == "expire")
    assert (entry.points, entry.at) == (-70, day(400))
    assert points.expire_points(day(400).date()) == 0  # running twice expires nothing more
    # On day 600 the cut-off is day 235: 150 earned, 100 gone: the newer 50 expire.
    assert points.expire_points(day(600).date()) == 50
    assert fresh(an).points_balance == 0


def test_expiry_runs_in_batches_each_its_own_transaction(an):
    settings.set_value("points_expiry_days", "365")
    others = [customers.register({"name": f"C{i}"}).customer for i in range(4)]
    for c in [an, *others]:
        points.adjust_points(c, 10, "old", at=day(0))
    batches = AuditLog.select().where(AuditLog.action == "points.expire")
    assert points.expire_points(day(400).date(), at=day(400), batch_size=2) == 50
    assert batches.count() == 3  # 5 customers, 2 a batch: one audit row per transaction
    assert all(fresh(c).points_balance == 0 for c in [an, *others])


def test_one_customers_points_expire_without_touching_the_others(an):
    settings.set_value("points_expiry_days", "365")
    bich = customers.register({"name": "Bích"}).customer
    points.adjust_points(an, 100, "old", at=day(0))
    points.adjust_points(bich, 40, "old", at=day(0))
    assert points.expire_points(day(400).date(), at=day(400), customer=an.id) == 100
    assert (fresh(an).points_balance, fresh(bich).points_balance) == (0, 40)
    assert points.expire_points(day(400).date(), customer=an.id) == 0  # nothing more due
    assert points.expire_points(day(400).date()) == 40


def test_points_do_not_expire_when_the_shop_says_never(an):
    points.adjust_points(an, 100, "old", at=day(0))
    assert points.expire_points(day(4000).date()) == 0
    assert fresh(an).points_balance == 100


def test_expiry_never_takes_more_than_the_balance(an):
    settings.set_value("points_expiry_days", "30")
    sale = checkout.record_sale(SaleInput(customer=an, amount=100_000, at=day(0)))  # earns 10
    points.adjust_points(an, -5, "spent", at=day(1))
    sale_return.record_return(sale.receipt, 50_000, at=day(2))  # takes back 5 of the 10 earned
    assert fresh(an).points_balance == 0
    assert points.expire_points(day(100).date()) == 0


def test_max_redeemable(an):
    points.adjust_points(an, 25, "gift")
    c = fresh(an)
    assert points.max_redeemable(c, 100_000) == 25
    assert points.max_redeemable(c, 7_999) == 7
    settings.set_value("points_min_redeem", "10")
    assert points.max_redeemable(c, 7_999) == 0


def test_a_sale_expires_the_customers_points_that_ran_out_before_it_spends_them(an):
    settings.set_value("points_expiry_days", "365")
    points.adjust_points(an, 100, "old", at=day(0))
    with pytest.raises(RuleViolation):
        checkout.record_sale(SaleInput(customer=an, amount=100_000, points=50, at=day(400)))
    assert fresh(an).points_balance == 100  # the refused sale wrote nothing, the expiry neither
    points.adjust_points(an, 30, "new", at=day(399))
    checkout.record_sale(SaleInput(customer=an, amount=100_000, points=20, at=day(400)))
    expired = PointsEntry.get(PointsEntry.kind == "expire")
    assert (expired.points, expired.at) == (-100, day(400))
    assert fresh(an).points_balance == 30 - 20 + 8  # the new 30 less 20 spent, plus 80,000 earned
