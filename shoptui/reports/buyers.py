"""Buyers of a product (workabox "buyers of a product"): who bought it in the period in
the chosen stores, how much and how often.

A line is the product's when it points to the product, or, for a line of a product not
in the catalogue, when it carries its sku. A row is a customer with at least one sale
receipt in scope holding the product; their returns of it in scope are taken off:
``qty`` and ``amount`` are sold − returned (so they can be 0 or below when an earlier
purchase came back in the period). ``amount`` is the lines' value (qty × price − line
discount) before receipt-level discounts, which belong to the whole receipt. A return
typed as an amount, without lines, names no product and changes nothing here.
``receipts`` counts the sale receipts with the product; ``last_purchase`` is the latest.
Customers come with their phone and consents, as in the other call lists, biggest
amount first (``--limit`` keeps the first N); anonymous buyers are summed into one last
row whose ``code`` is null.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw
from peewee import Case, fn

from ..errors import NotFound, UsageError
from ..i18n import N_, _
from ..models import Customer, Product, Receipt, ReceiptLine
from . import Money
from .contacts import CONSENT_KEYS, CONTACT_COLUMNS, CONTACT_FIELDS, CONTACT_LABELS, contact, page
from .query import ReportQuery

TITLE = N_("Buyers of a product")

COLUMNS = (*CONTACT_COLUMNS, "qty", "amount", "receipts", "last_purchase")

LABELS = {
    **CONTACT_LABELS,
    "qty": N_("Quantity"),
    "amount": N_("Amount"),
    "receipts": N_("Receipts"),
    "last_purchase": N_("Last purchase"),
}

MILLI = Decimal(1000)  # quantities are kept to the thousandth


def milli_qty(qty: pw.ColumnBase) -> pw.ColumnBase:
    """A quantity in thousandths as an integer: sums stay exact (SQLite keeps 1.5 as a float)."""
    return pw.Cast(fn.ROUND(qty * 1000), "BIGINT")


def buyers(query: ReportQuery) -> dict:
    query.check_stores()
    sku = str(query.options.get("product") or "").strip()
    if not sku:
        raise UsageError(_("Name the product: add --product SKU."))
    product, is_product = _product(sku)
    per = _per_customer(query, is_product).alias("per_customer")
    identified = (
        Customer.select(*CONTACT_FIELDS, per.c.milli, per.c.amount, per.c.receipts, per.c.last_at)
        .from_(per)
        .join(Customer, on=(Customer.id == per.c.customer_id))
        .order_by(per.c.amount.desc(), Customer.code)
    )
    rows = [
        {**contact(row), **_figures(row["milli"], row["amount"], row["receipts"], row["last_at"])}
        for row in page(identified, query).dicts()
    ]
    anonymous = (
        Receipt.select(per.c.milli, per.c.amount, per.c.receipts, per.c.last_at)
        .from_(per)
        .where(per.c.customer_id.is_null())
        .tuples()
        .first()
    )
    if anonymous is not None:
        rows.append(
            {
                "code": None,
                "name": _("Anonymous buyers"),
                "phone": "",
                **{key: False for key in CONSENT_KEYS},
                **_figures(*anonymous),
            }
        )
    return {"product": product, "rows": rows}


def _per_customer(query: ReportQuery, is_product: pw.Expression) -> pw.Select:
    """The product's lines in scope per customer (NULL: anonymous), for buyers with a sale."""
    is_sale = Receipt.kind == "sale"
    is_return = Receipt.kind == "return"
    milli = milli_qty(ReceiptLine.qty)
    return (
        ReceiptLine.select(
            Receipt.customer.alias("customer_id"),
            fn.SUM(Case(None, [(is_sale, milli), (is_return, 0 - milli)], 0)).alias("milli"),
            fn.SUM(Case(None, [(is_sale, ReceiptLine.amount), (is_return, 0 - ReceiptLine.amount)], 0)).alias("amount"),
            fn.COUNT(fn.DISTINCT(Case(None, [(is_sale, Receipt.id)]))).alias("receipts"),
            fn.MAX(Case(None, [(is_sale, Receipt.at)])).alias("last_at"),
        )
        .join(Receipt, on=(ReceiptLine.receipt == Receipt.id))
        .where(query.receipts() & is_product)
        .group_by(Receipt.customer)
        .having(fn.SUM(Case(None, [(is_sale, 1)], 0)) > 0)
    )


def _product(sku: str) -> tuple[dict, pw.Expression]:
    """The product asked for (by sku or barcode) and the condition its lines meet."""
    found = Product.get_or_none((Product.sku == sku) | (Product.barcode == sku))
    if found is not None:
        lines = (ReceiptLine.product == found.id) | (ReceiptLine.product.is_null() & (ReceiptLine.sku == found.sku))
        return {"sku": found.sku, "name": found.name}, lines
    # Lines typed or imported with a sku the catalogue never had still name a product.
    name = ReceiptLine.select(ReceiptLine.name).where(ReceiptLine.sku == sku).limit(1).scalar()
    if name is None:
        raise NotFound(_("There is no product {sku}.").format(sku=sku))
    return {"sku": sku, "name": name}, ReceiptLine.product.is_null() & (ReceiptLine.sku == sku)


def _figures(milli, amount, receipts, last_at) -> dict:
    return {
        "qty": Decimal(int(milli or 0)) / MILLI,
        "amount": Money(int(amount or 0)),
        "receipts": int(receipts or 0),
        "last_purchase": _as_datetime(last_at),
    }


def _as_datetime(value) -> dt.datetime | None:
    # An aggregate comes back as SQLite stored it (text); PostgreSQL gives a datetime.
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))
