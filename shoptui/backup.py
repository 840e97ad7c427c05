"""``shoptui backup`` and ``shoptui restore``.

SQLite: a backup is a consistent copy taken online through the SQLite backup API (a
snapshot, even while a till writes), saved as one self-contained file (journal mode
DELETE). A restore first checks the backup (an SQLite file, ``integrity_check`` ok, a
shoptui migration history with nothing newer than this program knows), then writes it
into the target through the backup API as well, never by copying files over a
database whose ``-wal`` file may be live, and then migrates the result.

Before a backup is kept it is checked (``PRAGMA quick_check`` on the copy, which holds the
source's pages exactly as they were at the snapshot, so the live database is read once and
never locked longer): a damaged database is refused with the way out rather than saved as if
it were good. The backup is written through ``files.atomic_output`` (a temporary file beside
it, renamed at the end; the guard refuses the database, its side files, devices and folders).

PostgreSQL: a backup copies every table through the models, in batches, into a new
SQLite file of the same format, so a backup can be restored anywhere; a restore into
PostgreSQL copies the rows of such a file (migrated first, in a temporary copy) in one
transaction and moves the id sequences past the copied rows.

A restore refuses a target that already holds data (customers, receipts, users, cards,
...) unless ``force`` is given; it never writes into a file that is not a shoptui
database.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from . import clock, files
from . import db as dbmod
from .errors import DatabaseError, NotFound, RuleViolation, ValidationError
from .i18n import _
from .models import (
    ALL_MODELS,
    Card,
    Customer,
    DebtEntry,
    PointsEntry,
    Product,
    Receipt,
    SurveyQuestion,
    User,
    VisitCount,
    Voucher,
)

# A target with rows in any of these holds a shop's data; a fresh database (settings,
# the MAIN store) does not.
DATA_MODELS = (Customer, Receipt, User, Card, Product, Voucher, PointsEntry, DebtEntry, VisitCount, SurveyQuestion)
LOCK_WAIT_SECONDS = 30
BATCH = 2000
MAX_PARAMETERS = 30000  # below SQLite's (32766) and PostgreSQL's (65535) limits on one statement
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) if hasattr(sqlite3, "SQLITE_BUSY") else (5, 6)


@dataclass(frozen=True)
class RestoreResult:
    target: str
    customers: int
    receipts: int


def default_backup_path(folder: Path | None = None) -> Path:
    return (folder or Path.cwd()) / f"shoptui-backup-{clock.now():%Y%m%d-%H%M%S}.sqlite"


def backup_database(url: str, output: Path | None = None) -> Path:
    """Write a backup of the database at ``url`` and return its path.

    ``output`` is a file (replaced if it exists); a folder is refused, as every ``-o``
    refuses one, with a file name in it to give instead; the default is a dated file in
    the current folder."""
    target = _output_path(output)
    if dbmod.is_sqlite(url):
        source = dbmod.sqlite_path(url)
        files.check_output(target, database=source)  # the database's own files first, whatever else is wrong
        if not source.is_file():
            raise NotFound(_("There is no database at {path}.").format(path=source))
        with files.atomic_output(target, database=source) as partial:
            _sqlite_backup(source, partial)
    else:
        with files.atomic_output(target, database=None) as partial:
            _postgres_backup(url, partial)
    return target


def _output_path(output: Path | None) -> Path:
    if output is None:
        return default_backup_path()
    output = Path(output).expanduser()
    if output.is_dir():
        # Like every -o: a folder is not a file name (a backup quietly named by the clock
        # inside it is a file nobody asked for); the sentence gives one to copy.
        raise ValidationError(
            _("{path} is a folder; give the name of a file, such as {example}.").format(
                path=output, example=default_backup_path(output)
            ),
            "path",
        )
    if not output.parent.is_dir():
        raise NotFound(_("The folder {folder} does not exist.").format(folder=output.parent))
    return output


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), timeout=LOCK_WAIT_SECONDS, isolation_level=None)


def _copy_pages(source: sqlite3.Connection, target: sqlite3.Connection, what: Path) -> None:
    """The whole database in one backup step (one consistent snapshot), waiting a while for locks."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS

    def progress(status, _remaining, _total):
        if status in _BUSY and time.monotonic() > deadline:
            raise DatabaseError(
                _("The database {path} is locked by another program; try again in a moment.").format(path=what)
            )

    try:
        source.backup(target, pages=-1, progress=progress, sleep=0.1)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(_failure(what, exc)) from exc


def _is_damaged(exc: sqlite3.Error) -> bool:
    return dbmod.sqlite_code(exc) == sqlite3.SQLITE_CORRUPT


def _not_a_database(exc: sqlite3.Error) -> bool:
    """SQLite's "file is not a database" (older releases: "file is encrypted or is not a database")."""
    return dbmod.sqlite_code(exc) == sqlite3.SQLITE_NOTADB


def _damaged(path: Path) -> str:
    return _(
        "The database {path} is damaged; restore the last good backup, or run shoptui check to see what is wrong."
    ).format(path=path)


