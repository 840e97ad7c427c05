"""Indexes on the customer's cached sums, so the directory sorts a broad match by debt,
sales, last purchase or points and stops after one page instead of sorting every row."""

from peewee import *


def up(migrator, db):
    for column in ("points_balance", "debt_balance", "total_sales", "last_purchase_at"):
        migrator.migrate(migrator.add_index("customer", (column,), False))


def down(migrator, db):
    for column in ("points_balance", "debt_balance", "total_sales", "last_purchase_at"):
        migrator.migrate(migrator.drop_index("customer", f"customer_{column}"))
