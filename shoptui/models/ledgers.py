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
# ``advance``: a payment of more than the debt (the rest is held for the customer: a
# negative balance, "paid in advance"), by a manager (services.debts.take_payment).
DEBT_KINDS = ("opening", "credit_sale", "payment", "return", "adjust", "move", "merge", "advance")


class PointsEntry(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="points_entries")
    customer_id: int
    at = pw.DateTimeField()
    kind = pw.CharField(max_length=10)
    points = pw.BigIntegerField()  # signed
    receipt = pw.ForeignKeyField(Receipt, null=True, backref="points_entries")
    receipt_id: int | None
    user = pw.ForeignKeyField(User, null=True)
    user_id: int | None
    reason = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64, null=True)  # the chain (shoptui/chain.py, migration 0009)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        # Covering (migration 0006): the points report groups the ledger by customer and by
        # kind from these indexes alone.
        indexes = ((("customer", "at", "points"), False), (("kind", "at", "points", "customer"), False))


class DebtEntry(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="debt_entries")
    customer_id: int
    at = pw.DateTimeField()
    kind = pw.CharField(max_length=12)
    amount = MoneyField()  # signed: + the customer owes more, - owes less
    receipt = pw.ForeignKeyField(Receipt, null=True, backref="debt_entries")
    receipt_id: int | None
    method = pw.CharField(max_length=10, null=True)  # how a payment was made
    user = pw.ForeignKeyField(User, null=True)
    user_id: int | None
    reason = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64, null=True)
    hash = pw.CharField(max_length=64, null=True)

    class Meta:
        indexes = ((("customer", "at"), False), (("kind", "at"), False))


# -- whose ledger an entry counts in ---------------------------------------------------------
#
# A merge leaves the duplicate's entries where they are (they cannot be edited) and moves
# the balance by a pair of ``merge`` entries: a closing one on the duplicate, an opening
# one on the kept customer, at the same moment, cancelling out. Everything that reads a
# customer's history over time (the oldest unpaid debt, the last payment, what expires,
# the running balance) reads the *ledger of the kept customer*: its own entries and those
# of every customer merged into it, without the merge pairs. A merge points the customers
# merged into a customer that is merged in its turn at the last one kept, so that this is
# one level deep.


def merges_exist() -> bool:
    return Customer.select().where(Customer.merged_into.is_null(False)).exists()


def ledger_owner(model):
    """The customer in whose ledger an entry of ``model`` counts (SQL expression)."""
    owner = Customer.alias("ledger_owner")
    return pw.fn.COALESCE(owner.select(owner.merged_into).where(owner.id == model.customer), model.customer)


def in_ledger_of(model, customer_id: int):
    """The entries of ``model`` in the ledger of ``customer_id`` (see above)."""
    merged = Customer.get_or_none(Customer.id == customer_id)
    if merged is not None and merged.merged_into_id is not None:
        return model.customer == customer_id  # a merged customer: its own entries, closed by its merge entry
    members = Customer.select(Customer.id).where(Customer.merged_into == customer_id)
    if not members.exists():
        return model.customer == customer_id
    return ((model.customer == customer_id) | model.customer.in_(members)) & (model.kind != "merge")


def ledger_members(customer):
    """The customers whose entries count in the ledger of ``customer`` (an id or a column
    of an outer query): itself unless merged, and those merged into it."""
    member = Customer.alias("ledger_member")
    return member.select(member.id).where(
        ((member.id == customer) & member.merged_into.is_null()) | (member.merged_into == customer)
    )
