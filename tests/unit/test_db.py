"""Opening databases: paths and URLs, migrations, and the clear errors when it cannot be done."""

from __future__ import annotations

import os
import sqlite3

import pytest

from shoptui import db as dbmod
from shoptui.errors import DatabaseError


def test_a_new_file_is_created_migrated_and_in_wal_mode(tmp_path):
    path = tmp_path / "new.sqlite"
    database = dbmod.open_database(str(path))
    assert path.exists()
    assert dbmod.schema_version(database) == dbmod.known_migrations()
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    database.close()


@pytest.mark.parametrize("form", ["absolute", "relative"])
def test_sqlite_urls_are_accepted(tmp_path, monkeypatch, form):
    """sqlite:////abs/path and sqlite:///relative name the file the models then write to:
    a migrated database in WAL mode, whose rows another connection to that file reads."""
    from shoptui.models import Setting

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "url.sqlite"
    url = f"sqlite:///{path}" if form == "absolute" else "sqlite:///url.sqlite"
    assert dbmod.sqlite_path(url).resolve() == path
    database = dbmod.open_database(url)
    try:
        assert os.path.samefile(database.database, path)
        assert dbmod.schema_version(database) == dbmod.known_migrations()
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        Setting.create(key="probe", value='"through the url"')
    finally:
        database.close()
    with sqlite3.connect(path) as reader:
        assert reader.execute("SELECT value FROM setting WHERE key = 'probe'").fetchone() == ('"through the url"',)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("url.sqlite")) == []


def test_schema_matches_the_models(database):
    """The numbered migrations build exactly the schema the models describe."""
    from playhouse.schema_diff import diff_models

    from shoptui.models import ALL_MODELS

    assert not diff_models(database, ALL_MODELS)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        dbmod.open_database(str(tmp_path / "nope" / "shop.sqlite"))


def test_a_junk_file_is_not_a_shoptui_database(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all\n" * 100)
    with pytest.raises(DatabaseError, match="not a shoptui database"):
        dbmod.open_database(str(junk))
    assert junk.read_bytes().startswith(b"this is not sqlite")


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a shoptui database"):
        dbmod.open_database(str(other))
    tables = sqlite3.connect(other).execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    assert tables == [("invoices",)]


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite"
    dbmod.open_database(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute(f"INSERT INTO {dbmod.HISTORY_TABLE} (name, applied) VALUES ('9999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer version"):
        dbmod.open_database(str(path))


def test_a_folder_given_as_the_database_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="folder"):
        dbmod.open_database(str(tmp_path))


def test_resolve_url_prefers_the_option_then_the_variable_then_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("SHOPTUI_DB", str(tmp_path / "env.sqlite"))
    assert dbmod.resolve_url("given.sqlite") == "given.sqlite"
    assert dbmod.resolve_url(None) == str(tmp_path / "env.sqlite")
    monkeypatch.delenv("SHOPTUI_DB")
    default = dbmod.resolve_url(None)
    assert default.endswith("shoptui.sqlite")
    assert default.startswith(os.environ["XDG_DATA_HOME"])  # the test's own data folder, never the user's


def test_a_new_database_its_wal_and_shm_are_private_whatever_the_umask(tmp_path):
    import stat
    from pathlib import Path

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    path = tmp_path / "new.sqlite"
    old = os.umask(0o022)
    try:
        database = dbmod.open_database(str(path))
    finally:
        os.umask(old)
    try:
        database.execute_sql("CREATE TABLE IF NOT EXISTS probe (x)")
        database.execute_sql("INSERT INTO probe VALUES (1)")
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        assert {mode(path), mode(Path(f"{path}-wal")), mode(Path(f"{path}-shm"))} == {0o600}
    finally:
        database.close()


def test_the_data_folder_is_private(monkeypatch, tmp_path):
    import stat

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    old = os.umask(0o022)
    try:
        url = dbmod.resolve_url(None)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(os.path.dirname(url)).st_mode) == 0o700


def test_sqlite_errors_are_told_by_their_code_not_by_words_of_their_message(tmp_path):
    """A table or column named "busy…"/"locked…" is no locked database: the sentence comes
    from SQLite's result code (peewee's wrapped errors included), never from the message."""
    import peewee

    url = str(tmp_path / "shop.sqlite")
    memory = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as raised:
        memory.execute("SELECT busy_until FROM locked_accounts")
    assert dbmod.sqlite_code(raised.value) == sqlite3.SQLITE_ERROR
    sentence = dbmod.describe_failure(url, raised.value)
    assert "locked by another program" not in sentence and "no such table: locked_accounts" in sentence

    other = tmp_path / "other.sqlite"
    other.write_bytes(b"not an SQLite file " * 200)
    with pytest.raises(sqlite3.DatabaseError) as raised:
        sqlite3.connect(other).execute("SELECT count(*) FROM sqlite_master")
    wrapped = peewee.DatabaseError(raised.value, *raised.value.args)
    for error in (raised.value, wrapped):
        assert dbmod.sqlite_code(error) == sqlite3.SQLITE_NOTADB
        assert dbmod.describe_failure(url, error) == f"{url} is not a shoptui database."

    first = sqlite3.connect(url, isolation_level=None)
    second = sqlite3.connect(url, isolation_level=None, timeout=0)
    first.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            second.execute("BEGIN IMMEDIATE")
    finally:
        first.execute("ROLLBACK")
        first.close()
        second.close()
    assert dbmod.sqlite_code(raised.value) == sqlite3.SQLITE_BUSY
    assert "locked by another program" in dbmod.describe_failure(url, raised.value)
    assert dbmod.sqlite_code(ValueError("database is locked")) is None
