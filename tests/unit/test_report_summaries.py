"""The receipts' running sums (migration 0005) and each customer's gaps between sale
dates (migration 0007): the triggers keep them equal to the receipts through every kind
of write, and the reports give the same figures from them as from the receipts themselves."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from playhouse.schema_diff import diff_models

from shoptui import check
from shoptui.models import Customer, Receipt
from shoptui.models.summaries import (
    SUMMARY_MODELS,
    CustomerGaps,
    CustomerSales,
    ReceiptHour,
)
from shoptui.reports import discounts as discounts_module
from shoptui.reports import portrait as portrait_module
from shoptui.reports.discounts import discounts
from shoptui.reports.portrait import portrait
from shoptui.reports.query import ReportQuery, whole_history
from shoptui.services import stores

AS_OF = dt.date(2025, 6, 30)


def sums_problems() -> list:
    return list(check.receipt_hour_sums(50)) + list(check.customer_sales_sums(50)) + list(check.customer_gap_counts(50))


def add_customer(n: int) -> Customer:
    return Customer.create(
        code=f"T{n:04d}",
        name=f"Customer {n}",
        search_key=f"customer {n}",
        store=stores.ensure_main_store(),
        registered_at=dt.datetime(2025, 1, 1),
        updated_at=dt.datetime(2025, 1, 1),
    )


def add_receipt(
    number: int, store, customer, at: dt.datetime, kind: str = "sale", total: int = 1000, discount: int = 0
) -> Receipt:
    return Receipt.create(
        store=store,
        number=f"R{number:05d}",
        kind=kind,
        at=at,
        customer=customer,
        subtotal=total + discount,
        discount=discount,
        total=total,
        created_at=at,
    )


def random_history(rng: random.Random, operations: int = 160) -> None:
    """Sales, returns and receipts without a customer in and out of time order, then
    updates of every tracked column and deletes: each a different trigger path."""
    main = stores.ensure_main_store()
    other = stores.add_store("B2", "Second")
    people = [add_customer(n) for n in range(6)]
    receipts = []
    for n in range(operations):
        at = dt.datetime(2025, 1, 1, 8) + dt.timedelta(days=rng.randrange(170), minutes=rng.randrange(600))
        customer = rng.choice(people + [None])
        kind = "return" if rng.random() < 0.15 else "sale"
        discount = rng.choice([0, 0, 0, rng.randrange(1, 900)])
        receipts.append(add_receipt(n, rng.choice([main, other]), customer, at, kind, rng.randrange(0, 5000), discount))
        if rng.random() < 0.2:  # the same customer again that day or the next: same-day and 1-day gaps
            receipts.append(add_receipt(10_000 + n, main, customer, at + dt.timedelta(hours=rng.randrange(30)), "sale"))
    for receipt in rng.sample(receipts, 25):
        change = rng.choice(("customer", "at", "kind", "total", "store", "discount"))
        value = {
            "customer": rng.choice(people + [None]),
            "at": receipt.at + dt.timedelta(days=rng.randrange(-40, 40)),
            "kind": "return" if receipt.kind == "sale" else "sale",
            "total": rng.randrange(0, 9000),
            "store": rng.choice([main, other]),
            "discount": rng.randrange(0, 500),
        }[change]
        Receipt.update({getattr(Receipt, change): value}).where(Receipt.id == receipt.id).execute()
    for receipt in rng.sample(receipts, 15):
        Receipt.delete().where(Receipt.id == receipt.id).execute()
    # Every receipt of one customer moved to another, as a merge does.
    Receipt.update(customer=people[1]).where(Receipt.customer == people[0]).execute()


def test_the_summary_tables_match_their_migration(database):
    assert not diff_models(database, SUMMARY_MODELS)


def test_an_empty_shop_has_empty_sums(database):
    assert ReceiptHour.select().count() == 0
    assert CustomerSales.select().count() == 0
    assert CustomerGaps.select().count() == 0
    assert sums_problems() == []


def test_in_order_sales_step_the_gaps_and_a_late_one_recomputes(database):
    store = stores.ensure_main_store()
    a = add_customer(1)
    add_receipt(1, store, a, dt.datetime(2025, 3, 1, 10))
    add_receipt(2, store, a, dt.datetime(2025, 3, 1, 18))  # same day: no gap
    add_receipt(3, store, a, dt.datetime(2025, 3, 3, 9))  # 2 days
    add_receipt(4, store, a, dt.datetime(2025, 3, 3, 9), kind="return", total=400)
    row = CustomerSales.get(CustomerSales.customer == a)
    assert (row.receipts, row.sales, row.net, row.gaps_2_3, row.gaps_1) == (4, 3, 2600, 1, 0)
    add_receipt(5, store, a, dt.datetime(2025, 3, 2, 9))  # between: 1 day + 1 day instead of 2 days
    row = CustomerSales.get(CustomerSales.customer == a)
    assert (row.sales, row.gaps_1, row.gaps_2_3) == (4, 2, 0)
    hour = ReceiptHour.get(ReceiptHour.hour == dt.datetime(2025, 3, 3, 9))
    assert (hour.receipts, hour.sales, hour.identified, hour.revenue) == (2, 1, 1, 600)
    assert sums_problems() == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_write_keeps_the_sums_equal_to_the_receipts(database, seed):
    random_history(random.Random(seed))
    assert sums_problems() == []


def test_the_check_names_a_customer_and_a_store_hour_whose_sums_drifted(database):
    store = stores.ensure_main_store()
    a = add_customer(1)
    add_receipt(1, store, a, dt.datetime(2025, 3, 1, 10))
    CustomerSales.update(net=CustomerSales.net + 1).execute()
    ReceiptHour.update(sales=0).execute()
    kinds = sorted(problem.kind for problem in sums_problems())
    assert kinds == ["customer_sales", "receipt_hour"]
    CustomerGaps.delete().execute()
    assert [problem.kind for problem in check.customer_gap_counts(5)] == []  # one sale date: no gap to lose
    add_receipt(2, store, a, dt.datetime(2025, 3, 4, 10))
    CustomerGaps.update(times=2).execute()
    b = add_customer(2)
    CustomerGaps.insert(customer=b, gap=5, times=1).execute()
    assert [str(problem) for problem in check.customer_gap_counts(5)] == [
        "The gaps between purchases kept for the reports for customer T0001 differ from the receipts.",
        "The gaps between purchases kept for the reports for customer T0002 differ from the receipts.",
    ]
    assert "T0001" in str(list(check.customer_sales_sums(5))[0])


def _both_ways(query_args: dict, monkeypatch) -> tuple[dict, dict]:
    fast = portrait(ReportQuery(**query_args))
    with monkeypatch.context() as patch:
        patch.setattr(portrait_module, "whole_history", lambda query: False)
        slow = portrait(ReportQuery(**query_args))
    return fast, slow


@pytest.mark.parametrize("seed", [4, 5])
def test_the_portrait_from_the_sums_equals_the_portrait_from_the_receipts(database, monkeypatch, seed):
    random_history(random.Random(seed))
    assert whole_history(ReportQuery(as_of=AS_OF))
    fast, slow = _both_ways({"as_of": AS_OF}, monkeypatch)
    assert fast == slow
    assert sum(fast["return_intervals"].values()) > 0


@pytest.mark.parametrize("seed", [7, 8])
def test_discounts_per_customer_from_the_sums_equal_those_from_the_receipts(database, monkeypatch, seed):
    random_history(random.Random(seed))
    for limit in (2, 100):
        query = {"as_of": AS_OF, "options": {"limit": limit}}
        fast = discounts(ReportQuery(**query))
        with monkeypatch.context() as patch:
            patch.setattr(discounts_module, "whole_history", lambda query: False)
            slow = discounts(ReportQuery(**query))
        assert fast == slow
        assert "anonymous" in fast["by_customer"] or limit == 2


@pytest.mark.parametrize("seed", [9, 10])
def test_rfm_and_surveys_from_the_sums_equal_those_from_the_receipts(database, monkeypatch, seed):
    from shoptui.models import SurveyAnswer, SurveyQuestion
    from shoptui.reports import rfm as rfm_module
    from shoptui.reports import surveys as surveys_module

    random_history(random.Random(seed))
    question = SurveyQuestion.create(text="Source?", kind="choice", choices="a\nb", created_at=dt.datetime(2025, 1, 1))
    for n, customer in enumerate(Customer.select().order_by(Customer.id)):
        SurveyAnswer.create(question=question, customer=customer, answer="ab"[n % 2], at=dt.datetime(2025, 2, 1))
    query = {"as_of": AS_OF}
    fast = (rfm_module.rfm(ReportQuery(**query)), surveys_module.surveys(ReportQuery(**query)))
    card = [rfm_module.segment_of(c.id, ReportQuery(**query)) for c in Customer.select()]
    with monkeypatch.context() as patch:
        patch.setattr(rfm_module, "whole_history", lambda query: False)
        patch.setattr(surveys_module, "whole_history", lambda query: False)
        slow = (rfm_module.rfm(ReportQuery(**query)), surveys_module.surveys(ReportQuery(**query)))
        assert card == [rfm_module.segment_of(c.id, ReportQuery(**query)) for c in Customer.select()]
    assert fast == slow


@pytest.mark.parametrize("seed", [11, 12])
def test_winback_revenue_from_the_sums_equals_that_from_the_receipts(database, monkeypatch, seed):
    from shoptui.reports import winback as winback_module

    random_history(random.Random(seed))
    query = {"as_of": AS_OF, "options": {"factor": "1"}}
    fast = winback_module.winback(ReportQuery(**query))
    with monkeypatch.context() as patch:
        patch.setattr(winback_module, "whole_history", lambda query: False)
        slow = winback_module.winback(ReportQuery(**query))
    assert fast == slow and fast["rows"]


def test_a_receipt_after_the_cut_or_a_period_falls_back_to_the_receipts(database):
    store = stores.ensure_main_store()
    add_receipt(1, store, add_customer(1), dt.datetime(2025, 7, 1, 9))
    assert not whole_history(ReportQuery(as_of=AS_OF))
    assert whole_history(ReportQuery(as_of=dt.date(2025, 7, 1)))
    assert not whole_history(ReportQuery(as_of=dt.date(2025, 7, 1), date_from=dt.date(2025, 1, 1)))
    assert not whole_history(ReportQuery(as_of=dt.date(2025, 7, 1), stores=["MAIN"]))


def test_the_sums_on_postgresql(pg_database, monkeypatch):
    from shoptui.reports.conversion import conversion

    random_history(random.Random(6))
    assert sums_problems() == []
    fast, slow = _both_ways({"as_of": AS_OF}, monkeypatch)
    assert fast == slow
    # Conversion reads only the store-hour sums: its hours add up to the receipts.
    rows = conversion(ReportQuery(as_of=AS_OF, options={"by": "hour"}))["rows"]
    receipts = Receipt.select().where((Receipt.kind == "sale") & (Receipt.at < dt.datetime(2025, 7, 1)))
    assert sum(row["receipts"] for row in rows) == receipts.count()
    assert sum(row["identified_receipts"] for row in rows) == receipts.where(Receipt.customer.is_null(False)).count()
    assert sum(row["revenue"] for row in rows) == fast["revenue"]


def test_born_by_gives_the_age_of_the_month_and_day_rule():
    """Age ≥ years ⇔ born on or before _born_by: equal to the rule "one year more on the
    birthday itself" (month and day compared) for every day around 29 February."""
    from shoptui.reports.portrait import _born_by

    def age(born: dt.date, as_of: dt.date) -> int:
        return as_of.year - born.year - ((born.month, born.day) > (as_of.month, as_of.day))

    days = [dt.date(2024, 2, 27) + dt.timedelta(days=n) for n in range(5)]
    days += [dt.date(2025, 2, 27) + dt.timedelta(days=n) for n in range(4)] + [
        dt.date(2025, 12, 31),
        dt.date(2026, 1, 1),
    ]
    for as_of in days:
        for years in (18, 25, 65):
            for born in [
                d.replace(year=d.year - years) if not (d.month == 2 and d.day == 29) else dt.date(d.year - years, 2, 28)
                for d in days
            ] + [dt.date(as_of.year - years - 1, 12, 31), dt.date(2004, 2, 29), dt.date(2000, 2, 29)]:
                assert (born <= _born_by(as_of, years)) == (age(born, as_of) >= years), (born, as_of, years)


