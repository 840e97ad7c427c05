"""The customer directory: find customers as a name, phone, code or card is typed. Read-only.

A query matches a customer when every folded word of it is the start of some word of the
customer's ``search_key`` (any order: "hong nguyen" finds "Nguyễn Thị Hồng"), or when it
is a phone (the last digits, or any written form of the number), or exactly a customer
code or the barcode of a card the customer holds now.

At a million customers no single plan is fast for every query. Each way of matching
first asks its index for at most ``NARROW_LIMIT`` ids (the FTS5 table of migration 0002
for words, phone_rev for the last digits). When every way is narrow, only those rows are
read and sorted. When one is broad ("ng" matches a quarter of a chain), the rows are
walked in the order shown, along the index of that order, testing each one, and LIMIT
stops the walk once the page is full; a broad match is dense, so the page fills quickly.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import json
import operator
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import peewee

from .. import phones
from ..db import database, sqlite_code
from ..errors import DatabaseError, ValidationError
from ..i18n import N_, _
from ..models import STATUSES, Customer, CustomerGroup, Group
from ..textfold import words
from . import settings
from .cards import resolve_scan
from .ledger import write_transaction

# Each word adds a clause; beyond a few words a query narrows nothing more, and a pasted
# page of text must not build an expression deeper than SQLite allows (1000).
MAX_WORDS = 8
MIN_PHONE_DIGITS = 3
# Up to this many matches a way is read from its own index and the matches sorted; above
# it the rows are walked in the shown order instead (see the module's docstring).
NARROW_LIMIT = 5000
EXPORT_BATCH = 1000
_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]+")
FTS_TABLE = "customer_fts"

# Sort orders the directory offers: (label, direction of the first click).
SORTS = {
    "name": (N_("Name"), "asc"),
    "debt": (N_("Debt"), "desc"),
    "total_sales": (N_("Total sales"), "desc"),
    "last_purchase": (N_("Last purchase"), "desc"),
    "points": (N_("Points"), "desc"),
}
_SORT_FIELDS = {
    "name": Customer.search_key,
    "debt": Customer.debt_balance,
    "total_sales": Customer.total_sales,
    "last_purchase": Customer.last_purchase_at,
    "points": Customer.points_balance,
}


@dataclass(frozen=True)
class Filters:
    """What the directory shows besides the typed query. Archived customers only when asked."""

    statuses: tuple[str, ...] = ("active", "incomplete")
    with_debt: bool = False
    group: str | None = None
    birthday_month: int | None = None  # 1-12


@dataclass(frozen=True)
class Sort:
    """The order of the list: one of SORTS, ascending or not; the id breaks ties."""

    key: str = "name"
    descending: bool = False


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
    Customer.id,
    Customer.code,
    Customer.name,
    Customer.phone,
    Customer.phone_typed,
    Customer.debt_balance,
    Customer.total_sales,
    Customer.last_purchase_at,
    Customer.points_balance,
    Customer.status,
)


def search(
    text: str = "", limit: int = 100, offset: int = 0, filters: Filters | None = None, sort: Sort | None = None
) -> list[Row]:
    """Customers matching ``text`` (everyone when it is blank), one page in ``sort`` order.

    In name order, customers whose name starts with a word of the query come first.
    """
    limit, offset = max(0, limit), max(0, offset)
    try:
        plan = _plan(text, filters or Filters(), sort or Sort())
        if plan.tiered and plan.broad and plan.dense:
            return _tiered_page(plan, limit, offset)
        return [Row(*values) for values in plan.ordered().limit(limit).offset(offset).tuples()]
    except (peewee.DatabaseError, sqlite3.Error) as exc:
        raise DatabaseError(_("The customer list cannot be read: {reason}").format(reason=exc)) from exc


def iter_rows(text: str = "", filters: Filters | None = None, sort: Sort | None = None) -> Iterator[list[Row]]:
    """Every matching customer in ``sort`` order, in batches, for an export of any size.

    Streaming cursors rather than pages: OFFSET paging over a million rows would read
    the start of the list again for every batch.
    """
    try:
        plan = _plan(text, filters or Filters(), sort or Sort())
        if plan.tiered and plan.broad and plan.dense:
            queries = [plan.query.where(plan.starts_clause()), plan.query.where(~plan.starts_clause())]
            queries = [q.order_by(*_order(plan.sort)) for q in queries]
        else:
            queries = [plan.ordered()]
        batch: list[Row] = []
        for query in queries:
            for values in query.tuples().iterator():
                batch.append(Row(*values))
                if len(batch) >= EXPORT_BATCH:
                    yield batch
                    batch = []
        if batch:
            yield batch
    except (peewee.DatabaseError, sqlite3.Error) as exc:
        raise DatabaseError(_("The customer list cannot be read: {reason}").format(reason=exc)) from exc


@dataclass
class _Plan:
    query: peewee.ModelSelect[Customer]  # filters and match, not yet ordered
    sort: Sort
    starts: list[str]  # the query's words: a name starting with one of them ranks first
    broad: bool  # some way matched too many to read them all
    # No filter beyond the usual statuses: the walk along the name index meets matches
    # often. A filter such as "with debt" may leave one row in thousands; then SQLite's
    # own plan (an index of the filter, or one scan) and a sort are faster.
    dense: bool = True

    @property
    def tiered(self) -> bool:
        # PostgreSQL compares text by its collation, where a "{" bound is no prefix end.
        return self.sort.key == "name" and bool(self.starts) and _has_fts()

    def starts_clause(self):
        return functools.reduce(operator.or_, (_starts_with(w) for w in self.starts))

    def ordered(self) -> peewee.ModelSelect[Customer]:
        order = _order(self.sort)
        if self.tiered:
            order.insert(0, peewee.Case(None, [(self.starts_clause(), 0)], 1))
        return self.query.order_by(*order)


def _plan(text: str, filters: Filters, sort: Sort) -> _Plan:
    _order(sort)  # an unknown order is refused before any reading
    query = Customer.select(*_COLUMNS).where(_filter_clause(filters))
    match, broad = _match_clause(text)
    if match is not None:
        query = query.where(match)
    dense = not (filters.with_debt or filters.group or filters.birthday_month) and "active" in filters.statuses
    return _Plan(query, sort, list(dict.fromkeys(words(text)[:MAX_WORDS])), broad, dense)


def _starts_with(word: str):
    # search_key is [0-9a-z ]: in SQLite's binary order "{" comes right after "z", so
    # this range is "starts with" and walks the search_key index in order.
    return (Customer.search_key >= word) & (Customer.search_key < word + "{")


def _tiered_page(plan: _Plan, limit: int, offset: int) -> list[Row]:
    """One page of a broad match in name order: the names starting with a query word, then the rest.

    Each part is read along the search_key index and stops at the page's end; the rest
    is dense where it is reached, since a word a name does not start with is spread
    over all of them. Reading the whole match in one ORDER BY would walk from "a" to
    "nguyen" before the first row of "nguyen".
    """
    if not limit:
        return []
    descending = plan.sort.descending
    order = _order(plan.sort)
    keyed = plan.query.select_extend(Customer.search_key)
    parts = [keyed.where(_starts_with(w)).order_by(*order).limit(offset + limit).tuples() for w in plan.starts]
    seen: set[int] = set()
    first: list[tuple] = []
    merged = heapq.merge(*parts, key=lambda v: (v[-1], v[0]), reverse=descending)
    for values in merged:
        if values[0] not in seen:
            seen.add(values[0])
            first.append(values[:-1])
    page = [Row(*values) for values in first[offset : offset + limit]]
    if len(page) == limit:
        return page
    # Every name starting with a query word is counted before the others are read.
    before = len(first) if len(first) < offset + limit else plan.query.where(plan.starts_clause()).count()
    rest = plan.query.where(~plan.starts_clause()).order_by(*order)
    rest = rest.limit(limit - len(page)).offset(max(0, offset - before))
    return page + [Row(*values) for values in rest.tuples()]


def _order(sort: Sort) -> list:
    if sort.key not in _SORT_FIELDS:
        raise ValidationError(_("The list cannot be sorted that way."), "sort")
    field = _SORT_FIELDS[sort.key]
    if sort.descending:
        # Customers who never bought come last either way.
        first = field.desc(nulls="LAST") if sort.key == "last_purchase" else field.desc()
        return [first, Customer.id.desc()]
    first = field.asc(nulls="LAST") if sort.key == "last_purchase" else field.asc()
    # The folded name comes first in search_key, so this is name order as a person reads
    # it (Đặng among the D, not after Z) with the code breaking ties, and it is indexed.
    return [first, Customer.id]


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
    """(None, False) when the query asks for nothing (blank), else (the OR of every way it can match, broad)."""
    text = (text or "").strip()
    if not text:
        return None, False
    query_words = words(text)[:MAX_WORDS]
    if not _has_fts():
        # PostgreSQL: the clauses themselves, one scan (see migration 0002).
        ways = []
        if query_words:
            ways.append(functools.reduce(operator.and_, (_word_prefix(w) for w in query_words)))
        ways.extend(_phone_clauses(text))
        exact = _exact_customer_id(text)
        if exact is not None:
            ways.append(Customer.id == exact)
        if not ways:
            return Customer.id.is_null(), False
        return functools.reduce(operator.or_, ways), True
    narrow_ids: set[int] = set()
    broad = []
    if query_words:
        ids = _word_ids(query_words)
        if ids is None:
            broad.append(functools.reduce(operator.and_, (_word_prefix(w) for w in query_words)))
        else:
            narrow_ids.update(ids)
    for clause in _phone_clauses(text):
        ids = _capped_ids(clause)
        if ids is None:
            broad.append(clause)
        else:
            narrow_ids.update(ids)
    exact = _exact_customer_id(text)
    if exact is not None:
        narrow_ids.add(exact)
    ways = list(broad)
    if narrow_ids:
        # One JSON parameter rather than thousands: peewee takes longer to build a long
        # IN list than SQLite takes to answer it.
        ways.append(
            peewee.NodeList(
                (Customer.id, peewee.SQL("IN (SELECT value FROM json_each(?))", [json.dumps(sorted(narrow_ids))]))
            )
        )
    if not ways:
        return Customer.id.is_null(), False  # nothing in the query can match anyone (e.g. only "!!")
    return functools.reduce(operator.or_, ways), bool(broad)


def _word_prefix(word: str):
    # Folded words are [0-9a-z] only, so they can hold no LIKE wildcard.
    return Customer.search_key.startswith(word) | Customer.search_key.contains(" " + word)


def _word_ids(query_words: list[str]) -> list[int] | None:
    """The ids whose words start with every query word, or None when there are too many."""
    # Every folded word is [0-9a-z]+: a plain FTS5 prefix term needs no quoting.
    match = " ".join(f"{word}*" for word in query_words)
    cursor = database.execute_sql(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?", (match, NARROW_LIMIT + 1)
    )
    ids = [row[0] for row in cursor.fetchall()]
    return None if len(ids) > NARROW_LIMIT else ids


def _capped_ids(clause) -> list[int] | None:
    ids = [row[0] for row in Customer.select(Customer.id).where(clause).limit(NARROW_LIMIT + 1).tuples()]
    return None if len(ids) > NARROW_LIMIT else ids


def _has_fts() -> bool:
    """Whether migration 0002 made the word index (SQLite); PostgreSQL searches with LIKE."""
    if not isinstance(database.obj, peewee.SqliteDatabase):
        return False
    cursor = database.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,))
    return cursor.fetchone() is not None


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


def rebuild_index() -> None:
    """Build the word index again from search_key (after a restore from an older backup)."""
    if _has_fts():
        with write_transaction():
            database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def index_is_in_step() -> bool:
    """True when the word index holds exactly the words of every customer's search_key."""
    if not _has_fts():
        return True
    try:
        database.execute_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")
    except (peewee.DatabaseError, sqlite3.DatabaseError):
        return False
    return True


