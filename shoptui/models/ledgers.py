"""The points and debt ledgers: append-only; a balance is the sum of its entries.

An entry is never edited: a mistake is reversed by a new entry (a compensating entry), and
the database itself refuses UPDATE and DELETE (migration 0009). Each entry is a link of
its ledger's hash chain (``prev_hash``, ``hash``; see shoptui/chain.py), written by
``services.ledger``. A merge closes the duplicate's balances with a ``merge`` entry and
opens them on the kept customer with another.
"""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField
from .customers import Customer
from .receipts import Receipt
from .shop import User

POINTS_KINDS = ("opening", "earn", "redeem", "reverse", "restore", "expire", "adjust", "move", "merge")
DEBT_KINDS = ("opening", "credit_sale", "payment", "return", "adjust", "move", "merge")


class PointsEntry(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="points_entries")
    at = pw.DateTimeField()
    kind = pw.CharField(max_length=10)
    points = pw.BigIntegerField()  # signed
    receipt = pw.ForeignKeyField(Receipt, null=True, backref="points_entries")
    user = pw.ForeignKeyField(User, null=True)
    reason = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64, null=True)  # the chain (shoptui/chain.py, migration 0009)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        # Covering (migration 0006): the points report groups the ledger by customer and by
        # kind from these indexes alone.
        indexes = ((("customer", "at", "points"), False), (("kind", "at", "points", "customer"), False))


class DebtEntry(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="debt_entries")
    at = pw.DateTimeField()
    kind = pw.CharField(max_length=12)
    amount = MoneyField()  # signed: + the customer owes more, - owes less
    receipt = pw.ForeignKeyField(Receipt, null=True, backref="debt_entries")
    method = pw.CharField(max_length=10, null=True)  # how a payment was made
    user = pw.ForeignKeyField(User, null=True)
    reason = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64, null=True)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("customer", "at"), False), (("kind", "at"), False))