# -- each customer's gaps between sale dates (migration 0007) ------------------------------


def gaps_of(customer) -> dict[int, int]:
    query = CustomerGaps.select(CustomerGaps.gap, CustomerGaps.times).where(CustomerGaps.customer == customer)
    return dict(query.tuples())


def days(n: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, 3, 1, hour) + dt.timedelta(days=n)


def test_each_write_moves_the_gaps_between_sale_dates(database):
    store = stores.ensure_main_store()
    a, b = add_customer(1), add_customer(2)
    first = add_receipt(1, store, a, days(0))
    assert gaps_of(a) == {}
    add_receipt(2, store, a, days(10))
    assert gaps_of(a) == {10: 1}
    second_that_day = add_receipt(3, store, a, days(10, 18))
    assert gaps_of(a) == {10: 1}  # the same date: no gap
    add_receipt(4, store, a, days(14), kind="return")
    assert gaps_of(a) == {10: 1}  # a return is no purchase
    late = add_receipt(5, store, a, days(4))  # imported late, between: 10 splits into 4 + 6
    assert gaps_of(a) == {4: 1, 6: 1}
    add_receipt(6, store, a, days(-6))  # before the first
    add_receipt(7, store, a, days(16))  # after the last
    assert gaps_of(a) == {4: 1, 6: 3}
    assert sums_problems() == []
    Receipt.delete().where(Receipt.id == second_that_day.id).execute()
    assert gaps_of(a) == {4: 1, 6: 3}  # the day keeps another sale
    Receipt.delete().where(Receipt.id == late.id).execute()
    assert gaps_of(a) == {6: 2, 10: 1}  # 4 + 6 merge again
    Receipt.update(kind="return").where(Receipt.id == first.id).execute()
    assert gaps_of(a) == {16: 1, 6: 1}  # a sale turned into a return: its date goes
    Receipt.update(kind="sale").where(Receipt.id == first.id).execute()
    assert gaps_of(a) == {6: 2, 10: 1}
    Receipt.update(at=days(12)).where(Receipt.id == first.id).execute()  # moved within the history
    assert gaps_of(a) == {2: 1, 4: 1, 16: 1}
    Receipt.update(customer=b).where(Receipt.id == first.id).execute()  # moved to another customer
    assert (gaps_of(a), gaps_of(b)) == ({6: 1, 16: 1}, {})
    Receipt.update(customer=b).where(Receipt.customer == a).execute()  # a merge: every receipt at once
    assert (gaps_of(a), gaps_of(b)) == ({}, {16: 1, 2: 1, 4: 1})
    Receipt.update(customer=None).where(Receipt.id == first.id).execute()  # an anonymous sale now
    assert gaps_of(b) == {16: 1, 6: 1}
    assert sums_problems() == []
    Receipt.delete().execute()
    assert CustomerGaps.select().count() == 0


