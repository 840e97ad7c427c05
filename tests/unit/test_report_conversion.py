"""The conversion report on a hand-made shop of two stores: visitors → receipts → card receipts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from shoptui.cli import main
from shoptui.errors import NotFound, UsageError
from shoptui.reports import Money, Share
from shoptui.reports.conversion import COLUMNS, conversion
from shoptui.reports.query import ReportQuery
from shoptui.services import visits
from shoptui.services.stores import get_store
from tests.builders import CONVERSION_AS_OF as AS_OF
from tests.builders import at
from tests.builders import conversion_shop as build_shop


def row(store, date, hour, visitors, receipts, identified, revenue, conversion_):
    return {
        "store": store,
        "date": dt.date.fromisoformat(date),
        "hour": hour,
        "visitors": visitors,
        "receipts": receipts,
        "identified_receipts": identified,
        "revenue": revenue,
        "conversion": conversion_,
    }


BY_DAY = [
    row("B2", "2025-03-01", None, 4, 1, 0, 20_000, 0.25),
    row("B2", "2025-03-05", None, 3, 0, 0, 0, 0.0),
    row("B2", "2025-03-06", None, 0, 1, 1, -15_000, None),
    row("MAIN", "2025-03-01", None, 30, 3, 2, 180_000, 0.1),
    row("MAIN", "2025-03-02", None, 0, 1, 1, 30_000, None),
    row("MAIN", "2025-03-03", None, 7, 0, 0, 0, 0.0),
]

BY_HOUR = [
    row("B2", "2025-03-01", 12, 4, 1, 0, 20_000, 0.25),
    row("B2", "2025-03-05", 8, 3, 0, 0, 0, 0.0),
    row("B2", "2025-03-06", 9, 0, 1, 1, -15_000, None),
    row("MAIN", "2025-03-01", 9, 10, 1, 1, 100_000, 0.1),
    row("MAIN", "2025-03-01", 10, 20, 2, 1, 80_000, 0.1),
    row("MAIN", "2025-03-02", 11, 0, 1, 1, 30_000, None),
    row("MAIN", "2025-03-03", 15, 7, 0, 0, 0, 0.0),
]


def run(**kwargs) -> list[dict]:
    kwargs.setdefault("as_of", AS_OF)
    return conversion(ReportQuery(**kwargs))["rows"]


def test_by_day(database):
    build_shop()
    rows = run()
    assert rows == BY_DAY
    assert isinstance(rows[0]["revenue"], Money) and isinstance(rows[0]["conversion"], Share)
    assert rows[2]["conversion"] is None  # receipts without visitors: no value, not 0


def test_by_hour(database):
    build_shop()
    assert run(options={"by": "hour"}) == BY_HOUR


def test_as_of_cut_period_and_stores(database):
    build_shop()
    assert run(as_of=dt.date(2025, 3, 2)) == [BY_DAY[0], BY_DAY[3], BY_DAY[4]]
    assert run(date_from=dt.date(2025, 3, 2), date_to=dt.date(2025, 3, 5)) == [BY_DAY[1], BY_DAY[4], BY_DAY[5]]
    assert run(stores=["main"]) == BY_DAY[3:]
    later = run(as_of=dt.date(2025, 3, 11), stores=["MAIN"])
    assert later[-1] == row("MAIN", "2025-03-11", None, 99, 1, 1, 77_000, round(1 / 99, 4))


def test_an_hour_counted_with_nobody_in_shows_zero_visitors_and_no_conversion(database):
    store = get_store("MAIN")
    visits.record_reading(store, "door", 5, at=at("2025-03-01 09:10"))
    visits.record_reading(store, "door", 5, at=at("2025-03-01 10:10"))  # the counter ran; nobody came
    assert run(options={"by": "hour"}) == [
        row("MAIN", "2025-03-01", 9, 5, 0, 0, 0, 0.0),
        row("MAIN", "2025-03-01", 10, 0, 0, 0, 0, None),
    ]


def test_no_data_and_bad_options(database):
    assert run() == [] and run(options={"by": "hour"}) == []
    with pytest.raises(UsageError):
        run(options={"by": "week"})
    with pytest.raises(NotFound):
        run(stores=["NOWHERE"])


@pytest.mark.postgres
def test_the_same_shop_on_postgresql(pg_database):
    build_shop()
    assert run() == BY_DAY
    assert run(options={"by": "hour"}) == BY_HOUR
    assert run(date_from=dt.date(2025, 3, 2), date_to=dt.date(2025, 3, 5)) == [BY_DAY[1], BY_DAY[4], BY_DAY[5]]


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


def test_cli_json_by_hour(shop, capsys):
    code, out, err = cli(
        capsys,
        "--db",
        str(shop),
        "report",
        "conversion",
        "--as-of",
        "2025-03-10",
        "--by",
        "hour",
        "--store",
        "MAIN",
        "--format",
        "json",
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["rows"]
    assert data["rows"][0] == {
        "store": "MAIN",
        "date": "2025-03-01",
        "hour": 9,
        "visitors": 10,
        "receipts": 1,
        "identified_receipts": 1,
        "revenue": "100000",
        "conversion": 0.1,
    }
    assert data["rows"][2]["conversion"] is None and data["rows"][2]["visitors"] == 0
    assert [r["hour"] for r in data["rows"]] == [9, 10, 11, 15]


def test_cli_csv_by_day_and_empty(shop, capsys):
    code, out, _err = cli(capsys, "--db", str(shop), "report", "conversion", "--as-of", "2025-03-10", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == ["B2", "2025-03-01", "", "4", "1", "0", "20000", "0.25"]
    assert rows[3] == ["B2", "2025-03-06", "", "0", "1", "1", "-15000", ""]
    code, out, _err = cli(capsys, "--db", str(shop), "report", "conversion", "--as-of", "2024-12-31", "--format", "csv")
    assert code == 0 and list(csv.reader(io.StringIO(out))) == [list(COLUMNS)]


def test_a_store_hour_whose_receipts_were_deleted_or_moved_is_no_slot(database):
    """Receipts come from the store-hour sums (migration 0005), which keep a row of zeros."""
    from shoptui.models import Receipt
    from shoptui.services import stores

    main = stores.ensure_main_store()
    at = dt.datetime(2025, 3, 4, 10, 30)
    receipt = Receipt.create(
        store=main, number="X1", kind="sale", at=at, subtotal=500, discount=0, total=500, created_at=at
    )
    rows = conversion(ReportQuery(as_of=AS_OF, options={"by": "hour"}))["rows"]
    assert [(r["date"], r["hour"], r["receipts"], r["revenue"]) for r in rows] == [(dt.date(2025, 3, 4), 10, 1, 500)]
    Receipt.update(at=at.replace(hour=11)).where(Receipt.id == receipt.id).execute()
    rows = conversion(ReportQuery(as_of=AS_OF, options={"by": "hour"}))["rows"]
    assert [(r["hour"], r["receipts"]) for r in rows] == [(11, 1)]
    Receipt.delete().where(Receipt.id == receipt.id).execute()
    assert conversion(ReportQuery(as_of=AS_OF))["rows"] == []
