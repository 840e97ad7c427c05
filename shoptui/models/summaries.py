"""Running sums of the receipts that the reports read instead of ten million rows.

Nothing in Python writes them: database triggers (migrations 0005 and 0007) keep them in step inside
the very transaction of every insert, update or delete of a receipt, whoever writes it
(the till, imports, merges, restores, a raw INSERT). ``shoptui check`` compares them with
the receipts. They are not in ``ALL_MODELS``: a backup copies receipts, and the triggers
rebuild these from them on the other side.
"""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField
from .customers import Customer
from .shop import Store

# (column suffix, largest gap in days it holds) — the portrait's return-interval buckets.
GAP_BUCKETS = (
    ("1", 1),
    ("2_3", 3),
    ("4_7", 7),
    ("8_14", 14),
    ("15_30", 30),
    ("31_60", 60),
    ("61_90", 90),
    ("91", None),
)


class ReceiptHour(BaseModel):
    """Receipts of one store-hour: every kind, sales, sales with a customer, sales with a
    discount; revenue, list price (subtotal) and discount, each sales minus returns.
    ``hour`` is the receipt time with minutes and seconds zeroed."""

    store = pw.ForeignKeyField(Store, backref="+", on_delete="CASCADE")
    store_id: int
    hour = pw.DateTimeField()
    receipts = pw.IntegerField(default=0)
    sales = pw.IntegerField(default=0)
    identified = pw.IntegerField(default=0)
    revenue = MoneyField(default=0)
    subtotal = MoneyField(default=0)
    discount = MoneyField(default=0)
    discounted = pw.IntegerField(default=0)

    class Meta:
        table_name = "receipt_hour"
        indexes = ((("store", "hour"), True), (("hour",), False))


class CustomerSales(BaseModel):
    """One customer's receipts over their whole history: how many (any kind), how many
    sales, net spend, list price and discount (each sales − returns), the last sale day (a day number: only compared
    with itself) and how many gaps between consecutive distinct sale dates fell in each
    return-interval bucket. A customer without receipts has no row."""

    customer = pw.ForeignKeyField(Customer, primary_key=True, backref="+", on_delete="CASCADE")
    customer_id: int
    receipts = pw.IntegerField(default=0)
    sales = pw.IntegerField(default=0)
    net = MoneyField(default=0)
    list_price = MoneyField(default=0)
    discount = MoneyField(default=0)
    last_sale_day = pw.IntegerField(null=True)
    gaps_1 = pw.IntegerField(default=0)
    gaps_2_3 = pw.IntegerField(default=0)
    gaps_4_7 = pw.IntegerField(default=0)
    gaps_8_14 = pw.IntegerField(default=0)
    gaps_15_30 = pw.IntegerField(default=0)
    gaps_31_60 = pw.IntegerField(default=0)
    gaps_61_90 = pw.IntegerField(default=0)
    gaps_91 = pw.IntegerField(default=0)

    class Meta:
        table_name = "customer_sales"


class CustomerGaps(BaseModel):
    """How many of a customer's gaps between consecutive distinct sale dates (over their
    whole history) are ``gap`` days long; no row for a length that does not occur. Stored
    in (customer, gap) order, so that win-back finds every median in a few key lookups."""

    # The primary key (customer, gap) serves as the customer's index.
    customer = pw.ForeignKeyField(Customer, backref="+", on_delete="CASCADE", index=False)
    customer_id: int
    gap = pw.IntegerField()
    times = pw.IntegerField()

    class Meta:
        table_name = "customer_gaps"
        # Migration 0007 makes it WITHOUT ROWID on SQLite (stored in key order); not said
        # here, as PostgreSQL would refuse it if a table were ever made from the model.
        primary_key = pw.CompositeKey("customer", "gap")


SUMMARY_MODELS = [ReceiptHour, CustomerSales, CustomerGaps]
