"""``shoptui import``: the summary line, exit codes, one-sentence errors, dry runs, and an
import killed half-way that a second run completes."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shoptui.cli import main

from .import_files import write_customers, write_sales

SUMMARY = "imported {}, updated {}, unchanged {}, rejected {}"


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_summary_is_the_last_line_and_exit_status_follows_rejections(tmp_path, shoptui):
    db = tmp_path / "shop.sqlite"
    good = write_csv(tmp_path / "good.csv", [["code", "name", "phone"], ["K1", "An", "0912345678"], ["K2", "Binh", ""]])
    code, out, err = shoptui("--db", db, "import", "customers", good)
    assert (code, out, err) == (0, SUMMARY.format(2, 0, 0, 0) + "\n", "")
    code, out, _err = shoptui("--db", db, "import", "customers", good)
    assert (code, out.splitlines()[-1]) == (0, SUMMARY.format(0, 0, 2, 0))

    bad = write_csv(
        tmp_path / "bad.csv", [["code", "name", "birthday"], ["K1", "An Nguyen", ""], ["K3", "Chi", "31/02/2000"]]
    )
    code, out, err = shoptui("--db", db, "import", "customers", bad)
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "row 3: birthday: 31/02/2000 is not a date in the shop's order DD/MM/YYYY.",
        SUMMARY.format(0, 1, 0, 1),
    ]


def test_a_batch_size_is_taken_from_1_row_up(tmp_path, shoptui):
    db = tmp_path / "shop.sqlite"
    rows = [["code", "name"], *[[f"K{i}", f"Customer {i}"] for i in range(7)]]
    people = write_csv(tmp_path / "people.csv", rows)
    code, out, _err = shoptui("--db", db, "import", "customers", people, "--batch-size", "3")
    assert (code, out.splitlines()[-1]) == (0, SUMMARY.format(7, 0, 0, 0))
    code, out, err = shoptui("--db", db, "import", "customers", people, "--batch-size", "0")
    assert code == 2 and out == "" and "0 is not a number of rows from 1 to" in err


def test_unknown_columns_are_warned_once(tmp_path, shoptui):
    rows = [["receipt_no", "datetime", "total", "Country", "Ghi chú"]]
    rows += [[str(n), "2024-03-05 10:00", "1000", "VN", "x"] for n in range(1, 1200)]
    path = write_csv(tmp_path / "s.csv", rows)
    code, out, _err = shoptui("--db", tmp_path / "db.sqlite", "import", "sales", path)
    assert code == 0
    assert out.splitlines() == [
        "warning: these columns are not known and are ignored: Country, Ghi chú",
        SUMMARY.format(1199, 0, 0, 0),
    ]


def test_dry_run_writes_nothing_and_reports_what_would_happen(tmp_path, shoptui):
    db = tmp_path / "shop.sqlite"
    path = write_csv(
        tmp_path / "s.csv",
        [
            ["receipt_no", "datetime", "customer", "total"],
            ["1", "2024-03-05 10:00", "0912345678", "1000"],
            ["2", "2024-03-05", "", "-"],
        ],
    )
    code, out, _err = shoptui("--db", db, "import", "sales", path, "--dry-run", "--create-customers")
    assert code == 1 and out.splitlines()[-1] == SUMMARY.format(1, 0, 0, 1)
    assert count(db, "receipt") == count(db, "customer") == count(db, "import_source") == 0
    code, out, _err = shoptui("--db", db, "import", "sales", path, "--create-customers")
    assert code == 1 and out.splitlines()[-1] == SUMMARY.format(1, 0, 0, 1)
    assert count(db, "receipt") == 1 and count(db, "customer") == 1


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p / "missing.csv", "There is no file"),
        (lambda p: p, "is a folder, not a file to import."),
        (
            lambda p: (p / "junk.csv").write_bytes(os.urandom(3000) + b"\0") and p / "junk.csv",
            "is not a CSV or Excel file.",
        ),
        (
            lambda p: (p / "fake.xlsx").write_bytes(b"not a zip at all") and p / "fake.xlsx",
            "is not a readable Excel file",
        ),
        (
            lambda p: (p / "cols.csv").write_text("foo,bar\n1,2\n") and p / "cols.csv",
            "has no column for receipt_no, datetime, total",
        ),
    ],
    ids=["missing", "folder", "binary", "fake-xlsx", "no-columns"],
)
def test_an_unreadable_file_is_one_sentence_and_exit_1(tmp_path, shoptui, make, words):
    files = tmp_path / "files"
    files.mkdir()
    db = tmp_path / "shop.sqlite"
    code, out, err = shoptui("--db", db, "import", "sales", make(files))
    assert code == 1 and out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_unreadable_file_leaves_no_database_behind(tmp_path, shoptui):
    db = tmp_path / "new.sqlite"
    code, _out, _err = shoptui("--db", db, "import", "customers", tmp_path / "nope.csv")
    assert code == 1 and not db.exists()


def test_usage_errors_exit_2(tmp_path, shoptui):
    code, _out, err = shoptui("--db", tmp_path / "db.sqlite", "import", "orders", tmp_path / "x.csv")
    assert code == 2 and "orders" in err
    code, _out, _err = shoptui("--db", tmp_path / "db.sqlite", "import", "sales")
    assert code == 2


def test_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "Example: shoptui import customers" in out and "--dry-run" in out and "--create-customers" in out


def test_visits_and_products_through_the_command_line(tmp_path, shoptui):
    db = tmp_path / "shop.sqlite"
    visits = write_csv(tmp_path / "v.csv", [["store", "datetime", "in", "out"], ["MAIN", "2024-03-01 10:20", "5", "3"]])
    products = write_csv(tmp_path / "p.csv", [["sku", "name", "price"], ["A1", "Pen", "12.000"]])
    for kind, path in (("visits", visits), ("products", products)):
        assert shoptui("--db", db, "import", kind, path)[:2] == (0, SUMMARY.format(1, 0, 0, 0) + "\n")
        assert shoptui("--db", db, "import", kind, path)[:2] == (0, SUMMARY.format(0, 0, 1, 0) + "\n")


def _shoptui_command() -> list[str]:
    script = Path(sys.executable).with_name("shoptui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shoptui"]


def _receipts_now(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM receipt").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created or not migrated yet


@pytest.mark.slow
def test_an_import_killed_half_way_is_completed_by_running_it_again(tmp_path):
    db = tmp_path / "shop.sqlite"
    customers = tmp_path / "customers.csv"
    sales = tmp_path / "sales.csv"
    receipts = 20_000
    codes = write_customers(customers, 1_500)
    write_sales(sales, receipts, codes, credit=False)
    run = _shoptui_command()
    done = subprocess.run(
        run + ["--db", str(db), "import", "customers", str(customers)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr

    process = subprocess.Popen(
        run + ["--db", str(db), "import", "sales", str(sales)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    committed = 0
    while time.monotonic() < deadline and process.poll() is None:
        committed = _receipts_now(db)
        if committed > 0:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the import finished before it could be killed: " + process.stderr.read()
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored = _receipts_now(db)
    assert 0 < stored < receipts, "kill the import after its first batch and before its last"
    assert stored % 500 == 0, "whole batches only"

    check = subprocess.run(run + ["--db", str(db), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    again = subprocess.run(run + ["--db", str(db), "import", "sales", str(sales)], capture_output=True, text=True)
    lines = again.stdout.splitlines()
    assert again.returncode == 0, again.stdout + again.stderr
    assert lines[-1] == SUMMARY.format(receipts - stored, 0, stored, 0)
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT number) FROM receipt").fetchone() == (receipts, receipts)
        unbalanced = con.execute(
            "SELECT count(*) FROM receipt r WHERE r.total != "
            "(SELECT coalesce(sum(amount), 0) FROM payment p WHERE p.receipt_id = r.id)"
        ).fetchone()[0]
        assert unbalanced == 0
        assert con.execute(
            "SELECT rows_done, finished_at IS NOT NULL FROM import_source WHERE kind = 'sales'"
        ).fetchone() == (receipts + 1, 1)
    check = subprocess.run(run + ["--db", str(db), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
