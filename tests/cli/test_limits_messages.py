"""Issue 16, defects 4 and 10: amounts that overflow 64-bit sums, and internal text that
reached the user (exception names, a failed rollback, PostgreSQL's raw lines, a password)."""

from __future__ import annotations

import contextlib
import csv
import io
import sqlite3

import peewee
import pytest

from shoptui import cli
from shoptui import db as dbmod
from shoptui.errors import ValidationError
from shoptui.io import values as cells
from shoptui.money import MAX_MINOR, MAX_ROWS_SUMMED, parse_money

OVERFLOWING = "9,999,999,999,999,999"  # the amount the hostile test imported


def shoptui(*args: str) -> tuple[int, str, str]:
    """The command line in this process (a subprocess per case would cost a second each)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    line = lines[0]
    for internal in ("Error:", "Traceback", "Unexpected error", "rollback", "Exception", "DETAIL"):
        assert internal not in line, line
    return line


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return str(path)


# -- amounts ----------------------------------------------------------------------------------


def test_ten_million_receipts_at_the_maximum_sum_inside_64_bits():
    assert MAX_MINOR * MAX_ROWS_SUMMED < 2**63 - 1
    assert parse_money(str(MAX_MINOR), "VND") == MAX_MINOR


@pytest.mark.parametrize("typed", [OVERFLOWING, "9999999999999999", str(MAX_MINOR + 1), "-" + OVERFLOWING])
def test_the_amount_that_overflowed_is_refused_by_the_one_parser(typed):
    """Forms (screens/widgets/form_values.read_money), imports (io.values.parse_amount) and money
    settings all end in parse_money."""
    with pytest.raises(ValidationError, match="too large"):
        parse_money(typed, "VND", field="total")
    with pytest.raises(ValidationError, match="too large"):
        cells.parse_amount(typed, "VND")


def test_points_counts_share_the_maximum():
    assert cells.parse_int(str(MAX_MINOR)) == MAX_MINOR
    with pytest.raises(ValidationError, match="too large"):
        cells.parse_int(str(MAX_MINOR + 1))


def test_an_import_of_overflowing_totals_rejects_those_rows_and_the_reports_run(tmp_path):
    db = str(tmp_path / "shop.sqlite")
    rows = [["receipt_no", "datetime", "customer", "total", "points_redeemed"]]
    rows += [[f"B{i}", "2024-03-05 10:00", "K1", OVERFLOWING, ""] for i in range(3)]
    rows += [[f"M{i}", "2024-03-06 10:00", "K1", str(MAX_MINOR), ""] for i in range(3)]
    assert (
        shoptui(
            "--db",
            db,
            "import",
            "customers",
            write_csv(
                tmp_path / "c.csv", [["code", "name", "points", "debt"], ["K1", "An", str(MAX_MINOR), str(MAX_MINOR)]]
            ),
        )[0]
        == 0
    )
    code, out, _err = shoptui("--db", db, "import", "sales", write_csv(tmp_path / "s.csv", rows))
    assert code == 1
    assert out.splitlines()[-1] == "imported 3, updated 0, unchanged 0, rejected 3"
    assert all("too large an amount" in line for line in out.splitlines()[:3])
    assert shoptui("--db", db, "config", "set", "points_value", str(MAX_MINOR))[0] == 0
    for report in ("portrait", "discounts", "rfm", "points", "debtors", "winback"):
        code, out, err = shoptui("--db", db, "report", report, "--as-of", "2024-04-01", "--format", "json")
        assert code == 0, (report, err)
    code, out, err = shoptui("--db", db, "report", "rfm", "--as-of", "2024-04-01", "--format", "csv", "--details")
    assert str(3 * MAX_MINOR) in out


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("points_value", "99999999999999999999"),
        ("points_earn_per", "1e309"),
        ("points_earn_per", "1e20"),
        ("credit_limit_default", str(MAX_MINOR + 1)),
        ("points_min_redeem", "99999999999999999999"),
        ("points_expiry_days", "99999999999"),
    ],
)
def test_settings_refuse_values_over_the_maximum(tmp_path, key, value):
    code, _out, err = shoptui("--db", str(tmp_path / "shop.sqlite"), "config", "set", key, value)
    assert code == 1
    assert value in one_sentence(err)


def test_money_settings_accept_the_maximum(tmp_path):
    db = str(tmp_path / "shop.sqlite")
    assert shoptui("--db", db, "config", "set", "points_value", str(MAX_MINOR))[0] == 0
    assert shoptui("--db", db, "config", "set", "currency", "EUR")[0] == 0
    assert shoptui("--db", db, "config", "set", "points_value", str(MAX_MINOR // 100))[0] == 0
    assert shoptui("--db", db, "config", "set", "points_value", str(MAX_MINOR // 100 + 1))[0] == 1


# -- messages ---------------------------------------------------------------------------------


@pytest.fixture
def shop(tmp_path):
    db = str(tmp_path / "shop.sqlite")
    assert shoptui("--db", db, "config", "get", "currency")[0] == 0
    return db


@pytest.mark.parametrize(
    "args",
    [
        ["report", "portrait", "--as-of", "9999-12-31"],
        ["report", "portrait", "--as-of", "0001-01-01"],
        ["report", "conversion", "--from", "1899-12-31"],
        ["report", "debtors", "--to", "2200-01-01"],
        ["export", "month", "9999-12", "-o", "m.xlsx"],
        ["export", "month", "0001-01", "-o", "m.xlsx"],
        ["day-close", "--date", "9999-12-31"],
        ["report", "winback", "--limit", "99999999999999999999"],
        ["report", "rfm", "--details", "--limit", "0"],
        ["report", "debtors", "--limit", "10000001"],
        ["report", "winback", "--min-days", "99999999999999999999"],
        ["report", "winback", "--min-days", "36501"],
        ["report", "winback", "--min-days", "-1"],
        ["report", "winback", "--limit", "１２"],
        ["check", "--limit", "99999999999999999999"],
    ],
)
def test_dates_and_limits_out_of_range_are_usage_errors_in_one_sentence(shop, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    code, out, err = shoptui("--db", shop, *args)
    assert code == 2, err
    sentence = one_sentence(err)
    assert "1900" in sentence or "10,000,000" in sentence or "36,500" in sentence
    assert not (tmp_path / "m.xlsx").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["report", "portrait", "--as-of", "1900-01-01"],
        ["report", "portrait", "--as-of", "2199-12-31"],
        ["report", "winback", "--min-days", "36500", "--limit", "10000000"],
        ["report", "winback", "--min-days", "0", "--limit", "1"],
    ],
)
def test_the_ends_of_the_ranges_are_accepted(shop, args):
    code, _out, err = shoptui("--db", shop, *args)
    assert code == 0, err


def test_imported_dates_outside_the_years_reject_their_row(shop, tmp_path):
    code, out, _err = shoptui(
        "--db",
        shop,
        "import",
        "sales",
        write_csv(
            tmp_path / "s.csv",
            [
                ["receipt_no", "datetime", "total"],
                ["1", "9999-12-31 10:00", "1000"],
                ["2", "0001-01-01", "1000"],
                ["3", "2024-03-05", "1000"],
            ],
        ),
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "imported 1, updated 0, unchanged 0, rejected 2"
    assert all("outside the years 1900 to 2199" in line for line in lines[:2])
    code, out, err = shoptui("--db", shop, "report", "portrait", "--format", "json")
    assert code == 0, err


def test_a_full_disk_says_the_disk_is_full(shop, tmp_path, monkeypatch):
    """SQLite's max_page_count gives the very SQLITE_FULL a full disk does."""
    pages = sqlite3.connect(shop).execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setitem(dbmod.SQLITE_PRAGMAS, "max_page_count", pages + 5)
    rows = [["code", "name", "address"]] + [[f"K{i}", f"Name {i}", "x" * 190] for i in range(3000)]
    code, _out, err = shoptui("--db", shop, "import", "customers", write_csv(tmp_path / "c.csv", rows))
    assert code == 1
    sentence = one_sentence(err)
    assert "disk" in sentence and "full" in sentence
    assert "Cannot open" not in sentence  # the database was open; the disk filled up


