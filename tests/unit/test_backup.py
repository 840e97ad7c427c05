"""Backups through the SQLite backup API, and restores that check before they replace anything."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from shoptui import backup, check, demo
from shoptui import db as dbmod
from shoptui.errors import DatabaseError, NotFound, RuleViolation, ValidationError
from shoptui.models import Customer, Receipt
from shoptui.services import checkout, customers, settings
from shoptui.services.sale_quote import SaleInput
from shoptui.services.stores import ensure_main_store
from tests.actors import SYSTEM

TODAY = dt.date(2025, 6, 30)


def open_shop(url: str):
    database = dbmod.open_database(url)
    settings.ensure_defaults()
    ensure_main_store()
    return database


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A small demo shop's backup file and the row count of every table in it."""
    folder = tmp_path_factory.mktemp("backup")
    database = open_shop(str(folder / "demo.sqlite"))
    demo.make_demo(customers=40, days=20, seed=2, today=TODAY)
    counts = backup.table_counts()
    settings.clear_cache()
    database.close()
    path = backup.backup_database(str(folder / "demo.sqlite"), folder / "demo-backup.sqlite")
    return path, counts


def counts_of(url: str) -> dict[str, int]:
    database = dbmod.open_database(url)
    try:
        return backup.table_counts()
    finally:
        settings.clear_cache()
        database.close()


def add_customer(name: str) -> Customer:
    customer = customers.register({"name": name}, registered_at=dt.datetime(2025, 1, 2, 10), actor=SYSTEM).customer
    checkout.record_sale(SaleInput(customer=customer, amount=120_000, at=dt.datetime(2025, 1, 2, 10, 5)), actor=SYSTEM)
    return customer


