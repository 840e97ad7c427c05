"""The points report on a hand-computed ledger: liability, movements, what expires next."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from shoptui import clock
from shoptui.cli import main
from shoptui.models import PointsEntry
from shoptui.reports import Money
from shoptui.reports.points import points
from shoptui.reports.query import ReportQuery
from shoptui.services import points as points_service
from shoptui.services import settings
from tests.builders import POINTS_AS_OF as AS_OF
from tests.builders import at
from tests.builders import points_register as register
from tests.builders import points_shop as build_shop


def run(**kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    return points(ReportQuery(**kwargs))


EXPECTED = {
    "points_value": 500,
    "outstanding_points": 220,  # A 150 + B 55 + C 15
    "liability": 110_000,
    "customers_with_points": 3,
    "expiry_days": 60,
    "period": {
        "earned": 175,  # A 50 + 20, B 80, C 20, D 5
        "redeemed": 20,
        "reversed": 40,
        "restored": 0,
        "expired": 40,
        "adjusted": 5,  # B +15, C −5, D −5
        "opening": 140,  # A 100, E 40
        "moved": 0,
        "net": 220,
    },
    # An expiry on 2025-04-09 cuts at 2025-02-08: A's 150 older points minus the 20
    # redeemed; C's 20 minus 5; B earned after the cut-off; D and E have nothing left.
    "expiring": {"until": dt.date(2025, 4, 9), "points": 145, "value": 72_500, "customers": 2},
}


def check(report: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert report[key] == value, key


def test_hand_computed_ledger(database):
    build_shop()
    report = run()
    check(report, EXPECTED)
    assert isinstance(report["liability"], Money) and isinstance(report["expiring"]["value"], Money)
    assert report["as_of"] == AS_OF and report["currency"] == "VND"


def test_period_narrows_movements_not_the_balance(database):
    build_shop()
    report = run(date_from=dt.date(2025, 3, 1))
    assert report["outstanding_points"] == 220
    assert report["period"] == {
        "earned": 20,
        "redeemed": 20,
        "reversed": 40,
        "restored": 0,
        "expired": 0,
        "adjusted": 10,
        "opening": 0,
        "moved": 0,
        "net": -30,
    }


def test_as_of_cut(database):
    build_shop()
    report = run(as_of=dt.date(2025, 3, 8))
    # C's −5 of 03-09 not yet: 150 + 55 + 20; expiry on 04-07 cuts at 02-06
    assert (report["outstanding_points"], report["liability"]) == (225, 112_500)
    assert report["expiring"]["points"] == 150 and report["period"]["adjusted"] == 10
    later = run(as_of=dt.date(2025, 3, 11))
    assert later["outstanding_points"] == 230 and later["period"]["earned"] == 185


def test_store_keeps_the_customers_registered_there(database):
    build_shop()
    report = run(stores=["B2"])
    assert (report["outstanding_points"], report["customers_with_points"]) == (15, 1)
    assert report["expiring"] == {"until": dt.date(2025, 4, 9), "points": 15, "value": 7_500, "customers": 1}
    assert report["period"]["earned"] == 20 and report["period"]["net"] == 15


def test_without_expiry_nothing_is_expiring(database):
    build_shop()
    settings.set_value("points_expiry_days", "0")
    report = run()
    assert report["expiry_days"] == 0
    assert report["expiring"] == {"until": dt.date(2025, 4, 9), "points": 0, "value": 0, "customers": 0}


def test_expiring_matches_what_the_expiry_run_takes(database):
    """The report's figure is exactly what ``expire_points`` posts on the 30th day."""
    build_shop()
    expected = run()["expiring"]["points"]
    # (C's 10 points of 03-11, which the report does not see, are younger than the cut-off.)
    assert points_service.expire_points(AS_OF + dt.timedelta(days=30), at=clock.end_of_day(AS_OF)) == expected


def test_a_negative_balance_does_not_lower_the_liability(database):
    build_shop()
    g = register("Giang")
    # Only an import can leave a negative balance; written here as the import would.
    PointsEntry.create(customer=g, at=at("2025-03-01 09:00"), kind="opening", points=-30)
    report = run()
    assert report["outstanding_points"] == 220 and report["customers_with_points"] == 3
    assert report["period"]["net"] == 190


def test_no_data(database):
    report = run()
    assert report["outstanding_points"] == 0 and report["liability"] == 0
    assert report["customers_with_points"] == 0 and set(report["period"].values()) == {0}
    assert report["expiring"]["points"] == 0


@pytest.mark.postgres
def test_the_same_ledger_on_postgresql(pg_database):
    build_shop()
    check(run(), EXPECTED)
    assert run(stores=["B2"])["expiring"]["points"] == 15


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def shop(database, db_path):
    build_shop()
    database.close()
    return db_path


def test_cli_json_and_csv(shop, capsys):
    assert main(["--db", str(shop), "report", "points", "--as-of", "2025-03-10", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["liability"] == "110000" and data["outstanding_points"] == 220
    assert data["expiring"] == {"until": "2025-04-09", "points": 145, "value": "72500", "customers": 2}
    assert data["period"]["earned"] == 175
    assert main(["--db", str(shop), "report", "points", "--as-of", "2025-03-10", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "key", "value"]
    assert ["summary", "liability", "110000"] in rows
    assert ["period", "redeemed", "20"] in rows and ["expiring", "value", "72500"] in rows


def test_a_liability_far_past_the_maximum_amount_is_exact_and_readable(database, db_path, capsys, tmp_path):
    """Points × the point value can pass money.MAX_MINOR (both are bounded by it, not their
    product): the product is a Python integer, never an SQL sum, so it cannot overflow, and
    every output shows that very number (the workbook to a spreadsheet's 15 digits)."""
    import openpyxl

    from shoptui.money import MAX_MINOR

    settings.set_value("points_value", str(MAX_MINOR))
    for name in ("An", "Binh", "Chi"):
        points_service.set_opening_balance(register(name), MAX_MINOR, at=at("2025-01-05 09:00"))
    database.close()
    liability = 3 * MAX_MINOR * MAX_MINOR
    assert liability > 2**63  # what a 64-bit sum could not hold
    args = ["--db", str(db_path), "report", "points", "--as-of", "2025-03-10"]
    assert main([*args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["liability"] == str(liability)
    assert main([*args, "--format", "csv"]) == 0
    assert ["summary", "liability", str(liability)] in list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert main(args) == 0
    assert f"₫{liability:,}" in capsys.readouterr().out
    assert main([*args, "--format", "xlsx", "-o", str(tmp_path / "p.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").worksheets[0]
    cell = next(row[2] for row in sheet.iter_rows(values_only=True) if row[1] == "liability")
    assert abs(cell - liability) / liability < 1e-15
