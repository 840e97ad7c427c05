"""Win-back: regular customers who are late, as a call/SMS list, most valuable first.

A customer is listed when, in scope (up to the as-of day, narrowed by the period and
the stores), they bought on at least two distinct calendar dates, and the days from
their last purchase date to the as-of date exceed their usual return interval times
``factor`` (default 2). The usual interval is the median of the gaps in days between
their consecutive distinct purchase dates (SPEC: Return intervals); with an even
number of gaps, the mean of the middle two (it can end in .5). With ``min_days`` the
rule is instead a fixed wait: at least ``min_days`` days since the last purchase
(still only customers with two purchase dates or more).

Customers with one purchase date have no interval and are never listed; archived
customers are left out (the shop no longer contacts them).

Everything is SQL: ``LAG`` over each customer's sale receipts in time order (the
order of an index, so no sort) gives the days between consecutive receipts, whose
positive values are the gaps between distinct dates; ``ROW_NUMBER`` and ``COUNT`` over
each customer's sorted gaps pick the middle one or two, so that the median needs no
Python loop and the comparison stays in whole numbers (2 × days since > the two
middle gaps' sum × factor).

Over the whole history (``whole_history``) the gaps come counted per customer and
length instead (``CustomerGaps``, kept by migration 0007's triggers) with the last sale
day of the per-customer sums (migration 0005): a walk of a few million rows in
(customer, gap) order rather than a sort of every sale's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction

import peewee as pw
from peewee import Window, fn

from ..errors import UsageError
from ..i18n import N_, _
from ..limits import MAX_DAYS
from ..models import Customer, Receipt
from ..models.summaries import CustomerGaps, CustomerSales
from ..services import settings
from . import Money
from .contacts import (
    CONTACT_COLUMNS,
    CONTACT_FIELDS,
    CONTACT_LABELS,
    as_of_day,
    contact,
    day_of,
    fetch,
    int_option,
    points_as_of,
)
from .portrait import IS_SALE, SIGNED_TOTAL
from .query import ReportQuery, all_of, scope, whole_history

TITLE = N_("Win-back list")
DEFAULT_FACTOR = 2
MAX_FACTOR = 100

COLUMNS = (
    *CONTACT_COLUMNS,
    "last_purchase",
    "usual_interval",
    "days_since",
    "revenue",
    "points",
)

LABELS = {
    **CONTACT_LABELS,
    "last_purchase": N_("Last purchase"),
    "usual_interval": N_("Usual interval (days)"),
    "days_since": N_("Days since"),
    "revenue": N_("Revenue"),
    "points": N_("Points"),
}


def winback(query: ReportQuery) -> dict:
    query.check_stores()
    factor = _factor(query)
    min_days = int_option(query, "min_days", None, 0, MAX_DAYS)
    late = _late_customers(query, factor, min_days)
    rows = []
    found, listed = fetch(late, query)
    region = settings.region()  # once, not a settings read per customer listed
    for row in found:
        twice_median, days_since = int(row["twice_median"]), int(row["days_since"])
        rows.append(
            {
                **contact(row, region),
                "last_purchase": query.as_of - dt.timedelta(days=days_since),
                # the median is a whole number of days or ends in .5
                "usual_interval": twice_median // 2 if twice_median % 2 == 0 else twice_median / 2,
                "days_since": days_since,
                "revenue": Money(int(row["revenue"])),
                "points": int(row["points"]),
            }
        )
    return {
        **scope(query),
        "factor": float(factor) if min_days is None else None,
        "min_days": min_days,
        "customers": listed,
        "rows": rows,
    }


def _factor(query: ReportQuery) -> Fraction:
    """The factor as an exact fraction (1.5 stays 3/2), so that comparisons stay whole numbers."""
    value = query.options.get("factor")
    if value is None:
        return Fraction(DEFAULT_FACTOR)
    try:
        factor = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise UsageError(_("--factor must be a number, such as 2 or 1.5.")) from None
    if not 0 < factor <= MAX_FACTOR:
        raise UsageError(_("--factor must be more than 0 and at most {most}.").format(most=MAX_FACTOR))
    return factor


def medians(query: ReportQuery) -> pw.Select:
    """Per customer with two purchase dates or more: twice the median gap (a whole number)
    and the last purchase day."""
    day = day_of(Receipt.at)
    # Each sale's day and the day of the customer's sale before it, in the (customer, at)
    # order of an index, so that no sort is needed.
    sale_days = (
        Receipt.select(
            Receipt.customer.alias("customer_id"),
            day.alias("day"),
            fn.LAG(day).over(partition_by=[Receipt.customer], order_by=[Receipt.at]).alias("previous_day"),
        )
        .where(all_of(query.receipts(), IS_SALE, Receipt.customer.is_null(False)))
        .alias("sale_days")
    )
    # A step of 0 days is another receipt of the same date: the positive steps are
    # exactly the gaps between consecutive distinct dates.
    steps = (
        Receipt.select(
            sale_days.c.customer_id, sale_days.c.day, (sale_days.c.day - sale_days.c.previous_day).alias("gap")
        )
        .from_(sale_days)
        .alias("steps")
    )
    # One window (one sort) per customer's gaps, smallest first; its whole frame counts
    # them and finds the last date (the date that ends the last gap).
    gaps = dict(
        partition_by=[steps.c.customer_id],
        order_by=[steps.c.gap],
        start=Window.preceding(),
        end=Window.following(),
        frame_type=Window.ROWS,
    )
    ranked = (
        Receipt.select(
            steps.c.customer_id,
            steps.c.gap,
            fn.ROW_NUMBER().over(**gaps).alias("position"),
            fn.COUNT(pw.SQL("*")).over(**gaps).alias("gaps"),
            fn.MAX(steps.c.day).over(**gaps).alias("last_day"),
        )
        .from_(steps)
        .where(steps.c.gap > 0)
        .alias("ranked")
    )
    # The middle position(s) of n sorted gaps: (n + 1) / 2 and (n + 2) / 2 in integer
    # division, one position when n is odd, two when it is even.
    return (
        Receipt.select(
            ranked.c.customer_id,
            fn.MAX(ranked.c.last_day).alias("last_day"),
            (fn.SUM(ranked.c.gap) * 2 / fn.COUNT(pw.SQL("*"))).alias("twice_median"),
        )
        .from_(ranked)
        .where(ranked.c.position.in_([(ranked.c.gaps + 1) / 2, (ranked.c.gaps + 2) / 2]))
        .group_by(ranked.c.customer_id)
    )


def medians_kept(may_be_late: Callable[[pw.ColumnBase, pw.ColumnBase], pw.Expression] | None = None) -> pw.Select:
    """``medians`` over the whole history, from the gaps counted per customer and length,
    with each customer's net spend (``revenue``). ``may_be_late(last_day, shortest gap)``,
    true for every late customer, spares working out the others' medians."""
    counted = (
        CustomerGaps.select(
            CustomerGaps.customer.alias("customer_id"),
            fn.SUM(CustomerGaps.times).alias("gaps"),
            fn.MIN(CustomerGaps.gap).alias("shortest"),
        )
        .group_by(CustomerGaps.customer)
        .alias("counted")
    )
    length, shorter = CustomerGaps.alias("length"), CustomerGaps.alias("shorter")

    def gap_at(position: pw.ColumnBase) -> pw.Select:
        # The shortest of the customer's lengths whose gaps, with the shorter ones, reach
        # the position. Correlated lookups in the (customer, gap) key, a few rows per
        # customer: on SQLite far cheaper than window functions over every row.
        reach = shorter.select(fn.SUM(shorter.times)).where(
            (shorter.customer == length.customer) & (shorter.gap <= length.gap)
        )
        return (
            length.select(length.gap)
            .where((length.customer == counted.c.customer_id) & (reach >= position))
            .order_by(length.gap)
            .limit(1)
        )

    n = counted.c.gaps
    # The middle position(s) as in ``medians``: one, counted twice, when n is odd.
    # Expression: "+" or "*" on a query would be a compound query in peewee.
    lower, upper = (n + 1) / 2, (n + 2) / 2
    twice_median = pw.Case(
        None,
        [(lower == upper, pw.Expression(gap_at(lower), pw.OP.MUL, 2))],
        pw.Expression(gap_at(lower), pw.OP.ADD, gap_at(upper)),
    )
    medians = (
        CustomerGaps.select(
            counted.c.customer_id,
            CustomerSales.last_sale_day.alias("last_day"),
            twice_median.alias("twice_median"),
            CustomerSales.net.alias("revenue"),
        )
        .from_(counted)
        .join(CustomerSales, on=(CustomerSales.customer == counted.c.customer_id))
    )
    if may_be_late is not None:
        medians = medians.where(may_be_late(CustomerSales.last_sale_day, counted.c.shortest))
    return medians


