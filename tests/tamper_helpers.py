"""What an attacker holding the database file does first: drop the append-only triggers
(migration 0009), so that raw SQL can edit, delete and insert ledger and audit rows."""

from __future__ import annotations

import importlib

import peewee as pw

CHAIN_KINDS = {"chain_edited", "chain_deleted", "chain_inserted"}


def drop_append_only_triggers(database) -> None:
    migration = importlib.import_module("shoptui.migrations.0009_tamper_evidence")
    db = database.obj if isinstance(database, pw.DatabaseProxy) else database
    for table in (*migration.LEDGERS, "audit_log"):
        if isinstance(db, pw.PostgresqlDatabase):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
