"""Issue 16 (left open): ``import --dry-run`` held the write lock for the whole file, so a
till could not sell while it ran. The dry run now works on a private copy of an SQLite
database; a sale from another process goes through while it is under way."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from shoptui import db as dbmod
from shoptui.io.importer import import_sheet
from shoptui.io.readers import Sheet
from shoptui.models import Customer, Receipt
from shoptui.services import customers, settings
from shoptui.services.stores import ensure_main_store

ROOT = Path(__file__).resolve().parents[2]
ROWS = 1000
PAUSE_AT = 300  # several batches of customers (100 each) are written, and rolled back, by then


def test_a_till_sells_from_another_process_while_a_dry_run_of_a_big_file_is_under_way(tmp_path):
    path = tmp_path / "shop.sqlite"
    database = dbmod.open_database(str(path))
    try:
        settings.ensure_defaults()
        ensure_main_store()
        customers.register({"name": "An", "code": "K1"})
        reached, go = threading.Event(), threading.Event()

        def rows():
            """The file's rows; half-way, the dry run waits until the till has sold."""
            for i in range(1, ROWS + 1):
                if i == PAUSE_AT:
                    reached.set()
                    assert go.wait(120)
                yield i + 1, {"code": f"C{i}", "name": f"Customer {i}"}

        sheet = Sheet("big.csv", "0" * 64, ["code", "name"], rows())
        result: dict = {}
        dry = threading.Thread(target=lambda: result.update(report=import_sheet("customers", sheet, dry_run=True)))
        dry.start()
        try:
            assert reached.wait(120), "the dry run never got half-way"
            env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
            env["SHOPTUI_BUSY_TIMEOUT_MS"] = "300"  # a till that finds the file locked says so quickly
            sale = subprocess.run(
                [sys.executable, "-m", "tests.cli.concurrent_writers", str(path), "sell", "K1", "1"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert dry.is_alive()  # the dry run was still under way while the till sold
        finally:
            go.set()
            dry.join(120)
        assert sale.returncode == 0 and sale.stdout.startswith("done 1"), sale.stderr
        assert result["report"].counts["imported"] == ROWS
        assert Customer.select().count() == 1 and Receipt.select().count() == 1  # the sale, and nothing of the dry run
    finally:
        database.close()
