"""What a report is asked for (as-of date, period, stores, options) and the SQL pieces
every report builds its scope from, portable between SQLite and PostgreSQL.

A report sees only what happened up to the end of its as-of day; ``date_from`` /
``date_to`` narrow that to a period of inclusive dates (SPEC: Definitions).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce

import peewee as pw

from .. import clock
from ..db import database
from ..errors import NotFound, UsageError
from ..i18n import N_, _
from ..limits import day_in_range, outside_years
from ..models import Customer, Receipt, Store
from ..services import settings


@dataclass
class ReportQuery:
    as_of: dt.date = field(default_factory=clock.today)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    stores: list[str] = field(default_factory=list)  # store codes; empty: every store
    options: dict = field(default_factory=dict)  # report-specific (conversion --by, buyers --product)

    def __post_init__(self) -> None:
        for day in (self.as_of, self.date_from, self.date_to):
            if day is not None and not day_in_range(day):
                # Screens pass dates as well; 9999-12-31 would overflow at the end of its day.
                raise UsageError(outside_years(day.isoformat()))
        self.stores = [code.strip().upper() for code in self.stores if code and code.strip()]
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UsageError(
                _("The period starts ({start}) after it ends ({end}).").format(
                    start=self.date_from.isoformat(), end=self.date_to.isoformat()
                )
            )

    # -- the time window -------------------------------------------------------------

    @property
    def end(self) -> dt.datetime:
        """The first instant the report no longer sees (the as-of cut, narrowed by ``date_to``)."""
        last = self.as_of if self.date_to is None else min(self.as_of, self.date_to)
        return clock.end_of_day(last)

    @property
    def start(self) -> dt.datetime | None:
        return clock.start_of_day(self.date_from) if self.date_from else None

    def in_period(self, at: pw.Field) -> pw.Expression:
        """``at`` falls in the report's window: after the start of --from, before the cut."""
        condition = at < self.end
        if self.start is not None:
            condition &= at >= self.start
        return condition

    # -- stores ----------------------------------------------------------------------

    def check_stores(self) -> None:
        """Refuse a store code the shop does not have (the command line's --store)."""
        if not self.stores:
            return
        known = {code for (code,) in Store.select(Store.code).where(Store.code.in_(self.stores)).tuples()}
        missing = [code for code in self.stores if code not in known]
        if missing:
            raise NotFound(_("There is no store {code}.").format(code=", ".join(missing)))

    def in_stores(self, store: pw.Field) -> pw.Expression | None:
        """``store`` (a foreign key to Store) is one of the asked stores; None when all are asked."""
        if not self.stores:
            return None
        return store.in_(Store.select(Store.id).where(Store.code.in_(self.stores)))

    # -- the scopes reports use ------------------------------------------------------

    def receipts(self) -> pw.Expression:
        """Receipts (sales and returns) the report counts: by receipt time and store."""
        return all_of(self.in_period(Receipt.at), self.in_stores(Receipt.store))

    def customers_registered(self) -> pw.Expression:
        """Customers registered up to the as-of day (whatever the status), in the asked stores.

        The period does not narrow this: the customer base is what exists at the as-of day.
        """
        return all_of(Customer.registered_at < clock.end_of_day(self.as_of), self.in_stores(Customer.store))


# What a report saw, at the head of its answer (``scope``), and the labels of those keys.
SCOPE_LABELS = {
    "as_of": N_("As of"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "stores": N_("Stores"),
    "currency": N_("Currency"),
}


def scope(query: ReportQuery, currency: str | None = None) -> dict:
    """The as-of day, the period, the stores and the currency (the shop's unless given)."""
    return {
        "as_of": query.as_of,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "stores": list(query.stores),
        "currency": settings.currency() if currency is None else currency,
    }


def whole_history(query: ReportQuery) -> bool:
    """The query sees every receipt there is (no --from, no store, nothing after its cut),
    so the per-customer sums kept by migration 0005's triggers answer it exactly."""
    if query.date_from is not None or query.stores:
        return False
    last = Receipt.select(pw.fn.MAX(Receipt.at)).scalar()
    if last is None:
        return True
    # SQLite gives the text as stored; PostgreSQL a datetime.
    return (last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last))) < query.end


def all_of(*conditions: pw.Expression | None) -> pw.Expression:
    return reduce(operator.and_, [c for c in conditions if c is not None])


# -- portable SQL ------------------------------------------------------------------------


def is_postgres() -> bool:
    return isinstance(getattr(database, "obj", None), pw.PostgresqlDatabase)


def day_number(at: pw.ColumnBase) -> pw.ColumnBase:
    """The calendar day of a date-time as an integer, so that day gaps are subtractions.

    SQLite and PostgreSQL share no date arithmetic: SQLite counts Julian days
    (midnight is N.5, so the integer part numbers the day), PostgreSQL subtracts dates.
    """
    if is_postgres():
        return pw.Cast(at, "date") - pw.SQL("DATE '2000-01-01'")
    return pw.Cast(pw.fn.julianday(pw.fn.date(at)), "INTEGER")


def calendar_date(at: pw.ColumnBase) -> pw.ColumnBase:
    """The calendar date of a date-time (ISO text on SQLite, a date on PostgreSQL)."""
    if is_postgres():
        return pw.Cast(at, "date")
    return pw.fn.date(at)