def _late_customers(query: ReportQuery, factor: Fraction, min_days: int | None) -> pw.Select:
    as_of = as_of_day(query)

    def is_late(days_since: pw.ColumnBase, twice_median: pw.ColumnBase) -> pw.Expression:
        if min_days is None:
            return days_since * 2 * factor.denominator > twice_median * factor.numerator
        return days_since >= min_days

    def may_be_late(last_day: pw.ColumnBase, shortest: pw.ColumnBase) -> pw.Expression:
        return is_late(as_of - last_day, shortest * 2)  # the median is at least the shortest gap

    if whole_history(query):
        # OFFSET 0 keeps the kept medians a subquery of their own (SQLite and PostgreSQL
        # both honour it), so that each median is worked out once, not again for the test.
        per = medians_kept(may_be_late).offset(0).alias("medians")
        revenue = per.c.revenue  # the per-customer sums (migration 0005): one row, not every receipt
    else:
        per = medians(query).alias("medians")
        revenue = Receipt.select(fn.COALESCE(fn.SUM(SIGNED_TOTAL), 0)).where(
            query.receipts() & (Receipt.customer == Customer.id)
        )
    days_since = as_of - per.c.last_day
    late = is_late(days_since, per.c.twice_median)
    return (
        Customer.select(
            *CONTACT_FIELDS,
            per.c.twice_median,
            days_since.alias("days_since"),
            revenue.alias("revenue"),
            points_as_of(query).alias("points"),
        )
        .join(per, on=(Customer.id == per.c.customer_id))
        .where(late & (Customer.status != "archived"))
        .order_by(pw.SQL("revenue").desc(), days_since.desc(), Customer.code)
    )
