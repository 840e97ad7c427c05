"""``import visits`` (store-hours, re-import replaces) and ``import products`` (upsert by sku)."""

from __future__ import annotations

import csv
import datetime as dt

from shoptui.io.importer import import_file
from shoptui.models import Product, VisitCount
from shoptui.services import visits
from shoptui.services.stores import add_store


def write_csv(path, rows, delimiter=",", encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


def counts(report):
    return tuple(report.counts[k] for k in ("imported", "updated", "unchanged", "rejected"))


def imported_hours():
    return {
        (v.store.code, v.hour): (v.visitors_in, v.visitors_out)
        for v in VisitCount.select().where(VisitCount.source == "import")
    }


def test_visits_by_hour_in_russian_and_re_import_replaces_the_hour(database, tmp_path):
    add_store("HN2", "Hà Nội 2")
    path = write_csv(
        tmp_path / "v.csv",
        [
            ["Магазин", "Дата", "Час", "Вход", "Выход"],
            ["MAIN", "01.03.2024", "10", "5", "4"],
            ["", "01.03.2024", "10:30", "3", ""],  # the only-store default is MAIN here; minutes are ignored
            ["hn2", "01.03.2024 11:15", "", "7", "7"],
            ["XX", "01.03.2024", "12", "1", "1"],
            ["MAIN", "01.03.2024", "13", "-1", "0"],
        ],
        delimiter=";",
        encoding="cp1251",
    )
    report = import_file("visits", path)
    assert counts(report) == (2, 0, 0, 2)
    assert report.messages == [
        "row 5: There is no store XX; add it first with `shoptui stores add`.",
        "row 6: Вход: -1 may not be negative.",
    ]
    assert imported_hours() == {
        ("MAIN", dt.datetime(2024, 3, 1, 10)): (8, 4),
        ("HN2", dt.datetime(2024, 3, 1, 11)): (7, 7),
    }
    assert counts(import_file("visits", path)) == (0, 0, 2, 2)

    corrected = write_csv(tmp_path / "v2.csv", [["store", "datetime", "in"], ["MAIN", "2024-03-01 10:00", "6"]])
    assert counts(import_file("visits", corrected)) == (0, 1, 0, 0)
    assert imported_hours()[("MAIN", dt.datetime(2024, 3, 1, 10))] == (6, 0)
    assert VisitCount.select().where(VisitCount.source == "import").count() == 2


def test_an_imported_hour_wins_over_the_counter(database, tmp_path):
    visits.record_reading(1, "door", 3, at=dt.datetime(2024, 3, 1, 10, 5), cumulative=False)
    write_csv(tmp_path / "v.csv", [["datetime", "in"], ["2024-03-01 10:00", "9"]])
    import_file("visits", tmp_path / "v.csv")
    (row,) = visits.visits_by_hour_query().dicts()
    assert (row["visitors_in"], row["imported"]) == (9, 1)


def test_products_upsert_by_sku(database, tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        [
            ["Artikelnummer", "EAN", "Bezeichnung", "Warengruppe", "Preis"],
            ["A1", "4006381333931", "Stift", "Büro", "12.500"],
            ["A2", "4006381333931", "Heft", "Büro", "2.000"],
            ["A3", "", "Block", "", "3000"],
            ["", "", "Nameless", "", "1"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    report = import_file("products", path)
    assert counts(report) == (2, 0, 0, 2)
    assert report.messages == [
        "row 3: Barcode 4006381333931 already belongs to product A1.",
        "row 5: Artikelnummer is empty.",
    ]
    assert {p.sku: (p.barcode, p.name, p.group, p.price) for p in Product.select()} == {
        "A1": ("4006381333931", "Stift", "Büro", 12500),
        "A3": (None, "Block", "", 3000),
    }
    assert counts(import_file("products", path)) == (0, 0, 2, 2)
    changed = write_csv(tmp_path / "p2.csv", [["sku", "price", "name"], ["A1", "13000", ""], ["A4", "", ""]])
    assert counts(import_file("products", changed)) == (1, 1, 0, 0)
    a1, a4 = Product.get(Product.sku == "A1"), Product.get(Product.sku == "A4")
    assert (a1.price, a1.name) == (13000, "Stift") and (a4.name, a4.price) == ("A4", 0)


def test_a_price_that_is_no_amount_is_said_like_every_other_cell(database, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["Mã hàng", "Tên hàng", "Giá bán"], ["SP1", "Trà", "12abc"]])
    report = import_file("products", path)
    assert report.messages == ["row 2: Giá bán: 12abc is not an amount."]
