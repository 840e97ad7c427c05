"""Marketing instruments: cards bound to customers over time, and gift-card value."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField
from .customers import Customer
from .shop import User

CARD_KINDS = ("loyalty", "discount", "voucher", "gift")
END_REASONS = ("withdrawn", "replaced")
GIFT_ENTRY_KINDS = ("issue", "topup", "redeem", "refund", "adjust")


class Card(BaseModel):
    barcode = pw.CharField(unique=True, max_length=64)
    kind = pw.CharField(max_length=12, default="loyalty")
    created_at = pw.DateTimeField()


class CardBinding(BaseModel):
    """A card held by a customer from ``bound_at`` until ``ended_at``; history is never deleted."""

    card = pw.ForeignKeyField(Card, backref="bindings")
    card_id: int
    customer = pw.ForeignKeyField(Customer, backref="card_bindings")
    customer_id: int
    bound_at = pw.DateTimeField()
    ended_at = pw.DateTimeField(null=True)
    end_reason = pw.CharField(max_length=12, null=True)
    replaced_by = pw.ForeignKeyField(Card, null=True, backref="replaces")
    replaced_by_id: int | None
    user = pw.ForeignKeyField(User, null=True)
    user_id: int | None


# A card is bound to at most one customer at a time: the database itself refuses a second.
CardBinding.add_index(
    CardBinding.index(CardBinding.card, unique=True, name="cardbinding_one_open").where(CardBinding.ended_at.is_null())
)


class GiftCardEntry(BaseModel):
    """The stored value of a gift card: append-only, the balance is the sum."""

    card = pw.ForeignKeyField(Card, backref="gift_entries")
    card_id: int
    at = pw.DateTimeField()
    kind = pw.CharField(max_length=12)
    amount = MoneyField()  # signed: + adds value, - spends it
    receipt = pw.DeferredForeignKey("Receipt", null=True)
    receipt_id: int | None
    user = pw.ForeignKeyField(User, null=True)
    user_id: int | None
    reason = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64, null=True)  # the chain (shoptui/chain.py, migration 0009)
    hash = pw.CharField(max_length=64, null=True)
