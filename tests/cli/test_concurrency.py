"""Several processes on one SQLite file: two tills selling to the same customer and a
counter listener while an import runs, a database briefly locked by another program,
processes migrating a new database at once, and an import, a burst of till sales and a
restore killed at random moments."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from shoptui import db as dbmod
from shoptui.check import run_checks
from shoptui.errors import DatabaseError
from shoptui.io.importer import import_file
from shoptui.models import Customer, DebtEntry, PointsEntry, Receipt
from shoptui.services import customers, settings
from shoptui.services.stores import ensure_main_store

from .concurrent_writers import SALE_CREDIT
from .import_files import write_customers, write_sales

ROOT = Path(__file__).resolve().parents[2]
SUMMARY = "imported {}, updated {}, unchanged {}, rejected {}"


def _shoptui_command() -> list[str]:
    script = Path(sys.executable).with_name("shoptui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "shoptui"]


def _writer(db: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.cli.concurrent_writers", str(db), *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(db: Path, sql: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created or not migrated yet


def _wait_for(condition, what: str, process: subprocess.Popen | None = None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process ended before {what}: " + process.stderr.read())
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def _finish(process: subprocess.Popen, timeout: float = 600) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def _new_shop(db: Path) -> int:
    """A migrated shop with the customer the tills sell to; returns the customer's id."""
    database = dbmod.open_database(str(db))
    try:
        settings.ensure_defaults()
        ensure_main_store()
        return customers.register({"code": "SHARED", "name": "Khách chung", "phone": "0901234567"}).customer.id
    finally:
        settings.clear_cache()
        database.close()


BULK_ROWS = 150_000


def _bulky_shop(db: Path) -> None:
    """A shop with 150,000 visitor rows, so that copying it (a backup, a restore) takes a while."""
    _new_shop(db)
    start = dt.datetime(2000, 1, 1)
    con = sqlite3.connect(db)
    with con:
        con.executemany(
            "INSERT INTO visit_count (store_id, hour, source, visitors_in, visitors_out, updated_at) VALUES (1, ?, 'import', ?, 0, ?)",
            [((start + dt.timedelta(hours=h)).isoformat(" "), h % 50, start.isoformat(" ")) for h in range(BULK_ROWS)],
        )
    con.close()  # the last connection: the -wal is folded into the file, which may now be copied