@pytest.mark.parametrize("backend", ["database", "pg_database"])
def test_a_shop_migrated_with_receipts_gets_its_gaps(request, backend):
    """The migration fills the table from the receipts already there; undone, it leaves
    0005's triggers as they were."""
    import importlib

    database = request.getfixturevalue(backend)
    migration = importlib.import_module("shoptui.migrations.0007_customer_gaps")
    store = stores.ensure_main_store()
    a = add_customer(1)
    for n, day in enumerate((0, 3, 3, 7, 20)):
        add_receipt(n, store, a, days(day))
    migration.down(None, database)
    add_receipt(8, store, a, days(30))
    assert CustomerSales.get(CustomerSales.customer == a).sales == 6
    migration.up(None, database)
    assert gaps_of(a) == {3: 1, 4: 1, 13: 1, 10: 1}
    add_receipt(9, store, a, days(5))  # and the triggers are back
    assert gaps_of(a) == {3: 1, 2: 2, 13: 1, 10: 1}
    assert sums_problems() == []


def _winback_both_ways(query_args: dict) -> tuple[dict, dict]:
    from shoptui.reports import winback as winback_module

    fast = winback_module.winback(ReportQuery(**query_args))
    original = winback_module.whole_history
    winback_module.whole_history = lambda query: False
    try:
        slow = winback_module.winback(ReportQuery(**query_args))
    finally:
        winback_module.whole_history = original
    return fast, slow


