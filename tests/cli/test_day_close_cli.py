"""``shoptui day-close``: the Day close screen's figures for a day, a user and a store, as a
table or CSV, to standard output or a file; exit 2 for bad usage, 1 for an unknown user
or store, each one sentence."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from shoptui.cli import main
from shoptui.services import checkout, customers, debts, sale_return, settings, stores, users, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput
from tests.actors import SYSTEM

DAY = dt.date(2025, 3, 1)


def at(hour: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


@pytest.fixture
def shop(database, db_path):
    """Minh sells at MAIN, Lan at B2, on DAY; one sale of Minh's the day before."""
    minh = users.add_user("Minh", "cashier", "1111", SYSTEM)
    lan = users.add_user("Lan", "cashier", "2222", SYSTEM)
    b2 = stores.add_store("B2", "Second store", actor=SYSTEM)
    an = customers.register({"name": "An", "discount_bp": 1_000}, actor=SYSTEM).customer
    as_minh, as_lan = Actor(user=minh), Actor(user=lan, store=b2)
    sale = checkout.record_sale(
        SaleInput(customer=an, amount=100_000, card=40_000, credit=20_000, at=at(9)), as_minh
    ).receipt
    checkout.record_sale(SaleInput(amount=50_000, at=at(10)), as_minh)
    checkout.record_sale(SaleInput(amount=70_000, at=at(11)), as_lan)
    sale_return.record_return(sale, 9_000, actor=as_minh, at=at(12))
    debts.take_payment(an, 5_000, "transfer", as_minh, at=at(13))
    vouchers.top_up_gift_card("GIFT-1", 60_000, "cash", as_minh, at=at(14))
    checkout.record_sale(SaleInput(amount=30_000, at=at(9, DAY - dt.timedelta(days=1))), as_minh)
    database.close()
    return db_path


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_everyone_as_a_table(shop, shoptui):
    code, out, err = shoptui("--db", str(shop), "day-close", "--date", "2025-03-01")
    assert code == 0 and err == ""
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert lines[0] == "Day close 2025-03-01 — everyone"
    # 100,000 less An's 10% = 90,000 (9 a.m.), 50,000, 70,000: 3 sales, 210,000.
    assert "Sales 3 ₫210,000" in lines and "Discounts given ₫10,000" in lines
    assert "Returns 1 ₫9,000" in lines and "Debt payments 1 ₫5,000" in lines
    assert "Payments by method (sales less returns)" in lines and "Debt payments by method" in lines
    # The return of 9,000 takes 9,000 off the credit part before any cash.
    assert "bank card ₫40,000" in lines and "on credit ₫11,000" in lines and "cash ₫150,000" in lines
    assert "transfer ₫5,000" in lines
    assert "Gift cards sold or topped up 1 ₫60,000" in lines and "Gift cards sold or topped up, by method" in lines


def test_one_user_as_csv_to_a_file(shop, shoptui, tmp_path):
    target = tmp_path / "close.csv"
    code, out, err = shoptui(
        "--db", str(shop), "day-close", "--date", "2025-03-01", "--user", "Minh", "--format", "csv", "-o", str(target)
    )
    assert (code, out, err) == (0, "", "")
    assert rows_of(target.read_text(encoding="utf-8")) == [
        ["section", "what", "count", "amount"],
        ["day", "2025-03-01", "", ""],
        ["user", "Minh", "", ""],
        ["store", "", "", ""],
        ["receipts", "sales", "2", "140000"],
        ["receipts", "discounts", "", "10000"],
        ["receipts", "returns", "1", "9000"],
        ["debt", "payments", "1", "5000"],
        ["gift_cards", "sold", "1", "60000"],
        ["payments", "card", "", "40000"],
        ["payments", "cash", "", "80000"],
        ["payments", "credit", "", "11000"],
        ["debt_payments", "transfer", "", "5000"],
        ["gift_card_payments", "cash", "", "60000"],
    ]


def test_a_store_narrows_the_receipts(shop, shoptui):
    code, out, _err = shoptui(
        "--db", str(shop), "day-close", "--date", "2025-03-01", "--store", "b2", "--format", "csv"
    )
    assert code == 0
    rows = rows_of(out)
    assert ["store", "B2", "", ""] in rows and ["receipts", "sales", "1", "70000"] in rows
    assert ["payments", "cash", "", "70000"] in rows and ["receipts", "returns", "0", "0"] in rows
    code, out, _err = shoptui("--db", str(shop), "day-close", "--date", "2025-03-01", "--store", "B2")
    assert out.splitlines()[0] == "Day close 2025-03-01 — everyone in store B2"


def test_the_day_defaults_to_today(database, db_path, shoptui):
    checkout.record_sale(SaleInput(amount=12_000))
    database.close()
    code, out, _err = shoptui("--db", str(db_path), "day-close", "--format", "csv")
    assert code == 0
    rows = rows_of(out)
    assert rows[1][1] == dt.date.today().isoformat() and ["receipts", "sales", "1", "12000"] in rows


def test_euro_amounts_are_written_with_cents(database, db_path, shoptui):
    settings.set_value("currency", "EUR")
    checkout.record_sale(SaleInput(amount=1_250, card=250, at=at(9)))
    database.close()
    code, out, _err = shoptui("--db", str(db_path), "day-close", "--date", "2025-03-01", "--format", "csv")
    assert code == 0
    rows = rows_of(out)
    assert ["receipts", "sales", "1", "12.50"] in rows and ["payments", "card", "", "2.50"] in rows
    code, out, _err = shoptui("--db", str(db_path), "day-close", "--date", "2025-03-01")
    assert "€12.50" in out


def test_the_command_shows_what_the_screen_shows(shop, shoptui):
    """The screen and the command draw the same ``figures``; the table has every one."""
    from shoptui.db import open_database
    from shoptui.services import day_close

    code, out, _err = shoptui("--db", str(shop), "day-close", "--date", "2025-03-01", "--user", "Minh")
    assert code == 0
    database = open_database(f"sqlite:///{shop}")
    try:
        report = day_close.day_close(DAY, users.get_user("Minh").id)
        figures = day_close.figures(report)
    finally:
        database.close()
    lines = [line.split() for line in out.splitlines()[2:] if line.strip()]
    amounts = [line[-1] for line in lines if line[-1].startswith("₫")]
    assert amounts == [f"₫{figure.amount:,}" for figure in figures]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--date", "2025-13-45"), 2, "2025-13-45 is not a date; write it as YYYY-MM-DD."),
        (("--date", "yesterday"), 2, "yesterday is not a date; write it as YYYY-MM-DD."),
        (("--format", "json"), 2, "json"),
        (("--user", "Nobody"), 1, "There is no user Nobody."),
        (("--store", "XX"), 1, "There is no store XX."),
    ],
)
def test_bad_usage_and_unknown_names_are_one_sentence(shop, shoptui, args, code, message):
    got, out, err = shoptui("--db", str(shop), "day-close", *args)
    assert got == code and out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in err


def test_help_names_every_option(capsys):
    with pytest.raises(SystemExit) as done:
        main(["day-close", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for option in ("--date", "--user", "--store", "--format", "--output", "Example:"):
        assert option in out
