"""``shoptui check``: the database's own integrity and every ledger invariant.

``run_checks()`` returns the problems found, each one translated sentence naming the
record (customer code, receipt number and store). Every check is one SQL aggregate,
never a Python loop over all rows, so that it runs on a million customers; each lists
at most ``limit`` records and then says that there are more.

What is checked, and why some things are allowed:

- SQLite: ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` (PostgreSQL keeps
  both itself).
- Each customer's cached ``points_balance``, ``debt_balance``, ``total_sales`` (sales −
  returns) and ``last_purchase_at`` (last sale) equal what the entries and receipts give.
- Each receipt's payments add up to its total; totals and payments are not negative,
  but for the signed ``rounding`` of cash rounding, which is only on a receipt with cash
  and below the largest step ever set (``cash_rounding_rows``).
- A return names a sale and belongs to the sale's customer (an imported return is let
  off both: the other program may not give the sale, or name the customer otherwise),
  and never returns more than the sale, in money and per line in quantity; only
  returns name a sale.
- The credit paid on a receipt is on the debt ledger, and the points it earned and
  redeemed (reversed and restored for a return) are on the points ledger.
- Ledger entries that point to a receipt belong to that receipt's customer; when a
  receipt was moved to another customer, the entries left with the earlier customer
  are cancelled by ``move`` entries, so they must add up to zero there.
- Each kind of entry has its sign: earned points and credit sales are positive,
  redemptions and debt payments negative, and so on.
- A points balance may be negative only after a return reversed points already spent
  (``reverse``) or a receipt moved away (``move``): redeeming, expiring and adjusting
  never go below zero. Likewise a debt balance below zero needs an ``adjust``,
  ``opening``, ``move`` or ``advance`` entry (a payment in advance), since plain payments
  and returns stop at the debt; what an advance paid on a sale (method ``advance``) is on
  the debt ledger like credit, and a return never gives back more of it than it paid.
- The receipts' running sums the reports read (per store-hour and per customer,
  migration 0005; each customer's gaps between sale dates, migration 0007) equal what
  the receipts give.
- A return never gives back more points, voucher, gift-card or credit money than its
  sale was paid with; points are paid a whole amount each, and given back at that price;
  after partial returns a sale leaves the customer the points the kept amount earns
  under the sale's rule. Warnings, which do not fail ``check``: cards in use that break
  the shop's card rule (another program's cards are kept as they are), and negative
  opening debts (counted as paid in advance).
- No card is bound to two customers at once; no gift card balance is negative; no
  voucher is used more often than it may be; no visitor count is negative.
- The hash chains of the three ledgers and the audit log (shoptui/chain.py) are whole:
  each names its first broken row (table, id, and whether it was edited, deleted or
  inserted). A chain is walked from its checkpoint (the last row found whole, kept in
  ``chain_checkpoint``; the checkpointed row itself must still have its hash), in
  batches; ``full`` walks every chain from its first row. This is the one check that
  reads rows one by one: SQL has no sha256 of its own everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import peewee as pw

from . import chain, clock
from .barcodes import card_rule_refusal
from .db import database
from .i18n import N_, _
from .models import (
    DEBT_KINDS,
    PAYMENT_METHODS,
    POINTS_KINDS,
    RECEIPT_KINDS,
    AuditLog,
    Card,
    CardBinding,
    ChainCheckpoint,
    Customer,
    DebtEntry,
    GiftCardEntry,
    Payment,
    PointsEntry,
    Receipt,
    ReceiptLine,
    Store,
    VisitCount,
    Voucher,
    VoucherUse,
)
from .models.ledgers import ledger_owner, merges_exist
from .services import settings
from .services.amounts import shown as _money
from .services.cash_rounding import fault as cash_rounding_fault
from .services.ledger import write_transaction
from .services.money_math import share_of
from .services.privacy import AUDIT_KEPT_KEYS

DEFAULT_LIMIT = 20
# The sign each kind of ledger entry must have: +1 never negative, -1 never positive.
POINTS_SIGNS = {"opening": 1, "earn": 1, "restore": 1, "redeem": -1, "reverse": -1, "expire": -1}
DEBT_SIGNS = {"credit_sale": 1, "payment": -1, "return": -1, "advance": -1}


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong; ``kind`` names the check, ``message`` says it to a person."""

    kind: str
    message: str

    def __str__(self) -> str:
        return self.message


def run_checks(limit: int = DEFAULT_LIMIT, quick: bool = False, full: bool = False) -> list[Problem]:
    """Every problem found, at most ``limit`` of each kind (then one line saying there are more).

    ``quick`` runs SQLite's ``quick_check`` instead of ``integrity_check``: it skips
    comparing indexes with their tables, which is most of the time on a big file.
    ``full`` walks the hash chains from their first row instead of their checkpoint."""
    problems: list[Problem] = []
    checks: list[Callable[[int], Iterable[Problem]]] = [
        functools.partial(sqlite_integrity, quick=quick),
        *CHECKS,
        functools.partial(chain_breaks, full=full),
    ]
    for check in checks:
        found = list(check(limit + 1))
        # Two checks may name one row (an audit row's erasure: the chain walk and the scan of
        # every erased row); it is said once.
        said = {p.message for p in problems}
        problems.extend(p for p in found[:limit] if p.message not in said)
        if len(found) > limit:
            problems.append(
                Problem(
                    found[0].kind,
                    _("… and more problems of the same kind; only the first {n} are listed.").format(n=limit),
                )
            )
    return problems


def _is_sqlite() -> bool:
    return isinstance(database.obj, pw.SqliteDatabase)


def _receipt(store: str, number: str) -> str:
    return _("receipt {number} of store {store}").format(number=number, store=store)


def _first(query: pw.Select, limit: int) -> pw.Select:
    """The first ``limit`` rows of a check's query on receipts, in the order they were written."""
    return query.order_by(Receipt.id).limit(limit).tuples()


def _signed_total():
    """A receipt's total counted positive for a sale and negative for a return."""
    return pw.Case(None, [(Receipt.kind == "return", Receipt.total * -1)], Receipt.total)


# -- the database itself ------------------------------------------------------------------


def sqlite_integrity(limit: int, quick: bool = False) -> Iterable[Problem]:
    if not _is_sqlite():
        return []
    pragma = "quick_check" if quick else "integrity_check"
    rows = database.execute_sql(f"PRAGMA {pragma}({int(limit)})").fetchall()
    return [
        Problem("integrity", _("The database file is damaged: {detail}").format(detail=row[0]))
        for row in rows
        if row[0] != "ok"
    ]


def sqlite_foreign_keys(limit: int) -> Iterable[Problem]:
    if not _is_sqlite():
        return []
    cursor = database.execute_sql("PRAGMA foreign_key_check")
    return [
        Problem(
            "foreign_key",
            _("Row {rowid} of table {table} points to a row of {parent} that does not exist.").format(
                rowid=row[1], table=row[0], parent=row[2]
            ),
        )
        for row in cursor.fetchmany(limit)
    ]


