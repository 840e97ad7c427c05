"""Commands that only read write nothing on an existing, migrated database.

``check`` is not among them: it moves each hash chain's checkpoint forward after a walk,
so that the next check starts there (shoptui/check.py)."""

from __future__ import annotations

import sqlite3

import pytest

READ_ONLY = [
    ("report", "portrait", "--format", "json"),
    ("report", "debtors"),
    ("config", "list"),
    ("config", "get", "currency"),
    ("day-close",),
    ("users", "list"),
    ("stores", "list"),
    ("customer", "export", "KH000001"),
]


@pytest.fixture
def demo_db(tmp_path, shoptui):
    path = tmp_path / "demo.sqlite"
    code, _out, err = shoptui("--db", path, "demo", "--customers", "20", "--days", "5")
    assert code == 0, err
    with sqlite3.connect(path) as conn:
        # A database from before a setting existed: a reading command must not add it.
        conn.execute("DELETE FROM setting WHERE key = 'cash_rounding'")
    return path


def _commits_seen(conn: sqlite3.Connection) -> int:
    """PRAGMA data_version changes on this connection when any other connection commits."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_reading_command_commits_nothing(demo_db, shoptui, command):
    watcher = sqlite3.connect(demo_db)
    before = _commits_seen(watcher)
    code, out, err = shoptui("--db", demo_db, *command)
    assert code == 0, err
    assert out.strip()
    assert _commits_seen(watcher) == before, f"{' '.join(command)} wrote to the database"
    assert watcher.execute("SELECT count(*) FROM setting WHERE key = 'cash_rounding'").fetchone() == (0,)


def test_the_missing_setting_reads_as_its_default_and_a_writing_command_is_seen(demo_db, shoptui):
    watcher = sqlite3.connect(demo_db)
    before = _commits_seen(watcher)
    assert shoptui("--db", demo_db, "config", "get", "cash_rounding")[1].strip() == "0"
    code, _out, err = shoptui("--db", demo_db, "config", "set", "shop_name", "Cửa hàng")
    assert code == 0, err
    assert _commits_seen(watcher) != before  # the watcher does see a command that writes