def test_a_full_disk_behind_a_failed_rollback_says_the_disk_is_full():
    """A commit that fails for want of space ends SQLite's transaction; the rollback that
    follows fails in turn, and that second error is the one that reaches the handler.
    SQLite's own error (its result code SQLITE_FULL, by which it is told), from a
    database limited to two pages."""
    memory = sqlite3.connect(":memory:")
    memory.execute("CREATE TABLE t (x)")
    memory.execute("PRAGMA max_page_count = 2")
    try:
        try:
            memory.execute("INSERT INTO t VALUES (zeroblob(100000))")
        except sqlite3.OperationalError:
            # As peewee raises it: the disk-full error is only its __context__.
            raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except peewee.OperationalError as exc:
        sentence = dbmod.describe_failure("/shop/shop.sqlite", exc)
    assert "rollback" not in sentence and "full" in sentence


def test_an_unexpected_error_is_one_sentence_without_its_name(shop, monkeypatch):
    from shoptui.reports import portrait

    def broken(query):
        raise OverflowError("date value out of range")

    monkeypatch.setattr(portrait, "portrait", broken)
    monkeypatch.setattr("shoptui.reports.load", lambda name: type("Spec", (), {"build": staticmethod(broken)})())
    code, _out, err = shoptui("--db", shop, "report", "portrait")
    assert code == 1
    sentence = one_sentence(err)
    assert "OverflowError" not in sentence and "out of range" not in sentence


