"""``shoptui report``: formats, files, exit codes and one-sentence errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from shoptui.services import checkout, customers
from shoptui.services.sale_quote import SaleInput


@pytest.fixture
def shop(database, db_path):
    """Two customers and three receipts on 2025-03-01..03; the path of the database file."""
    a = customers.register({"name": "An", "gender": "female"}, registered_at=dt.datetime(2025, 1, 1, 9)).customer
    b = customers.register({"name": "Binh"}, registered_at=dt.datetime(2025, 3, 2, 9)).customer
    checkout.record_sale(SaleInput(customer=a, amount=100_000, at=dt.datetime(2025, 3, 1, 10)))
    checkout.record_sale(SaleInput(customer=a, amount=25_000, at=dt.datetime(2025, 3, 3, 10)))
    checkout.record_sale(SaleInput(customer=b, amount=10_001, at=dt.datetime(2025, 3, 3, 11)))
    database.close()
    return db_path


def test_json_report(shop, shoptui):
    code, out, err = shoptui("--db", str(shop), "report", "portrait", "--as-of", "2025-03-03", "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["revenue"] == "135001" and data["receipts"] == 3 and data["avg_receipt"] == "45000"
    assert data["customers_total"] == 2 and data["as_of"] == "2025-03-03"
    assert data["visit_buckets"]["2"]["customers"] == 1 and data["visit_buckets"]["2"]["revenue"] == "125000"
    assert data["return_intervals"]["2-3"] == 1
    for key in ("new_customers", "voucher_users_over_2", "gender", "age_bands", "channels"):
        assert key in data


def test_as_of_from_to_and_store(shop, shoptui):
    code, out, _err = shoptui(
        "--db",
        str(shop),
        "report",
        "portrait",
        "--as-of",
        "2025-03-03",
        "--from",
        "2025-03-02",
        "--to",
        "2025-03-03",
        "--store",
        "main",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert (data["revenue"], data["receipts"], data["stores"]) == ("35001", 2, ["MAIN"])
    code, out, _err = shoptui("--db", str(shop), "report", "portrait", "--as-of", "2025-03-01", "--format", "json")
    assert json.loads(out)["revenue"] == "100000"


def test_table_is_the_default(shop, shoptui):
    code, out, _err = shoptui("--db", str(shop), "report", "portrait", "--as-of", "2025-03-03")
    assert code == 0
    assert out.splitlines()[0] == "Customer portrait"
    assert any(line.startswith("Revenue") and "₫135,001" in line for line in out.splitlines())


def test_csv_to_a_file(shop, shoptui, tmp_path):
    target = tmp_path / "portrait.csv"
    target.write_text("old content that must go\n" * 100)
    code, out, _err = shoptui(
        "--db", str(shop), "report", "portrait", "--as-of", "2025-03-03", "--format", "csv", "-o", str(target)
    )
    assert code == 0 and out == ""
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["section", "key", "value"]
    assert ["summary", "revenue", "135001"] in rows
    assert ["visit_buckets", "1.customers", "1"] in rows
    assert "old content" not in target.read_text()


def test_xlsx_needs_a_file_and_writes_one(shop, shoptui, tmp_path):
    code, _out, err = shoptui("--db", str(shop), "report", "portrait", "--format", "xlsx")
    assert code == 2 and "-o" in err and len(err.strip().splitlines()) == 1
    target = tmp_path / "portrait.xlsx"
    code, _out, _err = shoptui(
        "--db", str(shop), "report", "portrait", "--as-of", "2025-03-03", "--format", "xlsx", "-o", str(target)
    )
    assert code == 0
    from openpyxl import load_workbook

    rows = [[c.value for c in row] for row in load_workbook(target).active.iter_rows()]
    assert rows[0] == ["section", "key", "value"] and ["summary", "receipts", 3] in rows


def test_bad_date_is_bad_usage(shop, shoptui):
    code, out, err = shoptui("--db", str(shop), "report", "portrait", "--as-of", "2025-13-45")
    assert code == 2 and out == ""
    assert err.strip() == "2025-13-45 is not a date; write it as YYYY-MM-DD."


def test_unknown_report_name_is_bad_usage(shop, shoptui):
    code, _out, err = shoptui("--db", str(shop), "report", "nonsense")
    assert code == 2 and "nonsense" in err and len(err.strip().splitlines()) == 1


def test_unknown_store_is_an_error(shop, shoptui):
    code, out, err = shoptui("--db", str(shop), "report", "portrait", "--store", "MAIN", "--store", "nowhere")
    assert code == 1 and out == ""
    assert err.strip() == "There is no store NOWHERE."


def test_period_ending_before_it_starts_is_bad_usage(shop, shoptui):
    code, _out, err = shoptui("--db", str(shop), "report", "portrait", "--from", "2025-03-05", "--to", "2025-03-01")
    assert code == 2 and "2025-03-05" in err


def test_unwritable_output_is_one_sentence(shop, shoptui, tmp_path):
    code, _out, err = shoptui(
        "--db", str(shop), "report", "portrait", "--format", "csv", "-o", str(tmp_path / "missing" / "r.csv")
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_script(shop, tmp_path):
    """The installed ``shoptui`` script, as cron runs it."""
    script = Path(sys.executable).parent / "shoptui"
    env = {"PATH": str(script.parent), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    ok = subprocess.run(
        [str(script), "--db", str(shop), "report", "portrait", "--as-of", "2025-03-03", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["revenue"] == "135001"
    bad = subprocess.run(
        [str(script), "--db", str(shop), "report", "portrait", "--as-of", "2025-13-45"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip() == "2025-13-45 is not a date; write it as YYYY-MM-DD."
