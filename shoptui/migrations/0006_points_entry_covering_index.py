"""Covering indexes for the points report, which reads the whole ledger (8,000,000
entries in the benchmark) twice: per customer (balance and what would expire) and per
kind (the period's earned, redeemed, …). With (customer, at, points) and (kind, at,
points, customer) each pass walks an index in its GROUP BY order, no table row and no
sort. They replace (customer, at) and (kind, at), their prefixes."""

from peewee import *

INDEXES = (
    (
        "pointsentry_customer_id_at",
        "pointsentry_customer_id_at_points",
        ("customer_id", "at"),
        ("customer_id", "at", "points"),
    ),
    (
        "pointsentry_kind_at",
        "pointsentry_kind_at_points_customer_id",
        ("kind", "at"),
        ("kind", "at", "points", "customer_id"),
    ),
)


def _create(db, name, columns):
    db.execute_sql(f'CREATE INDEX "{name}" ON "points_entry" ({", ".join(columns)})')


def up(migrator, db):
    for old, new, _old_columns, new_columns in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{old}"')
        _create(db, new, new_columns)


def down(migrator, db):
    for old, new, old_columns, _new_columns in INDEXES:
        db.execute_sql(f'DROP INDEX IF EXISTS "{new}"')
        _create(db, old, old_columns)