PASSWORD = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://shop:{PASSWORD}@127.0.0.1:1/shop",
        f"postgresql://shop:{PASSWORD}@127.0.0.1:notaport/shop",
        f"postgresql://127.0.0.1:1/shop?user=shop&password={PASSWORD}",
    ],
)
def test_a_connection_failure_never_shows_the_password(url):
    code, _out, err = shoptui("--db", url, "check")
    assert code == 1
    sentence = one_sentence(err)
    assert PASSWORD not in sentence
    assert "***" in sentence


def test_postgresql_errors_are_one_line_without_their_prefix():
    raw = peewee.ProgrammingError(
        'ERROR:  relation "receipt" does not exist\nLINE 1: SELECT * FROM receipt\n                      ^\n'
        "DETAIL:  something internal"
    )
    sentence = dbmod.describe_failure(f"postgresql://shop:{PASSWORD}@db/shop", raw)
    assert "\n" not in sentence and "ERROR" not in sentence and "DETAIL" not in sentence
    assert PASSWORD not in sentence and 'relation "receipt" does not exist' in sentence


def test_a_missing_postgresql_database_is_one_sentence_without_the_password(pg_url):
    prefix, _sep, query = pg_url.partition("?")
    url = prefix.rsplit("/", 1)[0] + "/no_such_database?" + "&".join(filter(None, [query, f"password={PASSWORD}"]))
    code, _out, err = shoptui("--db", url, "check")
    assert code == 1
    sentence = one_sentence(err)
    assert PASSWORD not in sentence and "FATAL" not in sentence


@pytest.mark.parametrize(
    "lines",
    [
        [("1000", MAX_MINOR)],  # one line: quantity × price over the maximum
        [("1", MAX_MINOR), ("1", 1)],  # two lines at the maximum together over it
    ],
)
def test_sale_lines_over_the_maximum_are_refused(database, lines):
    from decimal import Decimal

    from shoptui.services import checkout, sale_quote

    sale = sale_quote.SaleInput(lines=[sale_quote.LineInput(qty=Decimal(q), unit_price=p, name="x") for q, p in lines])
    with pytest.raises(ValidationError, match="too large") as refused:
        sale_quote.quote(sale)
    assert refused.value.field == "lines"
    with pytest.raises(ValidationError, match="too large"):
        checkout.record_sale(sale)
    one = sale_quote.SaleInput(lines=[sale_quote.LineInput(qty=Decimal(1), unit_price=MAX_MINOR, name="x")])
    assert sale_quote.quote(one).subtotal == MAX_MINOR


def test_a_driver_error_that_escaped_peewee_is_one_sentence_too():
    psycopg = pytest.importorskip("psycopg")
    raw = psycopg.errors.UndefinedTable('relation "receipt" does not exist\nLINE 1: SELECT 1')
    sentence = dbmod.failure_message(f"postgresql://shop:{PASSWORD}@db/shop", raw)
    assert sentence and "\n" not in sentence and PASSWORD not in sentence
    assert dbmod.failure_message("shop.sqlite", ValueError("x")) is None


def test_a_refused_value_is_quoted_on_one_line_without_its_escapes(shop):
    code, _out, err = shoptui("--db", shop, "config", "set", "currency", "\x1b[2J\nEUR\u202e")
    assert code == 1
    sentence = one_sentence(err)
    assert "\x1b" not in sentence and "\u202e" not in sentence and "\\u001b[2J\\nEUR" in sentence


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{PASSWORD}@[::1/shop",
        f"postgresql://bob:{PASSWORD}@127.0.0.1:99999/shop",
    ],
)
def test_a_malformed_postgresql_address_is_our_own_sentence(url):
    # Found by a hostile tester: the URL parser's own words ("Invalid IPv6 URL", "Port out
    # of range 0-65535") came through.
    code, _out, err = shoptui("--db", url, "check")
    sentence = one_sentence(err)
    assert code == 1 and "not a valid postgresql:// address" in sentence
    assert PASSWORD not in sentence and "IPv6" not in sentence and "out of range" not in sentence
