"""Debtors: who owes the shop at the as-of day, since when, and how old the debt is.

Who: customers (in the asked stores, by the store that registered them) whose debt
balance at the end of the as-of day is not zero. The balance is the sum of the debt
ledger's entries up to that moment, not the cached balance, so that an as-of date in
the past gives the debts of that day; a negative balance (the shop owes) is listed too.

Ageing is first in, first out: everything that lowered the debt (payments, returns,
downward adjustments) pays the oldest debt first, whenever it was made. In SQL: each
debit's running total (``SUM() OVER`` by time) against the customer's total credits; a
debit is unpaid by ``running total − credits``, clamped to 0..its amount. Its age is
the days from its date to the as-of date, in buckets 0-30, 31-60, 61-90 and over 90.
``oldest_unpaid`` is the date of the oldest debit not fully paid.

``last_payment`` is the last entry of kind ``payment`` up to the as-of day.

A negative balance is an advance: money the customer paid before buying (or a negative
opening debt imported from another program). ``totals`` keep the two apart so that every
place reads the same three figures: ``owed`` (what customers owe), ``advances`` (what the
shop owes back) and ``balance`` = owed − advances, the Debts sheet's closing total.

``totals`` sum the whole list; ``paid_vs_unpaid`` looks at the customers who took
credit (a debit entry; what a sale paid from the advance is no credit) in scope — the period up to the as-of day, or everything up to
it without a period — and splits them into those who owe nothing at the as-of day and
those who still owe.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw
from peewee import Case, Window, fn

from .. import clock
from ..i18n import N_
from ..models import Customer, DebtEntry, Payment
from ..models.ledgers import ledger_owner, merges_exist
from ..services import settings
from . import Money
from .contacts import CONTACT_FIELDS, as_date, contact, fetch, is_paged
from .query import ReportQuery, all_of, calendar_date, scope

TITLE = N_("Debtors")
# (column, the oldest age in days the bucket holds); the last bucket holds every older debt.
AGE_BUCKETS = (("days_0_30", 30), ("days_31_60", 60), ("days_61_90", 90), ("days_over_90", None))
BUCKET_KEYS = tuple(key for key, _days in AGE_BUCKETS)

COLUMNS = (
    "code",
    "name",
    "phone",
    "balance",
    "credit_limit",
    "credit_left",
    "oldest_unpaid",
    "oldest_days",
    *BUCKET_KEYS,
    "last_payment",
    "last_payment_amount",
)

LABELS = {
    "code": N_("Code"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "balance": N_("Owes"),
    "credit_limit": N_("Credit limit"),
    "credit_left": N_("Credit left"),
    "oldest_unpaid": N_("Oldest unpaid"),
    "oldest_days": N_("Days"),
    "days_0_30": N_("0-30 days"),
    "days_31_60": N_("31-60 days"),
    "days_61_90": N_("61-90 days"),
    "days_over_90": N_("Over 90 days"),
    "last_payment": N_("Last payment"),
    "last_payment_amount": N_("Paid"),
}


def debtors(query: ReportQuery) -> dict:
    query.check_stores()
    select = _rows(query)
    rows = []
    found, listed = fetch(select, query)
    default_limit = settings.credit_limit_default()
    for row in found:
        balance = int(row["balance"])
        # as services.debts.credit_limit: the customer's own, else the shop's default
        limit = row["credit_limit"] if row["credit_limit"] is not None else default_limit
        oldest = as_date(row["oldest_unpaid"])
        rows.append(
            {
                **{key: value for key, value in contact(row).items() if key in ("code", "name", "phone")},
                "balance": Money(balance),
                "credit_limit": None if limit is None else Money(int(limit)),
                # as services.debts.credit_left, from the balance of the as-of day
                "credit_left": None if limit is None else Money(max(0, int(limit) - max(0, balance))),
                "oldest_unpaid": oldest,
                "oldest_days": None if oldest is None else (query.as_of - oldest).days,
                **{key: Money(int(row[key] or 0)) for key in BUCKET_KEYS},
                "last_payment": as_date(row["last_payment"]),
                "last_payment_amount": None
                if row["last_payment_amount"] is None
                else Money(int(row["last_payment_amount"])),
            }
        )
    return {
        **scope(query),
        # a page needs the whole list summed again; the whole list sums its own rows
        "totals": _totals(select) if is_paged(query) else _sum_rows(rows),
        "paid_vs_unpaid": _paid_vs_unpaid(query),
        "customers": listed,
        "rows": rows,
    }


# -- SQL ---------------------------------------------------------------------------------------


def _owner():
    """Whose ledger an entry counts in: a merged customer's entries count with the customer
    kept, the merge pairs left out (models.ledgers); the plain column while nobody was merged."""
    return ledger_owner(DebtEntry) if merges_exist() else DebtEntry.customer


def _entries(query: ReportQuery) -> pw.Expression:
    """Debt entries the report sees: up to the end of the as-of day, of customers in the stores."""
    in_stores = query.in_stores(Customer.store)
    customers = None if in_stores is None else _owner().in_(Customer.select(Customer.id).where(in_stores))
    merge_pairs = (DebtEntry.kind != "merge") if merges_exist() else None
    return all_of(DebtEntry.at < clock.end_of_day(query.as_of), customers, merge_pairs)


def _balances(query: ReportQuery) -> pw.Select:
    return (
        DebtEntry.select(_owner().alias("customer_id"), fn.SUM(DebtEntry.amount).alias("balance"))
        .where(_entries(query))
        .group_by(_owner())
        .having(fn.SUM(DebtEntry.amount) != 0)
    )


def _aging(query: ReportQuery) -> pw.Select:
    """Per customer: the unpaid part of their debits by age bucket, and the oldest unpaid date."""
    debit = Case(None, [(DebtEntry.amount > 0, DebtEntry.amount)], 0)
    credit = Case(None, [(DebtEntry.amount < 0, 0 - DebtEntry.amount)], 0)
    running = (
        DebtEntry.select(
            _owner().alias("customer_id"),
            DebtEntry.at.alias("at"),
            DebtEntry.amount.alias("amount"),
            fn.SUM(debit)
            .over(
                partition_by=[_owner()],
                order_by=[DebtEntry.at, DebtEntry.id],
                start=Window.preceding(),
                end=Window.CURRENT_ROW,
                frame_type=Window.ROWS,
            )
            .alias("debits_so_far"),
            fn.SUM(credit).over(partition_by=[_owner()]).alias("credits"),
        )
        .where(_entries(query))
        .alias("running")
    )
    outstanding = running.c.debits_so_far - running.c.credits
    unpaid = Case(None, [(outstanding <= 0, 0), (outstanding >= running.c.amount, running.c.amount)], outstanding)
    debits = (
        DebtEntry.select(running.c.customer_id, running.c.at, unpaid.alias("unpaid"))
        .from_(running)
        .where(running.c.amount > 0)
        .alias("debits")
    )
    columns = []
    younger = None  # the previous bucket's oldest age: this bucket starts after it
    for key, days in AGE_BUCKETS:
        # an age of at most N days  <=>  on or after the start of (as-of day − N)
        conditions = []
        if days is not None:
            conditions.append(debits.c.at >= clock.start_of_day(query.as_of - dt.timedelta(days=days)))
        if younger is not None:
            conditions.append(debits.c.at < clock.start_of_day(query.as_of - dt.timedelta(days=younger)))
        younger = days
        columns.append(fn.SUM(Case(None, [(all_of(*conditions), debits.c.unpaid)], 0)).alias(key))
    return (
        DebtEntry.select(
            debits.c.customer_id,
            *columns,
            fn.MIN(Case(None, [(debits.c.unpaid > 0, debits.c.at)], None)).alias("oldest_at"),
        )
        .from_(debits)
        .group_by(debits.c.customer_id)
    )


def _last_payments(query: ReportQuery) -> pw.Select:
    ranked = (
        DebtEntry.select(
            _owner().alias("customer_id"),
            DebtEntry.at.alias("at"),
            (0 - DebtEntry.amount).alias("paid"),
            fn.ROW_NUMBER()
            .over(partition_by=[_owner()], order_by=[DebtEntry.at.desc(), DebtEntry.id.desc()])
            .alias("latest"),
        )
        .where(_entries(query) & DebtEntry.kind.in_(("payment", "advance")))
        .alias("ranked")
    )
    return DebtEntry.select(ranked.c.customer_id, ranked.c.at, ranked.c.paid).from_(ranked).where(ranked.c.latest == 1)


def _rows(query: ReportQuery) -> pw.Select:
    balances = _balances(query).alias("balances")
    aging = _aging(query).alias("aging")
    payments = _last_payments(query).alias("payments")
    return (
        Customer.select(
            *CONTACT_FIELDS,
            Customer.credit_limit,
            balances.c.balance,
            *[getattr(aging.c, key).alias(key) for key in BUCKET_KEYS],
            calendar_date(aging.c.oldest_at).alias("oldest_unpaid"),
            calendar_date(payments.c.at).alias("last_payment"),
            payments.c.paid.alias("last_payment_amount"),
        )
        .join(balances, on=(Customer.id == balances.c.customer_id))
        .join(aging, pw.JOIN.LEFT_OUTER, on=(Customer.id == aging.c.customer_id))
        .join(payments, pw.JOIN.LEFT_OUTER, on=(Customer.id == payments.c.customer_id))
        .order_by(balances.c.balance.desc(), Customer.code)
    )


def _sum_rows(rows: list[dict]) -> dict:
    return _totals_of(
        len(rows),
        sum(1 for row in rows if row["balance"] > 0),
        sum(int(row["balance"]) for row in rows if row["balance"] > 0),
        sum(1 for row in rows if row["balance"] < 0),
        sum(int(row["balance"]) for row in rows),
        [sum(int(row[key]) for row in rows) for key in BUCKET_KEYS],
    )


def _totals(select: pw.Select) -> dict:
    listed = select.order_by().alias("listed")
    owing = Case(None, [(listed.c.balance > 0, listed.c.balance)], 0)
    row = (
        Customer.select(
            fn.COUNT(pw.SQL("*")),
            fn.SUM(Case(None, [(listed.c.balance > 0, 1)], 0)),
            fn.SUM(owing),
            fn.SUM(Case(None, [(listed.c.balance < 0, 1)], 0)),
            fn.SUM(listed.c.balance),
            *[fn.SUM(getattr(listed.c, key)) for key in BUCKET_KEYS],
        )
        .from_(listed)
        .tuples()
        .get()
    )
    customers, owing_customers, owed, advance_customers, balance, *buckets = (int(value or 0) for value in row)
    return _totals_of(customers, owing_customers, owed, advance_customers, balance, buckets)


def _totals_of(
    customers: int, owing_customers: int, owed: int, advance_customers: int, balance: int, buckets: list[int]
) -> dict:
    return {
        "customers": customers,
        "owing_customers": owing_customers,
        "owed": Money(owed),
        "advance_customers": advance_customers,
        "advances": Money(owed - balance),
        "balance": Money(balance),
        **{key: Money(value) for key, value in zip(BUCKET_KEYS, buckets)},
    }


def advance_paid_per_receipt() -> pw.Select:
    """Per receipt, what it paid from the customer's advance (its ``advance`` payments), as
    a subquery ``advance_paid(receipt_id, advance)``: the part of a ``credit_sale`` entry
    that is no credit."""
    return (
        Payment.select(Payment.receipt, fn.SUM(Payment.amount).alias("advance"))
        .where(Payment.method == "advance")
        .group_by(Payment.receipt)
        .alias("advance_paid")
    )


def _paid_vs_unpaid(query: ReportQuery) -> dict:
    """Customers who took credit in scope: who owes nothing now and who still owes."""
    # What a sale paid from the advance is a ``credit_sale`` entry too (the balance rises
    # towards zero), but it is no credit: each receipt's debits less what it paid from the
    # advance (its ``advance`` payments), so a customer who only used an advance took none.
    advance_paid = advance_paid_per_receipt()
    per_receipt = (
        DebtEntry.select(
            _owner().alias("customer_id"),
            (fn.SUM(DebtEntry.amount) - fn.COALESCE(fn.MAX(advance_paid.c.advance), 0)).alias("credit"),
        )
        .join(
            advance_paid,
            pw.JOIN.LEFT_OUTER,
            on=(advance_paid.c.receipt_id == DebtEntry.receipt) & (DebtEntry.kind == "credit_sale"),
        )
        .where(_entries(query) & query.in_period(DebtEntry.at) & (DebtEntry.amount > 0))
        .group_by(_owner(), DebtEntry.receipt)
        .alias("per_receipt")
    )
    took_credit = (
        DebtEntry.select(per_receipt.c.customer_id, fn.SUM(per_receipt.c.credit).alias("credit"))
        .from_(per_receipt)
        .group_by(per_receipt.c.customer_id)
        .having(fn.SUM(per_receipt.c.credit) > 0)
        .alias("took_credit")
    )
    balances = (
        DebtEntry.select(_owner().alias("customer_id"), fn.SUM(DebtEntry.amount).alias("balance"))
        .where(_entries(query))
        .group_by(_owner())
        .alias("balances")
    )
    still_owes = balances.c.balance > 0
    rows = (
        DebtEntry.select(
            Case(None, [(still_owes, "unpaid")], "paid").alias("state"),
            took_credit.c.credit,
            Case(None, [(still_owes, balances.c.balance)], 0).alias("owed"),
        )
        .from_(took_credit)
        .join(balances, on=(took_credit.c.customer_id == balances.c.customer_id))
        .alias("states")
    )
    found = {
        "paid": {"customers": 0, "credit": Money(0)},
        "unpaid": {"customers": 0, "credit": Money(0), "owed": Money(0)},
    }
    for state, customers, credit, owed in (
        DebtEntry.select(rows.c.state, fn.COUNT(pw.SQL("*")), fn.SUM(rows.c.credit), fn.SUM(rows.c.owed))
        .from_(rows)
        .group_by(rows.c.state)
        .tuples()
    ):
        found[state]["customers"] = int(customers)
        found[state]["credit"] = Money(int(credit or 0))
        if state == "unpaid":
            found[state]["owed"] = Money(int(owed or 0))
    return found
