"""Random sequences of what happens at a till keep every ledger invariant.

Each example gets its own fresh database file; the services may refuse a step (that is
their job), but whatever they accept or refuse, afterwards every cached balance equals
the sum of its ledger, every receipt's payments equal its total and no sale is returned
beyond what was sold.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import peewee as pw
import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from shoptui import db as dbmod
from shoptui import money
from shoptui.errors import ShopError
from shoptui.models import (
    Card,
    Customer,
    DebtEntry,
    GiftCardEntry,
    Payment,
    PointsEntry,
    PointsTier,
    Receipt,
    ReceiptLine,
    Voucher,
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
    vouchers,
)
from shoptui.services.sale_quote import LineInput, SaleInput

START = dt.datetime(2024, 1, 1, 8, 0)
OPS = (
    "register",
    "sale",
    "sale",
    "sale",
    "return",
    "return",
    "payment",
    "adjust_points",
    "adjust_debt",
    "attach",
    "move",
    "expire",
)


class Shop:
    """The state a sequence needs to pick its next step: a clock that only moves on."""

    def __init__(self, data):
        self.data = data
        self.now = START
        self.customers: list[int] = []

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=self.data.draw(st.integers(1, 60 * 24 * 3), label="minutes"))
        return self.now

    def customer(self, allow_none: bool = True):
        choices = ([None] if allow_none else []) + self.customers
        return self.data.draw(st.sampled_from(choices), label="customer") if choices else None


def step_register(shop: Shop):
    d = shop.data
    values = {
        "name": d.draw(st.sampled_from(["Nguyễn An", "Trần Bình", "Lê Chi", "Ёлкин", "Straße"]), label="name"),
        "discount_bp": d.draw(st.sampled_from([0, 0, 500, 1000, 333]), label="discount"),
        "credit_limit": d.draw(st.sampled_from([None, 0, 50_000, 300_000]), label="limit"),
    }
    shop.customers.append(customers.register(values, registered_at=shop.tick()).customer.id)


def step_sale(shop: Shop):
    d = shop.data
    customer = shop.customer()
    at = shop.tick()
    base = SaleInput(customer=customer, at=at)
    if d.draw(st.booleans(), label="with lines"):
        base.lines = [
            LineInput(
                qty=d.draw(st.sampled_from(["1", "2", "0.5", "1.333", "3"]), label="qty"),
                unit_price=d.draw(st.integers(0, 150_000), label="price"),
                line_discount=d.draw(st.sampled_from([0, 0, 1, 999]), label="line discount"),
            )
            for _ in range(d.draw(st.integers(1, 3), label="lines"))
        ]
    else:
        base.amount = d.draw(st.integers(0, 500_000), label="amount")
    base.extra_discount = d.draw(st.sampled_from([0, 0, 1, 5_000]), label="extra")
    if d.draw(st.booleans(), label="voucher"):
        base.voucher = d.draw(st.sampled_from(["ONCE", "MULTI", "PCT"]), label="code")
    try:
        quote = sale_quote.quote(base)
    except ShopError:
        base.voucher = None
        quote = sale_quote.quote(base)  # lines and discounts drawn above are always valid
    rest = quote.total - quote.voucher_money
    # Split what is left between points, credit, a gift card and the bank card, the rest cash;
    # now and then a split that does not add up, which must be refused.
    if customer is not None:
        balance = Customer.get_by_id(customer).points_balance
        value = points.point_value()
        base.points = d.draw(st.integers(0, max(0, min(balance, rest // value))), label="points")
        rest = max(0, rest - base.points * value)
        base.credit = d.draw(st.integers(0, rest), label="credit")
        rest -= base.credit
    if d.draw(st.booleans(), label="gift"):
        base.gift_card = "GIFT"
        base.gift_amount = d.draw(st.integers(0, rest), label="gift amount")
        rest -= base.gift_amount
    base.card = d.draw(st.integers(0, rest), label="card")
    if d.draw(st.integers(0, 9), label="mismatch") == 0:
        base.cash = d.draw(st.integers(0, quote.total + 1), label="cash")
    checkout.record_sale(base)


def step_return(shop: Shop):
    d = shop.data
    sold = list(Receipt.select().where(Receipt.kind == "sale").order_by(Receipt.id))
    if not sold:
        return
    sale = d.draw(st.sampled_from(sold), label="sale")
    left = sale.total - sale_return.returned_so_far(sale)
    how = d.draw(st.sampled_from(["whole", "amount", "lines"]), label="how")
    at = shop.tick()
    method = d.draw(st.sampled_from(["cash", "card"]), label="refund")
    if how == "lines" and sale.lines.count():
        line = d.draw(st.sampled_from(list(sale.lines)), label="line")
        qty = d.draw(st.sampled_from(["0.5", "1", "0.333", str(line.qty)]), label="return qty")
        sale_return.record_return(sale, lines=[(line.id, Decimal(qty))], refund_method=method, at=at)
    elif how == "amount":
        sale_return.record_return(
            sale, d.draw(st.integers(1, max(1, left + 1)), label="back"), refund_method=method, at=at
        )
    else:
        sale_return.record_return(sale, refund_method=method, at=at)


def step_payment(shop: Shop):
    customer = shop.customer(allow_none=False)
    if customer is None:
        return
    debt = Customer.get_by_id(customer).debt_balance
    amount = shop.data.draw(st.one_of(st.none(), st.integers(1, max(1, debt + 1))), label="pay")
    debts.take_payment(customer, amount, shop.data.draw(st.sampled_from(["cash", "card", "transfer"])), at=shop.tick())


def step_adjust_points(shop: Shop):
    customer = shop.customer(allow_none=False)
    if customer is not None:
        points.adjust_points(
            customer, shop.data.draw(st.integers(-50, 50), label="adjust"), "property test", at=shop.tick()
        )


def step_adjust_debt(shop: Shop):
    customer = shop.customer(allow_none=False)
    if customer is not None:
        debts.adjust_debt(
            customer, shop.data.draw(st.integers(-30_000, 30_000), label="adjust"), "property test", at=shop.tick()
        )


def step_attach(shop: Shop):
    anonymous = list(Receipt.select().where((Receipt.kind == "sale") & Receipt.customer.is_null()))
    customer = shop.customer(allow_none=False)
    if anonymous and customer is not None:
        receipt = shop.data.draw(st.sampled_from(anonymous), label="anonymous")
        receipt_owner.attach_receipt(receipt, customer, today=shop.now.date())


def step_move(shop: Shop):
    known = list(Receipt.select().where((Receipt.kind == "sale") & Receipt.customer.is_null(False)))
    customer = shop.customer(allow_none=False)
    if known and customer is not None:
        receipt_owner.move_receipt(shop.data.draw(st.sampled_from(known), label="receipt"), customer)


def step_expire(shop: Shop):
    points.expire_points(shop.tick().date(), at=shop.now)


STEPS = {name: globals()[f"step_{name}"] for name in set(OPS)}


def set_up_shop(path: Path, currency: str = "VND"):
    database = dbmod.open_database(str(path))
    settings.clear_cache()
    settings.ensure_defaults()
    stores.ensure_main_store()
    settings.set_value("currency", currency)
    if currency == "EUR":  # amounts below are cents: a point per euro, worth a cent
        settings.set_value("points_earn_per", "1")
        settings.set_value("points_value", "0.01")
    settings.set_value("points_expiry_days", "90")
    # A tier the busier customers reach within a sequence: its discount and rate apply.
    PointsTier.create(
        name="Gold", min_spend=600_000, earn_per=settings.get_money("points_earn_per") // 2, discount_bp=700
    )
    vouchers.create_voucher("ONCE", "amount", 20_000)
    vouchers.create_voucher("MULTI", "amount", 7_777, max_uses=3)
    vouchers.create_voucher("PCT", "percent", 1250, max_uses=None)
    vouchers.load_gift_card("GIFT", 200_000)
    return database


@pytest.fixture(scope="module", params=["VND", "EUR"])
def shop_template(request, tmp_path_factory) -> Path:
    """A migrated shop, closed (so its WAL is folded in) and copied for every example:
    migrating 50 new files would take most of the test's time."""
    path = tmp_path_factory.mktemp("template") / "shop.sqlite"
    set_up_shop(path, request.param).close()
    settings.clear_cache()
    return path


