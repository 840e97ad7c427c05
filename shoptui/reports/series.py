"""Series the report charts draw that the reports themselves do not return.

Each function takes the report's ``ReportQuery`` and answers with one SQL GROUP BY
(per day or per hour of day); Python only fills the days or hours that had nothing, so
that a chart's axis has no holes.

- ``new_customers_per_day``: the portrait's "new customers" as a daily series;
- ``conversion_by_hour_of_day``: the conversion funnel (visitors → sale receipts →
  receipts with a card) summed over the period and the stores per hour 0-23, which
  shows the hours when people buy but no card is scanned;
- ``conversion_by_day``: the same funnel per calendar day, every store summed.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw
from peewee import fn

from .. import clock
from ..models import Customer, VisitCount
from ..models.summaries import ReceiptHour
from ..services.visits import visits_by_hour_query
from .conversion import hour_of_day
from .query import ReportQuery, all_of, calendar_date

# Without --from, the portrait's daily chart looks back this many days from the as-of day.
NEW_CUSTOMER_DAYS = 30
FUNNEL = ("visitors", "receipts", "identified_receipts")


def _last_day(query: ReportQuery) -> dt.date:
    return query.as_of if query.date_to is None else min(query.as_of, query.date_to)


def _as_date(day) -> dt.date:
    # SQLite's date() gives ISO text; PostgreSQL a date.
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def new_customers_per_day(query: ReportQuery, days: int = NEW_CUSTOMER_DAYS) -> list[tuple[dt.date, int]]:
    """Customers registered per day in the asked stores, every day of the window present.

    The window is the report's period (from ``--from`` to the as-of cut) or, without
    ``--from``, the ``days`` days that end on the as-of day.
    """
    query.check_stores()
    last = _last_day(query)
    first = query.date_from or last - dt.timedelta(days=days - 1)
    if first > last:
        return []
    registered = (
        Customer.select(calendar_date(Customer.registered_at).alias("day"))
        .where(
            all_of(
                Customer.registered_at >= clock.start_of_day(first),
                Customer.registered_at < clock.end_of_day(last),
                query.in_stores(Customer.store),
            )
        )
        .alias("registered")
    )
    rows = (
        Customer.select(registered.c.day, fn.COUNT(pw.SQL("*"))).from_(registered).group_by(registered.c.day).tuples()
    )
    counts = {_as_date(day): int(count) for day, count in rows}
    return [(day, counts.get(day, 0)) for day in _days(first, last)]


def _funnel_rows(query: ReportQuery, key) -> dict:
    """{key value: [visitors, receipts, identified]} for ``key`` (a function of a date-time)."""
    hours = visits_by_hour_query(query.stores or None, query.start, query.end).alias("hours")
    visited = (
        VisitCount.select(key(hours.c.hour).alias("slot"), hours.c.visitors_in.alias("visitors"))
        .from_(hours)
        .alias("visited")
    )
    found: dict = {}
    for slot, visitors in (
        VisitCount.select(visited.c.slot, fn.SUM(visited.c.visitors)).from_(visited).group_by(visited.c.slot).tuples()
    ):
        found.setdefault(slot, [0, 0, 0])[0] = int(visitors or 0)
    # Receipts from the store-hour sums that migration 0005's triggers keep, as the
    # conversion report reads them: a period is whole days, so whole hours answer it.
    sold = (
        ReceiptHour.select(key(ReceiptHour.hour).alias("slot"), ReceiptHour.sales, ReceiptHour.identified)
        .where(all_of(query.in_period(ReceiptHour.hour), query.in_stores(ReceiptHour.store)))
        .alias("sold")
    )
    for slot, receipts, with_card in (
        ReceiptHour.select(sold.c.slot, fn.SUM(sold.c.sales), fn.SUM(sold.c.identified))
        .from_(sold)
        .group_by(sold.c.slot)
        .having(fn.SUM(sold.c.sales) > 0)
        .tuples()
    ):
        found.setdefault(slot, [0, 0, 0])[1:] = [int(receipts or 0), int(with_card or 0)]
    return found


def conversion_by_hour_of_day(query: ReportQuery) -> list[dict]:
    """24 rows ``{hour, visitors, receipts, identified_receipts}``, the period and stores summed."""
    query.check_stores()
    found = {int(hour): figures for hour, figures in _funnel_rows(query, hour_of_day).items()}
    return [dict(hour=hour, **dict(zip(FUNNEL, found.get(hour, [0, 0, 0])))) for hour in range(24)]


def conversion_by_day(query: ReportQuery) -> list[dict]:
    """One row ``{date, visitors, receipts, identified_receipts}`` per day from the first day
    with visitors or receipts to the last, every day present, the stores summed."""
    query.check_stores()
    found = {_as_date(day): figures for day, figures in _funnel_rows(query, calendar_date).items()}
    if not found:
        return []
    return [dict(date=day, **dict(zip(FUNNEL, found.get(day, [0, 0, 0])))) for day in _days(min(found), max(found))]
