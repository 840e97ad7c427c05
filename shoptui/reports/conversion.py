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
from peewee import Case, fn

from ..errors import UsageError
from ..i18n import N_, _
from ..models import Receipt, Store, VisitCount
from ..services.visits import visits_by_hour_query
from . import Money, Share
from .query import ReportQuery, calendar_date, is_postgres

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

IS_SALE = Receipt.kind == "sale"
# 0 - total, not -total: a unary minus on a peewee column means DESC.
# A literal, not a bound parameter: PostgreSQL must type a UNION's columns from both sides.
ZERO = pw.SQL("0")
SIGNED_TOTAL = Case(None, [(IS_SALE, Receipt.total), (Receipt.kind == "return", 0 - Receipt.total)], 0)


def hour_of_day(at: pw.Node) -> pw.Node:
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
    combined = (_visitor_rows(query, hourly) + _receipt_rows(query, hourly)).alias("combined")
    keys = [combined.c.store_id, combined.c.day] + ([combined.c.hour] if hourly else [])
    rows = (
        Store.select(
            Store.code,
            combined.c.day,
            combined.c.hour if hourly else pw.SQL("NULL"),
            fn.SUM(combined.c.visitors),
            fn.SUM(combined.c.receipts),
            fn.SUM(combined.c.identified),
            fn.SUM(combined.c.revenue),
        )
        .from_(combined)
        .join(Store, on=(Store.id == combined.c.store_id))
        .group_by(Store.code, *keys)
        .order_by(Store.code, *keys[1:])
        .tuples()
    )
    return {"rows": [_row(*row) for row in rows]}


def _visitor_rows(query: ReportQuery, hourly: bool) -> pw.Select:
    hours = visits_by_hour_query(query.stores or None, query.start, query.end).alias("hours")
    return VisitCount.select(
        hours.c.store_id.alias("store_id"),
        calendar_date(hours.c.hour).alias("day"),
        (hour_of_day(hours.c.hour) if hourly else ZERO).alias("hour"),
        hours.c.visitors_in.alias("visitors"),
        ZERO.alias("receipts"),
        ZERO.alias("identified"),
        ZERO.alias("revenue"),
    ).from_(hours)


def _receipt_rows(query: ReportQuery, hourly: bool) -> pw.Select:
    sale = Case(None, [(IS_SALE, 1)], 0)
    identified = Case(None, [(IS_SALE & Receipt.customer.is_null(False), 1)], 0)
    return Receipt.select(
        Receipt.store.alias("store_id"),
        calendar_date(Receipt.at).alias("day"),
        (hour_of_day(Receipt.at) if hourly else ZERO).alias("hour"),
        ZERO.alias("visitors"),
        sale.alias("receipts"),
        identified.alias("identified"),
        SIGNED_TOTAL.alias("revenue"),
    ).where(query.receipts())


def _row(store: str, day, hour, visitors, receipts, identified, revenue) -> dict:
    visitors, receipts = int(visitors or 0), int(receipts or 0)
    return {
        "store": store,
        "date": day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10]),
        "hour": None if hour is None else int(hour),
        "visitors": visitors,
        "receipts": receipts,
        "identified_receipts": int(identified or 0),
        "revenue": Money(int(revenue or 0)),
        # No visitors counted: conversion cannot be said, which is not the same as 0.
        "conversion": Share(round(receipts / visitors, 4)) if visitors > 0 else None,
    }
