"""The database: one proxy, opened from a path or URL, migrated at start.

SQLite (the default, one file in the user data directory) runs in WAL mode with
foreign keys and a busy timeout; PostgreSQL is reached through playhouse.db_url.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
import threading
import zlib
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlparse, urlsplit

import peewee
from playhouse import db_url
from playhouse.migrations import Runner

from .errors import DatabaseError
from .i18n import _
from .private_files import create_private_file, make_private_folder

database = peewee.DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HISTORY_TABLE = "shoptui_migration"
BUSY_TIMEOUT_ENV = "SHOPTUI_BUSY_TIMEOUT_MS"
# How long a statement waits for another process's write lock before giving up (two tills,
# the counter listener and an import share one file). SHOPTUI_BUSY_TIMEOUT_MS overrides it
# when a database is opened; tests set a short one.
BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
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


def busy_timeout_ms() -> int:
    """The busy timeout in milliseconds: ``SHOPTUI_BUSY_TIMEOUT_MS`` when it is a number, else ``BUSY_TIMEOUT_MS``."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if text.isdigit():
        return min(int(text), 600_000)
    return BUSY_TIMEOUT_MS


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
        timeout = busy_timeout_ms()
        # ``timeout`` is the busy handler from the first statement on (setting WAL mode on a
        # new file needs the lock too); the pragma keeps it for every connection peewee opens.
        pragmas = {**SQLITE_PRAGMAS, "busy_timeout": timeout}
        return peewee.SqliteDatabase(str(path), pragmas=pragmas, timeout=timeout / 1000)
    if url.startswith(("postgres://", "postgresql://")):
        try:
            return db_url.connect(url)
        except ValueError as exc:  # urllib's own words ("Invalid IPv6 URL", "Port out of range")
            raise DatabaseError(
                _(
                    "Cannot use the database {url}: the address is not a valid postgresql:// address "
                    "(postgresql://user:password@host:port/name)."
                ).format(url=mask_password(url))
            ) from exc
        except Exception as exc:  # the driver is missing
            raise DatabaseError(
                _("Cannot use the database {url}: {reason}").format(url=mask_password(url), reason=_reason(url, exc))
            ) from exc
    raise DatabaseError(_("Unknown kind of database: {url}").format(url=mask_password(url)))


def open_database(url: str, migrate: bool = True) -> peewee.Database:
    """Open, check and migrate the database, and bind the proxy to it."""
    db = make_database(url)
    database.initialize(db)
    # Turning a new file to WAL needs it to itself, and SQLite answers "locked" at once
    # (without the busy timeout) when another process is doing the same: processes that
    # open a new database take turns from the very first statement.
    first_open = isinstance(db, peewee.SqliteDatabase) and not _in_wal_mode(db.database)
    with migration_lock(db) if first_open else contextlib.nullcontext():
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


def _in_wal_mode(path: str) -> bool:
    """True when the file is a SQLite database already in WAL mode (its header says so)."""
    try:
        with open(path, "rb") as file:
            header = file.read(100)
    except OSError:
        return False
    return len(header) == 100 and header.startswith(b"SQLite format 3\0") and header[18:20] == b"\x02\x02"


def sqlite_code(exc: BaseException) -> int | None:
    """The primary result code (``sqlite3.SQLITE_CORRUPT``, ``SQLITE_NOTADB``…) of the SQLite
    error that ``exc`` is, wraps or was raised during, nearest first: peewee re-raises
    sqlite3's errors as its own, the original in their ``orig``. None when no
    SQLite error is in the chain. SQLite's errors are recognised by this code, never by
    their message."""
    for error in _causes(exc):
        for candidate in (error, getattr(error, "orig", None)):
            code = getattr(candidate, "sqlite_errorcode", None)
            if isinstance(code, int):
                return code & 0xFF  # the extended code's primary part
    return None


# SQLite's result codes, by the sentence describe_failure gives.
_SQLITE_NOT_OURS = {sqlite3.SQLITE_NOTADB}
_SQLITE_LOCKED = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_SQLITE_CANNOT_WRITE = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM}


