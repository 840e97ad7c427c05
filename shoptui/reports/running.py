"""Running a report for the terminal app: in a worker thread that another thread can stop
(writing it to a file for the owner is ``io.report_output.export_report``).

A report is a few large SQL statements. Cancelling one must really stop the database,
not only forget the answer: ``ReportRun.cancel()`` (called from the UI thread) interrupts
the statement the worker's connection is running (``sqlite3.Connection.interrupt()``,
PostgreSQL's cancel request), and the worker then raises ``ReportCancelled``. A report
still in Python when cancelled finishes its step and its result is thrown away.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from ..db import database
from ..errors import ShopError
from ..i18n import _
from ..models import Product
from . import load
from .query import ReportQuery


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


# -- what the report form offers ---------------------------------------------------------------


def product_choices(limit: int = 5000) -> list[tuple[str, str]]:
    """(sku, name) of the catalogue, for the buyers report's product field."""
    return list(Product.select(Product.sku, Product.name).order_by(Product.sku).limit(limit).tuples())
