"""rfm, winback, birthdays and debtors against a naive Python reference on a generated shop.

The shop (a few thousand receipts, returns, credit sales and partial debt payments, two
stores, leap-day birthdays, archived customers, data after the as-of day) is written
through the services by a seeded generator. The reference below reads every receipt
and ledger entry and loops over them: it shares no code with the SQL reports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import itertools
import math
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass

import pytest

from shoptui import db as dbmod
from shoptui.db import database
from shoptui.models import Customer, DebtEntry, PointsEntry, Receipt, Store
from shoptui.reports.birthdays import birthdays
from shoptui.reports.debtors import debtors
from shoptui.reports.query import ReportQuery
from shoptui.reports.rfm import rfm, segment_of
from shoptui.reports.winback import winback
from shoptui.services import checkout, customers, debts, sale_return, settings, stores
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from shoptui.services.stores import ensure_main_store

FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2025, 6, 30)
AS_OF = dt.date(2025, 4, 30)  # two months of data lie after it
CUSTOMERS = 300
SALES = 3000

# -- the generated shop -----------------------------------------------------------------------------


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(7, 21), rng.randint(0, 59)))


def generate_shop(seed: int = 7) -> None:
    rng = random.Random(seed)
    branch = stores.add_store("B2", "Branch")
    main = Store.get(Store.code == "MAIN")
    people = []
    for n in range(CUSTOMERS):
        values = {
            "name": f"Customer {n:03d}",
            "consent_sms": rng.random() < 0.5,
            "consent_zalo": rng.random() < 0.3,
            "consent_email": rng.random() < 0.2,
            "consent_facebook": rng.random() < 0.1,
        }
        if rng.random() < 0.85:
            year = rng.randint(1950, 2008)
            if rng.random() < 0.04:
                values["birthday"] = dt.date(rng.choice((1988, 1992, 2000, 2004)), 2, 29)
            else:
                values["birthday"] = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if rng.random() < 0.7:
            values["phone"] = f"09{n:08d}"
        if rng.random() < 0.4:
            values["credit_limit"] = rng.choice((300_000, 1_000_000, 2_000_000))
        values["store"] = branch if rng.random() < 0.3 else main
        registered = dt.datetime(2023, 6, 1) + dt.timedelta(days=rng.randrange(700), hours=rng.randrange(24))
        people.append(customers.register(values, registered_at=registered).customer)
    # a few loyal regulars, many occasional buyers
    weights = [rng.paretovariate(1.2) for _ in people]
    span = (LAST_DAY - FIRST_DAY).days + 1
    events: list = []
    counter = itertools.count()
    for _ in range(SALES):
        when = _moment(rng, FIRST_DAY + dt.timedelta(days=rng.randrange(span)))
        heapq.heappush(events, (when, next(counter), "sale", None))
    while events:
        when, _seq, kind, data = heapq.heappop(events)
        actor = Actor(store=branch if rng.random() < 0.35 else main)
        if kind == "sale":
            customer = None if rng.random() < 0.15 else rng.choices(people, weights)[0]
            amount = rng.randint(1, 400) * 1_000
            credit = 0
            if customer is not None and customer.credit_limit and rng.random() < 0.35:
                left = debts.credit_left(Customer.get_by_id(customer.id)) or 0
                credit = min(left, rng.choice((amount, amount // 2)))
            receipt = checkout.record_sale(
                SaleInput(customer=customer, amount=amount, credit=credit, at=when), actor=actor
            ).receipt
            if rng.random() < 0.07:
                later = when + dt.timedelta(days=rng.randint(0, 20), minutes=rng.randint(1, 600))
                heapq.heappush(events, (later, next(counter), "return", receipt.id))
            if credit:
                later = when + dt.timedelta(days=rng.randint(3, 80), minutes=rng.randint(1, 600))
                heapq.heappush(events, (later, next(counter), "payment", customer.id))
        elif kind == "return":
            sale = Receipt.get_by_id(data)
            whole = rng.random() < 0.5
            amount = None if whole else max(1_000, sale.total // 1_000 * 1_000 // rng.choice((2, 3, 4)))
            if amount is not None and amount >= sale.total:
                amount = None
            sale_return.record_return(sale, amount=amount, at=when, actor=actor)
        else:
            balance = Customer.get_by_id(data).debt_balance
            if balance > 0:
                paid = balance if rng.random() < 0.4 else max(1_000, balance // 1_000 * 1_000 // rng.choice((2, 3)))
                debts.take_payment(data, min(paid, balance), at=when)
    for customer in rng.sample(people, 12):
        customers.archive(customer)
    for customer in rng.sample(people, 3):
        debts.set_opening_balance(customer, rng.choice((-15_000, 50_000)), at=dt.datetime(2024, 1, 1, 8))


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("crosscheck") / "shop.sqlite"
    db = dbmod.open_database(str(path))
    settings.ensure_defaults()
    ensure_main_store()
    with database.atomic():  # one transaction: the generator is then quick on SQLite
        generate_shop()
    settings.clear_cache()
    db.close()
    return path


@pytest.fixture
def shop(shop_file):
    db = dbmod.open_database(str(shop_file))
    yield
    settings.clear_cache()
    db.close()


# -- the naive reference: everything read once, then plain loops ---------------------------------------


@dataclass
class World:
    customers: dict[int, Customer]
    receipts: list[tuple]  # (id, customer_id, store_code, kind, at, total)
    debts: list[tuple]  # (id, customer_id, kind, at, amount)
    points: list[tuple]  # (customer_id, at, points)


def read_world() -> World:
    store_codes = {store.id: store.code for store in Store.select()}
    return World(
        customers={c.id: c for c in Customer.select()},
        receipts=[(r.id, r.customer_id, store_codes[r.store_id], r.kind, r.at, r.total) for r in Receipt.select()],
        debts=[(e.id, e.customer_id, e.kind, e.at, e.amount) for e in DebtEntry.select()],
        points=[(e.customer_id, e.at, e.points) for e in PointsEntry.select()],
    )


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def in_scope(query: ReportQuery, at: dt.datetime, store: str) -> bool:
    last = query.as_of if query.date_to is None else min(query.as_of, query.date_to)
    if at >= end_of(last):
        return False
    if query.date_from is not None and at < dt.datetime.combine(query.date_from, dt.time()):
        return False
    return not query.stores or store in query.stores


def points_at(world: World, customer_id: int, as_of: dt.date) -> int:
    return sum(points for cid, at, points in world.points if cid == customer_id and at < end_of(as_of))


def buyers(world: World, query: ReportQuery) -> dict[int, dict]:
    """Per customer with a sale in scope: sale dates, sale receipts, net spend."""
    found: dict[int, dict] = defaultdict(lambda: {"dates": set(), "sales": 0, "net": 0, "last": None})
    for _id, cid, store, kind, at, total in world.receipts:
        if cid is None or not in_scope(query, at, store):
            continue
        entry = found[cid]
        if kind == "sale":
            entry["sales"] += 1
            entry["dates"].add(at.date())
            entry["last"] = max(entry["last"] or at.date(), at.date())
            entry["net"] += total
        else:
            entry["net"] -= total
    return {cid: entry for cid, entry in found.items() if entry["sales"] >= 1}


def quintile_scores(values: dict[int, object]) -> dict[int, int]:
    """NTILE(5) over the values in ascending order; equal values take the lowest tile among them."""
    ordered = sorted(values, key=lambda cid: values[cid])
    n = len(ordered)
    sizes = [n // 5 + (1 if tile < n % 5 else 0) for tile in range(5)]
    tiles = [tile + 1 for tile, size in enumerate(sizes) for _ in range(size)]
    lowest: dict[object, int] = {}
    for cid, tile in zip(ordered, tiles):
        lowest.setdefault(values[cid], tile)
    return {cid: lowest[values[cid]] for cid in ordered}


# R down (5..1), FM across (1..5), spelled out as the rfm module's docstring draws it
GRID = {
    5: ("new", "potential_loyalists", "potential_loyalists", "champions", "champions"),
    4: ("promising", "potential_loyalists", "potential_loyalists", "loyal", "loyal"),
    3: ("about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"),
    2: ("hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"),
    1: ("lost", "lost", "at_risk", "at_risk", "cant_lose"),
}


def reference_rfm(world: World, query: ReportQuery) -> dict[str, tuple]:
    found = buyers(world, query)
    r = quintile_scores({cid: e["last"] for cid, e in found.items()})
    f = quintile_scores({cid: e["sales"] for cid, e in found.items()})
    m = quintile_scores({cid: e["net"] for cid, e in found.items()})
    result = {}
    for cid, entry in found.items():
        fm = math.floor((f[cid] + m[cid]) / 2 + 0.5)  # the mean of F and M, rounded half up
        result[world.customers[cid].code] = (
            (query.as_of - entry["last"]).days,
            entry["sales"],
            entry["net"],
            r[cid],
            f[cid],
            m[cid],
            GRID[r[cid]][fm - 1],
        )
    return result


def reference_winback(world: World, query: ReportQuery, factor: float = 2, min_days: int | None = None) -> list[tuple]:
    rows = []
    for cid, entry in buyers(world, query).items():
        customer = world.customers[cid]
        dates = sorted(entry["dates"])
        if len(dates) < 2 or customer.status == "archived":
            continue
        usual = statistics.median([(b - a).days for a, b in zip(dates, dates[1:])])
        since = (query.as_of - dates[-1]).days
        if (since >= min_days) if min_days is not None else (since > usual * factor):
            rows.append((customer.code, dates[-1], usual, since, entry["net"], points_at(world, cid, query.as_of)))
    rows.sort(key=lambda row: (-row[4], -row[3], row[0]))
    return rows


def celebrated_on(birthday: dt.date, day: dt.date) -> bool:
    if (birthday.month, birthday.day) == (day.month, day.day):
        return True
    return (
        (birthday.month, birthday.day) == (2, 29) and (day.month, day.day) == (2, 28) and not calendar.isleap(day.year)
    )


def reference_birthdays(world: World, as_of: dt.date, first: dt.date, last: dt.date) -> list[tuple]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    rows = []
    for customer in world.customers.values():
        if customer.birthday is None or customer.status == "archived" or customer.registered_at >= end_of(as_of):
            continue
        day = next((day for day in days if celebrated_on(customer.birthday, day)), None)
        if day is not None:
            rows.append(
                (
                    day,
                    customer.name,
                    customer.code,
                    day.year - customer.birthday.year,
                    points_at(world, customer.id, as_of),
                )
            )
    return sorted(rows)


def bucket_of(age: int) -> str:
    return "days_0_30" if age <= 30 else "days_31_60" if age <= 60 else "days_61_90" if age <= 90 else "days_over_90"


def reference_debtors(world: World, query: ReportQuery) -> tuple[list[tuple], dict]:
    entries = defaultdict(list)
    for entry in sorted(world.debts, key=lambda e: (e[3], e[0])):
        _id, cid, kind, at, amount = entry
        if at < end_of(query.as_of):
            entries[cid].append(entry)
    rows = []
    split = {"paid": [0, 0], "unpaid": [0, 0, 0]}
    for cid, items in entries.items():
        customer = world.customers[cid]
        if query.stores and customer.store.code not in query.stores:
            continue
        balance = sum(e[4] for e in items)
        credits = -sum(e[4] for e in items if e[4] < 0)
        buckets = dict.fromkeys(("days_0_30", "days_31_60", "days_61_90", "days_over_90"), 0)
        oldest = None
        for _id, _cid, _kind, at, amount in items:
            if amount <= 0:
                continue
            settled = min(credits, amount)
            credits -= settled
            if amount - settled > 0:
                buckets[bucket_of((query.as_of - at.date()).days)] += amount - settled
                oldest = oldest or at.date()
        payments = [e for e in items if e[2] == "payment"]
        last = payments[-1] if payments else None
        if balance != 0:
            rows.append(
                (
                    customer.code,
                    balance,
                    oldest,
                    tuple(buckets.values()),
                    last[3].date() if last else None,
                    -last[4] if last else None,
                )
            )
        took = sum(e[4] for e in items if e[4] > 0 and in_scope(query, e[3], customer.store.code))
        if took:
            state = split["unpaid" if balance > 0 else "paid"]
            state[0] += 1
            state[1] += took
            if balance > 0:
                state[2] += balance
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows, split


# -- the comparisons ---------------------------------------------------------------------------------

QUERIES = [
    dict(as_of=AS_OF),
    dict(as_of=AS_OF, date_from=dt.date(2025, 1, 1)),
    dict(as_of=AS_OF, stores=["B2"]),
    dict(as_of=dt.date(2024, 9, 15), date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 8, 31)),
]


@pytest.mark.parametrize("params", QUERIES)
def test_rfm_equals_the_reference(shop, params):
    world = read_world()
    query = ReportQuery(**params, options={"details": True})
    report = rfm(query)
    expected = reference_rfm(world, query)
    assert len(expected) > 50
    got = {
        row["code"]: (
            row["recency"],
            row["frequency"],
            int(row["monetary"]),
            row["r"],
            row["f"],
            row["m"],
            row["segment"],
        )
        for row in report["rows"]
    }
    assert got == expected
    per_segment = defaultdict(lambda: [0, 0])
    for _recency, _freq, net, *_scores, segment in expected.values():
        per_segment[segment][0] += 1
        per_segment[segment][1] += net
    assert {
        name: [value["customers"], int(value["revenue"])]
        for name, value in report["segments"].items()
        if value["customers"]
    } == dict(per_segment)
    assert report["revenue"] == sum(entry[2] for entry in expected.values())
    # the customer card's shortcut gives the same scores
    for code in sorted(expected)[:15]:
        customer = Customer.get(Customer.code == code)
        one = segment_of(customer, ReportQuery(**params))
        assert (one.recency, one.frequency, one.monetary, one.r, one.f, one.m, one.segment) == expected[code]


@pytest.mark.parametrize("params", QUERIES)
@pytest.mark.parametrize("rule", [{}, {"factor": "1.5"}, {"min_days": 45}])
def test_winback_equals_the_reference(shop, params, rule):
    world = read_world()
    query = ReportQuery(**params, options=dict(rule))
    factor = float(rule.get("factor", 2))
    expected = reference_winback(world, query, factor, rule.get("min_days"))
    assert expected
    got = [
        (
            row["code"],
            row["last_purchase"],
            row["usual_interval"],
            row["days_since"],
            int(row["revenue"]),
            row["points"],
        )
        for row in winback(query)["rows"]
    ]
    assert got == expected


@pytest.mark.parametrize(
    "as_of, options",
    [
        (AS_OF, {}),
        (dt.date(2024, 12, 27), {"days": 14}),
        (dt.date(2025, 2, 20), {"days": 10}),
        (dt.date(2024, 2, 20), {"days": 10}),
        (AS_OF, {"month": 2}),
        (AS_OF, {"month": 4}),
        (AS_OF, {"days": 366}),
    ],
)
def test_birthdays_equal_the_reference(shop, as_of, options):
    world = read_world()
    report = birthdays(ReportQuery(as_of=as_of, options=options))
    expected = reference_birthdays(world, as_of, report["first_day"], report["last_day"])
    assert expected
    got = [(row["celebrates_on"], row["name"], row["code"], row["age"], row["points"]) for row in report["rows"]]
    assert got == expected
    if "month" in options:
        month = options["month"]
        assert report["first_day"].month == month == report["last_day"].month
    else:
        assert (report["last_day"] - report["first_day"]).days + 1 == options.get("days", 7)


@pytest.mark.parametrize("params", QUERIES + [dict(as_of=LAST_DAY), dict(as_of=dt.date(2024, 6, 30))])
def test_debtors_equal_the_reference(shop, params):
    world = read_world()
    query = ReportQuery(**params)
    report = debtors(query)
    expected, split = reference_debtors(world, query)
    assert expected
    got = [
        (
            row["code"],
            int(row["balance"]),
            row["oldest_unpaid"],
            tuple(int(row[key]) for key in ("days_0_30", "days_31_60", "days_61_90", "days_over_90")),
            row["last_payment"],
            None if row["last_payment_amount"] is None else int(row["last_payment_amount"]),
        )
        for row in report["rows"]
    ]
    assert got == expected
    assert report["totals"]["balance"] == sum(row[1] for row in expected)
    assert report["totals"]["owed"] == sum(row[1] for row in expected if row[1] > 0)
    assert [int(report["totals"][key]) for key in ("days_0_30", "days_31_60", "days_61_90", "days_over_90")] == [
        sum(row[3][i] for row in expected) for i in range(4)
    ]
    paid, unpaid = report["paid_vs_unpaid"]["paid"], report["paid_vs_unpaid"]["unpaid"]
    assert [paid["customers"], int(paid["credit"])] == split["paid"]
    assert [unpaid["customers"], int(unpaid["credit"]), int(unpaid["owed"])] == split["unpaid"]


def test_the_generated_shop_has_what_the_comparisons_need(shop):
    assert Receipt.select().count() > SALES
    assert Receipt.select().where(Receipt.kind == "return").count() > 100
    assert DebtEntry.select().where(DebtEntry.kind == "payment").count() > 50
    assert Customer.select().where(Customer.birthday_md == 229).count() >= 3
    assert Receipt.select().where(Receipt.at >= end_of(AS_OF)).count() > 100