def open_shop(folder: str, template: Path):
    path = Path(folder) / "shop.sqlite"
    shutil.copyfile(template, path)
    database = dbmod.open_database(str(path))  # checks the schema version, migrates nothing
    settings.clear_cache()
    return database


def total(query) -> int:
    return int(query.scalar() or 0)


def assert_invariants():
    for c in Customer.select():
        assert c.points_balance == total(
            PointsEntry.select(pw.fn.SUM(PointsEntry.points)).where(PointsEntry.customer == c)
        )
        assert c.debt_balance == total(DebtEntry.select(pw.fn.SUM(DebtEntry.amount)).where(DebtEntry.customer == c))
        signed = pw.Case(None, [(Receipt.kind == "return", 0 - Receipt.total)], Receipt.total)
        assert c.total_sales == total(Receipt.select(pw.fn.SUM(signed)).where(Receipt.customer == c))
    for receipt in Receipt.select():
        paid = list(Payment.select().where(Payment.receipt == receipt))
        assert all(p.amount > 0 for p in paid), receipt.number
        assert sum(p.amount for p in paid) == receipt.total, receipt.number
        assert receipt.total >= 0 and receipt.discount >= 0
    for sale in Receipt.select().where(Receipt.kind == "sale"):
        returns = list(Receipt.select().where(Receipt.return_of == sale))
        assert sum(r.total for r in returns) <= sale.total
        assert sum(r.points_earned for r in returns) <= sale.points_earned
        assert sum(r.points_redeemed for r in returns) <= sale.points_redeemed
        for method in ("points", "voucher", "giftcard", "credit"):
            back = (
                total(
                    Payment.select(pw.fn.SUM(Payment.amount)).where(
                        Payment.receipt.in_([r.id for r in returns]) & (Payment.method == method)
                    )
                )
                if returns
                else 0
            )
            assert back <= total(
                Payment.select(pw.fn.SUM(Payment.amount)).where((Payment.receipt == sale) & (Payment.method == method))
            )
        if returns and sum(r.total for r in returns) == sale.total and sale.total:
            # A sale returned in full gives back exactly what it took and gave.
            assert sum(r.points_earned for r in returns) == sale.points_earned
            assert sum(r.points_redeemed for r in returns) == sale.points_redeemed
        for line in sale.lines:
            back = sum(
                (Decimal(str(r.qty)) for r in ReceiptLine.select().where(ReceiptLine.return_of_line == line)),
                Decimal(0),
            )
            assert back <= Decimal(str(line.qty))
            assert (
                line.amount
                == (Decimal(str(line.qty)) * line.unit_price).quantize(Decimal(1), "ROUND_HALF_UP") - line.line_discount
            )
    for card in Card.select().where(Card.kind == "gift"):
        assert total(GiftCardEntry.select(pw.fn.SUM(GiftCardEntry.amount)).where(GiftCardEntry.card == card)) >= 0
    for voucher in Voucher.select().where(Voucher.max_uses.is_null(False)):
        assert VoucherUse.select().where(VoucherUse.voucher == voucher).count() <= voucher.max_uses


