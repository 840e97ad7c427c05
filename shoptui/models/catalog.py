"""Products (only what receipts and reports need: sku, barcode, name, group, price)."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField


class Product(BaseModel):
    sku = pw.CharField(unique=True, max_length=64)
    barcode = pw.CharField(unique=True, null=True, max_length=64)
    name = pw.CharField(max_length=300)
    group = pw.CharField(max_length=100, default="")
    price = MoneyField(default=0)
