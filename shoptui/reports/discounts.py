"""Discounts given (workabox "sales"): per product, per receipt and per customer, with
the list price they were taken off and their share of it.

- A receipt's ``discount`` is every discount on it (``subtotal − total``): line
  discounts, the personal or tier discount and the cashier's discount on the whole
  receipt. Points and vouchers pay a receipt; they are not discounts (SPEC: total).
- ``line_discounts`` come from the lines; ``receipt_discounts`` are the rest
  (receipt discount − its line discounts), so receipts typed without lines give only
  receipt discounts.
- A product's ``list_price`` is qty × unit price of its lines (for an imported line, the
  file's amount plus its line discount), its ``line_discount`` what the lines took off
  it, ``amount`` what was left (before receipt discounts).
- Returns reduce every figure of the period by what they gave back: a return receipt
  counts with its subtotal, discount and total taken off (a whole return cancels its
  sale); a returned line takes off its qty × price and the part of the line discount it
  carried (list price − refunded line value). A return's own figures are the share of
  its sale's that the till computed, so a partial return reduces them in proportion.
- ``share`` is discount / list price (0 when the list price is not above 0).

Receipts and customers are listed largest discount first, at most ``limit`` of each
(``--limit``, default 100); the summary counts them all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw
from peewee import JOIN, Case, fn

from ..i18n import N_
from ..limits import MAX_LIMIT
from ..models import Customer, Receipt, ReceiptLine, Store
from ..models.summaries import CustomerSales, ReceiptHour
from . import Money, Share
from .buyers import MILLI, milli_qty
from .contacts import int_option
from .query import SCOPE_LABELS, ReportQuery, all_of, scope, whole_history
from .scans import scanned

TITLE = N_("Discounts")
DEFAULT_LIMIT = 100
ANONYMOUS = "anonymous"

LABELS = {
    **SCOPE_LABELS,
    "list_price": N_("List price"),
    "discount": N_("Discount"),
    "line_discounts": N_("Line discounts"),
    "receipt_discounts": N_("Receipt discounts"),
    "total": N_("Total"),
    "share": N_("Share"),
    "receipts": N_("Receipts"),
    "receipts_with_discount": N_("Receipts with a discount"),
    "customers_with_discount": N_("Customers with a discount"),
    "by_product": N_("Discounts per product"),
    "by_receipt": N_("Receipts with the largest discounts"),
    "by_customer": N_("Customers with the largest discounts"),
    "name": N_("Name"),
    "qty": N_("Quantity"),
    "line_discount": N_("Line discount"),
    "amount": N_("Amount"),
    "store": N_("Store"),
    "number": N_("Number"),
    "kind": N_("Kind"),
    "at": N_("Time"),
    "customer": N_("Customer"),
    "subtotal": N_("List price"),
    ANONYMOUS: N_("anonymous"),
}

IS_SALE = Receipt.kind == "sale"
IS_RETURN = Receipt.kind == "return"


def _signed(value: pw.ColumnBase) -> pw.ColumnBase:
    """Sales add, returns take off (0 - x: a unary minus on a peewee column means DESC)."""
    return Case(None, [(IS_SALE, value), (IS_RETURN, 0 - value)], 0)


def _line_discount() -> pw.ColumnBase:
    """The discount a line carries. A till return's line holds the refunded value with no
    discount of its own: its part of the sale line's discount is qty × price (rounded
    half-up, as the till does) minus that value."""
    gross = (milli_qty(ReceiptLine.qty) * ReceiptLine.unit_price + 500) / 1000
    till_return = IS_RETURN & ReceiptLine.return_of_line.is_null(False)
    return Case(None, [(till_return, gross - ReceiptLine.amount)], ReceiptLine.line_discount)


def discounts(query: ReportQuery) -> dict:
    query.check_stores()
    limit = int_option(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    products, line_discounts = _products(query)
    by_customer, customers_with_discount = _customers(query, limit)
    return {
        **scope(query),
        **_summary(query, line_discounts, customers_with_discount),
        "by_product": products,
        "by_receipt": _receipts(query, limit),
        "by_customer": by_customer,
    }


def share(discount: int, list_price: int) -> Share:
    return Share(round(discount / list_price, 4) if list_price > 0 else 0.0)


def _totals(query: ReportQuery) -> tuple[int, ...]:
    """List price, discount, total, sale receipts and sale receipts with a discount in
    scope, from the store-hour sums (migration 0005): a period is whole days, so whole
    hours answer it exactly."""
    h = ReceiptHour
    return tuple(
        int(v or 0)
        for v in h.select(
            *[fn.COALESCE(fn.SUM(c), 0) for c in (h.subtotal, h.discount, h.revenue, h.sales, h.discounted)]
        )
        .where(all_of(query.in_period(h.hour), query.in_stores(h.store)))
        .tuples()
        .get()
    )


def _summary(query: ReportQuery, line_discounts: int, customers_with_discount: int) -> dict:
    list_price, discount, total, receipts, discounted = _totals(query)
    return {
        "list_price": Money(list_price),
        "discount": Money(discount),
        "line_discounts": Money(line_discounts),
        "receipt_discounts": Money(discount - line_discounts),
        "total": Money(total),
        "share": share(discount, list_price),
        "receipts": receipts,
        "receipts_with_discount": discounted,
        "customers_with_discount": customers_with_discount,
    }


def _products(query: ReportQuery) -> tuple[dict[str, dict], int]:
    """Per sku (lines without a sku: per name), most discount first; and the line discounts
    of all of them (the summary's ``line_discounts``)."""
    line_discount = _signed(_line_discount())
    amount = _signed(ReceiptLine.amount)
    keyed = (
        ReceiptLine.select(
            ReceiptLine.sku.alias("sku"),
            Case(None, [(ReceiptLine.sku == "", ReceiptLine.name)], "").alias("unnamed"),
            ReceiptLine.name.alias("name"),
            _signed(milli_qty(ReceiptLine.qty)).alias("milli"),
            line_discount.alias("line_discount"),
            amount.alias("amount"),
        )
        .join(Receipt, on=(ReceiptLine.receipt == Receipt.id))
        .where(query.receipts())
        .alias("keyed")
    )
    # Grouped outside the derived table: PostgreSQL does not match a parameterised CASE
    # in SELECT with the same CASE in GROUP BY.
    k = keyed.c
    rows = (
        ReceiptLine.select(
            k.sku,
            k.unnamed,
            fn.MAX(k.name),
            fn.SUM(k.milli),
            fn.SUM(k.line_discount),
            fn.SUM(k.amount),
        )
        .from_(keyed)
        .group_by(k.sku, k.unnamed)
        .order_by(fn.SUM(k.line_discount).desc(), k.sku, k.unnamed)
        .tuples()
    )
    products = {}
    line_discounts = 0
    for sku, unnamed, name, milli, discount, value in rows:
        discount, value = int(discount or 0), int(value or 0)
        products[sku or unnamed] = {
            "name": name,
            "qty": Decimal(int(milli or 0)) / MILLI,
            "list_price": Money(value + discount),
            "line_discount": Money(discount),
            "amount": Money(value),
            "share": share(discount, value + discount),
        }
        line_discounts += discount
    return products, line_discounts


def _receipts(query: ReportQuery, limit: int) -> dict[str, dict]:
    """Receipts with a discount, largest first; returns with their figures taken off."""
    rows = (
        Receipt.select(
            Store.code,
            Receipt.number,
            Receipt.kind,
            Receipt.at,
            Customer.code,
            Receipt.subtotal,
            Receipt.discount,
            Receipt.total,
        )
        .from_(scanned(Receipt, query))
        .join(Store, on=(Receipt.store == Store.id))
        .switch(Receipt)
        .join(Customer, JOIN.LEFT_OUTER, on=(Receipt.customer == Customer.id))
        .where(query.receipts() & (Receipt.discount != 0))
        .order_by(Receipt.discount.desc(), Receipt.at, Receipt.id)
        .limit(limit)
        .tuples()
    )
    listed = {}
    for store, number, kind, at, customer, subtotal, discount, total in rows:
        sign = -1 if kind == "return" else 1
        listed[f"{store}/{number}"] = {
            "store": store,
            "number": number,
            "kind": kind,
            "at": at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at)),
            "customer": customer,
            "subtotal": Money(sign * subtotal),
            "discount": Money(sign * discount),
            "total": Money(sign * total),
            "share": share(discount, subtotal),
        }
    return listed


