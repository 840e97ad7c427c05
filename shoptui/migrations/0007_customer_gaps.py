"""Each customer's gaps between consecutive distinct sale dates, counted by length
(models/summaries.py ``CustomerGaps``), kept in step by triggers like migration 0005's sums.

Win-back needs each customer's median gap: from the receipts that is a sort of ten
million dates; from this table it is one walk in (customer, gap) order, the order the
table is stored in.

The gaps of a customer change only when a sale date appears or goes: a sale on a day
that already has another sale of that customer changes nothing; a sale on a new day
between its neighbouring sale days ``prev`` and ``next`` replaces the gap next − prev by
day − prev and next − day (the ends have only one neighbour); taking the last sale of a
day away does the reverse. An update is the old row taken away, then the new one added.

SQLite runs a row trigger right after each row is written, so each step reads the
receipts as they were around that one row (the row itself left out by its id): a few
index lookups in the (customer, at, kind, …) index, whatever the customer's history.
PostgreSQL runs row triggers only at the end of the statement, when every row is
written, so there a statement trigger recomputes the customers the statement touched
from their receipts (through that same index), which is right whatever the order. It
recomputes 0005's per-customer sums the same way: 0005 stepped them row by row, which
counted some receipts twice when one statement wrote several receipts of a customer
out of time order; 0005's row function keeps only the store-hour sums.

The table is filled from the receipts already there.
"""

from peewee import *

KEY = "customer_id, gap, times"


def day(at: str, postgres: bool) -> str:
    """The calendar day as migration 0005 numbers it (``Dialect.day``)."""
    if postgres:
        return f"(CAST({at} AS date) - DATE '2000-01-01')"
    return f"CAST(julianday(date({at})) AS INTEGER)"


def gaps_select(which: str, postgres: bool) -> str:
    """The customer_gaps rows the receipts give (columns in KEY order) for
    the receipts ``which`` selects; check.py compares."""
    return (
        "SELECT customer_id, gap, COUNT(*) AS times"
        " FROM (SELECT customer_id, d - LAG(d) OVER (PARTITION BY customer_id ORDER BY d) AS gap"
        f" FROM (SELECT DISTINCT customer_id, {day('at', postgres)} AS d FROM receipt"
        f" WHERE ({which}) AND kind = 'sale') AS days) AS steps"
        " WHERE gap IS NOT NULL GROUP BY customer_id, gap"
    )


def _neighbour(row: str, before: bool) -> str:
    """The day of the customer's nearest sale on another day before (or after) ``row``'s day."""
    edge = f"n.at < date({row}at)" if before else f"n.at >= date({row}at, '+1 day')"
    order = "DESC" if before else "ASC"
    return (
        f"(SELECT {day('n.at', False)} FROM receipt AS n WHERE n.customer_id = {row}customer_id"
        f" AND {edge} AND n.kind = 'sale' AND n.id <> {row}id ORDER BY n.at {order} LIMIT 1)"
    )


def sqlite_step(row: str, sign: int) -> str:
    """Add (sign 1) or take away (sign -1) the sale ``row`` ("NEW."/"OLD.") to its
    customer's gaps, the other receipts being as they are."""
    first_of_day = (
        f"{row}kind = 'sale' AND {row}customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM receipt AS s"
        f" WHERE s.customer_id = {row}customer_id AND s.at >= date({row}at) AND s.at < date({row}at, '+1 day')"
        f" AND s.kind = 'sale' AND s.id <> {row}id)"
    )
    d = day(f"{row}at", False)
    neighbours = f"SELECT {_neighbour(row, True)} AS prev, {_neighbour(row, False)} AS next WHERE {first_of_day}"
    changes = (
        f"SELECT CASE k.k WHEN 1 THEN {d} - nb.prev WHEN 2 THEN nb.next - {d} ELSE nb.next - nb.prev END AS gap,"
        f" CASE k.k WHEN 3 THEN {-sign} ELSE {sign} END AS times"
        f" FROM ({neighbours}) AS nb, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) AS k"
    )
    # GROUP BY: two of the three gaps can have the same length.
    return (
        f"INSERT INTO customer_gaps ({KEY}) SELECT {row}customer_id, c.gap, SUM(c.times) FROM ({changes}) AS c"
        " WHERE c.gap IS NOT NULL GROUP BY c.gap"
        " ON CONFLICT (customer_id, gap) DO UPDATE SET times = customer_gaps.times + excluded.times"
    )


def _tidy(row: str) -> str:
    return f"DELETE FROM customer_gaps WHERE customer_id = {row}customer_id AND times = 0"


def sqlite_statements() -> list[str]:
    def body(statements):
        return " BEGIN " + "; ".join(statements) + "; END"

    sale = "{row}customer_id IS NOT NULL AND {row}kind = 'sale'"
    new, old = sale.format(row="NEW."), sale.format(row="OLD.")
    return [
        f"CREATE TRIGGER customer_gaps_insert AFTER INSERT ON receipt WHEN {new}"
        + body([sqlite_step("NEW.", 1), _tidy("NEW.")]),
        f"CREATE TRIGGER customer_gaps_delete AFTER DELETE ON receipt WHEN {old}"
        + body([sqlite_step("OLD.", -1), _tidy("OLD.")]),
        f"CREATE TRIGGER customer_gaps_update AFTER UPDATE OF customer_id, at, kind ON receipt WHEN ({old}) OR ({new})"
        + body([sqlite_step("OLD.", -1), sqlite_step("NEW.", 1), _tidy("OLD."), _tidy("NEW.")]),
    ]