def run_check_if_written() -> list:
    """``shoptui.check.run_checks`` (written in parallel) must agree, once it exists."""
    if importlib.util.find_spec("shoptui.check") is None:
        return []
    from shoptui import check

    return list(check.run_checks())


@hsettings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_random_till_days_keep_every_ledger_invariant(shop_template, data):
    with tempfile.TemporaryDirectory() as folder:
        database = open_shop(folder, shop_template)
        try:
            shop = Shop(data)
            step_register(shop)
            for name in data.draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=20), label="steps"):
                try:
                    STEPS[name](shop)
                    event(f"{name} done")
                except ShopError:
                    event(f"{name} refused")  # and it left everything as it was: the invariants say so
            assert_invariants()
            assert run_check_if_written() == []
        finally:
            settings.clear_cache()
            database.close()


@pytest.mark.parametrize("parts", [[1, 1, 1], [3, 1, 2, 7], [1] * 7])
def test_any_split_of_a_return_adds_up(database, parts):
    points.set_opening_balance(customers.register({"name": "An"}).customer, 500)
    customer = Customer.get()
    vouchers.load_gift_card("GIFT", 100_000)
    sale = checkout.record_sale(
        SaleInput(
            customer=customer,
            amount=333_337,
            points=77,
            credit=100_001,
            card=1,
            gift_card="GIFT",
            gift_amount=33_333,
            at=START,
        )
    ).receipt
    whole, done = sale.total, 0
    for i, weight in enumerate(parts):
        amount = whole - done if i == len(parts) - 1 else whole * weight // sum(parts)
        sale_return.record_return(sale, amount, at=START)
        done += amount
    assert sale_return.returned_so_far(sale) == whole
    assert_invariants()
    assert Customer.get_by_id(customer.id).points_balance == 500
    assert Customer.get_by_id(customer.id).debt_balance == 0


@hsettings(max_examples=200, deadline=None)
@given(
    minor=st.integers(-money.MAX_MINOR, money.MAX_MINOR),
    currency=st.sampled_from(["VND", "EUR", "RUB", "USD"]),
    locale=st.sampled_from(["en_US", "vi_VN", "ru_RU", "de_DE"]),
)
def test_money_reads_back_what_it_writes(minor, currency, locale):
    assert money.parse_money(money.as_string(minor, currency), currency) == minor
    assert money.parse_money(money.format_money(minor, currency, locale), currency) == minor
    assert money.to_minor(money.to_decimal(minor, currency), currency) == minor


@hsettings(max_examples=200, deadline=None)
@given(
    region=st.sampled_from(["VN", "RU", "DE", "US"]),
    national=st.text(alphabet="0123456789", min_size=6, max_size=12),
)
def test_a_normalised_phone_reads_back_from_every_form_shown(region, national):
    from shoptui import phones

    e164 = phones.normalize(national, region)
    if e164 is None:
        return
    assert e164.startswith("+") and e164[1:].isdigit()
    assert phones.normalize(e164, region) == e164
    assert phones.normalize(phones.display(e164, region), region) == e164
    assert phones.reversed_digits(e164)[::-1] == e164[1:]


@hsettings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_fold_gives_plain_words_and_is_stable(text):
    from shoptui.textfold import fold

    folded = fold(text)
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert "  " not in folded and folded == folded.strip()
    assert fold(folded) == folded
