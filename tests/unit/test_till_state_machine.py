"""The till's services driven at random (hypothesis' RuleBasedStateMachine), issue 12.

Random sales (with points, credit, vouchers, gift cards, bank card and cash), partial and
whole returns by amount and by lines, debt payments, payments in advance and sales paid
from the advance, adjustments, and changes of the points rules, the tiers and the cash
rounding step. A refusal (``ShopError``) is a fine outcome for a random step;
anything else is a bug. After every step every receipt adds up, no points or money appear
or vanish on any receipt's returns, every cached balance equals its ledger, and
``shoptui check`` is clean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal

import peewee as pw
import pytest
from hypothesis import HealthCheck, event
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from shoptui import db as dbmod
from shoptui.check import run_checks
from shoptui.errors import ShopError
from shoptui.models import Customer, DebtEntry, GiftCardEntry, Payment, PointsEntry, Product, Receipt
from shoptui.services import checkout, customers, debts, points, sale_quote, sale_return, settings, tiers, vouchers
from shoptui.services.sale_quote import LineInput, SaleInput
from shoptui.services.stores import ensure_main_store

PRODUCTS = (("TEA", 30_000), ("CAKE", 12_500), ("MILK", 7_000))
GIFT = "2900000000019"
T0 = dt.datetime(2025, 1, 6, 9, 0)


def payments_of(receipt_id: int) -> dict[str, int]:
    rows = (
        Payment.select(Payment.method, pw.fn.SUM(Payment.amount))
        .where(Payment.receipt == receipt_id)
        .group_by(Payment.method)
    )
    return {method: int(amount) for method, amount in rows.tuples()}


class Till(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.clock = T0

    @initialize()
    def open_shop(self):
        settings.clear_cache()
        self.folder = tempfile.mkdtemp(prefix="till-state-")
        self.db = dbmod.open_database(os.path.join(self.folder, "shop.sqlite"))
        settings.ensure_defaults()
        ensure_main_store()
        settings.set_value("points_earn_per", "10000")
        settings.set_value("points_value", "1000")
        for sku, price in PRODUCTS:
            Product.create(sku=sku, name=sku.title(), price=price)
        self.people = [
            customers.register({"name": name, "credit_limit": 2_000_000}).customer.id for name in ("An", "Bình", "Chi")
        ]
        for cid in self.people:
            points.adjust_points(cid, 300, "welcome")
        vouchers.load_gift_card(GIFT, 500_000)
        vouchers.create_voucher("TEN", "percent", 1000, max_uses=None)
        vouchers.create_voucher("FIVEK", "amount", 5_000, max_uses=None)

    def teardown(self):
        settings.clear_cache()
        if hasattr(self, "db"):
            self.db.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(minutes=17)
        return self.clock

    def attempt(self, job, *args, **kwargs):
        try:
            done = job(*args, **kwargs)
        except ShopError:
            event(f"{job.__name__}: refused")
            return None
        event(f"{job.__name__}: done")
        return done

    # -- steps --------------------------------------------------------------------------------

    @rule(
        who=st.integers(0, 3),
        amount=st.integers(1, 900).map(lambda n: n * 500),
        lines=st.lists(st.tuples(st.sampled_from([p[0] for p in PRODUCTS]), st.integers(1, 3)), max_size=3),
        voucher=st.sampled_from([None, None, "TEN", "FIVEK"]),
        shares=st.tuples(*[st.integers(0, 3)] * 5),
        exact=st.booleans(),
    )
    def sell(self, who, amount, lines, voucher, shares, exact):
        """A sale whose payments are shares of what it comes to: points, credit, the gift
        card and the bank card each pay 0-3 eighths, cash the rest (or, now and then, a
        payment typed wrong, which must be refused)."""
        customer = self.people[who] if who < len(self.people) else None
        base = SaleInput(
            customer=customer,
            amount=None if lines else amount,
            lines=[LineInput(qty=Decimal(q), sku=sku) for sku, q in lines],
            voucher=voucher,
            at=self.tick(),
        )
        try:
            q = sale_quote.quote(base)
        except ShopError:
            return
        payable = q.total - q.voucher_money
        value = points.point_value()
        pay_points = min(q.max_points, payable * shares[0] // 8 // value) if customer else 0
        credit = payable * shares[1] // 8 if customer else 0
        gift = payable * shares[2] // 8
        card = payable * shares[3] // 8 + (0 if exact else 1)
        # What the customer paid in advance pays a share too (issue 12), at most all of it.
        advance = min(debts.advance_left(Customer.get_by_id(customer)), payable * shares[4] // 8) if customer else 0
        sale = dataclasses.replace(
            base,
            points=pay_points,
            credit=credit,
            gift_card=GIFT if gift else None,
            gift_amount=gift,
            card=card,
            advance=advance,
            cash=None if exact else 0,
        )
        self.attempt(checkout.record_sale, sale)

    @rule(pick=st.integers(0, 10_000), share=st.integers(1, 100), method=st.sampled_from(["cash", "card"]))
    def return_an_amount(self, pick, share, method):
        sale = self._a_sale(pick)
        if sale is not None:
            left = sale.total - sale_return.returned_so_far(sale)
            self.attempt(
                sale_return.record_return, sale, max(1, left * share // 100), refund_method=method, at=self.tick()
            )

    @rule(pick=st.integers(0, 10_000))
    def return_everything_left(self, pick):
        sale = self._a_sale(pick)
        if sale is not None:
            self.attempt(sale_return.record_return, sale, at=self.tick())

    @rule(pick=st.integers(0, 10_000), line=st.integers(0, 2), qty=st.integers(1, 2))
    def return_a_line(self, pick, line, qty):
        sale = self._a_sale(pick)
        if sale is not None and sale.lines:
            lines = list(sale.lines)
            chosen = lines[line % len(lines)]
            self.attempt(sale_return.record_return, sale, lines=[(chosen.id, Decimal(qty))], at=self.tick())

    @rule(who=st.integers(0, 2), amount=st.integers(1, 20).map(lambda n: n * 5_000))
    def pay_debt(self, who, amount):
        self.attempt(debts.take_payment, self.people[who], amount, at=self.tick())

    @rule(who=st.integers(0, 2), amount=st.integers(1, 20).map(lambda n: n * 5_000))
    def pay_in_advance(self, who, amount):
        """A payment that may go beyond the debt: the rest is kept as an advance (issue 12)."""
        self.attempt(debts.take_payment, self.people[who], amount, at=self.tick(), advance=True)

    @rule(who=st.integers(0, 2), amount=st.integers(-30, 30).map(lambda n: n * 1_000))
    def adjust_debt(self, who, amount):
        self.attempt(debts.adjust_debt, self.people[who], amount, "random", at=self.tick())

    @rule(who=st.integers(0, 2), amount=st.integers(-50, 50))
    def adjust_points(self, who, amount):
        self.attempt(points.adjust_points, self.people[who], amount, "random", at=self.tick())

    @rule(
        earn_per=st.sampled_from(["5000", "10000", "7500"]),
        value=st.sampled_from(["500", "1000", "1500"]),
        on_points=st.sampled_from(["yes", "no"]),
    )
    def change_the_rules(self, earn_per, value, on_points):
        settings.set_value("points_earn_per", earn_per)
        settings.set_value("points_value", value)
        settings.set_value("points_earn_on_points", on_points)

    @rule(step=st.sampled_from(["0", "500", "1000", "200"]))
    def change_the_cash_rounding(self, step):
        """Cash rounding (issue 12) set, changed or turned off between any two steps: the
        receipts, returns and ``check`` must hold whatever step each was rounded to."""
        settings.set_value("cash_rounding", step)

    @rule(
        min_spend=st.integers(1, 40).map(lambda n: n * 25_000),
        earn_per=st.sampled_from([2_500, 5_000]),
        discount_bp=st.sampled_from([0, 300, 500]),
    )
    def add_a_tier(self, min_spend, earn_per, discount_bp):
        self.attempt(tiers.add_tier, tiers.TierInput("T" + str(min_spend), min_spend, earn_per, discount_bp))

    def _a_sale(self, pick: int) -> Receipt | None:
        ids = [r.id for r in Receipt.select(Receipt.id).where(Receipt.kind == "sale").order_by(Receipt.id)]
        return Receipt.get_by_id(ids[pick % len(ids)]) if ids else None

    # -- what must always hold ---------------------------------------------------------------

    @invariant()
    def every_receipt_adds_up(self):
        if not hasattr(self, "db"):
            return
        for receipt in Receipt.select():
            assert sum(payments_of(receipt.id).values()) == receipt.total, receipt.number

    @invariant()
    def returns_never_give_back_more_than_the_sale_took(self):
        if not hasattr(self, "db"):
            return
        for sale in Receipt.select().where(Receipt.kind == "sale"):
            returns = list(Receipt.select().where(Receipt.return_of == sale))
            if not returns:
                continue
            paid = payments_of(sale.id)
            back: dict[str, int] = {}
            for r in returns:
                for method, amount in payments_of(r.id).items():
                    back[method] = back.get(method, 0) + amount
                # A points refund is whole points at the price they were paid.
                if sale.points_redeemed and "points" in paid:
                    price = paid["points"] // sale.points_redeemed
                    assert payments_of(r.id).get("points", 0) == r.points_redeemed * price, r.number
            for method in ("points", "voucher", "giftcard", "credit", "advance"):
                assert back.get(method, 0) <= paid.get(method, 0), (sale.number, method)
            assert sum(r.total for r in returns) <= sale.total
            assert sum(r.points_earned for r in returns) <= sale.points_earned
            assert sum(r.points_redeemed for r in returns) <= sale.points_redeemed
            if sale.points_earn_per and sum(r.total for r in returns) < sale.total:
                # What the customer keeps is what the kept amount earns under the sale's rule.
                kept = sale.total - sum(r.total for r in returns)
                kept_base = (Decimal(sale.points_base) * kept / sale.total).to_integral_value(rounding="ROUND_HALF_UP")
                keep = min(sale.points_earned, int(kept_base) // sale.points_earn_per)
                assert sale.points_earned - sum(r.points_earned for r in returns) == keep, sale.number

    @invariant()
    def balances_are_their_ledgers_and_the_books_check(self):
        if not hasattr(self, "db"):
            return
        for customer in Customer.select():
            pts = (
                PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0))
                .where(PointsEntry.customer == customer)
                .scalar()
            )
            debt = (
                DebtEntry.select(pw.fn.COALESCE(pw.fn.SUM(DebtEntry.amount), 0))
                .where(DebtEntry.customer == customer)
                .scalar()
            )
            assert (customer.points_balance, customer.debt_balance) == (pts, debt)
            assert customer.points_balance >= 0
        gift = GiftCardEntry.select(pw.fn.SUM(GiftCardEntry.amount)).scalar()
        assert gift is None or gift >= 0
        assert run_checks() == []


Till.TestCase.settings = hsettings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.usefixtures("clean_environment")
class TestTill(Till.TestCase):
    pass