def test_backup_while_another_connection_writes(database, db_path, tmp_path):
    add_customer("Nguyễn Văn An")
    writer = sqlite3.connect(db_path, timeout=1, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE customer SET name = 'not committed'")
    try:
        target = backup.backup_database(str(db_path), tmp_path / "copy.sqlite")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert target == tmp_path / "copy.sqlite"
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT name FROM customer").fetchall() == [("Nguyễn Văn An",)]
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert not Path(f"{target}-wal").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_backup_sees_what_was_committed_in_the_wal(database, db_path, tmp_path):
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    add_customer("Trần Thị Bình")  # still in the -wal file: the connection is open, no checkpoint yet
    assert Path(f"{db_path}-wal").stat().st_size > 0
    target = backup.backup_database(str(db_path), tmp_path / "copy.sqlite")
    assert sqlite3.connect(target).execute("SELECT count(*) FROM receipt").fetchone()[0] == 1


def test_default_name_in_the_current_folder_and_a_folder_refused_with_a_file_name(
    database, db_path, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    made = backup.backup_database(str(db_path))
    assert made.parent == tmp_path
    assert re.fullmatch(r"shoptui-backup-\d{8}-\d{6}\.sqlite", made.name)
    folder = tmp_path / "usb"
    folder.mkdir()
    # Issue 16: every -o refuses a folder; the sentence gives a file name to use instead.
    with pytest.raises(ValidationError) as refused:
        backup.backup_database(str(db_path), folder)
    assert re.fullmatch(
        rf"{re.escape(str(folder))} is a folder; give the name of a file, such as "
        rf"{re.escape(str(folder))}/shoptui-backup-\d{{8}}-\d{{6}}\.sqlite\.",
        str(refused.value),
    )
    assert list(folder.iterdir()) == []


def test_backup_refusals(database, db_path, tmp_path):
    with pytest.raises(NotFound):
        backup.backup_database(str(tmp_path / "missing.sqlite"), tmp_path / "out.sqlite")
    with pytest.raises(NotFound, match="does not exist"):
        backup.backup_database(str(db_path), tmp_path / "no" / "such" / "out.sqlite")
    with pytest.raises(ValidationError, match="is the shop's database or one of its files"):
        backup.backup_database(str(db_path), db_path)
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all\n" * 100)
    with pytest.raises(DatabaseError, match="not a shoptui database"):
        backup.backup_database(str(junk), tmp_path / "out.sqlite")
    assert not (tmp_path / "out.sqlite").exists()


def test_restore_into_a_new_file_keeps_every_row_and_passes_check(demo_backup, tmp_path):
    path, counts = demo_backup
    target = tmp_path / "restored.sqlite"
    result = backup.restore_database(path, str(target))
    assert (result.customers, result.receipts) == (counts["customer"], counts["receipt"])
    assert counts_of(str(target)) == counts
    database = dbmod.open_database(str(target))
    try:
        assert check.run_checks() == []
        assert dbmod.schema_version(database) == dbmod.known_migrations()
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        database.close()


def test_a_junk_backup_is_refused_and_the_target_left_alone(demo_backup, tmp_path):
    path, counts = demo_backup
    target = tmp_path / "shop.sqlite"
    backup.restore_database(path, str(target))
    before = target.read_bytes()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a backup" * 50)
    with pytest.raises(DatabaseError) as refused:
        backup.restore_database(junk, str(target), force=True)
    message = str(refused.value)
    assert message == f"{junk} is not a shoptui backup." and "\n" not in message
    assert target.read_bytes() == before
    with pytest.raises(DatabaseError):
        backup.restore_database(junk, str(tmp_path / "new.sqlite"))
    assert not (tmp_path / "new.sqlite").exists()
    with pytest.raises(NotFound):
        backup.restore_database(tmp_path / "missing.sqlite", str(tmp_path / "new.sqlite"))


def test_a_sqlite_file_that_is_not_a_shoptui_backup_is_refused(tmp_path):
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE notes (text)").connection.commit()
    with pytest.raises(DatabaseError, match="not a shoptui backup"):
        backup.restore_database(other, str(tmp_path / "new.sqlite"))


def test_a_backup_from_a_newer_version_is_refused(demo_backup, tmp_path):
    path, _counts = demo_backup
    newer = tmp_path / "newer.sqlite"
    shutil.copy(path, newer)
    conn = sqlite3.connect(newer)
    conn.execute(
        f'INSERT INTO "{dbmod.HISTORY_TABLE}" (name, applied) VALUES (?, ?)', ("9999_from_the_future", "2030-01-01")
    )
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer version"):
        backup.restore_database(newer, str(tmp_path / "new.sqlite"))
    assert not (tmp_path / "new.sqlite").exists()


def test_a_damaged_backup_is_refused(demo_backup, tmp_path):
    path, _counts = demo_backup
    damaged = tmp_path / "damaged.sqlite"
    shutil.copy(path, damaged)
    conn = sqlite3.connect(damaged)
    conn.execute("PRAGMA writable_schema = ON")
    pages = dict(
        conn.execute("SELECT name, rootpage FROM sqlite_master WHERE name IN ('customer_phone', 'customer_code')")
    )
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'customer_phone'", (pages["customer_code"],))
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="damaged") as refused:
        backup.restore_database(damaged, str(tmp_path / "new.sqlite"))
    # One sentence with the way out, not SQLite's "*** in database main ***" report on two lines.
    assert str(refused.value) == f"The backup {damaged} is damaged; restore another backup."
    assert not (tmp_path / "new.sqlite").exists()


def damage_pages(path: Path) -> None:
    """Overwrite the root pages of some tables, as a failing disk would."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    roots = [
        r for (r,) in conn.execute("SELECT rootpage FROM sqlite_master WHERE name IN ('customer', 'receipt', 'card')")
    ]
    conn.close()
    with path.open("r+b") as f:
        for page in roots:
            f.seek((page - 1) * size + 8)
            f.write(b"\x55" * (size // 2))


def test_a_damaged_database_is_not_backed_up(demo_backup, tmp_path):
    path, _counts = demo_backup
    damaged = tmp_path / "shop.sqlite"
    shutil.copy(path, damaged)
    damage_pages(damaged)
    assert sqlite3.connect(damaged).execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
    with pytest.raises(DatabaseError) as refused:
        backup.backup_database(str(damaged), tmp_path / "backup.sqlite")
    assert str(refused.value) == (
        f"The database {damaged} is damaged; restore the last good backup, or run shoptui check to see what is wrong."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.sqlite"]


def test_a_killed_backup_leaves_nothing_once_the_next_one_starts(demo_backup, tmp_path):
    """kill -9 while the backup is under way (it waits for a lock the test holds: the moment
    is found by polling for its temporary file), then back up again into the same folder."""
    import os
    import signal
    import subprocess
    import sys
    import time

    path, _counts = demo_backup
    shop = tmp_path / "shop.sqlite"
    shutil.copy(path, shop)
    out = tmp_path / "usb"
    out.mkdir()
    holder = sqlite3.connect(shop, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # nobody else may read it until the test lets go
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "shoptui", "--db", str(shop), "backup", "-o", str(out / "b.sqlite")],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob(".b.sqlite.shoptui-partial-*")):
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [p.name for p in out.iterdir()] == [f".b.sqlite.shoptui-partial-{child.pid}"]
    made = backup.backup_database(str(shop), out / "again.sqlite")
    assert [p.name for p in out.iterdir()] == [made.name]
    assert sqlite3.connect(made).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_over_data_needs_force(demo_backup, database, db_path):
    path, counts = demo_backup
    add_customer("Lê Văn Cường")
    database.close()
    with pytest.raises(RuleViolation, match="--force"):
        backup.restore_database(path, str(db_path))
    assert counts_of(str(db_path))["customer"] == 1
    backup.restore_database(path, str(db_path), force=True)
    assert counts_of(str(db_path)) == counts


def test_restore_over_a_fresh_database_needs_no_force(demo_backup, database, db_path):
    path, counts = demo_backup
    database.close()  # settings and the MAIN store only: no shop data yet
    backup.restore_database(path, str(db_path))
    assert counts_of(str(db_path)) == counts


def test_restore_refuses_a_target_that_is_not_a_shoptui_database(demo_backup, tmp_path):
    path, _counts = demo_backup
    other = tmp_path / "notes.txt"
    other.write_text("my notes " * 300)
    with pytest.raises(DatabaseError, match="not a shoptui database"):
        backup.restore_database(path, str(other), force=True)
    assert other.read_text() == "my notes " * 300
    with pytest.raises(DatabaseError, match="does not exist"):
        backup.restore_database(path, str(tmp_path / "no" / "shop.sqlite"))


def test_restore_into_a_live_database_that_another_connection_reads(demo_backup, database, db_path):
    path, counts = demo_backup
    add_customer("Phạm Thị Dung")
    reader = sqlite3.connect(db_path, isolation_level=None)
    assert reader.execute("SELECT count(*) FROM customer").fetchone()[0] == 1
    database.close()
    backup.restore_database(path, str(db_path), force=True)
    # The other connection sees the restored shop at its next read, through the live -wal file.
    assert reader.execute("SELECT count(*) FROM customer").fetchone()[0] == counts["customer"]
    reader.close()


def test_restore_waits_for_a_writer_then_succeeds(demo_backup, database, db_path):
    path, counts = demo_backup
    database.close()
    writer = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.5, lambda: writer.execute("ROLLBACK"))
    timer.start()
    try:
        backup.restore_database(path, str(db_path))
    finally:
        timer.join()
        writer.close()
    assert counts_of(str(db_path)) == counts


def test_an_older_backup_is_migrated_on_restore(demo_backup, tmp_path, monkeypatch):
    path, counts = demo_backup
    # This program knows one more migration than the backup has: the restore applies it.
    extra = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS_DIR, extra)
    (extra / "9000_scratch.py").write_text(
        "def up(migrator, db):\n    db.execute_sql('CREATE TABLE scratch_after_restore (id INTEGER PRIMARY KEY)')\n"
    )
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", extra)
    target = tmp_path / "restored.sqlite"
    backup.restore_database(path, str(target))
    tables = {row[0] for row in sqlite3.connect(target).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "scratch_after_restore" in tables


# -- PostgreSQL ---------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_round_trip_through_a_portable_backup(demo_backup, pg_url, tmp_path):
    path, counts = demo_backup
    result = backup.restore_database(path, pg_url)
    assert result.customers == counts["customer"]
    assert counts_of(pg_url) == counts
    database = open_shop(pg_url)
    try:
        assert check.run_checks() == []
        # The id sequences moved past the copied rows: new rows get new ids.
        newcomer = add_customer("Vũ Thị Em")
        assert newcomer.id > counts["customer"]
        assert Receipt.select().count() == counts["receipt"] + 1
        on_postgres = backup.table_counts()
    finally:
        settings.clear_cache()
        database.close()

    portable = backup.backup_database(pg_url, tmp_path / "from-postgres.sqlite")
    backup.check_backup_file(portable)
    again = tmp_path / "again.sqlite"
    backup.restore_database(portable, str(again))
    assert counts_of(str(again)) == on_postgres
    database = dbmod.open_database(str(again))
    try:
        assert check.run_checks() == []
    finally:
        database.close()


@pytest.mark.postgres
def test_postgres_restore_over_data_needs_force(demo_backup, pg_url):
    path, counts = demo_backup
    database = open_shop(pg_url)
    add_customer("Đỗ Văn Phúc")
    database.close()
    with pytest.raises(RuleViolation, match="--force"):
        backup.restore_database(path, pg_url)
    assert counts_of(pg_url)["customer"] == 1
    backup.restore_database(path, pg_url, force=True)
    assert counts_of(pg_url) == counts