def _customers(query: ReportQuery, limit: int) -> tuple[dict[str, dict], int]:
    """Customers (and anonymous buyers, as one) by the discounts they got, largest first,
    and how many customers got any: one pass grouping receipts by customer; only the
    listed rows meet the customer table. Over the whole history the per-customer sums
    (migration 0005) answer instead, the anonymous buyers being what the store-hour
    totals leave."""
    if whole_history(query):
        return _customers_from_sums(query, limit)
    discount = fn.SUM(_signed(Receipt.discount))
    per = (
        Receipt.select(
            Receipt.customer.alias("customer_id"),
            fn.SUM(Case(None, [(IS_SALE, 1)], 0)).alias("receipts"),
            fn.SUM(_signed(Receipt.subtotal)).alias("list_price"),
            discount.alias("discount"),
            fn.SUM(_signed(Receipt.total)).alias("total"),
        )
        .from_(scanned(Receipt, query))
        .where(query.receipts())
        .group_by(Receipt.customer)
        .having(discount != 0)
        .alias("per_customer")
    )
    p = per.c
    identified = fn.SUM(Case(None, [(p.customer_id.is_null(False), 1)], 0)).over()
    top = (
        Receipt.select(p.customer_id, p.receipts, p.list_price, p.discount, p.total, identified.alias("identified"))
        .from_(per)
        .order_by(p.discount.desc(), p.customer_id.is_null(), p.customer_id)
        .limit(limit)
        .alias("top")
    )
    t = top.c
    rows = (
        Customer.select(Customer.code, Customer.name, t.receipts, t.list_price, t.discount, t.total, t.identified)
        .from_(top)
        .join(Customer, JOIN.LEFT_OUTER, on=(Customer.id == t.customer_id))
        .order_by(t.discount.desc(), t.customer_id.is_null(), t.customer_id)
        .tuples()
    )
    listed = {}
    counted = 0
    for code, name, receipts, list_price, given, total, identified_count in rows:
        list_price, given = int(list_price or 0), int(given or 0)
        counted = int(identified_count or 0)
        listed[code if code is not None else ANONYMOUS] = {
            "name": name,
            "receipts": int(receipts or 0),
            "list_price": Money(list_price),
            "discount": Money(given),
            "total": Money(int(total or 0)),
            "share": share(given, list_price),
        }
    return listed, counted


