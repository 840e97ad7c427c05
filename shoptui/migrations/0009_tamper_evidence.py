"""Tamper evidence: the ledgers and the audit log become append-only hash chains.

- ``points_entry``, ``debt_entry``, ``gift_card_entry`` and ``audit_log`` get
  ``prev_hash`` and ``hash`` (shoptui/chain.py says what they cover); ``audit_log`` also
  gets ``actor`` (who acted, by name: filled here from the user's name), ``data_hash``
  (the digest of its erasable before/after/note) and ``erased_at``.
- The rows already there are hashed in id order, and a checkpoint (``chain_checkpoint``)
  is set at each chain's last row.
- Triggers refuse UPDATE and DELETE on the four tables, on SQLite (``RAISE(ABORT)``) and
  PostgreSQL (a trigger function raising). The one way to correct an entry is a
  compensating entry. The one UPDATE let through is the audit log's erasure: blanking
  before/after/note once, stamping ``erased_at``, with every chained column unchanged.
  (PostgreSQL's TRUNCATE, which a forced restore uses, is not a row delete; ``check``
  notices a chain that lost its checkpointed rows.)
"""

from peewee import *

from shoptui import chain

LEDGERS = ("points_entry", "debt_entry", "gift_card_entry")
MESSAGE = "{table} is append-only: correct it with a compensating entry"
BATCH = 5000


def _hash_rows(db, table):
    """Hash the rows already in ``table`` in id order; the last (id, hash) or None."""
    columns = chain.CHAINS[table]
    param = db.param
    last_id, last_hash = 0, chain.GENESIS
    while True:
        selected = ", ".join(f'"{c}"' for c in columns if c != "data_hash")
        extra = ', "before", "after", "note"' if table == "audit_log" else ""
        rows = db.execute_sql(
            f'SELECT id, {selected}{extra} FROM "{table}" WHERE id > {param} ORDER BY id LIMIT {BATCH}', (last_id,)
        ).fetchall()
        if not rows:
            break
        updates = []
        for row in rows:
            values = dict(zip([c for c in columns if c != "data_hash"], row[1:]))
            data = None
            if table == "audit_log":
                before, after, note = row[-3:]
                data = chain.data_hash(before, after, note)
                values["data_hash"] = data
            digest = chain.row_hash(table, values, last_hash)
            updates.append((last_hash, digest, data, row[0]) if table == "audit_log" else (last_hash, digest, row[0]))
            last_id, last_hash = row[0], digest
        sets = f"prev_hash = {param}, hash = {param}" + (f", data_hash = {param}" if table == "audit_log" else "")
        cursor = db.cursor()
        cursor.executemany(f'UPDATE "{table}" SET {sets} WHERE id = {param}', updates)
    return (last_id, last_hash) if last_id else None


def _audit_unchanged(old: str, new: str) -> str:
    columns = ("id", *chain.CHAINS["audit_log"], "prev_hash", "hash")
    return " AND ".join(f'{new}."{c}" IS NOT DISTINCT FROM {old}."{c}"' for c in columns)


def sqlite_statements():
    statements = []
    for table in (*LEDGERS, "audit_log"):
        abort = f"SELECT RAISE(ABORT, '{MESSAGE.format(table=table)}')"
        erasure = ""
        if table == "audit_log":
            same = _audit_unchanged("OLD", "NEW").replace("IS NOT DISTINCT FROM", "IS")
            erasure = f" WHEN NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND {same})"
        statements.append(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}{erasure} BEGIN {abort}; END")
        statements.append(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN {abort}; END")
    return statements


def postgres_statements():
    # No '%' placeholder: the driver would take it for a parameter.
    text = MESSAGE.format(table="' || TG_TABLE_NAME || '")
    raise_ = f"RAISE EXCEPTION USING MESSAGE = '{text}', ERRCODE = 'restrict_violation';"
    statements = [
        f"CREATE OR REPLACE FUNCTION shoptui_append_only() RETURNS trigger AS $$ BEGIN {raise_} END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION shoptui_audit_append_only() RETURNS trigger AS $$ BEGIN"
        " IF TG_OP = 'UPDATE' AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL"
        f" AND {_audit_unchanged('OLD', 'NEW')} THEN RETURN NEW; END IF;"
        f" {raise_} END $$ LANGUAGE plpgsql",
    ]
    for table in LEDGERS:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE PROCEDURE shoptui_append_only()"
        )
    statements.append(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
        " FOR EACH ROW EXECUTE PROCEDURE shoptui_audit_append_only()"
    )
    return statements


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    stamp = "TIMESTAMP" if postgres else "DATETIME"
    for table in (*LEDGERS, "audit_log"):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN prev_hash VARCHAR(64)')
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN hash VARCHAR(64)')
    db.execute_sql('ALTER TABLE "audit_log" ADD COLUMN actor TEXT')
    db.execute_sql('ALTER TABLE "audit_log" ADD COLUMN data_hash VARCHAR(64)')
    db.execute_sql(f'ALTER TABLE "audit_log" ADD COLUMN erased_at {stamp}')
    db.execute_sql(
        'UPDATE "audit_log" SET actor = (SELECT u.name FROM "user" AS u WHERE u.id = "audit_log".user_id)'
        " WHERE user_id IS NOT NULL"
    )
    db.execute_sql(
        'CREATE TABLE "chain_checkpoint" (chain VARCHAR(32) NOT NULL PRIMARY KEY, last_id BIGINT NOT NULL,'
        f" last_hash VARCHAR(64) NOT NULL, checked_at {stamp} NOT NULL)"
    )
    for table in chain.CHAINS:
        last = _hash_rows(db, table)
        if last is not None:
            db.execute_sql(
                f"INSERT INTO chain_checkpoint (chain, last_id, last_hash, checked_at) VALUES ({db.param}, {db.param}, {db.param}, CURRENT_TIMESTAMP)",
                (table, *last),
            )
    for statement in postgres_statements() if postgres else sqlite_statements():
        db.execute_sql(statement)


def down(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    if postgres:
        for table in (*LEDGERS, "audit_log"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        db.execute_sql("DROP FUNCTION IF EXISTS shoptui_append_only()")
        db.execute_sql("DROP FUNCTION IF EXISTS shoptui_audit_append_only()")
    else:
        for table in (*LEDGERS, "audit_log"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    db.execute_sql('DROP TABLE IF EXISTS "chain_checkpoint"')
    for table in (*LEDGERS, "audit_log"):
        for column in ("prev_hash", "hash") + (("actor", "data_hash", "erased_at") if table == "audit_log" else ()):
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN {column}')
