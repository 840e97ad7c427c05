"""Debtors: balances as of a day, FIFO ageing with partial payments, totals and the paid/unpaid split."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from shoptui.reports import Money
from shoptui.reports.debtors import COLUMNS, debtors
from shoptui.reports.query import ReportQuery
from shoptui.services import sale_return
from tests.builders import DEBTORS_AS_OF as AS_OF
from tests.builders import at
from tests.builders import debtors_on_credit as on_credit
from tests.builders import debtors_register as register
from tests.builders import debtors_shop as build_shop


def run(**kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    return debtors(ReportQuery(**kwargs))


def money(**values: int) -> dict:
    return {key: Money(value) for key, value in values.items()}


def aging(row: dict) -> tuple[int, int, int, int]:
    return tuple(int(row[key]) for key in ("days_0_30", "days_31_60", "days_61_90", "days_over_90"))


EXPECTED_TOTALS = {
    "customers": 4,
    "owing_customers": 3,
    "advance_customers": 1,
    **money(
        owed=450_000,
        advances=20_000,
        balance=430_000,
        days_0_30=80_000,
        days_31_60=170_000,
        days_61_90=120_000,
        days_over_90=80_000,
    ),
}


def test_fifo_ageing_with_partial_payments(database):
    people = build_shop()
    report = run()
    assert [row["name"] for row in report["rows"]] == ["A", "B", "D", "E"]  # biggest debt first
    a, b, d, e = report["rows"]
    assert list(a) == list(COLUMNS) and a["code"] == people["A"].code and a["phone"] == "0912 345 601"
    assert (a["balance"], a["credit_limit"], a["credit_left"]) == (280_000, 1_000_000, 720_000)
    assert isinstance(a["balance"], Money) and isinstance(a["days_31_60"], Money)
    assert aging(a) == (50_000, 150_000, 80_000, 0)
    assert (a["oldest_unpaid"], a["oldest_days"]) == (dt.date(2025, 2, 20), 69)
    assert (a["last_payment"], a["last_payment_amount"]) == (dt.date(2025, 4, 25), 100_000)
    # exactly 30 days old is 0-30, 31 is 31-60, 90 is 61-90, 91 is over 90
    assert aging(b) == (10_000, 20_000, 40_000, 80_000)
    assert (b["balance"], b["credit_limit"], b["credit_left"]) == (150_000, None, None)
    assert (b["oldest_unpaid"], b["oldest_days"], b["last_payment"], b["last_payment_amount"]) == (
        dt.date(2025, 1, 29),
        91,
        None,
        None,
    )
    assert (d["balance"], d["credit_left"], aging(d), d["oldest_days"]) == (20_000, 0, (20_000, 0, 0, 0), 0)
    assert (e["balance"], aging(e), e["oldest_unpaid"]) == (-20_000, (0, 0, 0, 0), None)
    assert report["totals"] == EXPECTED_TOTALS and report["customers"] == 4


@pytest.mark.postgres
def test_the_same_debts_on_postgresql(pg_database):  # noqa: F811
    build_shop()
    report = run()
    assert report["totals"] == EXPECTED_TOTALS
    a = report["rows"][0]
    assert (aging(a), a["oldest_unpaid"], a["last_payment"]) == (
        (50_000, 150_000, 80_000, 0),
        dt.date(2025, 2, 20),
        dt.date(2025, 4, 25),
    )
    assert report["paid_vs_unpaid"] == EXPECTED_SPLIT


EXPECTED_SPLIT = {
    "paid": {"customers": 1, "credit": Money(50_000)},  # C
    "unpaid": {"customers": 3, "credit": Money(500_000 + 150_000 + 20_000), "owed": Money(280_000 + 150_000 + 20_000)},
}


def test_paid_vs_unpaid(database):
    build_shop()
    assert run()["paid_vs_unpaid"] == EXPECTED_SPLIT  # E's opening balance is not credit taken
    # who took credit in April: A (04-20) and D (04-30)
    assert run(date_from=dt.date(2025, 4, 1))["paid_vs_unpaid"] == {
        "paid": {"customers": 0, "credit": Money(0)},
        "unpaid": {"customers": 2, "credit": Money(70_000), "owed": Money(300_000)},
    }


def test_the_as_of_cut(database):
    build_shop()
    # the next day D has paid and A's debts are a day older (the same buckets)
    later = run(as_of=dt.date(2025, 5, 1))
    assert [row["name"] for row in later["rows"]] == ["A", "B", "E"]
    assert aging(later["rows"][0]) == (50_000, 150_000, 80_000, 0)
    # on 03-10: A's 120000 paid covers 01-10 and 20000 of 02-20 (18 days old); B's debts are 39
    # and 40 days old; C has not paid yet
    early = run(as_of=dt.date(2025, 3, 10))
    rows = {row["name"]: row for row in early["rows"]}
    assert {name: int(row["balance"]) for name, row in rows.items()} == {
        "A": 180_000,
        "B": 120_000,
        "C": 50_000,
        "E": -20_000,
    }
    assert aging(rows["A"]) == (180_000, 0, 0, 0) and rows["A"]["oldest_unpaid"] == dt.date(2025, 2, 20)
    assert aging(rows["B"]) == (0, 120_000, 0, 0)
    assert (rows["A"]["last_payment"], rows["C"]["last_payment"]) == (dt.date(2025, 3, 1), None)
    assert run(as_of=dt.date(2024, 12, 31))["rows"] == []


def test_a_return_pays_the_oldest_debt_first(database):
    f = register("F")
    on_credit(f, 100_000, "2025-01-01 10:00")
    second = on_credit(f, 60_000, "2025-04-01 10:00")
    sale_return.record_return(second, at=at("2025-04-05 10:00"))  # the credit part comes off the debt
    row = run()["rows"][0]
    # the 60000 given back settles the oldest debt first: 40000 of January is left, and April's 60000
    assert (row["balance"], aging(row), row["oldest_unpaid"]) == (100_000, (60_000, 0, 0, 40_000), dt.date(2025, 1, 1))
    assert row["last_payment"] is None  # a return is not a payment


def test_stores_paging_and_no_data(database):
    assert run()["rows"] == [] and run()["totals"]["customers"] == 0
    assert run()["paid_vs_unpaid"]["unpaid"] == {"customers": 0, "credit": 0, "owed": 0}
    build_shop()
    assert [row["name"] for row in run(stores=["B2"])["rows"]] == ["E"]
    assert run(stores=["B2"])["totals"]["balance"] == -20_000
    page = run(options={"limit": 2, "offset": 1})
    assert [row["name"] for row in page["rows"]] == ["B", "D"] and page["customers"] == 4
    assert page["totals"] == EXPECTED_TOTALS  # totals are of the whole list, not of the page


# -- the command line ------------------------------------------------------------------------------


def test_cli_json_and_csv(database, db_path, shoptui):
    build_shop()
    database.close()
    code, out, err = shoptui("--db", str(db_path), "report", "debtors", "--as-of", "2025-04-30", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["totals"]["owed"] == "450000" and data["paid_vs_unpaid"]["paid"]["customers"] == 1
    a = data["rows"][0]
    assert (a["balance"], a["days_61_90"], a["oldest_unpaid"], a["last_payment_amount"]) == (
        "280000",
        "80000",
        "2025-02-20",
        "100000",
    )
    assert data["rows"][1]["credit_limit"] is None
    code, out, _err = shoptui("--db", str(db_path), "report", "debtors", "--as-of", "2025-04-30", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == list(COLUMNS) and len(rows) == 5
    assert rows[4][:4] == ["KH000005", "E", "", "-20000"]  # a number stays a number (not a formula)
    code, out, _err = shoptui("--db", str(db_path), "report", "debtors", "--as-of", "2024-01-01", "--format", "csv")
    assert code == 0 and out.splitlines() == [",".join(COLUMNS)]
