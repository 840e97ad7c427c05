"""A covering index for the per-customer aggregates of the reports (rfm, winback, the
portrait's visit buckets): they read (customer, at, kind, total, store) from the index
alone instead of visiting every receipt row. It replaces the (customer, at) index, which
is its prefix."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("receipt", "receipt_customer_id_at"),
        migrator.add_index("receipt", ("customer_id", "at", "kind", "total", "store_id"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("receipt", "receipt_customer_id_at_kind_total_store_id"),
        migrator.add_index("receipt", ("customer_id", "at"), False),
    )