LATE_AS_OF = dt.date(2025, 12, 31)  # after every receipt random_history writes: the whole history
WINBACK_OPTIONS = (
    {"factor": "1"},
    {"factor": "2"},
    {"factor": "0.5"},
    {"factor": "1.5"},
    {"min_days": "30"},
    {"min_days": "0"},
)


def many_customers(rng: random.Random, people: int = 80) -> None:
    """Customers with 0 to 14 sale dates each (odd and even numbers of gaps, ties of
    lengths, same-day receipts, returns), written at once like an import."""
    store = stores.ensure_main_store()
    rows = []
    for n in range(people):
        customer = add_customer(100 + n)
        for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 8, 14))):
            at = dt.datetime(2025, 1, 1, 9) + dt.timedelta(
                days=rng.choice((rng.randrange(300), rng.randrange(0, 300, 7)))
            )
            rows.append(
                {
                    "store": store,
                    "number": f"G{len(rows):05d}",
                    "kind": "return" if rng.random() < 0.1 else "sale",
                    "at": at,
                    "customer": customer,
                    "subtotal": 1000,
                    "discount": 0,
                    "total": rng.randrange(1, 9) * 1000,
                    "created_at": at,
                }
            )
    rng.shuffle(rows)
    Receipt.insert_many(rows).execute()


