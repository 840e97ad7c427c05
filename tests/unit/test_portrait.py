"""The portrait report on small data sets whose every figure is computed by hand below."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import NotFound, UsageError
from shoptui.models import Payment
from shoptui.reports import Money, Share
from shoptui.reports.portrait import portrait, spend_bands
from shoptui.reports.query import ReportQuery
from shoptui.services import checkout, customers, sale_return, settings, stores, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from tests.builders import PORTRAIT_AS_OF as AS_OF
from tests.builders import at
from tests.builders import portrait_register as register
from tests.builders import portrait_sell as sell
from tests.builders import portrait_shop as build_shop

# The PostgreSQL fixtures live with the PostgreSQL tests; importing them makes them usable here.


def run(**kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    return portrait(ReportQuery(**kwargs))


def bucket(customers_: int, revenue: int, customers_share: float, revenue_share: float) -> dict:
    return {
        "customers": customers_,
        "revenue": revenue,
        "customers_share": customers_share,
        "revenue_share": revenue_share,
    }


EXPECTED_ALL = {
    "customers_total": 5,  # A, B, C, D, F (E registered the day after)
    "new_customers": {"today": 1, "this_week": 1, "this_month": 3},  # D; D; B, C, D
    # sales 200000 (A) + 100000 (B) + 0 (C) + 80000 (F) + 15000 (anonymous) − returns 40000
    "revenue": 355_000,
    "receipts": 9,
    "avg_receipt": 39_444,  # 355000 / 9 = 39444.4
    "voucher_users_over_2": 0,
    "visit_buckets": {
        "1": bucket(2, 50_000, 0.5, 0.1471),  # C (0) and F (80000 − 30000), of 340000 identified
        "2": bucket(1, 90_000, 0.25, 0.2647),  # B (100000 − 10000)
        "3+": bucket(1, 200_000, 0.25, 0.5882),  # A
    },
    "gender": {"female": 1, "male": 1, "other": 1, "unknown": 2},
    # A turns 35 on the as-of day, B is 24 until tomorrow, D 15, F 74, C unknown
    "age_bands": {"<18": 1, "18-24": 1, "25-34": 0, "35-44": 1, "45-54": 0, "55-64": 0, "65+": 1, "unknown": 1},
    "spend_bands": {
        "<=0": 1,
        "<100000": 2,
        "100000-500000": 1,
        "500000-1000000": 0,
        "1000000-5000000": 0,
        "5000000+": 0,
    },
    "channels": {"sms": 1, "zalo": 1, "facebook": 1, "email": 1},
    # A: 03-01, 03-03, 03-10 (gaps 2 and 7); B: 02-01, 03-05 (gap 32)
    "return_intervals": {"1": 0, "2-3": 1, "4-7": 1, "8-14": 0, "15-30": 0, "31-60": 1, "61-90": 0, "91+": 0},
}


def assert_report(report: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert report[key] == value, key


def test_every_key_on_a_hand_computed_shop(database):
    build_shop()
    report = run()
    assert_report(report, EXPECTED_ALL)
    assert report["as_of"] == AS_OF and report["currency"] == "VND"
    assert isinstance(report["revenue"], Money) and isinstance(report["avg_receipt"], Money)
    assert isinstance(report["visit_buckets"]["1"]["revenue"], Money)
    assert isinstance(report["visit_buckets"]["1"]["customers_share"], Share)


@pytest.mark.postgres
def test_the_same_shop_on_postgresql(pg_database):  # noqa: F811
    build_shop()
    assert_report(run(), EXPECTED_ALL)
    assert_report(run(date_from=dt.date(2025, 3, 1)), EXPECTED_FROM_MARCH)


EXPECTED_FROM_MARCH = {
    "customers_total": 5,  # the period does not narrow the customer base
    "new_customers": {"today": 1, "this_week": 1, "this_month": 3},
    # sales 200000 (A) + 60000 (B) + 0 (C) + 15000 − returns 10000 (B) + 30000 (F, whose sale is older)
    "revenue": 235_000,
    "receipts": 7,
    "avg_receipt": 33_571,  # 235000 / 7 = 33571.4
    "visit_buckets": {
        "1": bucket(2, 50_000, 0.6667, 0.2),  # B (60000 − 10000), C (0); F bought nothing in scope
        "2": bucket(0, 0, 0.0, 0.0),
        "3+": bucket(1, 200_000, 0.3333, 0.8),
    },
    "spend_bands": {
        "<=0": 2,
        "<100000": 1,
        "100000-500000": 1,
        "500000-1000000": 0,
        "1000000-5000000": 0,
        "5000000+": 0,
    },  # C 0 and F −30000; B 50000; A
    "return_intervals": {"1": 0, "2-3": 1, "4-7": 1, "8-14": 0, "15-30": 0, "31-60": 0, "61-90": 0, "91+": 0},
}


def test_from_narrows_receipts_and_a_return_counts_without_its_sale(database):
    build_shop()
    assert_report(run(date_from=dt.date(2025, 3, 1)), EXPECTED_FROM_MARCH)


def test_to_narrows_the_period_and_the_as_of_cut_still_holds(database):
    build_shop()
    report = run(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 3))
    # A: 100000 + 50000 + 20000; F's return of 30000 on 03-02
    assert (report["revenue"], report["receipts"], report["avg_receipt"]) == (140_000, 3, 46_667)
    assert report["visit_buckets"]["3+"]["customers"] == 1
    assert report["return_intervals"]["2-3"] == 1
    # a period reaching past the as-of day ends at the as-of day
    late = run(date_from=dt.date(2025, 3, 10), date_to=dt.date(2025, 3, 31))
    assert (late["revenue"], late["receipts"]) == (30_000, 1)


def test_as_of_cut_hides_later_receipts_and_registrations(database):
    build_shop()
    report = run(as_of=dt.date(2025, 3, 9))  # a Sunday
    # A 170000 + B 100000 + C 0 + F 80000 + anonymous 15000 − returns 40000; A's 03-10 sale is later
    assert (report["revenue"], report["receipts"]) == (325_000, 8)
    assert report["customers_total"] == 4  # D registered on 03-10
    # C registered on Sunday 03-09 23:59: today and this week (Monday 03-03 on); B, C this month
    assert report["new_customers"] == {"today": 1, "this_week": 1, "this_month": 2}
    assert report["return_intervals"]["4-7"] == 0  # A's gap of 7 days needs the 03-10 sale
    later = run(as_of=dt.date(2025, 3, 11))
    assert later["customers_total"] == 6 and later["receipts"] == 11
    assert later["revenue"] == 355_000 + 99_999 + 5_000


def test_nothing_recorded_gives_zeros_not_errors(database):
    report = run()
    assert report["customers_total"] == 0 and report["revenue"] == 0
    assert report["receipts"] == 0 and report["avg_receipt"] == 0
    assert report["visit_buckets"]["3+"] == bucket(0, 0, 0.0, 0.0)
    assert set(report["return_intervals"].values()) == {0}
    assert report["gender"] == {"female": 0, "male": 0, "other": 0, "unknown": 0}


def test_iso_weeks_and_months(database):
    register("Sunday before", "2024-12-29 23:59")
    register("Monday", "2024-12-30 00:00")
    register("New year", "2025-01-01 10:00")
    register("Next Monday", "2025-01-06 08:00")
    # Wednesday 2025-01-01: the ISO week began on Monday 2024-12-30, the month today
    assert run(as_of=dt.date(2025, 1, 1))["new_customers"] == {"today": 1, "this_week": 2, "this_month": 1}
    # Sunday 2025-01-05 closes the same week
    assert run(as_of=dt.date(2025, 1, 5))["new_customers"] == {"today": 0, "this_week": 2, "this_month": 1}
    # Monday 2025-01-06 starts a new week
    assert run(as_of=dt.date(2025, 1, 6))["new_customers"] == {"today": 1, "this_week": 1, "this_month": 2}


def test_age_bands_at_the_as_of_date(database):
    for name, birthday in [
        ("turns 18 today", "2007-03-10"),
        ("turns 18 tomorrow", "2007-03-11"),
        ("24", "2000-03-11"),
        ("25 today", "2000-03-10"),
        ("44", "1980-03-11"),
        ("45", "1980-01-01"),
        ("64", "1960-12-31"),
        ("turns 65 today", "1960-03-10"),
        ("leap baby", "2004-02-29"),
    ]:
        register(name, "2025-01-01 10:00", birthday=birthday)
    register("no birthday", "2025-01-01 10:00")
    bands = run()["age_bands"]
    # <18: turns 18 tomorrow; 18-24: turns 18 today, 24, leap baby (21); 25-34: 25 today
    assert bands == {"<18": 1, "18-24": 3, "25-34": 1, "35-44": 1, "45-54": 1, "55-64": 1, "65+": 1, "unknown": 1}
    # on 2025-02-28: 18 today -> 17, 25 today -> 24, 65 today -> 64, the leap baby still 20
    earlier = run(as_of=dt.date(2025, 2, 28))["age_bands"]
    assert (earlier["<18"], earlier["18-24"], earlier["25-34"], earlier["55-64"], earlier["65+"]) == (2, 3, 0, 2, 0)


def test_return_intervals_on_distinct_calendar_dates(database):
    regular = register("Regular", "2022-01-01 10:00")
    day = dt.datetime(2023, 1, 1, 23, 59)
    sell(regular, 1_000, day.isoformat())
    sell(regular, 1_000, (day + dt.timedelta(minutes=1)).isoformat())  # 00:00 the next day: a gap of 1
    day = day.replace(hour=12) + dt.timedelta(days=1)
    for gap in (3, 4, 7, 8, 14, 15, 30, 31, 60, 61, 90, 91):
        day += dt.timedelta(days=gap)
        sell(regular, 1_000, day.isoformat())
        sell(regular, 1_000, day.replace(hour=18).isoformat())  # same date: no new gap
    report = run(as_of=dt.date(2025, 1, 1))
    assert report["return_intervals"] == {
        "1": 1,
        "2-3": 1,
        "4-7": 2,
        "8-14": 2,
        "15-30": 2,
        "31-60": 2,
        "61-90": 2,
        "91+": 1,
    }
    assert report["visit_buckets"]["3+"]["customers"] == 1


def test_two_receipts_in_the_same_minute_are_two_visits(database):
    twice = register("Twice", "2025-01-01 10:00")
    sell(twice, 1_000, "2025-03-05 12:00")
    sell(twice, 2_000, "2025-03-05 12:00")
    report = run()
    assert report["visit_buckets"]["2"] == bucket(1, 3_000, 1.0, 1.0)
    assert set(report["return_intervals"].values()) == {0}


def test_a_fully_returned_buyer_stays_in_the_buckets_with_no_revenue(database):
    buyer = register("Buyer", "2025-01-01 10:00")
    receipt = sell(buyer, 50_000, "2025-03-02 12:00")
    sale_return.record_return(receipt, at=at("2025-03-03 12:00"))
    report = run()
    assert (report["revenue"], report["receipts"], report["avg_receipt"]) == (0, 1, 0)
    assert report["visit_buckets"]["1"] == bucket(1, 0, 1.0, 0.0)
    assert report["spend_bands"]["<=0"] == 1


def test_voucher_users_over_two_count_distinct_sale_receipts(database):
    vouchers.create_voucher("MANY", "amount", 1_000, max_uses=None)
    three = register("Three", "2025-01-01 10:00")
    two = register("Two", "2025-01-01 10:00")
    mixed = register("Mixed", "2025-01-01 10:00")
    late = register("Late", "2025-01-01 10:00")
    for day in (1, 2, 3):
        sell(three, 10_000, f"2025-03-0{day} 12:00", voucher="MANY")
    for day in (1, 2):
        # the till records both a VoucherUse and a voucher Payment: still one receipt each
        sell(two, 10_000, f"2025-03-0{day} 12:00", voucher="MANY")
        sell(mixed, 10_000, f"2025-03-0{day} 13:00", voucher="MANY")
        sell(late, 10_000, f"2025-03-0{day} 14:00", voucher="MANY")
    sell(late, 10_000, "2025-03-11 12:00", voucher="MANY")  # after the as-of day
    # an imported receipt knows only that a voucher paid part of it
    imported = sell(mixed, 10_000, "2025-03-04 12:00")
    Payment.create(receipt=imported, method="voucher", amount=1_000)
    assert run()["voucher_users_over_2"] == 2  # Three and Mixed
    # from 03-02 on, Three (03-02, 03-03) and Mixed (03-02, 03-04) have two receipts each
    assert run(date_from=dt.date(2025, 3, 2))["voucher_users_over_2"] == 0


def test_stores_filter_receipts_and_customers(database):
    branch = stores.add_store("B2", "Branch")
    at_branch = Actor(store=branch)
    local = register("Local", "2025-01-01 10:00")
    visitor = customers.register({"name": "Visitor", "store": branch}, registered_at=at("2025-03-10 09:00")).customer
    sell(local, 10_000, "2025-03-01 12:00")
    checkout.record_sale(SaleInput(customer=local, amount=20_000, at=at("2025-03-02 12:00")), actor=at_branch)
    checkout.record_sale(SaleInput(customer=visitor, amount=7_000, at=at("2025-03-10 12:00")), actor=at_branch)
    checkout.record_sale(SaleInput(amount=3_000, at=at("2025-03-10 13:00")), actor=at_branch)

    branch_only = run(stores=["b2"])
    assert (branch_only["revenue"], branch_only["receipts"]) == (30_000, 3)
    assert branch_only["customers_total"] == 1 and branch_only["new_customers"]["today"] == 1
    assert branch_only["visit_buckets"]["1"]["customers"] == 2  # each bought once in B2
    both = run(stores=["MAIN", "B2"])
    assert (both["revenue"], both["receipts"], both["customers_total"]) == (40_000, 4, 2)
    assert both["visit_buckets"]["2"]["customers"] == 1
    with pytest.raises(NotFound, match="NOPE"):
        run(stores=["NOPE"])


def test_anonymous_receipts_count_in_revenue_but_not_in_buckets(database):
    sell(None, 10_000, "2025-03-01 12:00")
    sell(None, 0, "2025-03-02 12:00")
    report = run()
    assert (report["revenue"], report["receipts"], report["avg_receipt"]) == (10_000, 2, 5_000)
    assert all(b["customers"] == 0 for b in report["visit_buckets"].values())


def test_average_receipt_rounds_half_up_in_vnd(database):
    sell(None, 2, "2025-03-01 12:00")
    sell(None, 3, "2025-03-01 13:00")
    assert run()["avg_receipt"] == 3  # 2.5 dong, half-up (banker's rounding would give 2)


def test_average_receipt_rounds_half_up_in_euro_cents(database):
    settings.set_value("currency", "EUR")
    sell(None, 1, "2025-03-01 12:00")  # 0.01 EUR
    sell(None, 2, "2025-03-01 13:00")
    report = run()
    assert report["currency"] == "EUR" and report["avg_receipt"] == 2  # 1.5 cents -> 0.02
    assert [key for key, _upper in spend_bands("EUR")] == ["<=0", "<10", "10-50", "50-100", "100-500", "500+"]


def test_spend_bands_follow_the_currency():
    assert spend_bands("VND")[1] == ("<100000", 100_000)
    assert spend_bands("EUR")[2] == ("10-50", 5_000)  # minor units: cents
    assert spend_bands("EUR")[-1] == ("500+", None)


def test_a_period_that_ends_before_it_starts_is_bad_usage():
    with pytest.raises(UsageError):
        ReportQuery(as_of=AS_OF, date_from=dt.date(2025, 3, 5), date_to=dt.date(2025, 3, 1))
