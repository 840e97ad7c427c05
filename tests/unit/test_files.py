"""The output guard and the atomic writer (shoptui/files.py): never the database's files,
a device, a pipe or a folder; a target whole or untouched; nothing left by a killed writer;
everything created readable by its owner only, whatever the umask."""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shoptui import files
from shoptui.errors import ValidationError

DATABASE = "is the shop's database or one of its files"
NOT_ORDINARY = "is not an ordinary file"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def shop_db(tmp_path) -> Path:
    path = tmp_path / "shop.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("name", ["shop.sqlite", "shop.sqlite-wal", "shop.sqlite-shm", "shop.sqlite-journal"])
def test_the_database_and_its_side_files_are_refused_existing_or_not(shop_db, name):
    with pytest.raises(ValidationError, match=DATABASE) as refused:
        files.check_output(shop_db.parent / name, database=str(shop_db))
    assert refused.value.field == "path"
    # As a URL too, and through ".." in the path.
    with pytest.raises(ValidationError, match=DATABASE):
        files.check_output(shop_db.parent / "sub" / ".." / name, database=f"sqlite:///{shop_db}")


def test_links_to_the_database_are_refused(shop_db, tmp_path):
    (tmp_path / "sub").mkdir()
    os.symlink(shop_db, tmp_path / "link.csv")
    os.link(shop_db, tmp_path / "sub" / "hard.csv")
    os.symlink(f"{shop_db}-wal", tmp_path / "wal-link.csv")  # its target does not exist yet
    os.symlink(tmp_path, tmp_path / "same-folder")
    for target in ("link.csv", "sub/hard.csv", "wal-link.csv", "same-folder/shop.sqlite-wal"):
        with pytest.raises(ValidationError, match=DATABASE):
            files.check_output(tmp_path / target, database=str(shop_db))


def test_the_bound_database_is_protected_by_default(database, db_path, tmp_path):
    with pytest.raises(ValidationError, match=DATABASE):
        files.check_output(db_path)
    with pytest.raises(ValidationError, match=DATABASE):
        files.write_output(f"{db_path}-wal", "x")
    assert files.check_output(tmp_path / "out.csv") == tmp_path / "out.csv"


def test_devices_pipes_sockets_and_folders_are_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock"))
    try:
        for target in ("/dev/null", tmp_path / "fifo", tmp_path / "sock"):
            with pytest.raises(ValidationError, match=NOT_ORDINARY):
                files.check_output(target, database=None)
    finally:
        server.close()
    with pytest.raises(ValidationError, match="is a folder; give the name of a file"):
        files.check_output(tmp_path, database=None)
    with pytest.raises(ValidationError, match="does not exist"):
        files.check_output(tmp_path / "nowhere" / "x.csv", database=None)
    with pytest.raises(ValidationError, match="Give the name of the file"):
        files.check_output("  ", database=None)
    assert stat.S_ISFIFO((tmp_path / "fifo").stat().st_mode)


def test_a_target_is_whole_or_untouched_and_no_temporary_file_stays(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with files.atomic_output(target, database=None) as partial:
            assert partial.parent == tmp_path and files.PARTIAL_MARK in partial.name
            partial.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]
    files.write_output(target, "new", database=None)
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_leftovers_of_a_dead_writer_are_removed_at_the_next_write(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = [tmp_path / f".backup.sqlite{files.PARTIAL_MARK}{gone.pid}{suffix}" for suffix in ("", "-journal", "-wal")]
    alive = tmp_path / f".other.csv{files.PARTIAL_MARK}{os.getppid()}"  # a writer still running
    mine = tmp_path / "mine.shoptui-partial-1.csv"  # not our pattern: a user's file
    for path in (*dead, alive, mine):
        path.write_bytes(b"x" * 100)
    files.write_output(tmp_path / "new.csv", "a,b\n", database=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, mine.name, "new.csv"])


def test_files_are_private_whatever_the_umask(umask_022, tmp_path):
    written = files.write_output(tmp_path / "out.csv", "x", database=None)
    assert mode(written) == 0o600
    with files.atomic_output(tmp_path / "book.xlsx", database=None) as partial:
        Path(partial).write_bytes(b"PK")
    assert mode(tmp_path / "book.xlsx") == 0o600
    folder = tmp_path / "a" / "shoptui"
    files.make_private_folder(folder)
    assert mode(folder) == 0o700


def test_a_file_system_without_permissions_gets_the_file_with_a_warning(tmp_path, monkeypatch, caplog):
    def refused(path, mode, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", refused)  # what chmod does on a FAT USB stick
    with caplog.at_level(logging.WARNING, logger="shoptui.files"):
        written = files.write_output(tmp_path / "backup.csv", "data", database=None)
    assert written.read_text() == "data"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "cannot keep it private" in warnings[0] and "\n" not in warnings[0]