@pytest.fixture(scope="module")
def bulky(tmp_path_factory):
    """The bulky shop, a backup of it, and how long a backup and a restore of it take here:
    made once per worker and copied by each killed backup or restore (the seeds only change
    the moment of the kill)."""
    folder = tmp_path_factory.mktemp("bulky")
    shop, backup = folder / "shop.sqlite", folder / "backup.sqlite"
    _bulky_shop(shop)
    started = time.monotonic()
    made = subprocess.run(
        _shoptui_command() + ["--db", str(shop), "backup", "-o", str(backup)], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    backup_took = time.monotonic() - started
    restored = folder / "restored.sqlite"
    started = time.monotonic()
    subprocess.run(
        _shoptui_command() + ["--db", str(restored), "restore", str(backup)], capture_output=True, text=True, check=True
    )
    restore_took = time.monotonic() - started
    return {"shop": shop, "backup": backup, "backup_took": backup_took, "restore_took": restore_took}


def _tills_and_listener_during_an_import(tmp_path: Path, sales_each: int, import_customers: int, readings: int):
    db = tmp_path / "shop.sqlite"
    customer_id = _new_shop(db)
    customers_file = tmp_path / "customers.csv"
    write_customers(customers_file, import_customers)

    importer = subprocess.Popen(
        _shoptui_command() + ["--db", str(db), "import", "customers", str(customers_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The writers start once the import holds the file in earnest (its first batch is in).
    _wait_for(lambda: _count(db, "SELECT count(*) FROM customer") > 1, "the import's first batch", importer)
    writers = [_writer(db, "sell", "SHARED", sales_each), _writer(db, "sell", "SHARED", sales_each)]
    if readings:
        writers.append(_writer(db, "count", "door", readings))
    assert importer.poll() is None, "the import ended before the tills began: make it longer"

    results = [_finish(p) for p in writers]
    imported = _finish(importer)
    for code, out, err in results:
        assert code == 0 and "locked" not in (out + err).lower(), err
        assert out.splitlines()[-1].startswith("done")
    for _code, out, _err in results[:2]:
        # A till waits for the batch in progress, not for the import: no sale needed a
        # second try at the lock (each try waits up to the busy timeout, TILL_BUSY_TIMEOUT_MS).
        longest = float(out.split("longest ")[1].split()[0])
        assert longest < dbmod.busy_timeout_ms() / 1000, out
    code, out, err = imported
    assert code == 0, out + err
    assert "locked" not in (out + err).lower()
    assert out.splitlines()[-1] == SUMMARY.format(import_customers, 0, 0, 0)

    database = dbmod.open_database(str(db))
    try:
        shared = Customer.get_by_id(customer_id)
        assert Receipt.select().where(Receipt.customer == customer_id).count() == 2 * sales_each
        assert shared.debt_balance == 2 * sales_each * SALE_CREDIT
        debt_sum = sum(e.amount for e in DebtEntry.select().where(DebtEntry.customer == customer_id))
        points_sum = sum(e.points for e in PointsEntry.select().where(PointsEntry.customer == customer_id))
        assert (shared.debt_balance, shared.points_balance) == (debt_sum, points_sum)
        assert Customer.select().count() == import_customers + 1
        assert run_checks() == []
    finally:
        settings.clear_cache()
        database.close()


# The busy timeout of the import and the tills in these two tests: a sale that waited for
# a second try at the lock would take longer than this. 5 s (the default) is too close: on a
# busy machine one try, the import's batch included, took 9.9 s once.
TILL_BUSY_TIMEOUT_MS = "30000"


@pytest.mark.xdist_group("tills-during-an-import")  # one after the other: each keeps a core busy
def test_two_tills_sell_to_one_customer_while_an_import_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(dbmod.BUSY_TIMEOUT_ENV, TILL_BUSY_TIMEOUT_MS)  # the processes inherit it
    _tills_and_listener_during_an_import(tmp_path, sales_each=100, import_customers=1_500, readings=0)


@pytest.mark.slow
@pytest.mark.xdist_group("tills-during-an-import")
def test_two_tills_500_sales_each_and_a_counter_listener_while_an_import_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(dbmod.BUSY_TIMEOUT_ENV, TILL_BUSY_TIMEOUT_MS)
    _tills_and_listener_during_an_import(tmp_path, sales_each=500, import_customers=4_000, readings=300)


def test_an_import_waits_for_a_database_locked_for_a_moment(tmp_path, monkeypatch):
    monkeypatch.setenv(dbmod.BUSY_TIMEOUT_ENV, "200")
    db = tmp_path / "shop.sqlite"
    _new_shop(db)
    customers_file = tmp_path / "customers.csv"
    write_customers(customers_file, 30)
    database = dbmod.open_database(str(db))
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 200
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    try:
        # Another program writes and holds the lock for a moment (longer than one busy
        # timeout), committing while the import waits.
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE customer SET notes = 'x' WHERE code = 'SHARED'")
        release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
        release.start()
        report = import_file("customers", customers_file)
        release.join()
        assert report.summary() == SUMMARY.format(30, 0, 0, 0)
        assert Customer.select().count() == 31
    finally:
        other.close()
        settings.clear_cache()
        database.close()


def test_a_database_locked_for_long_is_one_sentence_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv(dbmod.BUSY_TIMEOUT_ENV, "50")
    db = tmp_path / "shop.sqlite"
    _new_shop(db)
    customers_file = tmp_path / "customers.csv"
    write_customers(customers_file, 5)
    database = dbmod.open_database(str(db))
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseError) as refused:
            import_file("customers", customers_file)
        message = str(refused.value)
        assert "busy" in message and "\n" not in message and "locked" not in message
        other.execute("ROLLBACK")
        assert Customer.select().count() == 1
    finally:
        other.close()
        settings.clear_cache()
        database.close()


_OPEN = (
    "import sys, time, pathlib\n"
    "from shoptui import db\n"
    "pathlib.Path(sys.argv[3]).touch()\n"
    "gate = pathlib.Path(sys.argv[2])\n"
    "while not gate.exists(): time.sleep(0.001)\n"
    "database = db.open_database(sys.argv[1])\n"
    "from shoptui.services import settings, stores\n"
    "settings.ensure_defaults(); stores.ensure_main_store()\n"
    "database.close()\n"
    "print('opened')\n"
)


def test_three_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    for round_ in range(6):
        db = tmp_path / f"new{round_}.sqlite"
        gate = tmp_path / f"go{round_}"
        ready = [tmp_path / f"ready{round_}.{i}" for i in range(3)]
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", _OPEN, str(db), str(gate), str(flag)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for flag in ready
        ]
        # Open the gate once all three have started and imported shoptui, so they open together.
        _wait_for(lambda: all(flag.exists() for flag in ready), "three processes at the gate")
        gate.touch()
        for process in processes:
            code, out, err = _finish(process, timeout=120)
            assert code == 0 and out.strip() == "opened", err
        with sqlite3.connect(db) as con:
            applied = [name for (name,) in con.execute(f"SELECT name FROM {dbmod.HISTORY_TABLE} ORDER BY name")]
            assert applied == dbmod.known_migrations()
            assert con.execute("SELECT count(*) FROM store").fetchone()[0] == 1


@pytest.mark.parametrize("seed", [1, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(2, 11))])
def test_an_import_killed_at_a_random_moment_completes_when_run_again(tmp_path, seed):
    """Customers, then sales, each killed after a random number of committed batches."""
    rng = random.Random(seed)
    db = tmp_path / "shop.sqlite"
    _new_shop(db)
    customers_file, sales_file = tmp_path / "customers.csv", tmp_path / "sales.csv"
    # As many batches as the default sizes make of 800 customers and 5,000 receipts (8 and
    # 10), a tenth of the rows: the kill falls between batches as often, for less work.
    customer_count, receipt_count = 80, 500
    codes = write_customers(customers_file, customer_count)
    write_sales(sales_file, receipt_count, codes, seed=seed)
    for kind, path, table, total, batch in (
        ("customers", customers_file, "customer", customer_count + 1, 10),
        ("sales", sales_file, "receipt", receipt_count, 50),
    ):
        run = _shoptui_command() + ["--db", str(db), "import", "--batch-size", str(batch)]
        before = _count(db, f"SELECT count(*) FROM {table}")
        process = subprocess.Popen(
            run + [kind, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        # Kill after a random number of committed rows, somewhere inside the file.
        target = before + rng.randrange(1, (total - before) * 3 // 4)
        _wait_for(lambda: _count(db, f"SELECT count(*) FROM {table}") >= target, f"{target} {table} rows", process)
        process.send_signal(signal.SIGKILL)
        process.wait()
        stored = _count(db, f"SELECT count(*) FROM {table}")
        assert before < stored < total, "killed within the file"
        check = subprocess.run(_shoptui_command() + ["--db", str(db), "check"], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        again = subprocess.run(run + [kind, str(path)], capture_output=True, text=True)
        assert again.returncode == 0, again.stdout + again.stderr
        done_before = stored - (1 if kind == "customers" else 0)
        new = (total - (1 if kind == "customers" else 0)) - done_before
        # A customer's opening balances are in its own batch, so what was stored is whole.
        assert again.stdout.splitlines()[-1] == SUMMARY.format(new, 0, done_before, 0)
        assert _count(db, f"SELECT count(*) FROM {table}") == total
    check = subprocess.run(_shoptui_command() + ["--db", str(db), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert (
        _count(
            db,
            "SELECT count(*) FROM receipt WHERE total != "
            "(SELECT coalesce(sum(amount), 0) FROM payment p WHERE p.receipt_id = receipt.id)",
        )
        == 0
    )
    expected_points = sum(i % 50 for i in range(1, customer_count + 1))
    assert _count(db, "SELECT sum(points) FROM points_entry") == expected_points
    assert _count(db, "SELECT sum(points_balance) FROM customer") == expected_points


@pytest.mark.parametrize("seed", [1, 2, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(3, 11))])
def test_a_burst_of_till_sales_killed_at_a_random_moment_leaves_whole_sales(tmp_path, seed):
    """A till selling as fast as it can, killed -9 after a random number of sales: every
    sale is whole or absent, check is clean, and selling the rest gives exactly the totals."""
    rng = random.Random(seed)
    db = tmp_path / "shop.sqlite"
    customer_id = _new_shop(db)
    total = 120
    till = _writer(db, "sell", "SHARED", total)
    target = rng.randrange(5, total - 20)
    _wait_for(lambda: _count(db, "SELECT count(*) FROM receipt") >= target, f"{target} sales", till)
    till.send_signal(signal.SIGKILL)
    till.wait()
    stored = _count(db, "SELECT count(*) FROM receipt")
    assert target <= stored < total
    check = subprocess.run(_shoptui_command() + ["--db", str(db), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    code, out, err = _finish(_writer(db, "sell", "SHARED", total - stored))
    assert code == 0, err
    database = dbmod.open_database(str(db))
    try:
        shared = Customer.get_by_id(customer_id)
        assert Receipt.select().count() == total
        assert shared.debt_balance == total * SALE_CREDIT
        assert shared.points_balance == sum(e.points for e in PointsEntry.select()) == total * 1  # 10,000 earns 1
        assert run_checks() == []
    finally:
        settings.clear_cache()
        database.close()


@pytest.mark.parametrize("seed", [1, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(2, 11))])
def test_a_restore_killed_at_a_random_moment_leaves_nothing_half_restored(tmp_path, seed, bulky):
    """kill -9 at a random moment of a restore into a new file: the file is then empty or
    the whole backup, never part of it; check is clean, and restoring again completes."""
    rng = random.Random(seed)
    backup = tmp_path / "backup.sqlite"
    shutil.copy(bulky["backup"], backup)
    target = tmp_path / "restored.sqlite"
    restore = _shoptui_command() + ["--db", str(target), "restore", str(backup)]
    took = bulky["restore_took"]
    process = subprocess.Popen(restore, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.2, 1.0) * took)  # a moment within the restore's usual time
    process.send_signal(signal.SIGKILL)
    process.wait()
    rows = _count(target, "SELECT count(*) FROM visit_count") if target.exists() else 0
    assert rows in (0, 150_000), "a restore is whole or nothing"
    if target.exists():
        check = subprocess.run(_shoptui_command() + ["--db", str(target), "check"], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    again = subprocess.run(restore + (["--force"] if rows else []), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert _count(target, "SELECT count(*) FROM visit_count") == 150_000
    check = subprocess.run(_shoptui_command() + ["--db", str(target), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("seed", [1, *(pytest.param(seed, marks=pytest.mark.slow) for seed in range(2, 11))])
def test_a_backup_killed_at_a_random_moment_leaves_the_database_whole_and_no_half_backup(tmp_path, seed, bulky):
    """kill -9 at a random moment of a backup: the database stays whole (check clean), the
    backup file is absent or a whole backup, never part of one; the next backup into that
    folder removes the killed one's leftovers and completes."""
    rng = random.Random(seed)
    source = tmp_path / "shop.sqlite"
    shutil.copy(bulky["shop"], source)
    out = tmp_path / "usb"
    out.mkdir()
    backup = _shoptui_command() + ["--db", str(source), "backup", "-o", str(out / "b.sqlite")]
    took = bulky["backup_took"]
    process = subprocess.Popen(backup, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.1, 1.0) * took)  # a moment within the backup's usual time
    process.send_signal(signal.SIGKILL)
    process.wait()
    if (out / "b.sqlite").exists():
        assert _count(out / "b.sqlite", "SELECT count(*) FROM visit_count") == 150_000, "a backup is whole or absent"
    check = subprocess.run(_shoptui_command() + ["--db", str(source), "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    again = subprocess.run(backup, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in out.iterdir()] == ["b.sqlite"], "the killed backup's leftovers are gone"
    assert _count(out / "b.sqlite", "SELECT count(*) FROM visit_count") == 150_000
