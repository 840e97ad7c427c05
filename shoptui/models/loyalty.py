"""Points tiers, vouchers and their uses (the earn/redeem rates are shop settings)."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField
from .customers import Customer


class PointsTier(BaseModel):
    """Spend in the last 12 months of at least ``min_spend`` earns at ``earn_per`` with ``discount_bp``."""

    name = pw.CharField(unique=True, max_length=64)
    min_spend = MoneyField()
    earn_per = MoneyField()  # money per point
    discount_bp = pw.IntegerField(default=0)


class Voucher(BaseModel):
    code = pw.CharField(unique=True, max_length=64)
    kind = pw.CharField(max_length=8)  # "amount" (minor units) or "percent" (hundredths of %)
    value = pw.BigIntegerField()
    valid_from = pw.DateField(null=True)
    valid_to = pw.DateField(null=True)
    max_uses = pw.IntegerField(null=True, default=1)  # None: unlimited
    customer = pw.ForeignKeyField(Customer, null=True, backref="vouchers")
    customer_id: int | None
    created_at = pw.DateTimeField()
    note = pw.TextField(default="")