def _customers_from_sums(query: ReportQuery, limit: int) -> tuple[dict[str, dict], int]:
    c = CustomerSales
    given = c.discount != 0
    counted = c.select().where(given).count()
    rows = [
        (customer_id, code, name, sales, list_price, discount, net)
        for customer_id, code, name, sales, list_price, discount, net in (
            c.select(c.customer, Customer.code, Customer.name, c.sales, c.list_price, c.discount, c.net)
            .join(Customer, on=(Customer.id == c.customer))
            .where(given)
            .order_by(c.discount.desc(), c.customer)
            .limit(limit)
            .tuples()
        )
    ]
    identified = c.select(*[fn.COALESCE(fn.SUM(f), 0) for f in (c.list_price, c.discount, c.net)]).tuples().get()
    everyone = _totals(query)
    list_price, discount, total = (int(all_) - int(known) for all_, known in zip(everyone[:3], identified))
    if discount != 0:
        sales = everyone[3] - int(c.select(fn.COALESCE(fn.SUM(c.sales), 0)).scalar())
        rows.append((None, None, None, sales, list_price, discount, total))
        # Largest discount first; on a tie the identified customers come first (as in SQL).
        rows.sort(key=lambda row: (-int(row[5]), row[0] is None, row[0] or 0))
    listed = {}
    for _customer_id, code, name, receipts, list_price, given_, total in rows[:limit]:
        listed[code if code is not None else ANONYMOUS] = {
            "name": name,
            "receipts": int(receipts or 0),
            "list_price": Money(int(list_price or 0)),
            "discount": Money(int(given_ or 0)),
            "total": Money(int(total or 0)),
            "share": share(int(given_ or 0), int(list_price or 0)),
        }
    return listed, counted
