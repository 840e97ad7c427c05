"""Posting to the append-only ledgers, keeping the cached balances in step.

Only services call these, inside their own transaction; ``check`` recomputes the
cached balances from the entries and walks the hash chains. Every entry (and every audit
row, services/audit.py) is appended through ``append_chained``: it reads the hash of the
chain's last row and writes the new row's ``prev_hash`` and ``hash`` (shoptui/chain.py).
Two writers cannot fork a chain: on SQLite the write transaction holds the database's
write lock (BEGIN IMMEDIATE; a deferred one that read a stale last row fails to write
rather than fork), on PostgreSQL every write transaction takes one advisory transaction
lock first (``chain.PG_LOCK_KEY``), held to its commit.

The database refuses UPDATE and DELETE on these tables (migration 0009): a mistake is
corrected by a compensating entry, never by editing one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import peewee

from .. import chain, clock
from ..db import database, write_turn
from ..errors import DatabaseError, NotFound
from ..i18n import _
from ..models import Customer, DebtEntry, GiftCardEntry, PointsEntry


def _db() -> peewee.Database:
    return database.obj if isinstance(database, peewee.DatabaseProxy) else database


def _lock_chains() -> None:
    """PostgreSQL: hold the chains' advisory lock until commit (re-entrant; a no-op on SQLite)."""
    if isinstance(_db(), peewee.PostgresqlDatabase):
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (chain.PG_LOCK_KEY,))


class _WriteTransaction:
    """``database.atomic()`` that, on PostgreSQL, first takes the chains' lock: taken up
    front, never after a customer's row lock, so two writers cannot deadlock over it."""

    def __init__(self):
        self._atomic = database.atomic()

    def __enter__(self):
        txn = self._atomic.__enter__()
        try:
            _lock_chains()
        except BaseException as exc:
            self._atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return txn

    def __exit__(self, *exc_info):
        return self._atomic.__exit__(*exc_info)


BEGIN_ATTEMPTS = 3  # each waits up to the busy timeout for the write lock


class DatabaseBusy(DatabaseError):
    """The write lock stayed with another process through every attempt."""


def write_transaction():
    """The transaction of one service write (a savepoint when one is already open).

    On SQLite it begins IMMEDIATE: the write lock is taken up front, so a writer that read
    first cannot fail half-way because another process (the counter listener, a second
    till, an import) committed in between; it waits for the busy timeout instead. Taking
    the lock is tried again a few times (nothing has run yet, so a retry is always safe)
    before the one sentence a person sees.
    """
    db = database.obj if isinstance(database, peewee.DatabaseProxy) else database
    if isinstance(db, peewee.SqliteDatabase):
        return _ImmediateTransaction(db)
    return _WriteTransaction()


def append_chained(model, **values):
    """Insert one row of a chained table (a ledger or the audit log) as the next link of
    its chain, inside the caller's transaction (``write_transaction``)."""
    table = model._meta.table_name
    # Its own write transaction (a savepoint inside the caller's), so that even a caller
    # without one reads the last link and appends under the write lock.
    with write_transaction():
        _lock_chains()
        last = model.select(model.hash).order_by(model.id.desc()).limit(1).tuples().first()
        prev_hash = last[0] if last and last[0] else chain.GENESIS
        values["prev_hash"] = prev_hash
        values["hash"] = chain.row_hash(table, {_column(model, k): v for k, v in values.items()}, prev_hash)
        return model.create(**values)


def _column(model, name: str) -> str:
    field = model._meta.fields.get(name)
    return field.column_name if field is not None else name