def _sums():
    """Migration 0005, whose per-customer sums PostgreSQL now refreshes here too."""
    import importlib

    return importlib.import_module("shoptui.migrations.0005_receipt_summaries")


def _hour_sums_function(sums) -> str:
    """0005's row function keeping only the store-hour sums: adding and taking off one
    receipt is right in whatever order PostgreSQL runs the rows of a statement."""
    d = sums.Dialect(postgres=True)
    return (
        "CREATE OR REPLACE FUNCTION shoptui_receipt_sums() RETURNS trigger AS $$"
        " BEGIN"
        f" IF TG_OP IN ('DELETE', 'UPDATE') THEN {sums.hour_upsert(d, 'OLD.', '-1')}; END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {sums.hour_upsert(d, 'NEW.', '1')}; END IF;"
        " RETURN NULL;"
        " END $$ LANGUAGE plpgsql"
    )


def postgres_statements() -> list[str]:
    """A statement trigger recomputes the gaps, and 0005's per-customer sums, of the
    customers a statement touched. 0005 stepped those sums row by row, reading the
    receipts as the statement left them: a statement of several receipts of one
    customer out of time order counted some twice."""
    sums = _sums()
    figures = "customer_id, at, kind, total, subtotal, discount"
    touched = "SELECT customer_id FROM {rows} WHERE customer_id IS NOT NULL"
    changed = (
        "SELECT x.customer_id FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id,"
        " LATERAL (VALUES (o.customer_id), (n.customer_id)) AS x (customer_id)"
        f" WHERE ({', '.join('o.' + c for c in figures.split(', '))})"
        f" IS DISTINCT FROM ({', '.join('n.' + c for c in figures.split(', '))})"
        " AND x.customer_id IS NOT NULL"
    )
    refresh = (
        "DELETE FROM customer_gaps WHERE customer_id = ANY (cs);"
        f" INSERT INTO customer_gaps ({KEY}) {gaps_select('customer_id = ANY (cs)', True)};"
        " DELETE FROM customer_sales WHERE customer_id = ANY (cs);"
        f" {sums.customer_fill(sums.Dialect(postgres=True), 'customer_id = ANY (cs)')};"
    )
    triggers = []
    for event, referencing in (
        ("INSERT", "NEW TABLE AS new_rows"),
        ("DELETE", "OLD TABLE AS old_rows"),
        ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ):
        triggers.append(
            f"CREATE TRIGGER customer_summaries_{event.lower()} AFTER {event} ON receipt REFERENCING {referencing}"
            " FOR EACH STATEMENT EXECUTE PROCEDURE shoptui_customer_summaries()"
        )
    return [
        _hour_sums_function(sums),
        "CREATE OR REPLACE FUNCTION shoptui_customer_summaries() RETURNS trigger AS $$"
        " DECLARE cs INTEGER[];"
        " BEGIN"
        f" IF TG_OP = 'INSERT' THEN cs := ARRAY(SELECT DISTINCT customer_id FROM ({touched.format(rows='new_rows')}) AS t);"
        f" ELSIF TG_OP = 'DELETE' THEN cs := ARRAY(SELECT DISTINCT customer_id FROM ({touched.format(rows='old_rows')}) AS t);"
        f" ELSE cs := ARRAY(SELECT DISTINCT customer_id FROM ({changed}) AS t);"
        " END IF;"
        f" IF cardinality(cs) > 0 THEN {refresh} END IF;"
        " RETURN NULL;"
        " END $$ LANGUAGE plpgsql",
        *triggers,
    ]


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    # Stored in key order (SQLite: WITHOUT ROWID; PostgreSQL walks the key's index), so
    # that win-back's walk over every customer's gaps needs no sort.
    db.execute_sql(
        "CREATE TABLE customer_gaps (customer_id INTEGER NOT NULL REFERENCES customer (id) ON DELETE CASCADE,"
        " gap INTEGER NOT NULL, times INTEGER NOT NULL, PRIMARY KEY (customer_id, gap))"
        + ("" if postgres else " WITHOUT ROWID")
    )
    db.execute_sql(f"INSERT INTO customer_gaps ({KEY}) " + gaps_select("customer_id IS NOT NULL", postgres))
    for statement in postgres_statements() if postgres else sqlite_statements():
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for event in ("insert", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS customer_summaries_{event} ON receipt")
        db.execute_sql("DROP FUNCTION IF EXISTS shoptui_customer_summaries()")
        # 0005's row function again (its first statements define it), with its per-customer steps.
        for statement in _sums().postgres_statements()[:2]:
            db.execute_sql(statement)
    else:
        for event in ("insert", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS customer_gaps_{event}")
    db.execute_sql("DROP TABLE IF EXISTS customer_gaps")
