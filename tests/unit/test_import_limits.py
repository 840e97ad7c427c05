"""Numbers too large for a 64-bit integer (or for any small shop) reject their row, never the import."""

from __future__ import annotations

import csv

import pytest

from shoptui.errors import ValidationError
from shoptui.io import values as cells
from shoptui.io.importer import import_file
from shoptui.models import Customer, Receipt
from shoptui.money import MAX_MINOR, parse_money

HUGE = "99999999999999999999"


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def counts(report):
    return tuple(report.counts[k] for k in ("imported", "updated", "unchanged", "rejected"))


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_huge_debt_rejects_its_row_and_keeps_the_others(database, tmp_path, dry_run):
    path = write_csv(
        tmp_path / "kv.csv",
        [
            ["Mã khách hàng", "Tên khách hàng", "Nợ cần thu hiện tại", "Điểm hiện tại"],
            ["KH001", "An", "50.000", "10"],
            ["KH002", "Bình", HUGE, ""],
            ["KH003", "Chi", "", HUGE],
            ["KH004", "Dũng", "", ""],
        ],
    )
    report = import_file("customers", path, dry_run=dry_run)
    assert counts(report) == (2, 0, 0, 2)
    # Each rejected row by its line in the file (the header is row 1), its column and value.
    assert report.messages == [
        f"row 3: Nợ cần thu hiện tại: {HUGE} is too large an amount.",
        f"row 4: Điểm hiện tại: {HUGE} is too large a number.",
    ]
    if not dry_run:
        assert sorted(c.code for c in Customer.select()) == ["KH001", "KH004"]


def test_huge_sale_fields_reject_the_row(database, tmp_path):
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "total", "sku", "qty", "price"],
            ["1", "2024-03-05 10:00", "125.000", "", "", ""],
            ["5", "2024-03-05 10:04", "1000", "A1", "999999", str(10**15)],
            ["2", "2024-03-05 10:01", HUGE, "", "", ""],
            ["3", "2024-03-05 10:02", "1000", "A1", HUGE, "1000"],
            ["4", "2024-03-05 10:03", "1000", "A1", "1", HUGE],
        ],
    )
    report = import_file("sales", path)
    assert report.counts["rejected"] == 4 and report.counts["imported"] == 1
    assert [r.number for r in Receipt.select()] == ["1"]


@pytest.mark.parametrize("typed", [HUGE, str(MAX_MINOR + 1), "-" + HUGE, 10**19, 1e25])
def test_parse_money_refuses_amounts_over_the_limit(typed):
    with pytest.raises(ValidationError, match="too large") as caught:
        parse_money(typed, "VND", field="credit_limit")
    assert caught.value.field == "credit_limit"


def test_the_limit_itself_is_an_amount():
    assert parse_money(str(MAX_MINOR), "VND") == MAX_MINOR
    assert parse_money("9.000.000.000,00", "EUR") == MAX_MINOR  # 900,000,000,000 cents


def test_whole_numbers_and_quantities_have_a_ceiling():
    with pytest.raises(ValidationError, match="too large"):
        cells.parse_int(HUGE)
    with pytest.raises(ValidationError, match="too large"):
        cells.parse_quantity(HUGE)
    assert cells.parse_int("1.000.000") == 1_000_000


def test_forms_show_a_huge_amount_or_points_on_the_field(database):
    from screens.widgets.form_values import read_money, read_percent, read_whole

    for read, field in ((read_money, "credit_limit"), (read_whole, "amount"), (read_percent, "discount_bp")):
        with pytest.raises(ValidationError) as caught:
            read(HUGE, field)
        assert caught.value.field == field and HUGE in str(caught.value)
    assert read_whole("−1.500", "amount") == -1500
