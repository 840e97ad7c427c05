"""Birthdays coming up: whom to greet (or send a birthday voucher), with consents and points.

Who: customers registered up to the as-of day (in the asked stores, by the store that
registered them), not archived, with a known birthday that falls

- in the ``days`` days starting on the as-of day (default 7: the as-of day and the six
  after it), across the new year when the window does (Dec → Jan); or
- with ``month`` (1-12), in that whole month at its next occurrence: this year when
  the month is the as-of month or later, next year otherwise.

Someone born on 29 February celebrates on 28 February in a year without that day, so
they are listed when the 28th is in the window and their age counts from that date.
``age`` is the age they turn on the day they celebrate.

The window becomes a list of ``birthday_md`` values (month × 100 + day, indexed), so
that the database picks the customers by index; Python only dates each row.
"""

from __future__ import annotations

import calendar
import datetime as dt

import peewee as pw

from ..errors import UsageError
from ..i18n import N_, _
from ..models import Customer
from .contacts import CONTACT_COLUMNS, CONTACT_FIELDS, CONTACT_LABELS, contact, fetch, int_option, points_as_of
from .query import ReportQuery

TITLE = N_("Birthdays")
DEFAULT_DAYS = 7
MAX_DAYS = 366
LEAP_DAY = 229  # 29 February as birthday_md

COLUMNS = (
    *CONTACT_COLUMNS,
    "birthday",
    "celebrates_on",
    "days_until",
    "age",
    "points",
)

LABELS = {
    **CONTACT_LABELS,
    "birthday": N_("Birthday"),
    "celebrates_on": N_("Celebrates on"),
    "days_until": N_("Days until"),
    "age": N_("Turns"),
    "points": N_("Points"),
}


def birthdays(query: ReportQuery) -> dict:
    query.check_stores()
    first, last = window(query)
    days = _days_of(first, last)
    by_md: dict[int, dt.date] = {}  # md -> the first date the window celebrates it on
    for day in days:
        by_md.setdefault(celebration_md(day), day)
        if _is_leap_stand_in(day):
            by_md.setdefault(LEAP_DAY, day)
    # Ordered as the window runs: each md by its position, the year's wrap included.
    position = pw.Case(Customer.birthday_md, [(md, by_md[md].toordinal()) for md in by_md], None)
    select = (
        Customer.select(*CONTACT_FIELDS, Customer.birthday, Customer.birthday_md, points_as_of(query).alias("points"))
        .where(query.customers_registered() & (Customer.status != "archived") & Customer.birthday_md.in_(sorted(by_md)))
        .order_by(position, Customer.name, Customer.code)
    )
    rows = []
    found, listed = fetch(select, query)
    for row in found:
        born = row["birthday"]
        day = by_md[row["birthday_md"]]
        rows.append(
            {
                **contact(row),
                "birthday": born,
                "celebrates_on": day,
                "days_until": (day - query.as_of).days,
                "age": day.year - born.year,
                "points": int(row["points"]),
            }
        )
    return {
        "as_of": query.as_of,
        "stores": list(query.stores),
        "first_day": first,
        "last_day": last,
        "customers": listed,
        "rows": rows,
    }


def window(query: ReportQuery) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) whose birthdays are listed."""
    month = int_option(query, "month", None, 1, 12)
    if month is not None:
        if query.options.get("days") is not None:
            raise UsageError(_("Give either --days or --month, not both."))
        year = query.as_of.year if month >= query.as_of.month else query.as_of.year + 1
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    days = int_option(query, "days", DEFAULT_DAYS, 1, MAX_DAYS)
    return query.as_of, query.as_of + dt.timedelta(days=days - 1)


def _days_of(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def celebration_md(day: dt.date) -> int:
    return day.month * 100 + day.day


def _is_leap_stand_in(day: dt.date) -> bool:
    """28 February of a year without a 29th: the day those born on the 29th celebrate."""
    return day.month == 2 and day.day == 28 and not calendar.isleap(day.year)