@pytest.mark.parametrize("seed", [13, 14, 15])
def test_winback_from_the_kept_gaps_equals_winback_from_the_receipts(database, seed):
    many_customers(random.Random(seed))
    random_history(random.Random(seed), operations=240)
    assert whole_history(ReportQuery(as_of=LATE_AS_OF))
    listed = 0
    for options in WINBACK_OPTIONS:
        fast, slow = _winback_both_ways({"as_of": LATE_AS_OF, "options": dict(options)})
        assert fast == slow
        listed += len(fast["rows"])
    assert listed


def test_the_gaps_and_winback_on_postgresql(pg_database):
    random_history(random.Random(16))
    assert sums_problems() == []
    # One statement of many rows, out of time order: PostgreSQL's row triggers see them all
    # at once (0005's per-customer steps counted some twice).
    store = stores.ensure_main_store()
    people = list(Customer.select().order_by(Customer.id))
    rng = random.Random(17)
    rows = []
    for n in range(120):
        at = dt.datetime(2025, 1, 1, 8) + dt.timedelta(days=rng.randrange(170), hours=rng.randrange(10))
        rows.append(
            {
                "store": store,
                "number": f"M{n:05d}",
                "kind": rng.choice(["sale", "sale", "return"]),
                "at": at,
                "customer": rng.choice(people),
                "subtotal": 100,
                "discount": 0,
                "total": 100,
                "created_at": at,
            }
        )
    Receipt.insert_many(rows).execute()
    assert sums_problems() == []
    Receipt.update(at=Receipt.at - dt.timedelta(days=3)).where(Receipt.number.startswith("M0")).execute()
    Receipt.update(total=Receipt.total + 1).where(Receipt.number.startswith("M00")).execute()
    Receipt.delete().where(Receipt.number.startswith("M01")).execute()
    assert sums_problems() == []
    for options in WINBACK_OPTIONS:
        fast, slow = _winback_both_ways({"as_of": LATE_AS_OF, "options": dict(options)})
        assert fast == slow
