"""Buyers of a product on a hand-computed shop: quantities, amounts net of returned lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from shoptui.cli import main
from shoptui.errors import NotFound, UsageError
from shoptui.reports import Money
from shoptui.reports.buyers import COLUMNS, buyers
from shoptui.reports.query import ReportQuery
from tests.builders import BUYERS_AS_OF as AS_OF
from tests.builders import at
from tests.builders import buyers_shop as build_shop


def row(code, name, phone, qty, amount, receipts, last, sms=False):
    return {
        "code": code,
        "name": name,
        "phone": phone,
        "sms": sms,
        "zalo": False,
        "facebook": False,
        "email": False,
        "qty": Decimal(qty),
        "amount": amount,
        "receipts": receipts,
        "last_purchase": at(last),
    }


A = row("KH000001", "An", "0912 345 678", "2.5", 48_000, 2, "2025-03-05 10:00", sms=True)
B = row("KH000002", "Binh", "", "1", 20_000, 2, "2025-03-02 10:00")
D = row("KH000004", "Dung", "", "1", 20_000, 1, "2025-03-02 11:00")
ANONYMOUS = row(None, "Anonymous buyers", "", "2", 36_000, 2, "2025-03-03 12:00")


def run(product="RICE", **kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    kwargs.setdefault("options", {"product": product})
    return buyers(ReportQuery(**kwargs))


def test_buyers_with_returned_lines_taken_off(database):
    build_shop()
    report = run()
    assert report["product"] == {"sku": "RICE", "name": "Rice 1 kg"}
    assert report["rows"] == [A, B, D, ANONYMOUS]
    assert isinstance(report["rows"][0]["amount"], Money)


def test_returns_bigger_than_sales_in_the_period(database):
    build_shop()
    # From March B bought 1 kg and gave back the 3 kg of February.
    b_march = row("KH000002", "Binh", "", "-2", -40_000, 1, "2025-03-02 10:00")
    assert run(date_from=dt.date(2025, 3, 1))["rows"] == [A, D, b_march, ANONYMOUS]


def test_as_of_cut_and_stores(database):
    build_shop()
    c = row("KH000003", "Chi", "", "1", 20_000, 1, "2025-03-11 10:00")
    assert run(as_of=dt.date(2025, 3, 11))["rows"] == [A, B, c, D, ANONYMOUS]
    assert run(stores=["B2"])["rows"] == [D]
    # Up to 03-05: A's second purchase counts, its returned kilo (03-06) not yet.
    early = run(as_of=dt.date(2025, 3, 5))["rows"]
    assert early[0] == row("KH000001", "An", "0912 345 678", "3.5", 66_000, 2, "2025-03-05 10:00", sms=True)


def test_product_by_barcode_and_a_sku_only_receipts_know(database):
    build_shop()
    assert run("8930000000017")["rows"] == [A, B, D, ANONYMOUS]
    loose = run("LOOSE")
    assert loose["product"] == {"sku": "LOOSE", "name": "Loose tea"}
    assert loose["rows"] == [row("KH000003", "Chi", "", "0.25", 2_000, 1, "2025-03-04 11:00")]
    assert run("MILK")["rows"][0]["code"] == "KH000001"


def test_limit_keeps_the_biggest_buyers_and_the_anonymous_total(database):
    build_shop()
    assert run(options={"product": "RICE", "limit": "1"})["rows"] == [A, ANONYMOUS]
    with pytest.raises(UsageError):
        run(options={"product": "RICE", "limit": "many"})


def test_no_buyers_unknown_and_missing_product(database):
    build_shop()
    assert run(as_of=dt.date(2025, 2, 1))["rows"] == []
    with pytest.raises(NotFound, match="There is no product NOPE"):
        run("NOPE")
    with pytest.raises(UsageError):
        run(None)


@pytest.mark.postgres
def test_the_same_shop_on_postgresql(pg_database):
    build_shop()
    assert run()["rows"] == [A, B, D, ANONYMOUS]
    assert run("LOOSE")["rows"][0]["qty"] == Decimal("0.25")


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def shop(database, db_path):
    build_shop()
    database.close()
    return db_path


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_csv_and_errors(shop, capsys):
    base = ("--db", str(shop), "report", "buyers", "--as-of", "2025-03-10")
    code, out, err = cli(capsys, *base, "--product", "RICE", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["product"] == {"sku": "RICE", "name": "Rice 1 kg"}
    assert data["rows"][0] == {
        "code": "KH000001",
        "name": "An",
        "phone": "0912 345 678",
        "sms": True,
        "zalo": False,
        "facebook": False,
        "email": False,
        "qty": "2.5",
        "amount": "48000",
        "receipts": 2,
        "last_purchase": "2025-03-05T10:00:00",
    }
    assert data["rows"][-1]["code"] is None
    code, out, _err = cli(capsys, *base, "--product", "RICE", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "KH000001",
        "An",
        "0912 345 678",
        "true",
        "false",
        "false",
        "false",
        "2.5",
        "48000",
        "2",
        "2025-03-05T10:00:00",
    ]
    code, out, _err = cli(
        capsys, "--db", str(shop), "report", "buyers", "--as-of", "2024-01-01", "--product", "RICE", "--format", "csv"
    )
    assert code == 0 and list(csv.reader(io.StringIO(out))) == [list(COLUMNS)]
    code, out, err = cli(capsys, *base)
    assert code == 2 and out == "" and err.strip() == "Name the product: add --product SKU."
    code, out, err = cli(capsys, *base, "--product", "NOPE")
    assert code == 1 and out == "" and err.strip() == "There is no product NOPE."
