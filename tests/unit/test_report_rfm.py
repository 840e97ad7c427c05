"""The rfm report on a small shop whose every score is worked out by hand below."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import random

import peewee as pw
import pytest
from peewee import fn

from shoptui.errors import UsageError
from shoptui.models import Customer
from shoptui.reports import Money, Share, load
from shoptui.reports.query import ReportQuery
from shoptui.reports.rfm import (
    COLUMNS,
    SEGMENT_MAP,
    SEGMENTS,
    ntile,
    rfm,
    segment_for,
    segment_of,
    tile_of,
)
from tests.builders import RFM_AS_OF as AS_OF
from tests.builders import rfm_register as register
from tests.builders import rfm_sell as sell
from tests.builders import rfm_shop as build_shop

# The PostgreSQL fixtures live with the PostgreSQL tests; importing them makes them usable here.


def run(**kwargs) -> dict:
    kwargs.setdefault("as_of", AS_OF)
    return rfm(ReportQuery(**kwargs))


def segments(report: dict) -> dict[str, tuple[int, int]]:
    """The segments that have customers, as (customers, revenue)."""
    return {
        name: (value["customers"], int(value["revenue"]))
        for name, value in report["segments"].items()
        if value["customers"]
    }


# With six customers NTILE(5) puts the first two positions in tile 1, then one per tile.
# R by last day: D, C | G | E | A | B.  F: B | D, G (tied at 2: positions 2 and 3, tiles
# 1 and 2, so both 1) | A | E | C.  M: B, D | G | E | A | C.  FM = (F + M + 1) // 2.
EXPECTED_SCORES = {
    "A": (4, 3, 4, "loyal"),  # FM 4
    "B": (5, 1, 1, "new"),  # FM 1
    "C": (1, 5, 5, "cant_lose"),  # FM 5
    "D": (1, 1, 1, "lost"),
    "E": (3, 4, 3, "loyal"),  # FM 4
    "G": (2, 1, 2, "hibernating"),  # FM 2
}
EXPECTED_SEGMENTS = {
    "loyal": (2, 240_000),
    "new": (1, 10_000),
    "cant_lose": (1, 1_000_000),
    "lost": (1, 20_000),
    "hibernating": (1, 30_000),
}


def test_scores_and_segments_of_a_hand_computed_shop(database):
    people = build_shop()
    report = run(options={"details": True})
    assert report["customers"] == 6 and report["revenue"] == Money(1_300_000)
    assert isinstance(report["revenue"], Money)
    assert list(report["segments"]) == list(SEGMENTS)  # every segment, in the map's order
    assert segments(report) == EXPECTED_SEGMENTS
    loyal = report["segments"]["loyal"]
    assert loyal["customers_share"] == Share(0.3333) and loyal["revenue_share"] == Share(0.1846)
    assert isinstance(loyal["revenue_share"], Share)
    rows = {row["name"]: row for row in report["rows"]}
    assert [row["name"] for row in report["rows"]] == ["C", "A", "E", "G", "D", "B"]  # biggest spenders first
    for name, (r, f, m, segment) in EXPECTED_SCORES.items():
        assert (rows[name]["r"], rows[name]["f"], rows[name]["m"], rows[name]["segment"]) == (r, f, m, segment), name
    assert {name: (row["recency"], row["frequency"], int(row["monetary"])) for name, row in rows.items()} == {
        "A": (1, 3, 200_000),
        "B": (0, 1, 10_000),
        "C": (49, 5, 1_000_000),
        "D": (88, 2, 20_000),
        "E": (16, 4, 40_000),
        "G": (26, 2, 30_000),
    }
    assert rows["D"]["last_purchase"] == dt.date(2025, 1, 2) and rows["B"]["last_purchase"] == AS_OF
    assert rows["A"]["phone"] == "0912 340 000" and rows["A"]["code"] == people["A"].code
    assert report["rows_total"] == 6 and set(report["rows"][0]) == set(COLUMNS)


@pytest.mark.postgres
def test_the_same_scores_on_postgresql(pg_database):  # noqa: F811
    build_shop()
    report = run(options={"details": True})
    assert segments(report) == EXPECTED_SEGMENTS
    rows = {row["name"]: (row["r"], row["f"], row["m"], row["segment"]) for row in report["rows"]}
    assert rows == EXPECTED_SCORES
    assert segments(run(date_from=dt.date(2025, 3, 1))) == EXPECTED_MARCH


# From 03-01: A (3, 200000, last 03-30), B (1, 10000, 03-31), E (4, 40000, 03-15) and G, whose
# March is a sale of 10000 and a return of 80000 of a February sale: −70000. Four customers:
# tiles 1-4. R: G, E, A, B. F: B, G tied (1) | A | E. M: G, B, E, A.
EXPECTED_MARCH = {
    "loyal": (1, 200_000),
    "potential_loyalists": (1, 10_000),
    "at_risk": (1, 40_000),
    "lost": (1, -70_000),
}


def test_a_period_can_give_negative_spend_when_returns_outweigh_sales(database):
    build_shop()
    report = run(date_from=dt.date(2025, 3, 1), options={"details": True})
    assert report["customers"] == 4 and report["revenue"] == 180_000
    assert segments(report) == EXPECTED_MARCH
    g = next(row for row in report["rows"] if row["name"] == "G")
    assert (g["frequency"], g["monetary"], g["r"], g["f"], g["m"]) == (1, Money(-70_000), 1, 1, 1)
    assert report["segments"]["lost"]["revenue_share"] == Share(round(-70 / 180, 4))


def test_as_of_cut(database):
    build_shop()
    report = run(as_of=dt.date(2025, 3, 30), options={"details": True})
    assert report["customers"] == 5  # B's first sale is on 03-31
    assert "B" not in {row["name"] for row in report["rows"]}
    later = run(as_of=dt.date(2025, 4, 1), options={"details": True})
    b = next(row for row in later["rows"] if row["name"] == "B")
    assert (b["frequency"], b["monetary"], b["recency"]) == (2, 1_009_000, 0)


def test_segment_filter_and_paging(database):
    build_shop()
    loyal = run(options={"segment": "loyal"})
    assert [row["name"] for row in loyal["rows"]] == ["A", "E"] and loyal["rows_total"] == 2
    page = run(options={"details": True, "limit": 2, "offset": 1})
    assert [row["name"] for row in page["rows"]] == ["A", "E"] and page["rows_total"] == 6
    loyal_page = run(options={"segment": "loyal", "limit": 1, "offset": 1})
    assert [row["name"] for row in loyal_page["rows"]] == ["E"] and loyal_page["rows_total"] == 2
    assert "rows" not in run()  # without details: the segments only
    with pytest.raises(UsageError, match="champs"):
        run(options={"segment": "champs"})
    with pytest.raises(UsageError):
        run(options={"details": True, "limit": 0})


def test_segment_of_matches_the_report(database):
    people = build_shop()
    for name, (r, f, m, segment) in EXPECTED_SCORES.items():
        found = segment_of(people[name], ReportQuery(as_of=AS_OF))
        assert (found.r, found.f, found.m, found.segment) == (r, f, m, segment), name
    e = segment_of(people["E"].id, ReportQuery(as_of=AS_OF))
    assert (e.recency, e.frequency, e.monetary) == (16, 4, 40_000)
    assert segment_of(people["H"], ReportQuery(as_of=AS_OF)) is None  # never bought
    march = segment_of(people["G"], ReportQuery(as_of=AS_OF, date_from=dt.date(2025, 3, 1)))
    assert (march.segment, march.monetary) == ("lost", -70_000)


def test_one_customer_and_no_customer(database):
    empty = run(options={"details": True})
    assert empty["customers"] == 0 and empty["revenue"] == 0 and empty["rows"] == []
    assert all(value["customers"] == 0 and value["customers_share"] == 0 for value in empty["segments"].values())
    alone = register("Alone")
    sell(alone, 10_000, "2025-03-01 10:00")
    # scores are relative: a lone customer is in the first tile of everything
    assert segments(run()) == {"lost": (1, 10_000)}
    assert segment_of(alone, ReportQuery(as_of=AS_OF)).segment == "lost"


def test_the_segment_map_covers_every_score_once():
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        fm = (f + m + 1) // 2
        owners = [name for name, (r0, r1), (fm0, fm1) in SEGMENT_MAP if r0 <= r <= r1 and fm0 <= fm <= fm1]
        assert owners == [segment_for(r, f, m)]
    assert segment_for(5, 5, 5) == "champions" and segment_for(1, 5, 4) == "cant_lose"
    assert segment_for(3, 3, 3) == "need_attention" and segment_for(4, 1, 1) == "promising"


def test_tile_of_rank_is_ntile_with_ties_sharing_their_lowest_tile(database):
    """The report's scores (``tile_of`` over RANK) equal SQL's NTILE(5) with the lowest tile per value."""
    rng = random.Random(5)
    for rows in list(range(1, 13)) + [23, 101]:
        values = [rng.randint(1, max(1, rows // 2)) for _ in range(rows)]
        raw = pw.ValuesList([(v,) for v in values]).alias("raw")  # its column is column1 on both databases
        table = Customer.select(raw.c.column1.alias("v")).from_(raw).alias("vals")
        ours = (
            Customer.select(table.c.v, tile_of(fn.RANK().over(order_by=[table.c.v]), fn.COUNT(pw.SQL("*")).over()))
            .from_(table)
            .tuples()
        )
        tiles = (
            Customer.select(table.c.v, fn.NTILE(5).over(order_by=[table.c.v]).alias("t")).from_(table).alias("tiles")
        )
        sql_ntile = Customer.select(tiles.c.v, fn.MIN(tiles.c.t).over(partition_by=[tiles.c.v])).from_(tiles).tuples()
        assert sorted(ours) == sorted(sql_ntile), values


def test_ntile_follows_sql():
    # 7 rows in 5 tiles: sizes 2, 2, 1, 1, 1
    assert [ntile(5, p, 7) for p in range(1, 8)] == [1, 1, 2, 2, 3, 4, 5]
    assert [ntile(5, p, 3) for p in range(1, 4)] == [1, 2, 3]
    assert [ntile(5, p, 10) for p in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture
def shop_file(database, db_path):
    build_shop()
    database.close()
    return db_path


def test_cli_json_and_csv(shop_file, shoptui):
    code, out, err = shoptui("--db", str(shop_file), "report", "rfm", "--as-of", "2025-03-31", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["customers"] == 6 and data["revenue"] == "1300000"
    assert data["segments"]["loyal"] == {
        "customers": 2,
        "revenue": "240000",
        "customers_share": 0.3333,
        "revenue_share": 0.1846,
    }
    code, out, _err = shoptui("--db", str(shop_file), "report", "rfm", "--as-of", "2025-03-31", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["section", "key", "value"]
    assert ["segments", "cant_lose.revenue", "1000000"] in rows
    code, out, _err = shoptui(
        "--db", str(shop_file), "report", "rfm", "--as-of", "2025-03-31", "--segment", "loyal", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == list(COLUMNS) and [row[1] for row in rows[1:]] == ["A", "E"]


def test_cli_empty_details_still_have_a_header(database, db_path, shoptui):
    database.close()
    code, out, _err = shoptui("--db", str(db_path), "report", "rfm", "--details", "--format", "csv")
    assert code == 0 and out.splitlines() == [",".join(COLUMNS)]
    code, _out, err = shoptui("--db", str(db_path), "report", "rfm", "--segment", "nope")
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_registered_for_the_command_line():
    spec = load("rfm")
    assert spec.build is rfm and spec.columns == COLUMNS
