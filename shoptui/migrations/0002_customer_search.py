"""The directory's word index over customer.search_key (SQLite only).

An FTS5 table with the customer table as its external content, so that it stores no
second copy of the text; triggers keep it in step inside the very transaction of every
write to customer, whoever writes (services, bulk imports, raw inserts, restores).
search_key already holds Python-folded words (đ→d, ё→е, ß→ss), which FTS5's own
``remove_diacritics`` could not give, so the tokenizer only splits on spaces.
Prefix indexes of 1-3 letters let "n", "ng", "ngu" be answered without merging the
doclists of every word that starts so.

PostgreSQL searches search_key with LIKE (see services/directory.py), which a trigram
GIN index (pg_trgm) serves; where the extension may not be created (no privilege), the
search still works, by reading the table.
"""

import peewee

STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS customer_fts USING fts5("
    " search_key, content='customer', content_rowid='id', prefix='1 2 3',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS customer_fts_insert AFTER INSERT ON customer BEGIN"
    " INSERT INTO customer_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS customer_fts_delete AFTER DELETE ON customer BEGIN"
    " INSERT INTO customer_fts(customer_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS customer_fts_update AFTER UPDATE OF search_key ON customer BEGIN"
    " INSERT INTO customer_fts(customer_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);"
    " INSERT INTO customer_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
    "INSERT INTO customer_fts(customer_fts) VALUES ('rebuild')",
)


def up(migrator, db):
    if isinstance(db, peewee.PostgresqlDatabase):
        _postgres_trigrams(db)
    if not isinstance(db, peewee.SqliteDatabase):
        return
    if not _has_fts5(db):
        return  # a Python built without FTS5: the directory searches with LIKE, slower
    for statement in STATEMENTS:
        db.execute_sql(statement)


def _has_fts5(db) -> bool:
    return bool(db.execute_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone()[0])


def _postgres_trigrams(db):
    try:
        with db.atomic():  # a savepoint: a refused extension must not abort the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except peewee.DatabaseError:
        return
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS customer_search_key_trgm ON customer USING gin (search_key gin_trgm_ops)"
    )
