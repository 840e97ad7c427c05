"""Conversion: visitors counted in → sale receipts → receipts identified by a card, per
store and day (or hour with ``--by hour``), with revenue (SPEC: Definitions, JSON output).

Visitors come from ``services.visits.visits_by_hour_query`` (an imported count of a
store-hour wins over the counter's readings). Receipts, identified receipts and revenue
follow the portrait's definitions, by receipt time. A store-day (or hour) appears when it
has visitors counted or receipts; ``visitors`` is 0 where nothing was counted and then
``conversion`` is null, never 0, because nothing can be said about it.

Without ``--from`` the report covers everything up to the as-of day, as every report
does (SPEC); ``--from``/``--to`` narrow it.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw
from peewee import fn

from ..errors import UsageError
from ..i18n import N_, _
from ..models import Receipt, Store, VisitCount
from ..models.summaries import ReceiptHour
from ..services.visits import visits_by_hour_query
from . import Money, Share
from .query import ReportQuery, all_of, calendar_date, is_postgres

TITLE = N_("Conversion")

COLUMNS = ("store", "date", "hour", "visitors", "receipts", "identified_receipts", "revenue", "conversion")
BY = ("day", "hour")

LABELS = {
    "store": N_("Store"),
    "date": N_("Date"),
    "hour": N_("Hour"),
    "visitors": N_("Visitors"),
    "receipts": N_("Receipts"),
    "identified_receipts": N_("Receipts with a card"),
    "revenue": N_("Revenue"),
    "conversion": N_("Conversion"),
}

# The hour column of a whole-day query: a literal, so that PostgreSQL groups by plain columns.
ZERO = pw.SQL("0")


def hour_of_day(at: pw.ColumnBase) -> pw.ColumnBase:
    """The hour (0-23) of a date-time as an integer, with no bound parameter, so that
    PostgreSQL sees the same expression wherever it is repeated."""
    if is_postgres():
        return pw.Cast(pw.NodeList((pw.SQL("EXTRACT(HOUR FROM"), at, pw.SQL(")")), glue=" "), "INTEGER")
    return pw.Cast(pw.fn.strftime(pw.SQL("'%H'"), at), "INTEGER")


def conversion(query: ReportQuery) -> dict:
    query.check_stores()
    by = query.options.get("by") or "day"
    if by not in BY:
        raise UsageError(_("--by must be day or hour."))
    hourly = by == "hour"
    # Two grouped queries, one per source, merged by key (a UNION of every receipt with the
    # visit hours measured slower): Python only meets the few rows per store and day (or
    # hour) the GROUP BYs return.
    codes = dict(Store.select(Store.id, Store.code).tuples())
    slots: dict[tuple, list[int]] = {}
    for store, day, hour, visitors in _grouped(_visitor_rows(query, hourly), hourly, ("visitors",)):
        slots[(codes[store], _as_date(day), hour)] = [int(visitors or 0), 0, 0, 0]
    for store, day, hour, receipts, identified, revenue in _grouped(
        _receipt_rows(query, hourly), hourly, ("receipts", "identified", "revenue")
    ):
        slot = slots.setdefault((codes[store], _as_date(day), hour), [0, 0, 0, 0])
        slot[1:] = [int(receipts or 0), int(identified or 0), int(revenue or 0)]
    return {"rows": [_row(*key, *figures) for key, figures in sorted(slots.items(), key=_order)]}


def _grouped(keyed: pw.Select, hourly: bool, sums: tuple[str, ...]):
    """Sums of ``keyed``'s columns per store and day (and hour), grouped outside it so that
    PostgreSQL groups by plain columns; stores come back as ids."""
    rows = keyed.alias("keyed")
    keys = [rows.c.store_id, rows.c.day] + ([rows.c.hour] if hourly else [])
    return (
        Receipt.select(
            rows.c.store_id,
            rows.c.day,
            rows.c.hour if hourly else pw.SQL("NULL"),
            *[fn.SUM(getattr(rows.c, name)) for name in sums],
        )
        .from_(rows)
        .group_by(*keys)
        .tuples()
    )


def _visitor_rows(query: ReportQuery, hourly: bool) -> pw.Select:
    hours = visits_by_hour_query(query.stores or None, query.start, query.end).alias("hours")
    return VisitCount.select(
        hours.c.store_id.alias("store_id"),
        calendar_date(hours.c.hour).alias("day"),
        (hour_of_day(hours.c.hour) if hourly else ZERO).alias("hour"),
        hours.c.visitors_in.alias("visitors"),
    ).from_(hours)


def _receipt_rows(query: ReportQuery, hourly: bool) -> pw.Select:
    """From the store-hour sums that migration 0005's triggers keep: a period is whole
    days, so whole hours answer it exactly. A store-hour whose receipts were all deleted
    or moved away keeps a row of zeros, which is not a receipt."""
    return ReceiptHour.select(
        ReceiptHour.store.alias("store_id"),
        calendar_date(ReceiptHour.hour).alias("day"),
        (hour_of_day(ReceiptHour.hour) if hourly else ZERO).alias("hour"),
        ReceiptHour.sales.alias("receipts"),
        ReceiptHour.identified.alias("identified"),
        ReceiptHour.revenue.alias("revenue"),
    ).where(all_of(query.in_period(ReceiptHour.hour), query.in_stores(ReceiptHour.store), ReceiptHour.receipts > 0))


def _as_date(day) -> dt.date:
    # SQLite's date() gives ISO text; PostgreSQL a date.
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])


def _order(item: tuple) -> tuple:
    (store, day, hour), _figures = item
    return store, day, -1 if hour is None else hour


def _row(store: str, day: dt.date, hour, visitors: int, receipts: int, identified: int, revenue: int) -> dict:
    return {
        "store": store,
        "date": day,
        "hour": None if hour is None else int(hour),
        "visitors": visitors,
        "receipts": receipts,
        "identified_receipts": identified,
        "revenue": Money(revenue),
        # No visitors counted: conversion cannot be said, which is not the same as 0.
        "conversion": Share(round(receipts / visitors, 4)) if visitors > 0 else None,
    }
