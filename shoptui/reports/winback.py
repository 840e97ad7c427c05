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

Everything is SQL: distinct sale dates, ``LAG`` for the gaps, ``ROW_NUMBER`` and
``COUNT`` over each customer's sorted gaps to pick the middle one or two, so that the
median needs no Python loop and the comparison stays in whole numbers
(2 × days since > the two middle gaps' sum × factor).
"""

from __future__ import annotations

from fractions import Fraction

import peewee as pw
from peewee import Case, fn

from ..errors import UsageError
from ..i18n import N_, _
from ..models import Customer, Receipt
from ..services import settings
from . import Money
from .contacts import CONTACT_FIELDS, as_date, as_of_day, contact, int_option, page, points_as_of, row_count
from .portrait import IS_SALE, SIGNED_TOTAL
from .query import ReportQuery, all_of, calendar_date, day_number

TITLE = N_("Win-back list")
DEFAULT_FACTOR = 2
MAX_FACTOR = 100

COLUMNS = (
    "code", "name", "phone", "sms", "zalo", "facebook", "email",
    "last_purchase", "usual_interval", "days_since", "revenue", "points",
)

LABELS = {
    "code": N_("Code"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "sms": N_("SMS"),
    "zalo": N_("Zalo"),
    "facebook": N_("Facebook"),
    "email": N_("e-mail"),
    "last_purchase": N_("Last purchase"),
    "usual_interval": N_("Usual interval (days)"),
    "days_since": N_("Days since"),
    "revenue": N_("Revenue"),
    "points": N_("Points"),
}


def winback(query: ReportQuery) -> dict:
    query.check_stores()
    factor = _factor(query)
    min_days = int_option(query, "min_days", None, 0)
    late = _late_customers(query, factor, min_days)
    region = settings.region()
    rows = []
    for row in page(late, query).dicts():
        twice_median = int(row["twice_median"])
        rows.append({
            **contact(row, region),
            "last_purchase": as_date(row["last_date"]),
            # the median is a whole number of days or ends in .5
            "usual_interval": twice_median // 2 if twice_median % 2 == 0 else twice_median / 2,
            "days_since": int(row["days_since"]),
            "revenue": Money(int(row["revenue"])),
            "points": int(row["points"]),
        })
    return {
        "as_of": query.as_of,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "stores": list(query.stores),
        "factor": float(factor) if min_days is None else None,
        "min_days": min_days,
        "customers": row_count(late, len(rows), query),
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
    day = day_number(Receipt.at)
    sale_days = (
        Receipt.select(Receipt.customer.alias("customer_id"), day.alias("day"))
        .where(all_of(query.receipts(), IS_SALE, Receipt.customer.is_null(False)))
        .distinct()
        .alias("sale_days")
    )
    previous = fn.LAG(sale_days.c.day).over(partition_by=[sale_days.c.customer_id], order_by=[sale_days.c.day])
    gaps = (
        Receipt.select(sale_days.c.customer_id, sale_days.c.day, (sale_days.c.day - previous).alias("gap"))
        .from_(sale_days)
        .alias("gaps")
    )
    # NULL gaps (each customer's first date) sort first or last depending on the
    # database, so positions count the real gaps only: they are filtered before ranking.
    ranked = (
        Receipt.select(
            gaps.c.customer_id, gaps.c.day,
            fn.ROW_NUMBER().over(partition_by=[gaps.c.customer_id], order_by=[gaps.c.gap]).alias("position"),
            fn.COUNT(pw.SQL("*")).over(partition_by=[gaps.c.customer_id]).alias("gaps"),
            gaps.c.gap,
        )
        .from_(gaps)
        .where(gaps.c.gap.is_null(False))
        .alias("ranked")
    )
    # The middle position(s) of n sorted gaps: (n + 1) / 2 and (n + 2) / 2 in integer
    # division, one position when n is odd, two when it is even.
    is_middle = ranked.c.position.in_([(ranked.c.gaps + 1) / 2, (ranked.c.gaps + 2) / 2])
    middle = Case(None, [(is_middle, ranked.c.gap)], 0)
    middle_count = Case(None, [(is_middle, 1)], 0)
    return (
        Receipt.select(
            ranked.c.customer_id,
            fn.MAX(ranked.c.day).alias("last_day"),
            (fn.SUM(middle) * 2 / fn.SUM(middle_count)).alias("twice_median"),
        )
        .from_(ranked)
        .group_by(ranked.c.customer_id)
    )


def _late_customers(query: ReportQuery, factor: Fraction, min_days: int | None) -> pw.Select:
    per = medians(query).alias("medians")
    days_since = as_of_day(query) - per.c.last_day
    if min_days is None:
        late = days_since * 2 * factor.denominator > per.c.twice_median * factor.numerator
    else:
        late = days_since >= min_days
    revenue = (
        Receipt.select(fn.COALESCE(fn.SUM(SIGNED_TOTAL), 0))
        .where(query.receipts() & (Receipt.customer == Customer.id))
    )
    last_sale = (
        Receipt.select(fn.MAX(Receipt.at))
        .where(all_of(query.receipts(), IS_SALE, Receipt.customer == Customer.id))
    )
    return (
        Customer.select(
            *CONTACT_FIELDS,
            calendar_date(last_sale).alias("last_date"),
            per.c.twice_median,
            days_since.alias("days_since"),
            revenue.alias("revenue"),
            points_as_of(query).alias("points"),
        )
        .join(per, on=(Customer.id == per.c.customer_id))
        .where(late & (Customer.status != "archived"))
        .order_by(pw.SQL("revenue").desc(), days_since.desc(), Customer.code)
    )
