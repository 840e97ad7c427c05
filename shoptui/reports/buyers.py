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
Anonymous buyers are summed into one last row whose ``customer`` is null.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw
from peewee import Case, JOIN, fn

from ..errors import NotFound, UsageError
from ..i18n import N_, _
from ..models import Customer, Product, Receipt, ReceiptLine
from . import Money
from .query import ReportQuery

TITLE = N_("Buyers of a product")

COLUMNS = ("customer", "name", "phone", "qty", "amount", "receipts", "last_purchase")

LABELS = {
    "customer": N_("Customer"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "qty": N_("Quantity"),
    "amount": N_("Amount"),
    "receipts": N_("Receipts"),
    "last_purchase": N_("Last purchase"),
}

MILLI = Decimal(1000)  # quantities are kept to the thousandth


def milli_qty(qty: pw.Node) -> pw.Node:
    """A quantity in thousandths as an integer: sums stay exact (SQLite keeps 1.5 as a float)."""
    return pw.Cast(fn.ROUND(qty * 1000), "BIGINT")


def buyers(query: ReportQuery) -> dict:
    query.check_stores()
    sku = (query.options.get("product") or "").strip()
    if not sku:
        raise UsageError(_("Name the product: add --product SKU."))
    product, is_product = _product(sku)
    is_sale = Receipt.kind == "sale"
    is_return = Receipt.kind == "return"
    milli = milli_qty(ReceiptLine.qty)
    per = (
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
        .alias("per_customer")
    )
    phone = fn.COALESCE(fn.NULLIF(Customer.phone, ""), fn.NULLIF(Customer.phone_typed, ""))
    rows = (
        Customer.select(
            Customer.code, Customer.name, phone, per.c.milli, per.c.amount, per.c.receipts, per.c.last_at,
        )
        .from_(per)
        .join(Customer, JOIN.LEFT_OUTER, on=(Customer.id == per.c.customer_id))
        .order_by(per.c.customer_id.is_null(), per.c.amount.desc(), Customer.code)
        .tuples()
    )
    return {
        "product": product,
        "rows": [_row(*row) for row in rows],
    }


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


def _row(code, name, phone, milli, amount, receipts, last_at) -> dict:
    anonymous = code is None
    return {
        "customer": code,
        "name": _("Anonymous buyers") if anonymous else name,
        "phone": phone,
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