# -- cached customer sums -----------------------------------------------------------------


def _mismatches(
    cached,
    per_customer: pw.Select,
    default,
    limit: int,
    kind: str,
    message: str,
    shown: Callable[[Any], Any] = lambda value: value,
) -> Iterable[Problem]:
    """Customers whose cached column differs from ``per_customer`` (customer_id, value): one
    problem each, ``message`` told the customer's code, the cached value and the computed
    one (each as ``shown``)."""
    sums = per_customer.alias("sums")
    computed = pw.fn.COALESCE(sums.c.value, default) if default is not None else sums.c.value
    differs = cached != computed
    if default is None:  # a date: NULL on one side only is a difference too
        differs = (
            differs
            | (cached.is_null() & sums.c.value.is_null(False))
            | (cached.is_null(False) & sums.c.value.is_null())
        )
    query = (
        Customer.select(Customer.code, cached, computed)
        .join(sums, pw.JOIN.LEFT_OUTER, on=(sums.c.customer_id == Customer.id))
        .where(differs)
        .order_by(Customer.id)
        .limit(limit)
        .tuples()
    )
    for code, cached_value, actual in query:
        yield Problem(kind, message.format(code=code, cached=shown(cached_value), actual=shown(actual)))


def cached_points(limit: int) -> Iterable[Problem]:
    sums = PointsEntry.select(PointsEntry.customer, pw.fn.SUM(PointsEntry.points).alias("value")).group_by(
        PointsEntry.customer
    )
    return _mismatches(
        Customer.points_balance,
        sums,
        0,
        limit,
        "points_balance",
        _("Customer {code} shows {cached} points, but the points entries add up to {actual}."),
    )


def cached_debt(limit: int) -> Iterable[Problem]:
    sums = DebtEntry.select(DebtEntry.customer, pw.fn.SUM(DebtEntry.amount).alias("value")).group_by(DebtEntry.customer)
    return _mismatches(
        Customer.debt_balance,
        sums,
        0,
        limit,
        "debt_balance",
        _("Customer {code} shows a debt of {cached}, but the debt entries add up to {actual}."),
        _money,
    )


