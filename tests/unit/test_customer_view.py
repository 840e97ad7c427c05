"""The customer card's read-only view: header facts, profile, lists by page, running balances, aging."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import NotFound
from shoptui.models import SurveyAnswer, SurveyQuestion
from shoptui.services import cards, checkout, customer_view, customers, debts, points, sale_return, settings
from shoptui.services.sale_quote import SaleInput

T0 = dt.datetime(2024, 3, 1, 9, 0)


def day(n: int, hour: int = 10) -> dt.datetime:
    return T0 + dt.timedelta(days=n, hours=hour - 9)


@pytest.fixture
def an(database):
    settings.set_value("points_earn_per", "1000")
    return customers.register(
        {
            "name": "Nguyễn Văn An",
            "phone": "0912 345 678",
            "birthday": "1990-05-17",
            "email": "an@example.com",
            "discount_bp": 500,
            "credit_limit": 200_000,
            "consent_zalo": True,
            "groups": ["VIP"],
        },
        registered_at=T0,
    ).customer


def test_header_shows_balances_credit_left_discount_cards_and_flags(an):
    cards.issue_card(an, "2000000000015", at=T0)
    checkout.record_sale(SaleInput(customer=an, amount=100_000, credit=50_000, at=day(1)))
    head = customer_view.header(an.id, today=dt.date(2024, 3, 10))
    assert (head.code, head.name, head.phone, head.status) == (an.code, "Nguyễn Văn An", "+84912345678", "active")
    assert head.debt == 50_000 and head.credit_limit == 200_000 and head.credit_left == 150_000
    assert head.points == 95  # 95,000 after the 5% discount, a point per 1,000
    assert head.discount_bp == 500 and head.current_cards == ("2000000000015",)
    assert head.flags == () and not head.birthday_this_week


def test_header_flags_incomplete_archived_and_over_the_credit_limit(an):
    customers.set_status(an, "incomplete")
    assert customer_view.header(an.id).flags == ("incomplete",)
    customers.update(an, {"credit_limit": 0})
    debts.set_opening_balance(an, 10_000)
    customers.set_status(an, "archived")
    head = customer_view.header(an.id)
    assert head.flags == ("archived", "over_credit_limit") and head.credit_left == 0


@pytest.mark.parametrize(
    "birthday, today, expected",
    [
        (dt.date(1990, 5, 17), dt.date(2024, 5, 13), True),  # Monday of that week
        (dt.date(1990, 5, 17), dt.date(2024, 5, 19), True),  # its Sunday
        (dt.date(1990, 5, 17), dt.date(2024, 5, 20), False),  # next Monday
        (dt.date(1990, 1, 1), dt.date(2024, 12, 30), True),  # a week across the new year
        (dt.date(2000, 2, 29), dt.date(2023, 2, 27), True),  # kept on 28 February in other years
        (None, dt.date(2024, 5, 13), False),
    ],
)
def test_birthday_this_week_follows_the_iso_week(birthday, today, expected):
    assert customer_view.birthday_in_week(birthday, today) is expected


def test_profile_has_every_field_groups_consents_and_custom_properties(an):
    customers.define_property("eyesight", "Eyesight", "number")
    customers.define_property("frame", "Frame", "choice", ["metal", "plastic"])
    customers.set_property(an, "eyesight", "-1.5")
    prof = customer_view.profile(an.id)
    assert prof.email == "an@example.com" and prof.birthday == dt.date(1990, 5, 17)
    assert prof.groups == ("VIP",) and prof.store_code == "MAIN" and prof.registered_at == T0
    assert prof.consents == {"sms": False, "zalo": True, "facebook": False, "email": False}
    assert prof.properties == (
        customer_view.PropertyRow("eyesight", "Eyesight", "number", "-1.5"),
        customer_view.PropertyRow("frame", "Frame", "choice", None, ("metal", "plastic")),
    )
    assert prof.credit_left == 200_000 and prof.merged_into is None


def test_unknown_customer_is_not_found(database):
    with pytest.raises(NotFound):
        customer_view.header(12345)


def test_sales_and_returns_newest_first_by_page(an):
    receipts = [
        checkout.record_sale(SaleInput(customer=an, amount=10_000 * (i + 1), at=day(i))).receipt for i in range(5)
    ]
    sale_return.record_return(receipts[1], 5_000, at=day(6))
    page = customer_view.sales(an.id, limit=2, offset=0)
    assert [row.number for row in page.rows] == [receipts[4].number, receipts[3].number]
    assert page.total == 5 and page.has_more
    last = customer_view.sales(an.id, limit=2, offset=4)
    assert [row.number for row in last.rows] == [receipts[0].number] and not last.has_more
    second = customer_view.sales(an.id, limit=1, offset=3).rows[0]
    assert second.number == receipts[1].number and second.returned == 5_000 and second.store == "MAIN"
    back = customer_view.returns(an.id)
    assert back.total == 1
    row = back.rows[0]
    assert row.sale_number == receipts[1].number and row.total == 5_000 and row.points_reversed > 0


def test_sales_show_what_was_bought_on_credit(an):
    checkout.record_sale(SaleInput(customer=an, amount=40_000, credit=15_000, at=day(0)))
    assert customer_view.sales(an.id).rows[0].on_credit == 15_000


def test_cards_current_first_then_the_past_with_how_they_ended(an):
    cards.issue_card(an, "2000000000015", at=day(0))
    cards.replace_card("2000000000015", "2000000000022", at=day(3))
    cards.issue_card(an, "2000000000039", at=day(4))
    cards.withdraw_card("2000000000039", at=day(5))
    rows = customer_view.cards(an.id)
    assert [(r.barcode, r.end_reason, r.replaced_by) for r in rows] == [
        ("2000000000022", None, None),
        ("2000000000039", "withdrawn", None),
        ("2000000000015", "replaced", "2000000000022"),
    ]
    assert rows[0].current and rows[1].ended_at == day(5)


def test_points_ledger_running_balance_on_every_page(an):
    points.set_opening_balance(an, 100, at=day(0))
    points.adjust_points(an, 20, "birthday gift", at=day(1))
    points.adjust_points(an, -50, "mistake", at=day(2))
    points.adjust_points(an, 5, "survey", at=day(3))
    first = customer_view.points_ledger(an.id, limit=2)
    assert [(r.amount, r.balance) for r in first.rows] == [(5, 75), (-50, 70)]
    second = customer_view.points_ledger(an.id, limit=2, offset=2)
    assert [(r.kind, r.amount, r.balance, r.reason) for r in second.rows] == [
        ("adjust", 20, 120, "birthday gift"),
        ("opening", 100, 100, "opening balance"),
    ]
    assert first.total == 4 and first.has_more and not second.has_more


def test_entries_at_the_same_time_keep_their_order_in_the_balance(an):
    for amount in (10, 20, 30):
        points.adjust_points(an, amount, "same minute", at=day(1))
    assert [r.balance for r in customer_view.points_ledger(an.id).rows] == [60, 30, 10]


def test_debt_ledger_with_receipts_and_methods(an):
    sale = checkout.record_sale(SaleInput(customer=an, amount=100_000, credit=60_000, at=day(0))).receipt
    debts.take_payment(an, 25_000, "transfer", at=day(2))
    rows = customer_view.debt_ledger(an.id).rows
    assert [(r.kind, r.amount, r.balance, r.receipt, r.method) for r in rows] == [
        ("payment", -25_000, 35_000, None, "transfer"),
        ("credit_sale", 60_000, 60_000, sale.number, None),
    ]


def test_debt_aging_pays_the_oldest_debt_first(an):
    today = dt.date(2024, 6, 1)
    debts.set_opening_balance(an, 30_000, at=dt.datetime(2024, 1, 10, 9))  # 143 days
    debts.adjust_debt(an, 50_000, "old tab", at=dt.datetime(2024, 3, 20, 9))  # 73 days
    debts.adjust_debt(an, 40_000, "new tab", at=dt.datetime(2024, 5, 20, 9))  # 12 days
    debts.take_payment(an, 45_000, at=dt.datetime(2024, 5, 25, 9))
    aging = customer_view.debt_aging(an.id, today=today)
    assert aging.total == 75_000 == customer_view.header(an.id).debt
    assert aging.oldest_unpaid == dt.datetime(2024, 3, 20, 9) and aging.days == 73
    assert dict(aging.buckets) == {"0-30": 40_000, "31-60": 0, "61-90": 35_000, "91+": 0}
    assert aging.oldest_unpaid == debts.oldest_unpaid(an)


def test_no_debt_no_aging(an):
    aging = customer_view.debt_aging(an.id)
    assert (aging.total, aging.oldest_unpaid, aging.days) == (0, None, None)
    assert all(amount == 0 for _label, amount in aging.buckets)


def test_survey_answers_newest_first(an):
    question = SurveyQuestion.create(text="How did you find us?", created_at=T0)
    SurveyAnswer.create(question=question, customer=an, answer="Friends", at=day(1))
    SurveyAnswer.create(question=question, customer=an, answer="Facebook", at=day(2))
    page = customer_view.survey_answers(an.id)
    assert [(r.question, r.answer) for r in page.rows] == [
        ("How did you find us?", "Facebook"),
        ("How did you find us?", "Friends"),
    ]


@pytest.mark.postgres
def test_the_same_views_on_postgresql(pg_database):
    """Window sums and correlated subqueries read the same (and as int) on PostgreSQL."""
    settings.set_value("points_earn_per", "1000")
    an = customers.register({"name": "An", "credit_limit": 200_000}).customer
    cards.issue_card(an, "2000000000015", at=T0)
    sale = checkout.record_sale(SaleInput(customer=an, amount=100_000, credit=50_000, at=day(1))).receipt
    sale_return.record_return(sale, 10_000, at=day(2))
    debts.take_payment(an, 5_000, at=day(3))
    ledger = customer_view.debt_ledger(an.id).rows
    assert [(r.amount, r.balance) for r in ledger] == [(-5_000, 35_000), (-10_000, 40_000), (50_000, 50_000)]
    assert all(type(r.balance) is int for r in ledger)
    assert [type(r.balance) for r in customer_view.points_ledger(an.id).rows] == [int, int]
    row = customer_view.sales(an.id).rows[0]
    assert (row.on_credit, row.returned) == (50_000, 10_000) and type(row.on_credit) is int
    assert customer_view.returns(an.id).rows[0].sale_number == sale.number
    aging = customer_view.debt_aging(an.id, today=dt.date(2024, 3, 10))
    assert aging.total == 35_000 and aging.oldest_unpaid == day(1)
    assert customer_view.header(an.id).current_cards == ("2000000000015",)


def test_header_shows_the_age_of_the_oldest_unpaid_debt_and_flags_the_shops_rule(an):
    checkout.record_sale(SaleInput(customer=an, amount=100_000, credit=60_000, at=day(0)))
    checkout.record_sale(SaleInput(customer=an, amount=50_000, credit=20_000, at=day(40)))
    debts.take_payment(an, 50_000, at=day(41))  # pays most of the first debt; 10,000 of it stays
    head = customer_view.header(an.id, today=dt.date(2024, 5, 12))  # 72 days after day 0
    assert head.debt == 30_000 and head.debt_days == 72 == debts.aging_days(an, dt.date(2024, 5, 12))
    assert head.flags == ()  # no age rule set: the shop does not mind
    settings.set_value("credit_max_age_days", "30")
    assert customer_view.header(an.id, today=dt.date(2024, 5, 12)).flags == ("debt_too_old",)
    assert customer_view.header(an.id, today=dt.date(2024, 3, 31)).flags == ()  # 30 days: not older
    debts.take_payment(an, 30_000, at=day(42))
    head = customer_view.header(an.id, today=dt.date(2024, 5, 12))
    assert head.debt == 0 and head.debt_days is None and head.flags == ()


def test_header_counts_the_shops_default_credit_limit_as_the_sale_does(database):
    customer = customers.register({"name": "Lê Cường"}).customer
    checkout.record_sale(SaleInput(customer=customer, amount=100_000, credit=100_000, at=T0))
    assert customer_view.header(customer.id).credit_left is None
    settings.set_value("credit_limit_default", "80000")
    head = customer_view.header(customer.id)
    assert head.credit_left == 0 == debts.credit_left(customers.get(customer.id))
    assert head.credit_limit == 80_000 and "over_credit_limit" in head.flags
