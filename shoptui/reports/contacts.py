"""Pieces the customer-list reports (rfm, winback, birthdays, debtors) share: how a
customer's phone and consents are shown, balances as of the report's day, option
checks and paging of long lists.

Lists can be long (a shop with a million customers), so a report fetches one page
when the caller asks for one (``options["limit"]``, ``options["offset"]``) and says
how many rows there are in all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar, overload

import peewee as pw
from peewee import fn

from .. import clock, phones
from ..errors import UsageError
from ..i18n import N_, _
from ..limits import MAX_LIMIT
from ..models import Customer, PointsEntry
from ..models.ledgers import ledger_members, merges_exist
from ..services import settings
from .query import ReportQuery, day_number, is_postgres

CONSENT_KEYS = ("sms", "zalo", "facebook", "email")

# The columns a list of customers to contact starts with (``contact`` fills them), and
# their labels.
CONTACT_COLUMNS = ("code", "name", "phone", *CONSENT_KEYS)
CONTACT_LABELS = {
    "code": N_("Code"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "sms": N_("SMS"),
    "zalo": N_("Zalo"),
    "facebook": N_("Facebook"),
    "email": N_("e-mail"),
}

# The customer columns every list shows, selected under these names.
CONTACT_FIELDS = (
    Customer.code.alias("code"),
    Customer.name.alias("name"),
    Customer.phone.alias("phone_e164"),
    Customer.phone_typed.alias("phone_typed"),
    Customer.consent_sms.alias("sms"),
    Customer.consent_zalo.alias("zalo"),
    Customer.consent_facebook.alias("facebook"),
    Customer.consent_email.alias("email"),
)


def contact(row: dict, region: str | None = None) -> dict:
    """Code, name, phone and consents of a selected row.

    The phone is shown as everywhere else in the app: the stored E.164 number in the
    national format of the shop's region (phones.display), the typed text only when
    the number could not be read. The same form in the table, CSV, xlsx and JSON, so a
    list read on screen and the file sent to a spreadsheet agree. About 20 µs a number:
    a page is nothing, a full list of 100,000 customers two seconds.
    """
    e164 = row["phone_e164"]
    return {
        "code": row["code"],
        "name": row["name"],
        "phone": phones.display(e164, region or settings.region()) if e164 else row["phone_typed"] or "",
        **{key: bool(row[key]) for key in CONSENT_KEYS},
    }


def points_as_of(query: ReportQuery, customer: pw.Node = Customer.id) -> pw.ModelSelect[PointsEntry]:
    """The customer's points balance at the end of the as-of day (the ledger, not the cache;
    a merged customer's entries count with the customer kept, models.ledgers)."""
    mine = PointsEntry.customer == customer
    if merges_exist():
        mine = PointsEntry.customer.in_(ledger_members(customer)) & (PointsEntry.kind != "merge")
    return PointsEntry.select(fn.COALESCE(fn.SUM(PointsEntry.points), 0)).where(
        mine & (PointsEntry.at < clock.end_of_day(query.as_of))
    )


def day_of(at: pw.ColumnBase) -> pw.ColumnBase:
    """``query.day_number`` of a date-time column, cheaper on SQLite for per-receipt use.

    The same number: julianday() puts midnight at N.5, so any moment of the day lies in
    [N.5, N + 1.5) and truncating it minus 0.5 gives N, with one date parse instead of two.
    """
    if is_postgres():
        return day_number(at)
    return pw.Cast(pw.fn.julianday(at) - 0.5, "INTEGER")


def as_of_day(query: ReportQuery) -> pw.ColumnBase:
    """The as-of day as a ``day_number``, so that "days since" is a subtraction in SQL."""
    # ISO text: SQLite's date() reads it and PostgreSQL casts it, with no driver adapter.
    return day_number(pw.Value(query.as_of.isoformat()))


def as_date(value: Any) -> dt.date | None:
    """A date read back from SQL: SQLite gives ISO text, PostgreSQL a date or a date-time."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# -- options -----------------------------------------------------------------------------------


@overload
def int_option(query: ReportQuery, key: str, default: int, low: int, high: int | None = None) -> int: ...
@overload
def int_option(query: ReportQuery, key: str, default: None, low: int, high: int | None = None) -> int | None: ...
def int_option(query: ReportQuery, key: str, default: int | None, low: int, high: int | None = None) -> int | None:
    """An integer option within [low, high]; a clear usage error otherwise."""
    value = query.options.get(key)
    if value is None:
        return default
    option = key.replace("_", "-")
    try:
        if isinstance(value, bool):
            raise ValueError
        number = value if isinstance(value, int) else int(str(value).strip())
    except ValueError:
        raise UsageError(_("--{option} must be a whole number.").format(option=option)) from None
    if number < low or (high is not None and number > high):
        if high is None:
            message = _("--{option} must be at least {low}.").format(option=option, low=low)
        else:
            message = _("--{option} must be between {low} and {high}.").format(option=option, low=low, high=high)
        raise UsageError(message)
    return number


def fetch(select: pw.Select, query: ReportQuery) -> tuple[list[dict], int]:
    """The list's rows (one page when the caller asked for one: the screen, ``--limit``)
    and how many rows the whole list has.

    A page carries the whole count in each of its rows (``COUNT(*) OVER ()`` is taken
    before LIMIT), so that a page costs one pass, not a second one to count.
    """
    if not is_paged(query):
        rows = list(select.dicts())
        return rows, len(rows)
    rows = list(page(select.select_extend(fn.COUNT(pw.SQL("*")).over().alias(_IN_ALL)), query).dicts())
    if rows:
        return rows, int(rows[0][_IN_ALL])
    return rows, select.order_by().count() if int_option(query, "offset", 0, 0, MAX_LIMIT) else 0  # a page past the end


_IN_ALL = "rows_in_all"

_Select = TypeVar("_Select", bound=pw.Select)


def page(select: _Select, query: ReportQuery) -> _Select:
    """``select`` narrowed to the page asked for, if any."""
    limit = int_option(query, "limit", None, 1, MAX_LIMIT)
    offset = int_option(query, "offset", 0, 0, MAX_LIMIT)
    if limit is not None:
        select = select.limit(limit)
    if offset:
        select = select.offset(offset)
    return select


def is_paged(query: ReportQuery) -> bool:
    return query.options.get("limit") is not None or bool(query.options.get("offset"))