def _failure(path: Path, exc: sqlite3.Error) -> str:
    """One sentence for an SQLite error on the database at ``path``."""
    return _damaged(path) if _is_damaged(exc) else dbmod.describe_failure(str(path), exc)


def _verify_copy(copy: sqlite3.Connection, source: Path) -> None:
    """The snapshot just copied is sound, or the database it came from is damaged."""
    try:
        ok = [row[0] for row in copy.execute("PRAGMA quick_check(1)")] == ["ok"]
    except sqlite3.DatabaseError as exc:
        if not _is_damaged(exc) and not _not_a_database(exc):
            raise DatabaseError(_failure(source, exc)) from exc
        ok = False
    if not ok:
        raise DatabaseError(_damaged(source))


def _sqlite_backup(source: Path, target: Path) -> None:
    try:
        src = _connect(source)
    except sqlite3.Error as exc:
        raise DatabaseError(_failure(source, exc)) from exc
    try:
        if not _has_history(src, source, _("{path} is not a shoptui database.")):
            raise DatabaseError(_("{path} is not a shoptui database.").format(path=source))
        dst = _connect(target)
        try:
            _copy_pages(src, dst, source)
            _verify_copy(dst, source)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()


def scratch_copy(source: Path, target: Path) -> None:
    """A consistent copy of the live database at ``source`` for a run whose writes are to be
    thrown away (``import --dry-run``): one backup step under a read transaction, which in
    WAL mode never keeps a till from writing."""
    try:
        src = _connect(source)
    except sqlite3.Error as exc:
        raise DatabaseError(_failure(source, exc)) from exc
    _copy_into(src, target, source)


def _copy_into(src: sqlite3.Connection, target: Path, named: Path) -> None:
    """Every page of the open database ``src`` into the database file ``target`` (``named``
    in a failure's sentence); both connections closed after, whatever happens."""
    try:
        dst = _connect(target)
        try:
            _copy_pages(src, dst, named)
        finally:
            dst.close()
    finally:
        src.close()


def _has_history(conn: sqlite3.Connection, path: Path, not_ours: str, damaged: str | None = None) -> bool:
    try:
        row = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (dbmod.HISTORY_TABLE,)
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        if _not_a_database(exc):
            raise DatabaseError(not_ours.format(path=path)) from exc
        if damaged is not None and _is_damaged(exc):
            raise DatabaseError(damaged.format(path=path)) from exc
        raise DatabaseError(_failure(path, exc)) from exc
    return bool(row[0])


# -- checking a backup -------------------------------------------------------------------------


