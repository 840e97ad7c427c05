"""Day close: receipts, returns, debt payments and payments by method for a day and a user."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from shoptui.errors import PermissionDenied, ValidationError
from shoptui.services import checkout, customers, day_close, debts, sale_return, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from tests.actors import SYSTEM

DAY = dt.date(2024, 5, 10)


def at(hour: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


@pytest.fixture
def shop(database):
    owner = users.add_user("Hoa", "owner", "9999", SYSTEM)
    minh = users.add_user("Minh", "cashier", "1111", SYSTEM)
    lan = users.add_user("Lan", "cashier", "2222", SYSTEM)
    an = customers.register({"name": "An", "phone": "0912 345 678", "discount_bp": 1000}, actor=SYSTEM).customer
    m, la = Actor(user=minh), Actor(user=lan)
    first = checkout.record_sale(
        SaleInput(customer=an, amount=100_000, card=40_000, credit=20_000, at=at(9)), m
    ).receipt
    checkout.record_sale(SaleInput(amount=50_000, at=at(10)), m)
    checkout.record_sale(SaleInput(amount=70_000, at=at(11)), la)  # another cashier
    checkout.record_sale(SaleInput(amount=30_000, at=at(23, DAY - dt.timedelta(days=1))), m)  # the day before
    debts.take_payment(an, 5_000, "transfer", m, at=at(12))
    sale_return.record_return(first, 45_000, refund_method="cash", actor=m, at=at(15))
    return owner, minh, lan


def test_one_cashiers_day(shop):
    _owner, minh, _lan = shop
    report = day_close.day_close(DAY, minh.id)
    assert report.user_name == "Minh"
    # 100,000 - 10% = 90,000 and 50,000 anonymous.
    assert (report.sales_count, report.sales_total, report.discounts) == (2, 140_000, 10_000)
    assert (report.returns_count, report.returns_total) == (1, 45_000)
    # The return takes what is still owed (15,000) off the debt first, then pays back 30,000 in cash.
    assert dict(report.by_method) == {"card": 40_000, "cash": 30_000 + 50_000 - 30_000, "credit": 20_000 - 15_000}
    assert (report.debt_payments_count, report.debt_payments_total) == (1, 5_000)
    assert report.debt_by_method == [("transfer", 5_000)]
    # Cash in the drawer and the receipts add up: every method but credit, less returns.
    assert sum(amount for _m, amount in report.by_method) == report.sales_total - report.returns_total


def test_everyone_and_an_empty_day(shop):
    report = day_close.day_close(DAY)
    assert report.user_name is None and report.sales_count == 3 and report.sales_total == 210_000
    empty = day_close.day_close(DAY + dt.timedelta(days=1))
    assert (empty.sales_count, empty.returns_total, empty.debt_payments_total, empty.by_method) == (0, 0, 0, [])


def test_a_day_is_midnight_to_midnight(shop):
    _owner, minh, _lan = shop
    before = day_close.day_close(DAY - dt.timedelta(days=1), minh.id)
    assert (before.sales_count, before.sales_total) == (1, 30_000) and dict(before.by_method) == {"cash": 30_000}


def test_csv_export(shop, tmp_path):
    _owner, minh, _lan = shop
    path = day_close.write_csv(day_close.day_close(DAY, minh.id), tmp_path / "close.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["section", "what", "count", "amount"]
    assert ["receipts", "sales", "2", "140000"] in rows and ["receipts", "returns", "1", "45000"] in rows
    assert ["payments", "card", "", "40000"] in rows and ["debt_payments", "transfer", "", "5000"] in rows
    assert ["user", "Minh", "", ""] in rows


def test_whose_day_each_role_sees(shop):
    owner, minh, lan = shop
    manager = users.add_user("Vy", "manager", "3333", SYSTEM)
    assert day_close.scope(Actor(user=owner)) is None and day_close.scope(Actor(user=manager), lan.id) == lan.id
    assert day_close.scope(SYSTEM) is None
    with pytest.raises(PermissionDenied, match="Nobody is signed in"):
        day_close.scope(None)  # nobody, in a shop with users
    assert day_close.scope(Actor(user=minh)) == minh.id
    with pytest.raises(PermissionDenied):
        day_close.scope(Actor(user=minh), lan.id)
    assert [name for _id, name in day_close.users_to_choose(Actor(user=owner))] == ["Hoa", "Lan", "Minh", "Vy"]
    assert day_close.users_to_choose(Actor(user=minh)) == []


def test_the_csv_header_and_rows_are_the_same_keys_in_every_language(shop, tmp_path):
    from shoptui import i18n

    _owner, minh, _lan = shop
    i18n.set_language("vi")
    try:
        path = day_close.write_csv(day_close.day_close(DAY, minh.id), tmp_path / "close.csv")
    finally:
        i18n.set_language("en")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["section", "what", "count", "amount"] and ["receipts", "sales", "2", "140000"] in rows


def test_a_csv_path_the_system_refuses_is_one_sentence(shop, tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        day_close.write_csv(day_close.day_close(DAY), tmp_path / "nowhere" / "close.csv")
    with pytest.raises(ValidationError, match="is a folder"):
        day_close.write_csv(day_close.day_close(DAY), tmp_path)


def test_gift_cards_sold_or_topped_up_are_counted_by_method(shop, tmp_path):
    """The money for a gift card is in the drawer, so the day close has it: apart from the
    receipts (it is no revenue), by the method the buyer paid with."""
    from shoptui.services import vouchers

    owner, minh, lan = shop
    m = Actor(user=minh)
    vouchers.top_up_gift_card("GIFT-1", 200_000, "cash", m, at=at(13))
    vouchers.top_up_gift_card("GIFT-1", 50_000, "card", m, at=at(14))
    vouchers.top_up_gift_card("GIFT-2", 30_000, "cash", Actor(user=lan), at=at(14))
    vouchers.top_up_gift_card("GIFT-3", 99_000, "cash", m, at=at(9, DAY + dt.timedelta(days=1)))
    report = day_close.day_close(DAY, minh.id)
    assert (report.gift_cards_count, report.gift_cards_total) == (2, 250_000)
    assert report.gift_by_method == [("card", 50_000), ("cash", 200_000)]
    assert (report.sales_count, report.sales_total) == (2, 140_000)  # no revenue
    figures = day_close.figures(report)
    assert ("gift_cards", "sold", "Gift cards sold or topped up", 2, 250_000) in [
        (f.section, f.what, f.label, f.count, f.amount) for f in figures
    ]
    # The drawer: cash of the receipts, of debt payments and of gift cards.
    cash = [f.amount for f in figures if f.what == "cash"]
    assert cash == [50_000, 200_000]
    assert "Gift cards sold or topped up, by method" in day_close.SECTION_TITLES.values()
    everyone = day_close.day_close(DAY)
    assert everyone.gift_by_method == [("card", 50_000), ("cash", 230_000)]
    rows = list(csv.reader(day_close.write_csv(report, tmp_path / "close.csv").open(encoding="utf-8")))
    assert ["gift_cards", "sold", "2", "250000"] in rows and ["gift_card_payments", "cash", "", "200000"] in rows
    # A day without gift cards has no such line.
    day_before = day_close.figures(day_close.day_close(DAY - dt.timedelta(days=1)))
    assert not [f for f in day_before if f.section.startswith("gift")]