def cached_sales(limit: int) -> Iterable[Problem]:
    sums = (
        Receipt.select(Receipt.customer, pw.fn.SUM(_signed_total()).alias("value"))
        .where(Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
    )
    return _mismatches(
        Customer.total_sales,
        sums,
        0,
        limit,
        "total_sales",
        _("Customer {code} shows sales of {cached}, but the receipts add up to {actual}."),
        _money,
    )


def cached_last_purchase(limit: int) -> Iterable[Problem]:
    # MAX over a CASE rather than WHERE kind = 'sale': the same plan as ``cached_sales``
    # (one pass over the customer index), where a filter on kind makes SQLite jump
    # through the kind index to nearly every row.
    last_sale = pw.fn.MAX(pw.Case(None, [(Receipt.kind == "sale", Receipt.at)], None))
    sums = (
        Receipt.select(Receipt.customer, last_sale.alias("value"))
        .where(Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
    )
    return _mismatches(
        Customer.last_purchase_at,
        sums,
        None,
        limit,
        "last_purchase",
        _("Customer {code} shows the last purchase at {cached}, but the last sale is at {actual}."),
        lambda value: value or _("never"),
    )


# -- receipts ------------------------------------------------------------------------------


def _receipts(*fields):
    return Receipt.select(Store.code, Receipt.number, *fields).join(Store, on=(Receipt.store == Store.id))


def receipt_values(limit: int) -> Iterable[Problem]:
    query = _receipts(Receipt.kind, Receipt.total).where(Receipt.kind.not_in(RECEIPT_KINDS) | (Receipt.total < 0))
    for store, number, kind, total in _first(query, limit):
        if kind not in RECEIPT_KINDS:
            message = _("The {receipt} is of an unknown kind {kind}.").format(
                receipt=_receipt(store, number), kind=kind
            )
        else:
            message = _("The {receipt} has a negative total {total}.").format(
                receipt=_receipt(store, number), total=_money(total)
            )
        yield Problem("receipt_value", message)


def payment_values(limit: int) -> Iterable[Problem]:
    query = (
        _receipts(Payment.method, Payment.amount)
        .join_from(Receipt, Payment, on=(Payment.receipt == Receipt.id))
        .where(Payment.method.not_in(PAYMENT_METHODS) | ((Payment.amount < 0) & (Payment.method != "rounding")))
        .order_by(Payment.id)
        .limit(limit)
        .tuples()
    )
    for store, number, method, amount in query:
        yield Problem(
            "payment_value",
            _("The {receipt} has a payment of {amount} by {method}, which cannot be.").format(
                receipt=_receipt(store, number), amount=_money(amount), method=method
            ),
        )


def payments_equal_totals(limit: int) -> Iterable[Problem]:
    paid = (
        Payment.select(Payment.receipt, pw.fn.SUM(Payment.amount).alias("paid")).group_by(Payment.receipt).alias("paid")
    )
    total_paid = pw.fn.COALESCE(paid.c.paid, 0)
    yield from _totals_against(
        paid,
        total_paid,
        pw.JOIN.LEFT_OUTER,
        paid.c.receipt_id == Receipt.id,
        Receipt.total != total_paid,
        limit,
        "payments",
        _("The payments of {receipt} add up to {paid}, but its total is {total}."),
        "paid",
    )


def _totals_against(
    summed, amount, join: str, on, wrong, limit: int, kind: str, message: str, name: str
) -> Iterable[Problem]:
    """The receipts whose total and ``amount``, a sum over other rows (``summed``, joined
    ``on``), are ``wrong`` together: one problem each, ``message`` told the receipt, its
    total and the sum (as ``name``)."""
    query = _receipts(Receipt.total, amount).join_from(Receipt, summed, join, on=on).where(wrong)
    for store, number, total, value in _first(query, limit):
        yield Problem(
            kind, message.format(receipt=_receipt(store, number), total=_money(total), **{name: _money(value)})
        )


def return_references(limit: int) -> Iterable[Problem]:
    sale = Receipt.alias("sale")
    columns = (Receipt.kind, sale.kind, sale.number)
    # Two queries, each on its own index (return_of, kind), instead of one OR over every receipt.
    wrongly_naming = (
        _receipts(*columns)
        .join_from(Receipt, sale, on=(Receipt.return_of == sale.id))
        .where(Receipt.return_of.is_null(False) & (Receipt.kind != "return"))
    )
    till = Receipt.source != "import"
    other_customer = (
        (Receipt.customer != sale.customer)
        | (Receipt.customer.is_null() & sale.customer.is_null(False))
        | (Receipt.customer.is_null(False) & sale.customer.is_null())
    )
    bad_returns = (
        _receipts(*columns)
        .join_from(Receipt, sale, pw.JOIN.LEFT_OUTER, on=(Receipt.return_of == sale.id))
        .where(
            (Receipt.kind == "return")
            & (
                (Receipt.return_of.is_null() & till)
                | (Receipt.return_of.is_null(False) & (sale.kind != "sale"))
                | (Receipt.return_of.is_null(False) & till & other_customer)
            )
        )
    )
    found = 0
    for query in (wrongly_naming, bad_returns):
        for store, number, kind, sale_kind, sale_number in query.order_by(Receipt.id).limit(limit - found).tuples():
            found += 1
            receipt = _receipt(store, number)
            if kind != "return":
                message = _("The sale {receipt} names receipt {other} as returned; only a return may.").format(
                    receipt=receipt, other=sale_number
                )
            elif sale_number is None:
                message = _("The return {receipt} does not name the sale it returns.").format(receipt=receipt)
            elif sale_kind != "sale":
                message = _("The return {receipt} names {other}, which is not a sale.").format(
                    receipt=receipt, other=sale_number
                )
            else:
                message = _("The return {receipt} belongs to another customer than its sale {other}.").format(
                    receipt=receipt, other=sale_number
                )
            yield Problem("return_reference", message)
        if found >= limit:
            return


def returns_within_sale(limit: int) -> Iterable[Problem]:
    returned = (
        Receipt.select(Receipt.return_of, pw.fn.SUM(Receipt.total).alias("returned"))
        .where((Receipt.kind == "return") & Receipt.return_of.is_null(False))
        .group_by(Receipt.return_of)
        .alias("returned")
    )
    yield from _totals_against(
        returned,
        returned.c.returned,
        pw.JOIN.INNER,
        returned.c.return_of_id == Receipt.id,
        returned.c.returned > Receipt.total,
        limit,
        "return_amount",
        _("The returns of {receipt} add up to {returned}, more than its total {total}."),
        "returned",
    )


def returned_lines(limit: int) -> Iterable[Problem]:
    back = ReceiptLine.alias("back")
    back_receipt = Receipt.alias("back_receipt")
    returned = pw.fn.SUM(back.qty)
    wrong_receipt = pw.fn.SUM(pw.Case(None, [(back_receipt.return_of != ReceiptLine.receipt, 1)], 0))
    query = (
        _receipts(ReceiptLine.position, ReceiptLine.name, ReceiptLine.qty, returned, wrong_receipt)
        .join_from(Receipt, ReceiptLine, on=(ReceiptLine.receipt == Receipt.id))
        .join_from(ReceiptLine, back, on=(back.return_of_line == ReceiptLine.id))
        .join_from(back, back_receipt, on=(back.receipt == back_receipt.id))
        .group_by(Store.code, Receipt.number, ReceiptLine.id, ReceiptLine.position, ReceiptLine.name, ReceiptLine.qty)
        .having((returned > ReceiptLine.qty) | (wrong_receipt > 0))
        .order_by(ReceiptLine.id)
        .limit(limit)
        .tuples()
    )
    for store, number, position, name, qty, back_qty, wrong in query:
        if wrong:
            message = _("Line {position} of {receipt} is returned by a return of another sale.").format(
                position=position, receipt=_receipt(store, number)
            )
        else:
            message = _("Line {position} ({name}) of {receipt} sold {qty} but {returned} were returned.").format(
                position=position, name=name, receipt=_receipt(store, number), qty=_qty(qty), returned=_qty(back_qty)
            )
        yield Problem("return_lines", message)


def _qty(value) -> str:
    from decimal import Decimal

    return format(Decimal(str(value)).normalize(), "f")


def credit_on_ledger(limit: int) -> Iterable[Problem]:
    """Credit paid on a sale is a ``credit_sale`` debt entry; credit given back on a return a
    ``return`` entry. So is what a customer's advance paid (method ``advance``): it is
    on the debt ledger the same way."""
    credit_paid = (
        Payment.select(Payment.receipt, pw.fn.SUM(Payment.amount).alias("amount"))
        .where(Payment.method.in_(("credit", "advance")))
        .group_by(Payment.receipt)
        .alias("credit_paid")
    )
    debt_posted = (
        DebtEntry.select(DebtEntry.receipt, pw.fn.SUM(DebtEntry.amount).alias("amount"))
        .where(DebtEntry.kind.in_(("credit_sale", "return")))
        .group_by(DebtEntry.receipt)
        .alias("debt_posted")
    )
    credit = pw.fn.COALESCE(credit_paid.c.amount, 0)
    posted = pw.fn.COALESCE(debt_posted.c.amount, 0)
    expected = pw.Case(None, [(Receipt.kind == "return", credit * -1)], credit)
    query = (
        _receipts(credit, posted)
        .join_from(Receipt, credit_paid, pw.JOIN.LEFT_OUTER, on=(credit_paid.c.receipt_id == Receipt.id))
        .join_from(Receipt, debt_posted, pw.JOIN.LEFT_OUTER, on=(debt_posted.c.receipt_id == Receipt.id))
        # Imported receipts post no ledger entries: the customer file's opening balances are the truth.
        .where(
            (credit_paid.c.amount.is_null(False) | debt_posted.c.amount.is_null(False))
            & (expected != posted)
            & (Receipt.source != "import")
        )
    )
    for store, number, paid, on_ledger in _first(query, limit):
        yield Problem(
            "credit_ledger",
            _("The {receipt} has {credit} on credit, but the debt ledger has {posted} for it.").format(
                receipt=_receipt(store, number), credit=_money(paid), posted=_money(abs(on_ledger))
            ),
        )


def points_on_ledger(limit: int) -> Iterable[Problem]:
    """A sale's points_earned and points_redeemed are its "earn" and "redeem" entries; a
    return's are the points it took back ("reverse") and gave back ("restore")."""

    def of_kind(kind: str):
        return pw.fn.SUM(pw.Case(None, [(PointsEntry.kind == kind, PointsEntry.points)], 0))

    posted = (
        PointsEntry.select(
            PointsEntry.receipt,
            of_kind("earn").alias("earn"),
            of_kind("redeem").alias("redeem"),
            of_kind("reverse").alias("reverse"),
            of_kind("restore").alias("restore"),
        )
        .where(PointsEntry.receipt.is_null(False))
        .group_by(PointsEntry.receipt)
        .alias("posted")
    )
    is_return = Receipt.kind == "return"
    earned = pw.fn.COALESCE(pw.Case(None, [(is_return, posted.c.reverse * -1)], posted.c.earn), 0)
    redeemed = pw.fn.COALESCE(pw.Case(None, [(is_return, posted.c.restore)], posted.c.redeem * -1), 0)
    query = (
        _receipts(Receipt.points_earned, earned, Receipt.points_redeemed, redeemed)
        .join_from(Receipt, posted, pw.JOIN.LEFT_OUTER, on=(posted.c.receipt_id == Receipt.id))
        .where(
            ((Receipt.points_earned != earned) | (Receipt.points_redeemed != redeemed)) & (Receipt.source != "import")
        )
    )
    for store, number, points_earned, ledger_earned, points_redeemed, ledger_redeemed in _first(query, limit):
        yield Problem(
            "points_ledger",
            _(
                "The {receipt} shows {earned} points earned and {redeemed} redeemed, but the points ledger has "
                "{ledger_earned} and {ledger_redeemed} for it."
            ).format(
                receipt=_receipt(store, number),
                earned=points_earned,
                redeemed=points_redeemed,
                ledger_earned=ledger_earned,
                ledger_redeemed=ledger_redeemed,
            ),
        )


# -- the ledgers -------------------------------------------------------------------------------


def entries_follow_receipts(limit: int) -> Iterable[Problem]:
    """Entries left with a customer who no longer owns the receipt must add up to zero."""
    merged = merges_exist()
    for model, value, kind in ((PointsEntry, PointsEntry.points, "points"), (DebtEntry, DebtEntry.amount, "debt")):
        sale = Receipt.alias("sale")
        family = pw.fn.COALESCE(Receipt.return_of, Receipt.id)
        # A merged customer's entries count with the customer kept (models.ledgers).
        owner = ledger_owner(model) if merged else model.customer
        query = (
            model.select(Customer.code, Store.code, sale.number, pw.fn.SUM(value))
            .join(Receipt, on=(model.receipt == Receipt.id))
            .join_from(model, sale, on=(sale.id == family))
            .join_from(sale, Store, on=(sale.store == Store.id))
            .join_from(model, Customer, on=(owner == Customer.id))
            .where((owner != sale.customer) | sale.customer.is_null())
            .group_by(Customer.id, Customer.code, Store.code, sale.id, sale.number)
            .having(pw.fn.SUM(value) != 0)
            .order_by(Customer.id, sale.id)
            .limit(limit)
            .tuples()
        )
        for code, store, number, total in query:
            if kind == "points":
                message = _(
                    "Customer {code} has {amount} points from {receipt}, which belongs to someone else."
                ).format(code=code, amount=total, receipt=_receipt(store, number))
            else:
                message = _(
                    "Customer {code} has debt of {amount} from {receipt}, which belongs to someone else."
                ).format(code=code, amount=_money(total), receipt=_receipt(store, number))
            yield Problem("entry_owner", message)


def entry_signs(limit: int) -> Iterable[Problem]:
    for model, value, signs, kinds, what in (
        (PointsEntry, PointsEntry.points, POINTS_SIGNS, POINTS_KINDS, "points"),
        (DebtEntry, DebtEntry.amount, DEBT_SIGNS, DEBT_KINDS, "debt"),
    ):
        positive = [k for k, s in signs.items() if s > 0]
        negative = [k for k, s in signs.items() if s < 0]
        query = (
            model.select(Customer.code, model.kind, value, model.at)
            .join(Customer, on=(model.customer == Customer.id))
            .where(
                (model.kind.in_(positive) & (value < 0))
                | (model.kind.in_(negative) & (value > 0))
                | model.kind.not_in(kinds)
            )
            .order_by(model.id)
            .limit(limit)
            .tuples()
        )
        for code, kind, amount, at in query:
            shown = amount if what == "points" else _money(amount)
            if kind not in kinds:
                message = _("Customer {code} has a {ledger} entry of an unknown kind {kind} at {at}.")
            else:
                message = _(
                    "Customer {code} has a {ledger} entry {kind} of {amount} at {at}, which has the wrong sign."
                )
            yield Problem(
                "entry_sign",
                message.format(
                    code=code, ledger=_("points") if what == "points" else _("debt"), kind=kind, amount=shown, at=at
                ),
            )


def negative_balances(limit: int) -> Iterable[Problem]:
    for model, value, excuses, what in (
        (PointsEntry, PointsEntry.points, ("reverse", "move", "merge"), "points"),
        # A payment in advance (``advance``) leaves the balance below zero on purpose, and a
        # return may then give back to the advance what it paid.
        (DebtEntry, DebtEntry.amount, ("adjust", "opening", "move", "merge", "advance"), "debt"),
    ):
        excused = pw.fn.SUM(pw.Case(None, [(model.kind.in_(excuses), 1)], 0))
        query = (
            model.select(Customer.code, pw.fn.SUM(value))
            .join(Customer, on=(model.customer == Customer.id))
            .group_by(Customer.id, Customer.code)
            .having((pw.fn.SUM(value) < 0) & (excused == 0))
            .order_by(Customer.id)
            .limit(limit)
            .tuples()
        )
        for code, total in query:
            if what == "points":
                message = _("Customer {code} has {amount} points: more were spent than earned.").format(
                    code=code, amount=total
                )
            else:
                message = _("Customer {code} has a debt of {amount}: more was paid than owed.").format(
                    code=code, amount=_money(total)
                )
            yield Problem("negative_balance", message)


# -- cards, gift cards, vouchers, visits ----------------------------------------------------------


def cards_bound_once(limit: int) -> Iterable[Problem]:
    query = (
        Card.select(Card.barcode, pw.fn.COUNT(CardBinding.id))
        .join(CardBinding, on=(CardBinding.card == Card.id))
        .where(CardBinding.ended_at.is_null())
        .group_by(Card.id, Card.barcode)
        .having(pw.fn.COUNT(CardBinding.id) > 1)
        .order_by(Card.id)
        .limit(limit)
        .tuples()
    )
    for barcode, count in query:
        yield Problem(
            "card_binding", _("Card {barcode} is bound to {n} customers at once.").format(barcode=barcode, n=count)
        )


def gift_balances(limit: int) -> Iterable[Problem]:
    balance = pw.fn.SUM(GiftCardEntry.amount)
    query = (
        Card.select(Card.barcode, balance)
        .join(GiftCardEntry, on=(GiftCardEntry.card == Card.id))
        .group_by(Card.id, Card.barcode)
        .having(balance < 0)
        .order_by(Card.id)
        .limit(limit)
        .tuples()
    )
    for barcode, amount in query:
        yield Problem(
            "gift_card",
            _("Gift card {barcode} has a negative balance of {amount}.").format(barcode=barcode, amount=_money(amount)),
        )


def voucher_uses(limit: int) -> Iterable[Problem]:
    uses = pw.fn.COUNT(VoucherUse.id)
    query = (
        Voucher.select(Voucher.code, Voucher.max_uses, uses)
        .join(VoucherUse, on=(VoucherUse.voucher == Voucher.id))
        .where(Voucher.max_uses.is_null(False))
        .group_by(Voucher.id, Voucher.code, Voucher.max_uses)
        .having(uses > Voucher.max_uses)
        .order_by(Voucher.id)
        .limit(limit)
        .tuples()
    )
    for code, most, count in query:
        yield Problem(
            "voucher_uses",
            _("Voucher {code} was used {n} times, but it may be used {most} times.").format(
                code=code, n=count, most=most
            ),
        )


def visit_counts(limit: int) -> Iterable[Problem]:
    query = (
        VisitCount.select(Store.code, VisitCount.hour, VisitCount.source)
        .join(Store, on=(VisitCount.store == Store.id))
        .where((VisitCount.visitors_in < 0) | (VisitCount.visitors_out < 0))
        .order_by(VisitCount.id)
        .limit(limit)
        .tuples()
    )
    for store, hour, source in query:
        yield Problem(
            "visit_count",
            _("The visitor count of store {store} at {hour} from {source} is negative.").format(
                store=store, hour=hour, source=source
            ),
        )


# -- the receipts' running sums (migration 0005) -------------------------------------------


def _summaries_sql():
    """The migration's own SQL for what the sums must be (one definition, no second copy)."""
    import importlib

    module = importlib.import_module("shoptui.migrations.0005_receipt_summaries")
    return module, module.Dialect(postgres=not _is_sqlite())


def receipt_hour_sums(limit: int) -> Iterable[Problem]:
    sql, dialect = _summaries_sql()
    figures = tuple(sql.HOUR_FIGURES)
    differs = " OR ".join(f"COALESCE(k.{c}, 0) <> x.{c}" for c in figures)
    cursor = database.execute_sql(
        f"SELECT s.code, x.hour FROM ({sql.hour_select(dialect)}) AS x"
        " JOIN store AS s ON s.id = x.store_id"
        " LEFT JOIN receipt_hour AS k ON k.store_id = x.store_id AND k.hour = x.hour"
        f" WHERE {differs}"
        " UNION ALL SELECT s.code, k.hour FROM receipt_hour AS k JOIN store AS s ON s.id = k.store_id"
        " WHERE (" + " OR ".join(f"k.{c} <> 0" for c in figures) + ")"
        f" AND NOT EXISTS (SELECT 1 FROM ({sql.hour_select(dialect)}) AS x WHERE x.store_id = k.store_id AND x.hour = k.hour)"
        f" LIMIT {int(limit)}"
    )
    for store, hour in cursor.fetchall():
        yield Problem(
            "receipt_hour",
            _("The receipt sums kept for the reports for store {store} at {hour} differ from the receipts.").format(
                store=store, hour=hour
            ),
        )


def customer_sales_sums(limit: int) -> Iterable[Problem]:
    sql, dialect = _summaries_sql()
    columns = [c.strip() for c in sql.SALES_COLUMNS.split(",")][1:]
    differs = " OR ".join(
        f"k.{c} IS NULL OR k.{c} <> x.{c}"
        if c != "last_sale_day"
        else "(k.last_sale_day IS NULL) <> (x.last_sale_day IS NULL) OR k.last_sale_day <> x.last_sale_day"
        for c in columns
    )
    cursor = database.execute_sql(
        f"SELECT c.code FROM ({sql.customer_select(dialect, 'customer_id IS NOT NULL')}) AS x"
        " JOIN customer AS c ON c.id = x.customer_id"
        " LEFT JOIN customer_sales AS k ON k.customer_id = x.customer_id"
        f" WHERE {differs}"
        " UNION ALL SELECT c.code FROM customer_sales AS k JOIN customer AS c ON c.id = k.customer_id"
        " WHERE NOT EXISTS (SELECT 1 FROM receipt AS r WHERE r.customer_id = k.customer_id)"
        f" LIMIT {int(limit)}"
    )
    for (code,) in cursor.fetchall():
        yield Problem(
            "customer_sales",
            _("The receipt sums kept for the reports for customer {code} differ from the receipts.").format(code=code),
        )


def customer_gap_counts(limit: int) -> Iterable[Problem]:
    import importlib

    gaps = importlib.import_module("shoptui.migrations.0007_customer_gaps")
    given = gaps.gaps_select("customer_id IS NOT NULL", not _is_sqlite())
    kept = "SELECT customer_id, gap, times FROM customer_gaps"
    # Both ways: a length the receipts give that is missing or counted otherwise, and a
    # kept length the receipts do not give.
    cursor = database.execute_sql(
        f"SELECT c.code FROM (SELECT a.customer_id FROM ({given} EXCEPT {kept}) AS a"
        f" UNION SELECT b.customer_id FROM ({kept} EXCEPT {given}) AS b) AS d"
        f" JOIN customer AS c ON c.id = d.customer_id ORDER BY c.code LIMIT {int(limit)}"
    )
    for (code,) in cursor.fetchall():
        yield Problem(
            "customer_gaps",
            _("The gaps between purchases kept for the reports for customer {code} differ from the receipts.").format(
                code=code
            ),
        )


# -- what a return gives back (issue 12: exact refunds) -------------------------------------


def _method_sums(receipts: pw.Select) -> pw.Select:
    """Per receipt of ``receipts``: what points, vouchers, gift cards and credit paid."""

    def of(method: str):
        return pw.fn.SUM(pw.Case(None, [(Payment.method == method, Payment.amount)], 0)).alias(method)

    return (
        Payment.select(Payment.receipt, of("points"), of("voucher"), of("giftcard"), of("credit"), of("advance"))
        .where(Payment.receipt.in_(receipts))
        .group_by(Payment.receipt)
    )


def _sales_with_returns() -> pw.Select:
    return Receipt.select(Receipt.return_of).where((Receipt.kind == "return") & Receipt.return_of.is_null(False))


def returns_by_method(limit: int) -> Iterable[Problem]:
    """The returns of a sale never give back more points, voucher, gift-card or credit money
    than the sale was paid with (cash and bank card are interchangeable on a refund)."""
    paid = _method_sums(_sales_with_returns()).alias("paid")
    returned = Receipt.alias("returned")
    back_rows = (
        Payment.select(returned.return_of.alias("sale_id"), Payment.method, pw.fn.SUM(Payment.amount).alias("amount"))
        .join(returned, on=(Payment.receipt == returned.id))
        .where(
            (returned.kind == "return")
            & returned.return_of.is_null(False)
            & (returned.source != "import")
            & Payment.method.in_(["points", "voucher", "giftcard", "credit", "advance"])
        )
        .group_by(returned.return_of, Payment.method)
        .alias("back")
    )
    sale_paid = pw.Case(
        back_rows.c.method, [(m, getattr(paid.c, m)) for m in ("points", "voucher", "giftcard", "credit", "advance")], 0
    )
    query = (
        _receipts(back_rows.c.method, back_rows.c.amount, pw.fn.COALESCE(sale_paid, 0))
        .join_from(Receipt, back_rows, on=(back_rows.c.sale_id == Receipt.id))
        .join_from(Receipt, paid, pw.JOIN.LEFT_OUTER, on=(paid.c.receipt_id == Receipt.id))
        .where(back_rows.c.amount > pw.fn.COALESCE(sale_paid, 0))
    )
    for store, number, method, back, was_paid in _first(query, limit):
        yield Problem(
            "return_method",
            _("The returns of {receipt} give back {back} by {method}, but the sale was paid only {paid} so.").format(
                receipt=_receipt(store, number), back=_money(back), method=method, paid=_money(was_paid)
            ),
        )


def _mod(a, b) -> pw.ColumnBase:
    """``a mod b`` for whole numbers, written so both backends read it alike: peewee takes
    ``%`` on a column for LIKE, and psycopg a bare ``%`` for a placeholder."""
    return a - (a / b) * b


def points_paid_at_their_price(limit: int) -> Iterable[Problem]:
    """A points payment is the points × what one point paid: on a sale a whole amount per
    point, and on its returns the points given back × that same price, so that no part of a
    point's money appears or vanishes (a return once gave back 47 points as 47,134)."""
    sale = Receipt.alias("sale")
    sale_points = Payment.alias("sale_points")
    points_paid = (
        Payment.select(Payment.receipt, pw.fn.SUM(Payment.amount).alias("amount"))
        .where(Payment.method == "points")
        .group_by(Payment.receipt)
        .alias("points_paid")
    )
    sale_paid = (
        sale_points.select(sale_points.receipt, pw.fn.SUM(sale_points.amount).alias("amount"))
        .where(sale_points.method == "points")
        .group_by(sale_points.receipt)
        .alias("sale_paid")
    )
    paid_now = pw.Cast(pw.fn.COALESCE(points_paid.c.amount, 0), "BIGINT")
    sale_amount = pw.Cast(sale_paid.c.amount, "BIGINT")
    price = sale_amount / sale.points_redeemed  # whole on every till sale (checked below): integer division
    query = (
        _receipts(Receipt.kind, Receipt.points_redeemed, paid_now, sale.points_redeemed, sale_paid.c.amount)
        .join_from(Receipt, points_paid, pw.JOIN.LEFT_OUTER, on=(points_paid.c.receipt_id == Receipt.id))
        .join_from(Receipt, sale, pw.JOIN.LEFT_OUTER, on=(Receipt.return_of == sale.id))
        .join_from(Receipt, sale_paid, pw.JOIN.LEFT_OUTER, on=(sale_paid.c.receipt_id == sale.id))
        .where(
            (Receipt.source != "import")
            & (
                # a sale: points paid a whole amount each
                (
                    (Receipt.kind == "sale")
                    & (Receipt.points_redeemed > 0)
                    & (_mod(paid_now, Receipt.points_redeemed) != 0)
                )
                | ((Receipt.kind == "sale") & (Receipt.points_redeemed == 0) & (paid_now != 0))
                # a return: the points given back at the sale's price
                | (
                    (Receipt.kind == "return")
                    & (sale.points_redeemed > 0)
                    & (_mod(sale_amount, sale.points_redeemed) == 0)
                    & (paid_now != Receipt.points_redeemed * price)
                )
            )
        )
    )
    for store, number, kind, points, paid, sale_points_count, sale_amount in _first(query, limit):
        if kind == "return" and sale_points_count:
            expected = points * (int(sale_amount) // int(sale_points_count))
            yield Problem(
                "points_price",
                _(
                    "{receipt} gives back {points} points as {paid}; at the {price} each they were paid, that is {expected}."
                ).format(
                    receipt=_receipt(store, number),
                    points=points,
                    paid=_money(paid),
                    price=_money(int(sale_amount) // int(sale_points_count)),
                    expected=_money(expected),
                ),
            )
        else:
            yield Problem(
                "points_price",
                _("{receipt} was paid {paid} in points for {points} points: not a whole amount each.").format(
                    receipt=_receipt(store, number), paid=_money(paid), points=points
                ),
            )


def points_kept_after_returns(limit: int) -> Iterable[Problem]:
    """After a partial return the customer keeps the points the kept amount earns under the
    sale's rule (kept on the receipt since migration 0008) — not one point fewer."""
    back = (
        Receipt.select(
            Receipt.return_of,
            pw.fn.SUM(Receipt.total).alias("total"),
            pw.fn.SUM(Receipt.points_earned).alias("reversed"),
        )
        .where((Receipt.kind == "return") & Receipt.return_of.is_null(False))
        .group_by(Receipt.return_of)
        .alias("back")
    )
    query = (
        _receipts(
            Receipt.total,
            Receipt.points_earned,
            Receipt.points_base,
            Receipt.points_earn_per,
            back.c.total,
            back.c.reversed,
        )
        .join_from(Receipt, back, on=(back.c.return_of_id == Receipt.id))
        .where(
            Receipt.points_earn_per.is_null(False)
            & (Receipt.points_earn_per > 0)
            & (Receipt.total > 0)
            & (back.c.total < Receipt.total)
            & (Receipt.source != "import")
        )
        .order_by(Receipt.id)
        .tuples()
    )
    found = 0
    for store, number, total, earned, base, earn_per, returned, reversed_ in query:
        kept_base = share_of(int(base), int(total) - int(returned), int(total))
        keep = min(int(earned), kept_base // int(earn_per))
        if int(earned) - int(reversed_) != keep:
            yield Problem(
                "points_kept",
                _(
                    "After its returns, {receipt} leaves the customer {left} of its points; the amount kept earns {keep}."
                ).format(receipt=_receipt(store, number), left=int(earned) - int(reversed_), keep=keep),
            )
            found += 1
            if found >= limit:
                return


def _cash_back_before(sale_id: int, return_id: int) -> tuple[int, int]:
    """The cash the returns of a sale before ``return_id`` paid back, and the exact cash
    they owed (the running total services.cash_rounding.split_refund rounds)."""
    earlier = Receipt.alias("earlier")
    sums = dict(
        Payment.select(Payment.method, pw.fn.SUM(Payment.amount))
        .join(earlier, on=(Payment.receipt == earlier.id))
        .where((earlier.return_of == sale_id) & (earlier.id < return_id) & Payment.method.in_(("cash", "rounding")))
        .group_by(Payment.method)
        .tuples()
    )
    cash = int(sums.get("cash") or 0)
    return cash, cash + int(sums.get("rounding") or 0)


def cash_rounding_rows(limit: int) -> Iterable[Problem]:
    """A ``rounding`` payment (services.cash_rounding) is judged by the rule an import is
    (``cash_rounding.fault``), under the step the receipt was paid under (``cash_step``,
    migration 0010; a return keeps its sale's): only beside a cash row, never on a receipt
    of total 0, the cash a multiple of the step, a sale's cash its exact cash rounded
    half-up, a return's rounding under one step (a return is rounded on the running total
    of its sale's cash refunds). Revenue never includes rounding: it is the receipts'
    totals, and ``receipt_hour_sums`` holds the reports' sums to them."""
    cash = Payment.alias("cash")
    cash_amount = cash.select(pw.fn.SUM(cash.amount)).where((cash.receipt == Receipt.id) & (cash.method == "cash"))
    query = (
        _receipts(
            Receipt.kind,
            Receipt.total,
            Receipt.cash_step,
            Payment.amount,
            cash_amount.alias("cash"),
            Receipt.id,
            Receipt.return_of,
        )
        .join_from(Receipt, Payment, on=(Payment.receipt == Receipt.id))
        .where((Payment.method == "rounding") & (Payment.amount != 0))
        .order_by(Payment.id)
        .tuples()
    )
    found = 0
    for store, number, kind, total, step, amount, with_cash, rid, sale_id in query.iterator():
        before = _cash_back_before(sale_id, rid) if kind == "return" and sale_id is not None else None
        reason = cash_rounding_fault(
            kind, total, None if with_cash is None else int(with_cash), amount, step or 0, before
        )
        if reason is None:
            continue
        if reason == "no_cash":
            message = _("The {receipt} has a cash rounding of {amount} but no cash.").format(
                receipt=_receipt(store, number), amount=_money(amount)
            )
        else:
            message = _(
                "The {receipt} has a cash rounding of {amount}, more than the cash rounding step {step} allows."
            ).format(receipt=_receipt(store, number), amount=_money(amount), step=_money(step or 0))
        yield Problem("cash_rounding", message)
        found += 1
        if found >= limit:
            return


# -- warnings: allowed, but worth a look -----------------------------------------------------


def warnings(limit: int = DEFAULT_LIMIT) -> list[Problem]:
    """What ``check`` reports without failing: cards in use that break the shop's card rule
    (another program's cards are kept as they are), negative opening debts (an advance) and
    gift cards or vouchers whose code already means something else at the till."""
    found: list[Problem] = []
    for check in (cards_off_the_rule, negative_opening_debts, codes_that_clash):
        items = list(check(limit + 1))
        found.extend(items[:limit])
        if len(items) > limit:
            found.append(
                Problem(items[0].kind, _("… and more of the same kind; only the first {n} are listed.").format(n=limit))
            )
    return found


def cards_off_the_rule(limit: int) -> Iterable[Problem]:
    rule, prefix, length = settings.get("card_rule"), settings.get("card_prefix"), settings.get_int("card_length")
    if rule == "any":
        return
    query = (
        CardBinding.select(Card.barcode, Customer.code)
        .join(Card, on=(CardBinding.card == Card.id))
        .switch(CardBinding)
        .join(Customer, on=(CardBinding.customer == Customer.id))
        .where(CardBinding.ended_at.is_null() & (Card.kind != "gift"))
        .order_by(Card.id)
        .tuples()
    )
    found = 0
    for barcode, code in query.iterator():
        reason = card_rule_refusal(barcode, rule, prefix, length)
        if reason is not None:
            yield Problem(
                "card_rule",
                _("Card {barcode} of customer {code} does not follow the shop's card rule: {reason}").format(
                    barcode=barcode, code=code, reason=reason
                ),
            )
            found += 1
            if found >= limit:
                return


def codes_that_clash(limit: int) -> Iterable[Problem]:
    """Gift cards and vouchers made before the one-code-one-meaning rule whose code is also a
    product's barcode or SKU, a loyalty card, a customer's code or the other kind's code:
    a scan of it goes to one of them only. Vouchers and gift cards are few; each code is
    looked up through the unique indexes, in the spellings a person types."""
    from .services.scans import new_code_refusal

    found = 0
    gift_cards = Card.select(Card.barcode).where(Card.kind == "gift").order_by(Card.id).tuples()
    voucher_codes = Voucher.select(Voucher.code).order_by(Voucher.id).tuples()
    for kind, codes in (("gift", gift_cards), ("voucher", voucher_codes)):
        for (code,) in codes.iterator():
            reason = new_code_refusal(code, kind)
            if reason is None:
                continue
            what = (
                _("Gift card {code} also means something else at the till: {reason}")
                if kind == "gift"
                else _("Voucher {code} also means something else at the till: {reason}")
            )
            yield Problem("code_clash", what.format(code=code, reason=reason))
            found += 1
            if found >= limit:
                return


def negative_opening_debts(limit: int) -> Iterable[Problem]:
    query = (
        DebtEntry.select(Customer.code, DebtEntry.amount)
        .join(Customer, on=(DebtEntry.customer == Customer.id))
        .where((DebtEntry.kind == "opening") & (DebtEntry.amount < 0))
        .order_by(DebtEntry.id)
        .limit(limit)
        .tuples()
    )
    for code, amount in query:
        yield Problem(
            "opening_advance",
            _(
                "Customer {code} was brought over with a negative debt of {amount}: it counts as paid in advance."
            ).format(code=code, amount=_money(-amount)),
        )


def erased_audit_rows(limit: int) -> Iterable[Problem]:
    """Every audit row marked erased, wherever the chain's checkpoint is: the one change the
    audit log's trigger lets through must be an anonymisation's, and must leave nothing but
    the kept keys (else someone wrote other words into an old row under its cover)."""

    def blank(values) -> bool:
        return not isinstance(values, dict) or all(v is None for k, v in values.items() if k not in AUDIT_KEPT_KEYS)

    rows = (
        AuditLog.select(
            AuditLog.id, AuditLog.entity, AuditLog.entity_id, AuditLog.before, AuditLog.after, AuditLog.note
        )
        .where(AuditLog.erased_at.is_null(False))
        .order_by(AuditLog.id)
    )
    found = 0
    for row in rows.iterator():
        allowed = row.entity == "customer" and _anonymised(row.entity_id)
        if not (allowed and blank(row.before) and blank(row.after) and not row.note):
            yield _chain_problem("audit_log", "erased", row.id)
            found += 1
            if found >= limit:
                return


CHECKS: list[Callable[[int], Iterable[Problem]]] = [  # besides sqlite_integrity, which run_checks runs first
    sqlite_foreign_keys,
    cached_points,
    cached_debt,
    cached_sales,
    cached_last_purchase,
    receipt_values,
    payment_values,
    payments_equal_totals,
    return_references,
    returns_within_sale,
    returns_by_method,
    points_paid_at_their_price,
    points_kept_after_returns,
    cash_rounding_rows,
    returned_lines,
    credit_on_ledger,
    points_on_ledger,
    entries_follow_receipts,
    entry_signs,
    negative_balances,
    cards_bound_once,
    gift_balances,
    voucher_uses,
    visit_counts,
    receipt_hour_sums,
    customer_sales_sums,
    customer_gap_counts,
    erased_audit_rows,
]


# -- the hash chains (migration 0009) ---------------------------------------------------------

CHAIN_NAMES = {
    "points_entry": N_("points ledger"),
    "debt_entry": N_("debt ledger"),
    "gift_card_entry": N_("gift card ledger"),
    "audit_log": N_("audit log"),
}
CHAIN_KINDS = ("chain_edited", "chain_deleted", "chain_inserted")
CHAIN_BATCH = 5000


@dataclass(frozen=True)
class _Link:
    id: int
    values: tuple
    prev_hash: str | None
    hash: str | None
    data: tuple | None = None  # the audit log's before, after, note
    erased: bool = False


def _links(table: str, after_id: int):
    """The rows of ``table`` after ``after_id`` in id order, read in batches."""
    columns = chain.CHAINS[table]
    audit = table == "audit_log"
    extra = ', "before", "after", "note", erased_at' if audit else ""
    param = _param()
    selected = ", ".join(f'"{c}"' for c in columns)
    while True:
        rows = database.execute_sql(
            f'SELECT id, {selected}, prev_hash, hash{extra} FROM "{table}" WHERE id > {param} ORDER BY id LIMIT {CHAIN_BATCH}',
            (after_id,),
        ).fetchall()
        if not rows:
            return
        n = len(columns)
        for row in rows:
            data = tuple(row[n + 3 : n + 6]) if audit else None
            yield _Link(
                row[0], tuple(row[1 : n + 1]), row[n + 1], row[n + 2], data, bool(audit and row[n + 6] is not None)
            )
        after_id = rows[-1][0]


def _chain_problem(table: str, what: str, row_id: int) -> Problem:
    name = _(CHAIN_NAMES[table])
    if what == "edited":
        message = _("The {chain} was edited: row {id} of table {table} does not match its hash.")
    elif what == "recomputed":
        message = _(
            "The {chain} was rewritten: row {id} of table {table} has another hash than when it was last checked."
        )
    elif what == "deleted":
        message = _("The {chain} lost rows: a row before row {id} of table {table} was deleted.")
    elif what == "deleted_checked":
        message = _("The {chain} lost rows: row {id} of table {table}, whole at the last check, was deleted.")
    elif what == "erased":
        message = _(
            "The {chain} was edited: row {id} of table {table} is marked erased, but no anonymisation allows it."
        )
    else:
        message = _("The {chain} has a row inserted outside shoptui: row {id} of table {table}.")
    kind = {"recomputed": "chain_edited", "erased": "chain_edited", "deleted_checked": "chain_deleted"}.get(
        what, f"chain_{what}"
    )
    return Problem(kind, message.format(chain=name, id=row_id, table=table))


def _anonymised(entity_id: str | None) -> bool:
    return (
        AuditLog.select()
        .where(
            (AuditLog.action == "customer.anonymise")
            & (AuditLog.entity == "customer")
            & (AuditLog.entity_id == entity_id)
            & AuditLog.erased_at.is_null()
        )
        .exists()
    )


def _walk(table: str, checkpoint, full: bool) -> tuple[Problem | None, tuple[int, str] | None]:
    """The first break of one chain (or None) and the last whole row (id, hash)."""
    after_id, expected = 0, chain.GENESIS
    if checkpoint is not None and not full:
        found = database.execute_sql(
            f'SELECT prev_hash, hash FROM "{table}" WHERE id = {_param()}', (checkpoint.last_id,)
        ).fetchone()
        if found is None:
            return _chain_problem(table, "deleted_checked", checkpoint.last_id), None
        if found[1] != checkpoint.last_hash:
            return _chain_problem(table, "recomputed", checkpoint.last_id), None
        # The walk starts at the checkpointed row itself, so that its content is checked too.
        after_id, expected = checkpoint.last_id - 1, found[0]
    last = None
    links = _links(table, after_id)
    row = next(links, None)
    while row is not None:
        following = next(links, None)
        if row.hash is None or row.prev_hash is None or (following is not None and following.prev_hash == expected):
            return _chain_problem(table, "inserted", row.id), last
        if chain.row_hash(table, row.values, row.prev_hash) != row.hash:
            return _chain_problem(table, "edited", row.id), last
        if row.prev_hash != expected:
            return _chain_problem(table, "deleted", row.id), last
        if row.data is not None:
            if row.erased:
                entity, entity_id = row.values[4], row.values[5]
                if entity != "customer" or not _anonymised(entity_id):
                    return _chain_problem(table, "erased", row.id), last
            elif chain.data_hash(*row.data) != row.values[-1]:
                return _chain_problem(table, "edited", row.id), last
        if full and checkpoint is not None and row.id == checkpoint.last_id and row.hash != checkpoint.last_hash:
            return _chain_problem(table, "recomputed", row.id), last
        expected, last = row.hash, (row.id, row.hash)
        row = following
    if checkpoint is not None and full and (last is None or last[0] < checkpoint.last_id):
        return _chain_problem(table, "deleted_checked", checkpoint.last_id), last
    return None, last


def _param() -> str:
    return database.obj.param if isinstance(database, pw.DatabaseProxy) else database.param


def chain_breaks(limit: int, full: bool = False, save: bool = True) -> Iterable[Problem]:
    """The first broken row of each chain; a whole chain moves its checkpoint forward."""
    checkpoints = {c.chain: c for c in ChainCheckpoint.select()}
    problems, whole = [], {}
    for table in chain.CHAINS:
        problem, last = _walk(table, checkpoints.get(table), full)
        if problem is not None:
            problems.append(problem)
        elif last is not None:
            whole[table] = last
    if save and whole:
        _save_checkpoints(whole, checkpoints)
    return problems[:limit]


def _save_checkpoints(whole: dict[str, tuple[int, str]], known: dict) -> None:
    changed = {t: v for t, v in whole.items() if t not in known or (known[t].last_id, known[t].last_hash) != v}
    if not changed:
        return
    try:
        with write_transaction():
            for table, (last_id, last_hash) in changed.items():
                ChainCheckpoint.insert(
                    chain=table, last_id=last_id, last_hash=last_hash, checked_at=clock.now()
                ).on_conflict(
                    conflict_target=[ChainCheckpoint.chain],
                    update={
                        ChainCheckpoint.last_id: last_id,
                        ChainCheckpoint.last_hash: last_hash,
                        ChainCheckpoint.checked_at: clock.now(),
                    },
                ).execute()
    except (pw.OperationalError, pw.DatabaseError):
        pass  # a read-only or busy file: the chains were checked all the same; the next check starts earlier
