"""A customer's RFM segment from the day's cached quintile cuts equals the rfm report's, for
every customer of generated shops (ties, returns bigger than sales, customers with only a
return, anonymous receipts, receipts after the as-of day, fewer than five customers)."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest

from shoptui.models import Customer, Receipt, Store
from shoptui.reports import customer_segment
from shoptui.reports.customer_segment import Cuts, cuts_for, last_positions, segment_of
from shoptui.reports.query import ReportQuery
from shoptui.reports.rfm import ntile, rfm
from shoptui.services import customers

AS_OF = dt.date(2025, 3, 31)


@pytest.fixture(autouse=True)
def fresh_cuts():
    customer_segment.forget()
    yield
    customer_segment.forget()


def generate(people: int, seed: int) -> list[int]:
    """``people`` customers with random receipts around AS_OF; values drawn from small sets
    so that many customers tie."""
    rng = random.Random(seed)
    store = Store.get()
    ids = [customers.register({"name": f"Customer {n}"}).customer.id for n in range(people)]
    now = dt.datetime(2025, 4, 2)
    rows = []

    def receipt(customer_id, kind: str, total: int, at: dt.datetime) -> None:
        rows.append(
            {
                "store": store.id,
                "number": f"G{len(rows)}",
                "kind": kind,
                "at": at,
                "customer": customer_id,
                "total": total,
                "subtotal": total,
                "created_at": now,
            }
        )

    for customer_id in ids:
        shape = rng.random()
        if shape < 0.1:
            continue  # never bought
        if shape < 0.15:
            receipt(customer_id, "return", rng.choice((10_000, 50_000)), dt.datetime(2025, 3, 3, 10))
            continue  # only a return: not a buyer
        for _ in range(rng.choice((1, 1, 2, 3, 5, 8))):
            day = AS_OF - dt.timedelta(days=rng.choice((0, 1, 3, 10, 30, 30, 90, 200)))
            receipt(
                customer_id,
                "sale",
                rng.choice((10_000, 20_000, 20_000, 150_000)),
                dt.datetime.combine(day, dt.time(12)),
            )
        if rng.random() < 0.15:
            receipt(customer_id, "return", rng.choice((20_000, 300_000)), dt.datetime.combine(AS_OF, dt.time(9)))
        if rng.random() < 0.1:
            receipt(customer_id, "sale", 900_000, dt.datetime(2025, 4, 1, 10))  # after the as-of day
    for _ in range(5):
        receipt(None, "sale", 70_000, dt.datetime(2025, 3, 20, 10))  # anonymous: nobody's score
    if rows:
        Receipt.insert_many(rows).execute()
    return ids


def report_segments() -> dict[int, str]:
    report = rfm(ReportQuery(as_of=AS_OF, options={"details": True}))
    by_code = {code: cid for cid, code in Customer.select(Customer.id, Customer.code).tuples()}
    return {by_code[row["code"]]: row["segment"] for row in report["rows"]}


@pytest.mark.parametrize("people,seed", [(1, 1), (3, 2), (6, 3), (9, 4), (40, 5), (300, 6)])
def test_segment_of_equals_the_report_for_every_customer(database, people, seed):
    ids = generate(people, seed)
    expected = report_segments()
    found = {cid: segment_of(cid, AS_OF) for cid in ids}
    assert {cid: segment for cid, segment in found.items() if segment is not None} == expected
    assert all(found[cid] is None for cid in ids if cid not in expected)  # no sale up to the day: no segment


def test_a_shop_without_sales_has_no_cuts_and_no_segments(database):
    ids = generate(4, 9)
    Receipt.delete().where(Receipt.kind == "sale").execute()
    assert cuts_for(AS_OF) == Cuts((), (), ())
    assert [segment_of(cid, AS_OF) for cid in ids] == [None] * 4


def test_the_cuts_are_computed_once_per_day_even_when_asked_at_once(database, monkeypatch):
    ids = generate(30, 7)
    calls = []
    real = customer_segment.compute_cuts
    started = threading.Event()

    def slow_compute(query):
        calls.append(query.as_of)
        started.set()
        return real(query)

    monkeypatch.setattr(customer_segment, "compute_cuts", slow_compute)
    results = []
    threads = [threading.Thread(target=lambda cid=cid: results.append(segment_of(cid, AS_OF))) for cid in ids[:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [AS_OF] and len(results) == 4
    segment_of(ids[5], AS_OF)
    assert calls == [AS_OF]  # cached for the day
    segment_of(ids[5], AS_OF - dt.timedelta(days=1))
    assert calls == [AS_OF, AS_OF - dt.timedelta(days=1)]  # another day has its own cuts


def test_a_cut_is_the_last_value_of_its_tile():
    # 7 rows in 5 tiles hold 2, 2, 1, 1, 1: tiles end at positions 2, 4, 5 and 6
    assert last_positions(7) == [2, 4, 5, 6]
    assert last_positions(3) == [1, 2] and last_positions(1) == [] and last_positions(0) == []
    for rows in range(0, 60):
        assert last_positions(rows) == [p for p in range(1, rows) if ntile(5, p + 1, rows) > ntile(5, p, rows)]
    cuts = Cuts(last_day=(10, 20, 30, 40), frequency=(1, 1, 2, 3), monetary=(0, 5, 5, 9))
    assert [cuts.score("last_day", v) for v in (5, 10, 11, 40, 41)] == [1, 1, 2, 4, 5]
    assert [cuts.score("frequency", v) for v in (1, 2, 3, 4)] == [1, 3, 4, 5]  # equal cuts: a tile nobody reaches


@pytest.mark.postgres
def test_segment_of_equals_the_report_on_postgresql(pg_database):
    ids = generate(60, 11)
    expected = report_segments()
    assert {cid: segment_of(cid, AS_OF) for cid in ids if cid in expected} == expected


@pytest.mark.parametrize("people,seed", [(7, 12), (300, 13)])
def test_the_cuts_from_the_per_customer_sums_equal_those_from_the_receipts(database, monkeypatch, people, seed):
    """As of a day after every receipt the cuts come from the sums migration 0005 keeps."""
    from shoptui.reports import rfm as rfm_module
    from shoptui.reports.query import whole_history

    ids = generate(people, seed)
    later = dt.date(2025, 4, 30)
    assert whole_history(ReportQuery(as_of=later))
    fast = customer_segment.compute_cuts(ReportQuery(as_of=later))
    with monkeypatch.context() as patch:
        patch.setattr(rfm_module, "whole_history", lambda query: False)
        assert customer_segment.compute_cuts(ReportQuery(as_of=later)) == fast
    assert fast.last_day and fast.frequency and fast.monetary
    report = rfm(ReportQuery(as_of=later, options={"details": True}))
    by_code = {code: cid for cid, code in Customer.select(Customer.id, Customer.code).tuples()}
    assert {cid: segment_of(cid, later) for cid in ids if segment_of(cid, later)} == {
        by_code[row["code"]]: row["segment"] for row in report["rows"]
    }