def group_names() -> list[str]:
    """The groups/tags a customer can be in, for the directory's group filter."""
    return [name for (name,) in Group.select(Group.name).order_by(Group.name).tuples()]


# What ``warm_up`` reads in full on SQLite: the word index, the reversed-phone and name
# indexes (each count walks its index only), and the customer rows themselves.
WARM_UP_READS = (
    f"SELECT sum(length(block)) FROM {FTS_TABLE}_data",
    "SELECT count(*) FROM customer WHERE phone_rev >= ''",
    "SELECT count(*) FROM customer WHERE search_key >= ''",
    "SELECT sum(length(name)) FROM customer",
)
_warming: set = set()  # the connections of warm-ups under way, for stop_warm_up


def warm_up(full: bool = True) -> bool:
    """Read what a first search needs into the operating system's file cache, so that the
    cashier's first search after start is as fast as the next ones (a million customers
    after a cold start: ~200 ms instead of ~50). Run it in a worker when the app starts;
    it reads tens of megabytes and changes nothing. ``full=False`` runs one search of each
    kind only. False when ``stop_warm_up`` cut it short.

    A word search reads scattered pages of the word index and then the rows of its
    matches, scattered over the whole customer table: read cold one page at a time they
    cost far more than reading them once, in order, beforehand.
    """
    search("a", limit=1)  # a word search: the FTS index's top pages and the name order
    search("0000", limit=1)  # the last digits: the reversed-phone index
    if not full or not _has_fts():
        return True  # PostgreSQL keeps its own shared buffers
    connection = database.connection()
    _warming.add(connection)
    try:
        for sql in WARM_UP_READS:
            database.execute_sql(sql).fetchall()
    except (peewee.OperationalError, sqlite3.OperationalError) as exc:
        if sqlite_code(exc) != sqlite3.SQLITE_INTERRUPT:
            raise
        return False
    finally:
        _warming.discard(connection)
    return True


def stop_warm_up() -> None:
    """Cut short any warm-up under way (the app is closing: it must not wait for it)."""
    for connection in list(_warming):
        connection.interrupt()  # SQLite allows it from another thread
