"""The database: one proxy, opened from a path or URL, migrated at start.

SQLite (the default, one file in the user data directory) runs in WAL mode with
foreign keys and a busy timeout; PostgreSQL is reached through playhouse.db_url.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote, urlparse, urlsplit

import peewee
from playhouse import db_url
from playhouse.migrations import Runner

from .errors import DatabaseError
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
        path.parent.mkdir(parents=True, exist_ok=True)
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
        return peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=5)
    if url.startswith(("postgres://", "postgresql://")):
        try:
            return db_url.connect(url)
        except Exception as exc:  # the driver is missing or the URL is malformed
            raise DatabaseError(
                _("Cannot use the database {url}: {reason}").format(url=mask_password(url), reason=_reason(url, exc))
            ) from exc
    raise DatabaseError(_("Unknown kind of database: {url}").format(url=mask_password(url)))


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


def describe_failure(url: str, exc: BaseException) -> str:
    """One sentence for a failure of the database, without its password or the driver's
    second lines (PostgreSQL's DETAIL and HINT)."""
    chain = _causes(exc)
    text = " ".join(str(e) for e in chain).lower()
    path = mask_password(url)
    # A full disk fails the statement, then often the rollback ("cannot rollback - no
    # transaction is active"): the cause is further down the chain.
    if any(getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL for e in chain) or any(
        words in text for words in ("database or disk is full", "no space left on device", "disk full")
    ):
        return _("The disk of the database {path} is full; free some space and try again.").format(path=path)
    if "not a database" in text or "file is encrypted" in text:
        return _("{path} is not a shoptui database.").format(path=path)
    if "locked" in text or "busy" in text:
        return _("The database {path} is locked by another program; try again in a moment.").format(path=path)
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return _("Cannot open the database {path}: check that the file and its folder can be written.").format(path=path)
    if "authentication failed" in text or "no password supplied" in text:
        return _("The database server of {path} refused the user name or password.").format(path=path)
    if any(words in text for words in (
        "connection refused", "could not connect", "connection failed", "timeout expired",
        "could not translate host name", "name or service not known", "server closed the connection",
    )):
        return _("Cannot reach the database server of {path}; check that it is running and that the address is right.").format(path=path)
    return _("Cannot open the database {path}: {reason}").format(path=path, reason=_reason(url, exc))


def failure_message(url: str, exc: BaseException) -> str | None:
    """describe_failure's sentence when ``exc`` is an error of the database (SQLite or, wrapped
    by peewee, PostgreSQL); None for any other error. For callers that import no driver."""
    driver = type(exc).__module__.split(".")[0]  # a psycopg error peewee did not wrap
    if isinstance(exc, (peewee.DatabaseError, sqlite3.DatabaseError)) or driver in ("psycopg", "psycopg2"):
        return describe_failure(url, exc)
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it was raised from or during, nearest first."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain and len(chain) < 10:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _reason(url: str, exc: BaseException) -> str:
    """The driver's first line, without the "ERROR:" a PostgreSQL message starts with and
    without the password, ending as a sentence."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    for prefix in ("ERROR:", "FATAL:", "error:", "fatal:"):
        if first.startswith(prefix):
            first = first[len(prefix):].strip()
    password = _password(url)
    if password:
        first = first.replace(password, "***")
    return re.sub(r"(?i)(password\s*=\s*)\S+", r"\1***", first).rstrip(".")


def _password(url: str) -> str:
    try:
        password = urlsplit(url).password if "://" in url else None
    except ValueError:
        password = None
    if password:
        return password
    match = re.search(r"(?i)[?&]password=([^&]+)", url)
    return unquote(match.group(1)) if match else ""


def mask_password(url: str) -> str:
    """The URL as messages show it: its password (in the address or as ?password=) as ***."""
    if "://" not in url:
        return url
    masked = re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", url)
    scheme, _sep, rest = masked.partition("://")
    authority, slash, tail = rest.partition("/")
    if "@" in authority:
        credentials, _at, host = authority.rpartition("@")
        if ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        authority = f"{credentials}@{host}"
    return f"{scheme}://{authority}{slash}{tail}"


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
