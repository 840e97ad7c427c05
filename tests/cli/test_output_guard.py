"""Every ``-o`` of the command line refuses the database, its -wal file, a device, a pipe, a
folder and links to the database, with one sentence, and leaves them as they were."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shoptui.cli import main

ROOT = Path(__file__).resolve().parents[2]

# Each command with -o, and whether it wants a name ending in .xlsx.
COMMANDS = {
    "report-csv": (["report", "portrait", "--as-of", "2025-03-31", "--format", "csv"], False),
    "report-xlsx": (["report", "portrait", "--as-of", "2025-03-31", "--format", "xlsx"], True),
    "day-close": (["day-close", "--date", "2025-03-01", "--format", "csv"], False),
    "export-month": (["export", "month", "2025-03", "--no-progress"], True),
    "import-template": (["import", "template", "customers"], True),
    "backup": (["backup"], False),
}
TARGETS = ("database", "wal", "device", "folder", "symlink", "hardlink", "wal-symlink")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "shop.sqlite"
    assert main(["--db", str(path), "demo", "--customers", "20", "--days", "5", "--seed", "3"]) == 0
    return path


@pytest.fixture
def shop(demo_file, tmp_path):
    """A copy of the demo shop, with a committed row still in its -wal file (a till that has
    it open), so that writing over the -wal would lose it."""
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(demo_file) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # the demo's connection may still be open: its pages are in its -wal
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("INSERT INTO setting (key, value) VALUES ('probe', '\"in the wal\"')")
    assert Path(f"{path}-wal").stat().st_size > 0
    yield path
    holder.close()


def target_path(kind: str, shop: Path, tmp_path: Path, xlsx: bool) -> Path:
    ext = ".xlsx" if xlsx else ".csv"
    wal = Path(f"{shop}-wal")
    if kind == "database":
        return shop
    if kind == "wal":
        return wal
    if kind == "device":
        if not xlsx:
            return Path("/dev/null")
        os.symlink("/dev/null", tmp_path / f"null{ext}")
        return tmp_path / f"null{ext}"
    if kind == "folder":
        (tmp_path / f"folder{ext}").mkdir()
        return tmp_path / f"folder{ext}"
    if kind == "symlink":
        os.symlink(shop, tmp_path / f"link{ext}")
        return tmp_path / f"link{ext}"
    if kind == "hardlink":
        os.link(shop, tmp_path / f"hard{ext}")
        return tmp_path / f"hard{ext}"
    os.symlink(wal, tmp_path / f"wal-link{ext}")
    return tmp_path / f"wal-link{ext}"


def fingerprint(path: Path):
    info = path.lstat()
    content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
    return info.st_ino, stat.S_IFMT(info.st_mode), content


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_output_refuses_the_database_devices_and_folders(command, kind, shop, tmp_path, capsys):
    args, xlsx = COMMANDS[command]
    target = target_path(kind, shop, tmp_path, xlsx)
    wal = Path(f"{shop}-wal")
    before = {p: fingerprint(p) for p in (shop, wal, target)}
    code = main(["--db", str(shop), *args, "-o", str(target)])
    out, err = capsys.readouterr()
    assert code in (1, 2) and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "Unexpected" not in err
    assert {p: fingerprint(p) for p in before} == before
    assert not list(tmp_path.glob(".*shoptui-partial*"))


def test_the_wal_survives_a_refused_backup_and_its_rows_are_kept(shop, capsys):
    wal = Path(f"{shop}-wal")
    assert main(["--db", str(shop), "backup", "-o", str(wal)]) == 1
    assert "is the shop's database or one of its files" in capsys.readouterr().err
    reader = sqlite3.connect(shop)
    assert reader.execute("SELECT value FROM setting WHERE key = 'probe'").fetchone() == ('"in the wal"',)
    assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reader.close()


@pytest.mark.parametrize("command", ["report-csv", "day-close", "backup"])
def test_a_fifo_is_refused_at_once(command, demo_file, tmp_path):
    """A pipe nobody reads would hang the writer: refused before anything is opened."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    args, _xlsx = COMMANDS[command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPTUI_")}
    run = subprocess.run(
        [sys.executable, "-m", "shoptui", "--db", str(demo_file), *args, "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert run.returncode == 1 and run.stdout == ""
    assert "is not an ordinary file" in run.stderr and run.stderr.count("\n") == 1
    assert stat.S_ISFIFO(fifo.stat().st_mode)
