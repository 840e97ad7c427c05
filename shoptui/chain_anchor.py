"""A backup kept elsewhere as the chains' anchor: ``shoptui check --against BACKUP``.

The hash chains (``shoptui.chain``) prove that nobody edited, inserted or deleted a row
in the middle of a ledger; they cannot prove on their own that nobody cut rows off a
chain's end, since whoever can write the file can also drop the triggers and move the
checkpoint back. A backup kept away from the till can: the last row of each chain in the
backup must still be in the database, with the same hash. Since each hash covers the one
before it, that one row vouches for the whole history up to the backup (the caller walks
the chains from their first row, so the links up to it are proved too).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from . import chain
from .check import CHAIN_NAMES, Problem, _param
from .db import database
from .errors import NotFound, UsageError
from .i18n import _


def anchor_breaks(backup: Path, database_file: Path | None = None) -> list[Problem]:
    """A problem for each chain whose end in ``backup`` is gone from the database or
    was rewritten since. Raises a ``ShopError`` when the file is no shoptui backup, or is
    the database itself (``database_file``, on SQLite), which would prove nothing."""
    if database_file is not None and backup.exists() and database_file.exists() and backup.samefile(database_file):
        raise UsageError(_("{path} is the database itself; give a backup kept away from the till.").format(path=backup))
    rows = _chain_ends(backup)
    problems = []
    for table, (row_id, row_hash) in rows.items():
        name = _(CHAIN_NAMES[table])
        found = database.execute_sql(f'SELECT hash FROM "{table}" WHERE id = {_param()}', (row_id,)).fetchone()
        if found is None:
            problems.append(
                Problem(
                    "chain_cut",
                    _(
                        "The {chain} lost rows since the backup {file}: row {id} of table {table} is in the backup "
                        "but no longer in the database."
                    ).format(chain=name, file=backup, id=row_id, table=table),
                )
            )
        elif found[0] != row_hash:
            problems.append(
                Problem(
                    "chain_edited",
                    _(
                        "The {chain} was rewritten since the backup {file} (or the backup is of another shop): "
                        "row {id} of table {table} has another hash there."
                    ).format(chain=name, file=backup, id=row_id, table=table),
                )
            )
    return problems


def _chain_ends(backup: Path) -> dict[str, tuple[int, str]]:
    """The last row (id, hash) of each chain in the backup, read without writing to it."""
    if not backup.is_file():
        raise NotFound(_("There is no backup file at {path}.").format(path=backup))
    try:
        # mode=ro and immutable: a backup on a read-only stick is read as it is, and nothing is written beside it.
        con = sqlite3.connect(f"{backup.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise UsageError(_("{path} is not a shoptui backup.").format(path=backup)) from exc
    try:
        ends = {}
        for table in chain.CHAINS:
            row = con.execute(
                f'SELECT id, hash FROM "{table}" WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1'
            ).fetchone()
            if row is not None:
                ends[table] = (int(row[0]), str(row[1]))
        return ends
    except sqlite3.OperationalError as exc:  # a database, but without the chains' tables or columns
        raise UsageError(
            _(
                "{path} is not a shoptui backup with hash chains (a backup made before this version proves nothing "
                "about them)."
            ).format(path=backup)
        ) from exc
    except sqlite3.Error as exc:
        raise UsageError(_("{path} is not a shoptui backup.").format(path=backup)) from exc
    finally:
        con.close()