def check_backup_file(path: Path) -> list[str]:
    """The migrations recorded in the backup, after making sure it can be restored."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise NotFound(_("There is no backup file {path}.").format(path=path))
    not_ours = _("{path} is not a shoptui backup.")
    damaged = _("The backup {path} is damaged; restore another backup.")
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise DatabaseError(not_ours.format(path=path)) from exc
    try:
        if not _has_history(conn, path, not_ours, damaged):
            raise DatabaseError(not_ours.format(path=path))
        # SQLite's own report ("*** in database main *** / Page 5: ...") is no sentence for a user.
        if [row[0] for row in conn.execute("PRAGMA integrity_check(1)")] != ["ok"]:
            raise DatabaseError(damaged.format(path=path))
        names = [row[0] for row in conn.execute(f'SELECT name FROM "{dbmod.HISTORY_TABLE}"')]
    except sqlite3.DatabaseError as exc:
        raise DatabaseError((damaged if _is_damaged(exc) else not_ours).format(path=path)) from exc
    finally:
        conn.close()
    if set(names) - set(dbmod.known_migrations()):
        raise DatabaseError(
            _("The backup {path} was made by a newer version of shoptui; please update shoptui first.").format(
                path=path
            )
        )
    return sorted(names)


# -- restoring -------------------------------------------------------------------------------------


def restore_database(backup: Path, url: str, force: bool = False) -> RestoreResult:
    """Replace the database at ``url`` (created if missing) with the backup, then migrate it."""
    backup = Path(backup).expanduser()
    check_backup_file(backup)
    if dbmod.is_sqlite(url):
        _restore_sqlite(backup, url, force)
    else:
        _restore_postgres(backup, url, force)
    database = dbmod.open_database(url)
    try:
        return RestoreResult(url, Customer.select().count(), Receipt.select().count())
    finally:
        database.close()


def _restore_sqlite(backup: Path, url: str, force: bool) -> None:
    target = dbmod.sqlite_path(url)
    existed = target.exists()
    if _same_file(backup, target):
        raise RuleViolation(_("The backup and the database are the same file."))
    dbmod.make_database(url)  # a missing folder or a folder given as the file: one clear sentence (and a new file 0600)
    if existed:
        _check_sqlite_target(target, force)
    try:
        _copy_into(_connect(backup), target, target)
    except BaseException:
        if not existed:
            _remove_database_files(target)
        raise


def _check_sqlite_target(target: Path, force: bool) -> None:
    not_ours = _("{path} is not a shoptui database; restore into a new file, or move it away first.")
    conn = _connect(target)
    try:
        tables = _sqlite_tables(conn, target, not_ours)
        if tables and dbmod.HISTORY_TABLE not in tables:
            raise DatabaseError(not_ours.format(path=target))
        holds_data = any(
            conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{m._meta.table_name}")').fetchone()[0]
            for m in DATA_MODELS
            if m._meta.table_name in tables
        )
    finally:
        conn.close()
    if holds_data and not force:
        raise RuleViolation(_refuse_message(target))


def _sqlite_tables(conn: sqlite3.Connection, path: Path, not_ours: str) -> set[str]:
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        if _not_a_database(exc):
            raise DatabaseError(not_ours.format(path=path)) from exc
        raise DatabaseError(dbmod.describe_failure(str(path), exc)) from exc


def _refuse_message(target) -> str:
    return _("The database {path} already holds a shop's data; add --force to replace it with the backup.").format(
        path=target
    )


def table_counts() -> dict[str, int]:
    """Rows per table of the bound database (what a restore must keep)."""
    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}


# -- PostgreSQL: portable backups through the models -------------------------------------------------


def _copy_rows(source: pw.Database, target: pw.Database, null_self_refs: bool = False) -> list[tuple]:
    """Copy every model's rows from ``source`` to ``target``, in batches by primary key.

    With ``null_self_refs`` the references of a table to itself (a return to its sale, a
    merged customer to the one kept) are written afterwards: the referenced row may come
    later. Returns those postponed updates: (model, field, pk, value)."""
    later: list[tuple] = []
    for model in ALL_MODELS:
        pk = model._meta.primary_key
        fields = list(model._meta.sorted_fields)
        # By position, not fields.index(): a peewee field's == builds an SQL expression.
        key_at = next(i for i, f in enumerate(fields) if f is pk)
        self_refs = (
            [(i, f) for i, f in enumerate(fields) if isinstance(f, pw.ForeignKeyField) and f.rel_model is model]
            if null_self_refs
            else []
        )
        batch = max(1, min(BATCH, MAX_PARAMETERS // len(fields)))
        last = None
        while True:
            with model.bind_ctx(source, bind_refs=False, bind_backrefs=False):
                query = model.select(*fields).order_by(pk).limit(batch)
                if last is not None:
                    query = query.where(pk > last)
                rows = list(query.tuples())
            if not rows:
                break
            last = rows[-1][key_at]
            for row_index, row in enumerate(rows):
                if any(row[i] is not None for i, _f in self_refs):
                    row = list(row)
                    for i, field in self_refs:
                        if row[i] is not None:
                            later.append((model, field, row[key_at], row[i]))
                            row[i] = None
                    rows[row_index] = tuple(row)
            with model.bind_ctx(target, bind_refs=False, bind_backrefs=False):
                model.insert_many(rows, fields=fields).execute()
    return later


def _postgres_backup(url: str, target: Path) -> None:
    source = dbmod.open_database(url)
    copy = pw.SqliteDatabase(str(target), pragmas={"foreign_keys": 0, "journal_mode": "delete", "synchronous": "off"})
    try:
        copy.connect()
        dbmod.upgrade(copy)
        with copy.atomic(), source.atomic():  # one snapshot of the source (PostgreSQL: repeatable within a transaction)
            if isinstance(source, pw.PostgresqlDatabase):
                source.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for model in reversed(ALL_MODELS):
                with model.bind_ctx(copy, bind_refs=False, bind_backrefs=False):
                    model.delete().execute()  # a migration may have seeded rows
            _copy_rows(source, copy)
    finally:
        copy.close()
        source.close()


def _restore_postgres(backup: Path, url: str, force: bool) -> None:
    target = dbmod.open_database(url)
    with tempfile.TemporaryDirectory(prefix="shoptui-restore-") as folder:
        staged = Path(folder) / "staged.sqlite"
        src, dst = _connect(backup), _connect(staged)
        try:
            _copy_pages(src, dst, backup)
        finally:
            src.close()
            dst.close()
        # Bring the (possibly older) backup to this program's schema without touching the file given.
        copy = pw.SqliteDatabase(str(staged), pragmas={"foreign_keys": 0})
        try:
            copy.connect()
            dbmod.upgrade(copy)
            with target.atomic():
                holds_data = any(m.select().exists() for m in DATA_MODELS)
                if holds_data and not force:
                    raise RuleViolation(_refuse_message(url))
                tables = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
                target.execute_sql(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE")
                later = _copy_rows(copy, target, null_self_refs=True)
                for model, field, key, value in later:
                    model.update({field: value}).where(model._meta.primary_key == key).execute()
                _reset_sequences(target)
        finally:
            copy.close()
            target.close()


def _reset_sequences(target: pw.Database) -> None:
    """The next id of every table comes after the copied rows."""
    for model in ALL_MODELS:
        pk = model._meta.primary_key
        if not isinstance(pk, pw.AutoField):
            continue
        table, column = model._meta.table_name, pk.column_name
        target.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 1), '
            f'(SELECT MAX("{column}") FROM "{table}") IS NOT NULL)'
        )
