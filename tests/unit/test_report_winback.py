"""The win-back list on a small shop whose intervals are worked out by hand below."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from shoptui.errors import UsageError
from shoptui.reports import Money
from shoptui.reports.query import ReportQuery
from shoptui.reports.winback import COLUMNS, winback
from shoptui.services import stores
from shoptui.services.context import Actor
from tests.builders import WINBACK_AS_OF as AS_OF
from tests.builders import winback_register as register
from tests.builders import winback_sell as sell
from tests.builders import winback_shop as build_shop


def run(**kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    return winback(ReportQuery(**kwargs))


def listed(report: dict) -> list[tuple[str, float, int]]:
    return [(row["name"], row["usual_interval"], row["days_since"]) for row in report["rows"]]


def test_late_against_twice_the_own_median_interval(database):
    people = build_shop()
    report = run()
    # A: 11 > 2 × 5; C: 30 > 2 × 7.5; B: 10 ≤ 2 × 7; E: 1 ≤ 2 × 1; D one date; F archived
    assert listed(report) == [("C", 7.5, 30), ("A", 5, 11)]  # most valuable first: C 90000, A 40000
    c, a = report["rows"]
    assert c["revenue"] == Money(90_000) and isinstance(c["revenue"], Money)
    assert a["revenue"] == Money(40_000)  # the sale of 04-05 is after the as-of day
    assert a["points"] == 4 and a["last_purchase"] == dt.date(2025, 3, 20)  # a point per 10000, as of 03-31
    assert (a["phone"], a["sms"], a["zalo"], a["facebook"], a["email"]) == ("0912 345 601", True, True, False, False)
    assert (c["phone"], c["facebook"]) == ("", True)
    assert a["code"] == people["A"].code and list(a) == list(COLUMNS)
    assert report["customers"] == 2 and report["factor"] == 2.0 and report["min_days"] is None


def test_exactly_twice_the_interval_is_not_late_yet(database):
    build_shop()
    assert "A" not in [name for name, _interval, _days in listed(run(as_of=dt.date(2025, 3, 30)))]  # 10 = 2 × 5
    # on 04-05 A bought again: not late any more (the as-of day sees that sale)
    assert "A" not in [name for name, _interval, _days in listed(run(as_of=dt.date(2025, 4, 5)))]


@pytest.mark.postgres
def test_the_same_list_on_postgresql(pg_database):  # noqa: F811
    build_shop()
    assert listed(run()) == [("C", 7.5, 30), ("A", 5, 11)]
    assert listed(run(options={"factor": "1.5"})) == [("C", 7.5, 30), ("A", 5, 11)]
    assert [row["name"] for row in run(options={"min_days": 10})["rows"]] == ["C", "B", "A"]
    page = run(options={"min_days": 10, "limit": 2, "offset": 1})
    assert [row["name"] for row in page["rows"]] == ["B", "A"] and page["customers"] == 3


def test_factor_and_min_days(database):
    build_shop()
    # factor 1: B 10 > 7 joins; E 1 > 1 does not
    assert listed(run(options={"factor": 1})) == [("C", 7.5, 30), ("B", 7, 10), ("A", 5, 11)]
    assert listed(run(options={"factor": "1.5"})) == [("C", 7.5, 30), ("A", 5, 11)]  # B 10 ≤ 10.5
    # a fixed wait: at least N days, still only customers with two dates or more (not D)
    assert [row["name"] for row in run(options={"min_days": 10})["rows"]] == ["C", "B", "A"]
    fixed = run(options={"min_days": "20"})
    assert [row["name"] for row in fixed["rows"]] == ["C"] and fixed["factor"] is None and fixed["min_days"] == 20
    for bad in ({"factor": "abc"}, {"factor": 0}, {"factor": "-1"}, {"min_days": "x"}, {"min_days": -1}):
        with pytest.raises(UsageError):
            run(options=bad)


def test_customers_with_one_visit_are_never_listed(database):
    once = register("Once")
    sell(once, 1_000, "2024-01-01 10:00")
    twice_same_day = register("Twice the same day")
    sell(twice_same_day, 1_000, "2024-01-01 10:00")
    sell(twice_same_day, 1_000, "2024-01-01 11:00")
    assert run()["rows"] == []
    assert run(options={"min_days": 0})["rows"] == []


def test_period_narrows_the_dates(database):
    build_shop()
    # from 03-01 C has one purchase date in scope, and no interval
    assert listed(run(date_from=dt.date(2025, 3, 1))) == [("A", 5, 11)]


def test_stores_narrow_the_purchases(database):
    branch = stores.add_store("B2", "Branch")
    roamer = register("Roamer")
    sell(roamer, 1_000, "2025-01-01 10:00")
    sell(roamer, 1_000, "2025-01-03 10:00", actor=Actor(store=branch))
    sell(roamer, 1_000, "2025-01-05 10:00", actor=Actor(store=branch))
    assert listed(run(stores=["B2"])) == [("Roamer", 2, 85)]
    assert run(stores=["MAIN"])["rows"] == []  # one date at MAIN


def test_paging(database):
    build_shop()
    page = run(options={"min_days": 10, "limit": 1, "offset": 1})
    assert [row["name"] for row in page["rows"]] == ["B"] and page["customers"] == 3
    past_the_end = run(options={"min_days": 10, "limit": 5, "offset": 7})
    assert past_the_end["rows"] == [] and past_the_end["customers"] == 3
    assert run(options={"min_days": 1000, "limit": 5})["customers"] == 0


def test_no_data(database):
    assert run() == {
        "as_of": AS_OF,
        "date_from": None,
        "date_to": None,
        "stores": [],
        "currency": "VND",
        "factor": 2.0,
        "min_days": None,
        "customers": 0,
        "rows": [],
    }


# -- the command line ------------------------------------------------------------------------------


def test_cli_json_and_csv(database, db_path, shoptui):
    build_shop()
    database.close()
    code, out, err = shoptui("--db", str(db_path), "report", "winback", "--as-of", "2025-03-31", "--format", "json")
    assert code == 0 and err == ""
    rows = json.loads(out)["rows"]
    assert [(row["name"], row["usual_interval"], row["revenue"]) for row in rows] == [
        ("C", 7.5, "90000"),
        ("A", 5, "40000"),
    ]
    code, out, _err = shoptui(
        "--db", str(db_path), "report", "winback", "--as-of", "2025-03-31", "--min-days", "10", "--format", "csv"
    )
    table = list(csv.reader(io.StringIO(out)))
    assert code == 0 and table[0] == list(COLUMNS)
    assert table[1] == ["KH000003", "C", "", "false", "false", "true", "false", "2025-03-01", "7.5", "30", "90000", "9"]
    code, _out, err = shoptui("--db", str(db_path), "report", "winback", "--factor", "two")
    assert code == 2 and err.strip() == "--factor must be a number, such as 2 or 1.5."


def test_cli_empty_csv_has_a_header(database, db_path, shoptui):
    database.close()
    code, out, _err = shoptui("--db", str(db_path), "report", "winback", "--format", "csv")
    assert code == 0 and out.splitlines() == [",".join(COLUMNS)]