class _ImmediateTransaction:
    def __init__(self, db: peewee.SqliteDatabase):
        self.db = db
        self._atomic: contextlib.AbstractContextManager[Any] | None = None

    def __enter__(self):
        if self.db.transaction_depth() > 0:  # a savepoint inside the caller's transaction
            self._atomic = self.db.atomic()
            return self._atomic.__enter__()
        with write_turn(self.db):
            for attempt in range(1, BEGIN_ATTEMPTS + 1):
                self._atomic = self.db.atomic("IMMEDIATE")
                try:
                    return self._atomic.__enter__()
                except peewee.OperationalError as exc:
                    if not is_busy(exc):
                        raise
                    if attempt == BEGIN_ATTEMPTS:
                        raise DatabaseBusy(
                            _(
                                "The database is busy with another program (another till or an import); "
                                "nothing was saved, try again in a moment."
                            )
                        ) from None

    def __exit__(self, exc_type, exc, tb):
        assert self._atomic is not None  # set by __enter__
        return self._atomic.__exit__(exc_type, exc, tb)


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "database is busy"."""
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def lock_customer(customer: Customer | int) -> Customer:
    """The customer's row read afresh and, where the database can, locked until commit, so
    that two tills cannot both spend the same points or credit (PostgreSQL: FOR UPDATE;
    SQLite already serialises writers). Call inside ``write_transaction``."""
    cid = customer.id if isinstance(customer, Customer) else customer
    query = Customer.select().where(Customer.id == cid)
    db = database.obj if isinstance(database, peewee.DatabaseProxy) else database
    if getattr(db, "for_update", False):
        query = query.for_update()
    found = query.first()
    if found is None:
        raise NotFound(_("There is no such customer."))
    return found


def post_points(
    customer: Customer | int,
    kind: str,
    points: int,
    *,
    receipt=None,
    user=None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> PointsEntry | None:
    return _post_customer_entry(
        PointsEntry,
        Customer.points_balance,
        customer,
        kind,
        "points",
        points,
        receipt=_id(receipt),
        user=_id(user),
        reason=reason,
        at=at,
    )


def post_debt(
    customer: Customer | int,
    kind: str,
    amount: int,
    *,
    receipt=None,
    method: str | None = None,
    user=None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> DebtEntry | None:
    return _post_customer_entry(
        DebtEntry,
        Customer.debt_balance,
        customer,
        kind,
        "amount",
        amount,
        receipt=_id(receipt),
        method=method,
        user=_id(user),
        reason=reason,
        at=at,
    )


def _post_customer_entry(
    model, balance, customer: Customer | int, kind: str, column: str, value: int, *, at: dt.datetime | None, **fields
):
    """Append one entry of a customer's ledger (``value`` in its ``column``) and move the
    cached ``balance`` by as much; nothing for a value of zero."""
    if value == 0:
        return None
    cid = customer.id if isinstance(customer, Customer) else customer
    entry = append_chained(model, customer=cid, at=entry_time(at), kind=kind, **{column: value}, **fields)
    Customer.update({balance: balance + value}).where(Customer.id == cid).execute()
    return entry


def post_gift(
    card, kind: str, amount: int, *, receipt=None, user=None, reason: str = "", at: dt.datetime | None = None
) -> GiftCardEntry:
    """One entry of a gift card's own ledger (its balance is the sum)."""
    return append_chained(
        GiftCardEntry,
        card=_id(card),
        at=entry_time(at),
        kind=kind,
        amount=amount,
        receipt=_id(receipt),
        user=_id(user),
        reason=reason,
    )


def _id(value):
    return getattr(value, "id", value)


def entry_time(at) -> dt.datetime:
    """The entry's time as stored and hashed: a naive date-time."""
    at = at or clock.now()
    if not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time())
    return at.replace(tzinfo=None)


def add_sales(customer_id: int, amount: int, at: dt.datetime | None) -> None:
    """Keep ``total_sales`` and ``last_purchase_at`` (sales only move the date) in step."""
    updates = {Customer.total_sales: Customer.total_sales + amount}
    Customer.update(updates).where(Customer.id == customer_id).execute()
    if at is not None:
        Customer.update(last_purchase_at=at).where(
            (Customer.id == customer_id) & (Customer.last_purchase_at.is_null() | (Customer.last_purchase_at < at))
        ).execute()


def balances(customer: Customer | int) -> tuple[int, int]:
    cid = customer.id if isinstance(customer, Customer) else customer
    row = Customer.select(Customer.points_balance, Customer.debt_balance).where(Customer.id == cid).tuples().get()
    return row[0], row[1]
