"""The customer directory: find customers as a name, phone, code or card is typed. Read-only.

A query matches a customer when every folded word of it is the start of some word of the
customer's ``search_key`` (any order: "hong nguyen" finds "Nguyễn Thị Hồng"), or when it
is a phone (the last digits, or any written form of the number), or exactly a customer
code or the barcode of a card the customer holds now.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import sqlite3
from dataclasses import dataclass

import peewee

from .. import phones
from ..errors import DatabaseError, ValidationError
from ..i18n import _
from ..models import STATUSES, Customer, CustomerGroup, Group
from ..textfold import words
from . import settings
from .cards import resolve_scan

# Each word adds a clause; beyond a few words a query narrows nothing more, and a pasted
# page of text must not build an expression deeper than SQLite allows (1000).
MAX_WORDS = 8
MIN_PHONE_DIGITS = 3
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]+")


@dataclass(frozen=True)
class Filters:
    """What the directory shows besides the typed query. Archived customers only when asked."""

    statuses: tuple[str, ...] = ("active", "incomplete")
    with_debt: bool = False
    group: str | None = None
    birthday_month: int | None = None  # 1-12


@dataclass(frozen=True)
class Row:
    """One customer as the directory lists it; money in minor units of the shop currency."""

    id: int
    code: str
    name: str
    phone: str | None  # E.164; None when the number could not be read
    phone_typed: str
    debt: int
    total_sales: int
    last_purchase_at: dt.datetime | None
    points: int
    status: str


_COLUMNS = (
    Customer.id, Customer.code, Customer.name, Customer.phone, Customer.phone_typed,
    Customer.debt_balance, Customer.total_sales, Customer.last_purchase_at,
    Customer.points_balance, Customer.status,
)


def search(text: str = "", limit: int = 100, offset: int = 0, filters: Filters | None = None) -> list[Row]:
    """Customers matching ``text`` (everyone when it is blank), by name, one page."""
    query = Customer.select(*_COLUMNS).where(_filter_clause(filters or Filters()))
    try:
        match = _match_clause(text)
        if match is not None:
            query = query.where(match)
        # The folded name comes first in search_key, so this is name order as a person reads
        # it (Đặng among the D, not after Z) with the code breaking ties, and it is indexed.
        query = query.order_by(Customer.search_key, Customer.id).limit(max(0, limit)).offset(max(0, offset))
        return [Row(*values) for values in query.tuples()]
    except (peewee.DatabaseError, sqlite3.Error) as exc:
        raise DatabaseError(_("The customer list cannot be read: {reason}").format(reason=exc)) from exc


def _filter_clause(filters: Filters):
    unknown = set(filters.statuses) - set(STATUSES)
    if unknown or not filters.statuses:
        raise ValidationError(_("The status must be one of: {choices}.").format(choices=", ".join(STATUSES)), "status")
    clauses = [Customer.status.in_(list(filters.statuses))]
    if filters.with_debt:
        clauses.append(Customer.debt_balance > 0)
    if filters.group:
        members = CustomerGroup.select(CustomerGroup.customer).join(Group).where(Group.name == filters.group)
        clauses.append(Customer.id.in_(members))
    if filters.birthday_month is not None:
        month = int(filters.birthday_month)
        if not 1 <= month <= 12:
            raise ValidationError(_("A month is a number from 1 to 12."), "birthday_month")
        clauses.append(Customer.birthday_md.between(month * 100 + 1, month * 100 + 31))
    return functools.reduce(operator.and_, clauses)


def _match_clause(text: str):
    """None when the query asks for nothing (blank), else the OR of every way it can match."""
    text = (text or "").strip()
    query_words = words(text)[:MAX_WORDS]
    if not text:
        return None
    ways = []
    if query_words:
        # Folded words are [0-9a-z] only, so they can hold no LIKE wildcard.
        # TODO(Terminal app issue): at 1,000,000 customers this scan is replaced by an
        # FTS5 (or pg_trgm) index over search_key with prefix queries.
        ways.append(functools.reduce(operator.and_, (_word_prefix(w) for w in query_words)))
    ways.extend(_phone_clauses(text))
    exact = _exact_customer_id(text)
    if exact is not None:
        ways.append(Customer.id == exact)
    if not ways:
        return Customer.id.is_null()  # nothing in the query can match anyone (e.g. only "!!")
    if len(ways) == 1:
        return ways[0]
    # One OR over the words and the phone would make SQLite walk the name index and read
    # every row for its phone; a union lets each way use its own index (or a covering scan).
    return Customer.id.in_(
        functools.reduce(operator.or_, (Customer.select(Customer.id).where(way) for way in ways))
    )


def _word_prefix(word: str):
    return Customer.search_key.startswith(word) | Customer.search_key.contains(" " + word)


def _phone_clauses(text: str) -> list:
    if not _PHONE_LIKE.fullmatch(text):
        return []
    digits = phones.digits(text)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    # phone_rev holds the digits backwards and is indexed: "ends with 5678" is a prefix
    # search. As a range rather than LIKE, so that the index serves it (SQLite's LIKE is
    # case-insensitive and skips a plain index); any collation sorts digits before "a".
    prefix = digits[::-1]
    clauses = [(Customer.phone_rev >= prefix) & (Customer.phone_rev < prefix + "a")]
    e164 = phones.normalize(text, settings.region())
    if e164 is not None:
        clauses.append(Customer.phone == e164)
    return clauses


def _exact_customer_id(text: str) -> int | None:
    """The customer a code or a held card's barcode names; codes and barcodes have no spaces."""
    if any(c.isspace() for c in text):
        return None
    found = resolve_scan(text)
    if found.kind in ("known", "customer") and found.customer is not None:
        return found.customer.id
    return None
