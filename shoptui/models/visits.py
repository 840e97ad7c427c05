"""Footfall: visitors per store and hour, by source, and each counter's last reading."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel
from .shop import Store


class VisitCount(BaseModel):
    """Visitors of one store-hour from one source ("import" or "counter:<name>")."""

    store = pw.ForeignKeyField(Store, backref="visit_counts")
    store_id: int
    hour = pw.DateTimeField()  # local, minutes and seconds zero
    source = pw.CharField(max_length=200)
    visitors_in = pw.IntegerField(default=0)
    visitors_out = pw.IntegerField(default=0)
    updated_at = pw.DateTimeField()

    class Meta:
        indexes = ((("store", "hour", "source"), True), (("hour",), False))


class CounterState(BaseModel):
    """The last cumulative reading of a counter, so a restarted listener goes on from it."""

    store = pw.ForeignKeyField(Store, backref="counters")
    store_id: int
    name = pw.CharField(max_length=200)
    last_in = pw.BigIntegerField(null=True)
    last_out = pw.BigIntegerField(null=True)
    last_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("store", "name"), True),)
