"""The database: one proxy, opened from a path or URL, migrated at start.

SQLite (the default, one file in the user data directory) runs in WAL mode with
foreign keys and a busy timeout; PostgreSQL is reached through playhouse.db_url.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import peewee
from playhouse import db_url
from playhouse.migrations import Runner

from .errors import DatabaseError
from .files import create_private_file, make_private_folder
from .i18n import _

database = peewee.DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HISTORY_TABLE = "shoptui_migration"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    # SQLite's default page cache (2 MB), not a bigger one: with 64 MB the sorts and
    # window functions of the reports ran twice as slow on 10,000,000 receipts (RANK over
    # 700,000 customers: 12 s against 6 s), and the OS caches the file anyway.
}


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("shoptui", appauthor=False)) / "shoptui.sqlite"


def resolve_url(db: str | None) -> str:
    """The database named by ``--db``, ``SHOPTUI_DB`` or the default, as a path or URL."""
    value = db or os.environ.get("SHOPTUI_DB") or ""
    if not value:
        path = default_path()
        make_private_folder(path.parent)  # 0700: the shop's data is its owner's only
        return str(path)
    return value


def is_sqlite(url: str) -> bool:
    return "://" not in url or url.startswith("sqlite")


def sqlite_path(url: str) -> Path:
    if "://" not in url:
        return Path(url).expanduser()
    parsed = urlparse(url)
    # sqlite:///relative.db -> "/relative.db"; sqlite:////abs/path.db -> "//abs/path.db"
    path = parsed.path[1:] if parsed.path.startswith("/") else parsed.path
    return Path(path).expanduser()


def make_database(url: str) -> peewee.Database:
    if is_sqlite(url):
        path = sqlite_path(url)
        if not path.parent.is_dir():
            raise DatabaseError(_("The folder {folder} does not exist.").format(folder=path.parent))
        if path.is_dir():
            raise DatabaseError(_("{path} is a folder, not a database file.").format(path=path))
        if str(path) != ":memory:":
            # 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
            create_private_file(path)
        return peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5)
    if url.startswith(("postgres://", "postgresql://")):
        try:
            return db_url.connect(url)
        except Exception as exc:  # the driver is missing or the URL is malformed
            raise DatabaseError(_("Cannot use the database {url}: {reason}").format(url=url, reason=exc)) from exc
    raise DatabaseError(_("Unknown kind of database: {url}").format(url=url))


def open_database(url: str, migrate: bool = True) -> peewee.Database:
    """Open, check and migrate the database, and bind the proxy to it."""
    db = make_database(url)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if isinstance(db, peewee.SqliteDatabase):
            # Reading the schema is the first access that fails on a file that is not SQLite.
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        if migrate:
            upgrade(db)
    except DatabaseError:
        db.close()
        raise
    except (peewee.DatabaseError, sqlite3.DatabaseError, peewee.OperationalError) as exc:
        db.close()
        raise DatabaseError(describe_failure(url, exc)) from exc
    return db


def describe_failure(url: str, exc: Exception) -> str:
    text = str(exc).lower()
    if "not a database" in text or "file is encrypted" in text:
        return _("{path} is not a shoptui database.").format(path=url)
    if "locked" in text or "busy" in text:
        return _("The database {path} is locked by another program; try again in a moment.").format(path=url)
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return _("Cannot open the database {path}: check that the file and its folder can be written.").format(path=url)
    return _("Cannot open the database {path}: {reason}").format(path=url, reason=str(exc).strip())


def known_migrations() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py"))


def upgrade(db: peewee.Database) -> list[str]:
    """Apply pending numbered migrations; refuse a database that is newer or not ours."""
    runner = Runner(db, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)
    tables = set(db.get_tables())
    if HISTORY_TABLE not in tables and tables:
        raise DatabaseError(_("{path} is not a shoptui database.").format(path=db.database))
    applied = set(runner.applied())
    unknown = applied - set(known_migrations())
    if unknown:
        raise DatabaseError(
            _("This database was made by a newer version of shoptui; please update shoptui.")
        )
    return runner.up()


def schema_version(db: peewee.Database) -> list[str]:
    return sorted(Runner(db, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).applied())
