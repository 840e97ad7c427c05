"""The base model and the field kinds shared by every aggregate."""

from __future__ import annotations

import json

import peewee

from ..db import database


class BaseModel(peewee.Model):
    # What peewee adds anyway when a model names no primary key; said here so that a type
    # checker knows it. A model with its own primary key does not inherit it. Likewise each
    # model annotates, under a foreign key ``x``, the ``x_id`` accessor peewee adds, and the
    # backrefs the core reads (bare annotations: peewee ignores them).
    id = peewee.AutoField()

    class Meta:
        database = database
        legacy_table_names = False


class MoneyField(peewee.BigIntegerField):
    """An amount in minor units of the shop currency (VND: dong; EUR: cents). Never a float."""


class JSONTextField(peewee.TextField):
    """JSON kept as text so that SQLite and PostgreSQL store it alike."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value):
        return None if value is None else json.loads(value)