def describe_failure(url: str, exc: BaseException) -> str:
    """One sentence for a failure of the database, without its password or the driver's
    second lines (PostgreSQL's DETAIL and HINT)."""
    chain = _causes(exc)
    path = mask_password(url)
    # A full disk fails the statement, then often the rollback ("cannot rollback - no
    # transaction is active"): the cause is further down the chain, so every SQLite error
    # of the chain is asked.
    codes = {code for code in (sqlite_code(e) for e in chain) if code is not None}
    if sqlite3.SQLITE_FULL in codes or any(isinstance(e, OSError) and e.errno == errno.ENOSPC for e in chain):
        return _("The disk of the database {path} is full; free some space and try again.").format(path=path)
    if codes:
        if codes & _SQLITE_NOT_OURS:
            return _("{path} is not a shoptui database.").format(path=path)
        if codes & _SQLITE_LOCKED:
            return _("The database {path} is locked by another program; try again in a moment.").format(path=path)
        if codes & _SQLITE_CANNOT_WRITE:
            return _("Cannot open the database {path}: check that the file and its folder can be written.").format(
                path=path
            )
        return _("Cannot open the database {path}: {reason}").format(path=path, reason=_reason(url, exc))
    # PostgreSQL: libpq reports a failure to connect (refused, unknown host, wrong password)
    # as text only, with no SQLSTATE, so these are read from the driver's (English) words.
    text = " ".join(str(e) for e in chain).lower()
    if any(words in text for words in ("no space left on device", "disk full")):
        return _("The disk of the database {path} is full; free some space and try again.").format(path=path)
    if "locked" in text or "busy" in text:
        return _("The database {path} is locked by another program; try again in a moment.").format(path=path)
    if "unable to open" in text or "readonly" in text or "read-only" in text:
        return _("Cannot open the database {path}: check that the file and its folder can be written.").format(
            path=path
        )
    if "authentication failed" in text or "no password supplied" in text:
        return _("The database server of {path} refused the user name or password.").format(path=path)
    if any(
        words in text
        for words in (
            "connection refused",
            "could not connect",
            "connection failed",
            "timeout expired",
            "could not translate host name",
            "name or service not known",
            "server closed the connection",
        )
    ):
        return _(
            "Cannot reach the database server of {path}; check that it is running and that the address is right."
        ).format(path=path)
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
    link: BaseException | None = exc
    while link is not None and link not in chain and len(chain) < 10:
        chain.append(link)
        link = link.__cause__ or link.__context__
    return chain


def _reason(url: str, exc: BaseException) -> str:
    """The driver's first line, without the "ERROR:" a PostgreSQL message starts with and
    without the password, ending as a sentence."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    for prefix in ("ERROR:", "FATAL:", "error:", "fatal:"):
        if first.startswith(prefix):
            first = first[len(prefix) :].strip()
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
    """Apply pending numbered migrations; refuse a database that is newer or not ours.

    Processes that open the same new (or older) database at once take turns: the one that
    gets the migration lock applies what is pending, the others then find it applied.
    """
    if _up_to_date(db):
        return []
    with migration_lock(db):
        return _upgrade(db)


def _up_to_date(db: peewee.Database) -> bool:
    """True when exactly the known migrations are applied (read without the lock: the usual case)."""
    if HISTORY_TABLE not in set(db.get_tables()):
        return False
    applied = set(Runner(db, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).applied())
    return set(known_migrations()) == applied


def write_turn(db: peewee.Database):
    """The writers' turnstile of a SQLite file: held while a writer waits for the write lock.

    SQLite keeps no queue for its lock: a waiting process polls (every 0.1 s once it has
    waited a while), so an import that commits a batch and at once begins the next could
    keep a till waiting for many batches. A writer takes its turn here before BEGIN
    IMMEDIATE and gives it back as soon as it has the lock; the next batch of the import
    then queues behind the till, which waits for at most the batch in progress. The same
    folder lock as the migrations (a writer also waits while a database is migrated).
    """
    if isinstance(db, peewee.SqliteDatabase):
        return migration_lock(db)
    return contextlib.nullcontext()


@contextlib.contextmanager
def migration_lock(db: peewee.Database):
    """Only one process migrates a database at a time.

    SQLite: an exclusive ``flock`` on the database's folder (the migrations cannot run
    inside one ``BEGIN EXCLUSIVE``: SQLite's migrator turns foreign keys off around a table
    rebuild, which a pragma cannot do inside a transaction; and a lock on the database file
    itself would break SQLite's own locks, which a second descriptor releases). The folder
    leaves no lock file behind. PostgreSQL: a session advisory lock.
    """
    if isinstance(db, peewee.PostgresqlDatabase):
        key = zlib.crc32(b"shoptui migrations")
        db.execute_sql("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            try:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (key,))
            except (peewee.DatabaseError, peewee.InterfaceError):
                pass  # a broken connection: closing it releases the lock
        return
    folder = _sqlite_folder(db)
    fcntl: ModuleType | None
    try:
        import fcntl
    except ImportError:  # Windows: no flock; one till per file there
        fcntl = None
    held = _locks_held.__dict__.setdefault("folders", set())
    if folder is None or fcntl is None or folder in held:  # the lock is this thread's already
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder we may not list: SQLite's own locks still guard the file
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held.add(folder)
        try:
            yield
        finally:
            held.discard(folder)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


_locks_held = threading.local()


def _sqlite_folder(db: peewee.Database) -> str | None:
    name = str(getattr(db, "database", "") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    folder = os.path.dirname(os.path.abspath(name))
    return folder if os.path.isdir(folder) else None


def _upgrade(db: peewee.Database) -> list[str]:
    runner = Runner(db, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)
    tables = set(db.get_tables())
    if HISTORY_TABLE not in tables and tables:
        raise DatabaseError(_("{path} is not a shoptui database.").format(path=db.database))
    applied = set(runner.applied())
    unknown = applied - set(known_migrations())
    if unknown:
        raise DatabaseError(_("This database was made by a newer version of shoptui; please update shoptui."))
    return runner.up()


def schema_version(db: peewee.Database) -> list[str]:
    return sorted(Runner(db, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE).applied())
