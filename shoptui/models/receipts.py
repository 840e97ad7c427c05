"""Receipts (sales and returns), their optional lines, payments and voucher uses."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField
from .cards import Card
from .catalog import Product
from .customers import Customer
from .loyalty import Voucher
from .shop import Store, User

RECEIPT_KINDS = ("sale", "return")
# ``rounding``: the difference cash rounding makes (services.cash_rounding); signed, the one
# method whose amount may be negative. No CHECK constraint lists the methods (migration 0001).
# ``advance``: paid from the customer's advance (a negative debt balance), on the debt
# ledger like credit (a ``credit_sale`` entry) but never counted against the credit limit.
PAYMENT_METHODS = ("cash", "card", "credit", "points", "voucher", "giftcard", "rounding", "advance")


class Receipt(BaseModel):
    store = pw.ForeignKeyField(Store, backref="receipts")
    store_id: int
    number = pw.CharField(max_length=64)
    kind = pw.CharField(max_length=8, default="sale")
    return_of = pw.ForeignKeyField("self", null=True, backref="returns")
    return_of_id: int | None
    at = pw.DateTimeField(index=True)
    cashier = pw.ForeignKeyField(User, null=True, backref="receipts")
    cashier_id: int | None
    customer = pw.ForeignKeyField(Customer, null=True, backref="receipts")
    customer_id: int | None
    subtotal = MoneyField(default=0)  # before receipt-level discounts
    discount = MoneyField(default=0)  # every discount given on this receipt
    total = MoneyField()  # what the customer owes after every discount (returns: positive)
    points_earned = pw.BigIntegerField(default=0)
    points_redeemed = pw.BigIntegerField(default=0)
    # The rule the points were earned under (migration 0008); NULL on imported and older receipts.
    points_base = pw.BigIntegerField(null=True)  # the amount that earned points
    points_earn_per = pw.BigIntegerField(null=True)  # minor units per point
    # The cash rounding step the sale was paid under (migration 0010; 0: none); a return
    # keeps its sale's, and its cash is rounded with it (services.cash_rounding).
    cash_step = pw.BigIntegerField(default=0)
    source = pw.CharField(max_length=8, default="till")  # "till" or "import"
    content_hash = pw.CharField(max_length=64, null=True)  # imports: detects a conflicting re-import
    created_at = pw.DateTimeField()
    lines: pw.ModelSelect[ReceiptLine]  # backref of ReceiptLine.receipt

    class Meta:
        indexes = (
            (("store", "number"), True),
            # Covering: per-customer report aggregates (rfm, winback, visit buckets) read the index only.
            (("customer", "at", "kind", "total", "store"), False),
            (("kind", "at"), False),
            (("store", "at"), False),
        )


class ReceiptLine(BaseModel):
    receipt = pw.ForeignKeyField(Receipt, backref="lines", on_delete="CASCADE")
    receipt_id: int
    position = pw.IntegerField()
    product = pw.ForeignKeyField(Product, null=True, backref="lines")
    product_id: int | None
    sku = pw.CharField(max_length=64, default="")
    name = pw.CharField(max_length=300, default="")
    qty = pw.DecimalField(max_digits=14, decimal_places=3, auto_round=True)
    unit_price = MoneyField()
    line_discount = MoneyField(default=0)
    amount = MoneyField()  # qty × unit price − line discount
    return_of_line = pw.ForeignKeyField("self", null=True, backref="returned_by")
    return_of_line_id: int | None

    class Meta:
        indexes = ((("receipt", "position"), True), (("product",), False))


class Payment(BaseModel):
    receipt = pw.ForeignKeyField(Receipt, backref="payments", on_delete="CASCADE")
    receipt_id: int
    method = pw.CharField(max_length=10)
    amount = MoneyField()  # sales: paid; returns: paid back (both positive)
    voucher = pw.ForeignKeyField(Voucher, null=True, backref="payments")
    voucher_id: int | None
    gift_card = pw.ForeignKeyField(Card, null=True, backref="payments")
    gift_card_id: int | None

    class Meta:
        indexes = ((("receipt",), False), (("method",), False))


class VoucherUse(BaseModel):
    voucher = pw.ForeignKeyField(Voucher, backref="uses")
    voucher_id: int
    receipt = pw.ForeignKeyField(Receipt, backref="voucher_uses")
    receipt_id: int
    customer = pw.ForeignKeyField(Customer, null=True, backref="voucher_uses")
    customer_id: int | None
    at = pw.DateTimeField()
    amount = MoneyField()

    class Meta:
        indexes = ((("voucher", "receipt"), True), (("customer",), False))
