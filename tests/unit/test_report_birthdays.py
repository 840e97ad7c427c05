"""Birthdays: the window of days or a month, the year's wrap, 29 February, and who is left out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from shoptui.errors import UsageError
from shoptui.reports.birthdays import COLUMNS, birthdays
from shoptui.reports.query import ReportQuery
from shoptui.services import checkout, customers, points, stores
from shoptui.services.sale_quote import SaleInput


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def register(name: str, birthday: str | None, registered: str = "2020-01-01 09:00", **values):
    values = {"name": name, **values}
    if birthday:
        values["birthday"] = birthday
    return customers.register(values, registered_at=at(registered)).customer


def run(as_of: dt.date, **options) -> dict:
    return birthdays(ReportQuery(as_of=as_of, options=options))


def names(report: dict) -> list[str]:
    return [row["name"] for row in report["rows"]]


def build_year_end() -> None:
    register("Dec 27", "1990-12-27")
    register("Dec 28", "1985-12-28", phone="0912345678", consent_sms=True, consent_email=True)
    register("Dec 31", "2000-12-31")
    register("Jan 3", "1970-01-03")
    register("Jan 4", "1971-01-04")
    register("No birthday", None)
    register("Archived", "1990-12-29", status="archived")
    register("Registered later", "1990-12-29", registered="2025-12-29 09:00")


def test_seven_days_across_the_new_year(database):
    build_year_end()
    report = run(dt.date(2025, 12, 28))
    # 12-28 .. 01-03: the as-of day and the six after it, in calendar order across the year
    assert (report["first_day"], report["last_day"]) == (dt.date(2025, 12, 28), dt.date(2026, 1, 3))
    assert names(report) == ["Dec 28", "Dec 31", "Jan 3"]
    rows = {row["name"]: row for row in report["rows"]}
    assert (rows["Dec 28"]["celebrates_on"], rows["Dec 28"]["days_until"], rows["Dec 28"]["age"]) == (
        dt.date(2025, 12, 28),
        0,
        40,
    )
    assert (rows["Jan 3"]["celebrates_on"], rows["Jan 3"]["days_until"], rows["Jan 3"]["age"]) == (
        dt.date(2026, 1, 3),
        6,
        56,
    )
    assert rows["Dec 31"]["age"] == 25 and rows["Dec 31"]["birthday"] == dt.date(2000, 12, 31)
    dec28 = rows["Dec 28"]
    assert (dec28["phone"], dec28["sms"], dec28["zalo"], dec28["email"], dec28["points"]) == (
        "0912 345 678",
        True,
        False,
        True,
        0,
    )
    assert list(dec28) == list(COLUMNS) and report["customers"] == 3


@pytest.mark.postgres
def test_the_same_window_on_postgresql(pg_database):  # noqa: F811
    build_year_end()
    assert names(run(dt.date(2025, 12, 28))) == ["Dec 28", "Dec 31", "Jan 3"]
    assert names(run(dt.date(2025, 12, 29), days=7)) == ["Registered later", "Dec 31", "Jan 3", "Jan 4"]
    assert names(run(dt.date(2025, 3, 1), month=2)) == []


def test_the_as_of_cut_and_status(database):
    build_year_end()
    # on 12-29 "Registered later" exists (registered that morning); the archived one never shows
    assert names(run(dt.date(2025, 12, 29))) == ["Registered later", "Dec 31", "Jan 3", "Jan 4"]
    assert names(run(dt.date(2025, 12, 29), days=1)) == ["Registered later"]


def test_29_february_is_celebrated_on_the_28th_in_other_years(database):
    register("Leap", "2004-02-29")
    register("Feb 28", "1980-02-28")
    register("Mar 1", "1970-03-01")
    # 2025 has no 29 February: 02-22 .. 02-28 holds the leap baby's day
    report = run(dt.date(2025, 2, 22))
    assert names(report) == ["Feb 28", "Leap"]
    leap = report["rows"][1]
    assert (leap["celebrates_on"], leap["age"], leap["days_until"]) == (dt.date(2025, 2, 28), 21, 6)
    assert names(run(dt.date(2025, 2, 21))) == []  # 02-21 .. 02-27
    assert names(run(dt.date(2025, 3, 1))) == ["Mar 1"]
    # 2028 has one: the 28th is not the leap baby's day, the 29th is
    assert names(run(dt.date(2028, 2, 22))) == ["Feb 28"]
    leap_year = run(dt.date(2028, 2, 23))
    assert names(leap_year) == ["Feb 28", "Leap"]
    assert (leap_year["rows"][1]["celebrates_on"], leap_year["rows"][1]["age"]) == (dt.date(2028, 2, 29), 24)
    # a month: February of the next year when the as-of day is past it
    february = run(dt.date(2025, 3, 10), month=2)
    assert (february["first_day"], february["last_day"]) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert [(row["name"], row["celebrates_on"], row["age"]) for row in february["rows"]] == [
        ("Feb 28", dt.date(2026, 2, 28), 46),
        ("Leap", dt.date(2026, 2, 28), 22),
    ]


def test_a_whole_month(database):
    build_year_end()
    register("Mar 1", "1970-03-01")
    # the as-of month itself: all of it, the days already past included
    march = run(dt.date(2025, 3, 10), month="3")
    assert names(march) == ["Mar 1"] and march["rows"][0]["days_until"] == -9
    december = run(dt.date(2025, 3, 10), month=12)
    assert names(december) == ["Dec 27", "Dec 28", "Dec 31"]
    january = run(dt.date(2025, 3, 10), month=1)  # next year's
    assert [(row["name"], row["age"]) for row in january["rows"]] == [("Jan 3", 56), ("Jan 4", 55)]


def test_points_balance_as_of_the_day(database):
    fan = register("Fan", "1990-06-15")
    checkout.record_sale(SaleInput(customer=fan, amount=50_000, at=at("2025-06-01 10:00")))
    checkout.record_sale(SaleInput(customer=fan, amount=30_000, at=at("2025-06-11 10:00")))  # after the as-of day
    points.adjust_points(fan, 7, "welcome gift", at=at("2025-05-01 10:00"))
    assert run(dt.date(2025, 6, 10))["rows"][0]["points"] == 5 + 7


def test_stores_and_paging(database):
    branch = stores.add_store("B2", "Branch")
    register("Main", "1990-06-15")
    customers.register(
        {"name": "Branch", "birthday": "1990-06-16", "store": branch}, registered_at=at("2020-01-01 09:00")
    )
    register("Main too", "1990-06-17")
    assert names(birthdays(ReportQuery(as_of=dt.date(2025, 6, 15), stores=["B2"]))) == ["Branch"]
    page = run(dt.date(2025, 6, 15), limit=1, offset=1)
    assert names(page) == ["Branch"] and page["customers"] == 3


def test_options_are_checked(database):
    for bad in ({"days": 0}, {"days": 367}, {"days": "x"}, {"month": 13}, {"month": 0}, {"days": 3, "month": 2}):
        with pytest.raises(UsageError):
            run(dt.date(2025, 1, 1), **bad)
    everyone = register("Any day", "1990-09-09")
    assert names(run(dt.date(2025, 1, 1), days=366)) == [everyone.name]


def test_no_data(database):
    report = run(dt.date(2025, 1, 1))
    assert report["rows"] == [] and report["customers"] == 0


# -- the command line ------------------------------------------------------------------------------


def test_cli_json_and_csv(database, db_path, shoptui):
    build_year_end()
    database.close()
    code, out, err = shoptui("--db", str(db_path), "report", "birthdays", "--as-of", "2025-12-28", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["first_day"], data["last_day"]) == ("2025-12-28", "2026-01-03")
    assert [(row["name"], row["celebrates_on"], row["age"]) for row in data["rows"]] == [
        ("Dec 28", "2025-12-28", 40),
        ("Dec 31", "2025-12-31", 25),
        ("Jan 3", "2026-01-03", 56),
    ]
    code, out, _err = shoptui(
        "--db", str(db_path), "report", "birthdays", "--as-of", "2025-03-10", "--month", "12", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == list(COLUMNS) and [row[1] for row in rows[1:]] == ["Dec 27", "Dec 28", "Dec 31"]
    code, out, _err = shoptui(
        "--db", str(db_path), "report", "birthdays", "--as-of", "2025-06-01", "--days", "2", "--format", "csv"
    )
    assert code == 0 and out.splitlines() == [",".join(COLUMNS)]  # nobody: the header alone
    code, _out, err = shoptui("--db", str(db_path), "report", "birthdays", "--month", "13")
    assert code == 2 and err.strip() == "--month must be between 1 and 12."
