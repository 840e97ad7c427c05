"""Running a report for the terminal app: in a worker thread that another thread can stop,
and writing it to a file (CSV or xlsx) for the owner.

A report is a few large SQL statements. Cancelling one must really stop the database,
not only forget the answer: ``ReportRun.cancel()`` (called from the UI thread) interrupts
the statement the worker's connection is running (``sqlite3.Connection.interrupt()``,
PostgreSQL's cancel request), and the worker then raises ``ReportCancelled``. A report
still in Python when cancelled finishes its step and its result is thrown away.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Mapping


from .. import files
from ..db import database
from ..errors import ShopError
from ..i18n import _
from ..models import Product
from ..services import settings
from ..services.context import Actor, require
from . import load
from .query import ReportQuery
from .render import render

EXPORT_FORMATS = ("csv", "xlsx")


class ReportCancelled(ShopError):
    """The person stopped the report before it finished."""


def interrupt(connection: Any) -> None:
    """Stop what ``connection`` runs now; safe to call from another thread."""
    if isinstance(connection, sqlite3.Connection):
        connection.interrupt()
        return
    # psycopg 3 (cancel_safe from 3.2, cancel before) and psycopg2 send a cancel request.
    for name in ("cancel_safe", "cancel"):
        method = getattr(connection, name, None)
        if callable(method):
            method()
            return


class ReportRun:
    """One run of a report; ``run()`` in a worker thread, ``cancel()`` from any other."""

    def __init__(self, name: str, query: ReportQuery):
        self.name = name
        self.query = query
        self.cancelled = False
        self._lock = threading.Lock()
        self._connection: Any = None

    def run(self) -> dict:
        """The report's data; the caller holds a connection for this thread
        (``database.connection_context()``)."""
        spec = load(self.name)
        with self._lock:
            if self.cancelled:
                raise ReportCancelled(_("The report was cancelled."))
            self._connection = database.connection()
        try:
            data = spec.build(self.query)
        except Exception:
            # sqlite3 says "interrupted", psycopg raises QueryCanceled (peewee passes it on as is)
            if self.cancelled:
                raise ReportCancelled(_("The report was cancelled.")) from None
            raise
        finally:
            with self._lock:
                self._connection = None
        if self.cancelled:
            raise ReportCancelled(_("The report was cancelled."))
        return data

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            connection = self._connection
        if connection is not None:
            interrupt(connection)


# -- writing a report to a file -------------------------------------------------------------


def export_format(path: str | Path) -> str:
    """.xlsx writes a workbook; anything else CSV."""
    return "xlsx" if str(path).strip().lower().endswith(".xlsx") else "csv"


def export_report(
    name: str,
    query: ReportQuery,
    path: str | Path,
    actor: Actor | None = None,
    data: Mapping | None = None,
) -> Path:
    """Write report ``name`` to ``path`` (CSV or xlsx by its ending), as the command line
    writes it; the owner's right (``export``). ``data``: the report already built, when
    the caller holds all of it; otherwise it is built here in full (no page limit).

    The file appears whole or not at all: it is written beside the target and renamed.
    """
    require(actor, "export")
    target = files.check_output(str(path))
    spec = load(name)
    if data is None:
        options = {key: value for key, value in query.options.items() if key not in ("limit", "offset")}
        data = spec.build(ReportQuery(query.as_of, query.date_from, query.date_to, list(query.stores), options))
    fmt = export_format(target)
    output = render(data, fmt, settings.currency(), title=spec.title, labels=spec.labels, columns=spec.columns,
                    translate_headers=True)
    # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 (Vietnamese names).
    return files.write_output(target, output, encoding="utf-8-sig")


# -- what the report form offers ---------------------------------------------------------------


def product_choices(limit: int = 5000) -> list[tuple[str, str]]:
    """(sku, name) of the catalogue, for the buyers report's product field."""
    return list(Product.select(Product.sku, Product.name).order_by(Product.sku).limit(limit).tuples())
