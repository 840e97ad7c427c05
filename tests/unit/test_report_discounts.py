"""The discounts report on hand-computed receipts: per product, per receipt, per customer."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from shoptui.cli import main
from shoptui.errors import UsageError
from shoptui.reports import Money, Share
from shoptui.reports.discounts import discounts
from shoptui.reports.query import ReportQuery
from tests.builders import DISCOUNTS_AS_OF as AS_OF
from tests.builders import at
from tests.builders import discounts_shop as build_shop


def receipt(store, number, kind, when, customer, subtotal, discount, total, share):
    return {
        "store": store,
        "number": number,
        "kind": kind,
        "at": at(when),
        "customer": customer,
        "subtotal": subtotal,
        "discount": discount,
        "total": total,
        "share": share,
    }


def customer(name, receipts, list_price, discount, total, share):
    return {
        "name": name,
        "receipts": receipts,
        "list_price": list_price,
        "discount": discount,
        "total": total,
        "share": share,
    }


def product(name, qty, list_price, line_discount, amount, share):
    return {
        "name": name,
        "qty": Decimal(qty),
        "list_price": list_price,
        "line_discount": line_discount,
        "amount": amount,
        "share": share,
    }


S1 = receipt("MAIN", "S1", "sale", "2025-03-01 10:00", "KH000001", 50_000, 9_000, 41_000, 0.18)
R1 = receipt("MAIN", "R1", "return", "2025-03-05 10:00", "KH000001", -19_565, -3_522, -16_043, 0.18)
S2 = receipt("MAIN", "S2", "sale", "2025-03-02 10:00", "KH000002", 30_000, 3_000, 27_000, 0.1)
S6 = receipt("B2", "S6", "sale", "2025-03-06 10:00", "KH000002", 20_000, 2_000, 18_000, 0.1)
S3 = receipt("MAIN", "S3", "sale", "2025-03-03 10:00", None, 30_000, 1_500, 28_500, 0.05)
R2 = receipt("MAIN", "R2", "return", "2025-03-05 11:00", "KH000002", -6_667, -667, -6_000, 0.1)

EXPECTED = {
    # sales 140,000 / 15,500 / 124,500 − returns 26,232 / 4,189 / 22,043
    "list_price": 113_768,
    "discount": 11_311,
    "line_discounts": 3_500,  # S1 4,000 + S3 1,500 − R1 2,000
    "receipt_discounts": 7_811,
    "total": 102_457,
    "share": 0.0994,
    "receipts": 5,
    "receipts_with_discount": 4,
    "customers_with_discount": 2,
    "by_product": {
        "RICE": product("Rice", "1", 20_000, 2_000, 18_000, 0.1),
        "MILK": product("Milk", "4", 40_000, 1_500, 38_500, 0.0375),
    },
    "by_receipt": {"MAIN/S1": S1, "MAIN/R1": R1, "MAIN/S2": S2, "B2/S6": S6, "MAIN/S3": S3, "MAIN/R2": R2},
    "by_customer": {
        "KH000001": customer("An", 1, 30_435, 5_478, 24_957, 0.18),
        "KH000002": customer("Binh", 3, 53_333, 4_333, 49_000, 0.0812),
        "anonymous": customer(None, 1, 30_000, 1_500, 28_500, 0.05),
    },
}


def run(**kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    return discounts(ReportQuery(**kwargs))


def check(report: dict, expected: dict) -> None:
    for key, value in expected.items():
        assert report[key] == value, key
        if isinstance(value, dict):
            assert list(report[key]) == list(value), f"{key}: order"


def test_hand_computed_discounts(database):
    build_shop()
    report = run()
    check(report, EXPECTED)
    assert isinstance(report["discount"], Money) and isinstance(report["share"], Share)
    assert isinstance(report["by_receipt"]["MAIN/R1"]["total"], Money)


def test_returns_bigger_than_sales_in_the_period(database):
    build_shop()
    report = run(date_from=dt.date(2025, 3, 5))
    # S6 (20,000 / 2,000 / 18,000) − R1 − R2
    assert (report["list_price"], report["discount"], report["total"]) == (-6_232, -2_189, -4_043)
    assert report["share"] == 0.0  # no list price left to be a share of
    assert (report["line_discounts"], report["receipt_discounts"]) == (-2_000, -189)
    assert report["by_product"] == {"RICE": product("Rice", "-1", -20_000, -2_000, -18_000, 0.0)}
    assert list(report["by_receipt"]) == ["MAIN/R1", "B2/S6", "MAIN/R2"]


def test_stores_as_of_and_limit(database):
    build_shop()
    b2 = run(stores=["B2"])
    assert (b2["list_price"], b2["discount"], b2["receipt_discounts"], b2["share"]) == (20_000, 2_000, 2_000, 0.1)
    assert b2["by_product"] == {} and b2["by_receipt"] == {"B2/S6": S6}
    assert b2["by_customer"] == {"KH000002": customer("Binh", 1, 20_000, 2_000, 18_000, 0.1)}
    later = run(as_of=dt.date(2025, 3, 11))
    assert later["discount"] == 11_311 + 10_000 and later["receipts"] == 6  # S5: A's 10 %
    top = run(options={"limit": "2"})
    assert list(top["by_receipt"]) == ["MAIN/S1", "MAIN/R1"] and list(top["by_customer"]) == ["KH000001", "KH000002"]
    assert top["receipts_with_discount"] == 4
    with pytest.raises(UsageError):
        run(options={"limit": "0"})


def test_no_data(database):
    report = run()
    assert (report["list_price"], report["discount"], report["share"], report["receipts"]) == (0, 0, 0.0, 0)
    assert report["by_product"] == {} and report["by_receipt"] == {} and report["by_customer"] == {}


@pytest.mark.postgres
def test_the_same_shop_on_postgresql(pg_database):
    build_shop()
    check(run(), EXPECTED)


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def shop(database, db_path):
    build_shop()
    database.close()
    return db_path


def test_cli_json_and_csv(shop, capsys):
    base = ["--db", str(shop), "report", "discounts", "--as-of", "2025-03-10"]
    assert main(base + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["discount"], data["line_discounts"], data["share"]) == ("11311", "3500", 0.0994)
    assert data["by_product"]["MILK"] == {
        "name": "Milk",
        "qty": "4",
        "list_price": "40000",
        "line_discount": "1500",
        "amount": "38500",
        "share": 0.0375,
    }
    assert (
        data["by_receipt"]["MAIN/R1"]["total"] == "-16043"
        and data["by_receipt"]["MAIN/R1"]["at"] == "2025-03-05T10:00:00"
    )
    assert data["by_customer"]["anonymous"]["discount"] == "1500"
    assert main(base + ["--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "key", "value"]
    assert ["summary", "discount", "11311"] in rows
    assert ["by_product", "RICE.line_discount", "2000"] in rows
    assert ["by_receipt", "MAIN/R1.discount", "-3522"] in rows
    assert ["by_customer", "KH000002.share", "0.0812"] in rows
    assert main(["--db", str(shop), "report", "discounts", "--as-of", "2024-01-01", "--format", "csv"]) == 0
    empty = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert empty[0] == ["section", "key", "value"] and ["summary", "discount", "0"] in empty
