"""How a report reads a whole table: SQLite is told to scan it rather than walk an index.

A report over the whole history (no ``--from``) reads nearly every receipt. SQLite still
prefers walking an index on ``at`` (for the as-of cut) or on ``customer_id`` (for a GROUP
BY), fetching each row from the table in the index's order: a random read per row
wherever the table is not stored in that order. Measured on 10,000,000 receipts stored
in random time order: a SUM over the as-of cut took 38 s through the index and 1 s as a
scan; a GROUP BY customer 20 s against 6 s. With ``--from`` the index on ``at`` is the
right way in and is left to the planner; so is a query that reads only columns of the
covering (customer, at, kind, total, store) index, which needs no table row at all.
PostgreSQL chooses by its statistics and is left alone.
"""

from __future__ import annotations

import peewee as pw

from .query import ReportQuery, is_postgres


def scanned(model: type[pw.Model], query: ReportQuery | None = None) -> type[pw.Model] | pw.NodeList:
    """``model`` as a FROM source: with ``NOT INDEXED`` on SQLite for a report with no
    start date (or with no query at all: a read of the whole table)."""
    if is_postgres() or (query is not None and query.date_from is not None):
        return model
    return pw.NodeList((model, pw.SQL("NOT INDEXED")))
