"""The cash rounding step a sale was paid under, kept on its receipt: ``cash_step`` (minor
units; 0: none). A return's cash is rounded with its sale's step (services.cash_rounding),
so a sale returned in full or in parts gives back exactly the cash it took whatever the
shop's step is now; a return keeps its sale's step.

Receipts written before this migration get the step their rounding row shows (the
smallest 1-2-5 step that makes the cash a multiple of it with the rounding at most half of
it: ``cash_rounding.infer_step``), or 0 without a rounding row; a return then takes its
sale's.
"""

from shoptui.services.cash_rounding import infer_step


def up(migrator, db):
    # Plain ALTER TABLE on both databases (peewee's NOT NULL step would rebuild the SQLite
    # table and lose its triggers).
    db.execute_sql("ALTER TABLE receipt ADD COLUMN cash_step BIGINT NOT NULL DEFAULT 0")
    rows = db.execute_sql(
        "SELECT r.id, r.kind, r.return_of_id, p.method, p.amount FROM receipt r "
        "JOIN payment p ON p.receipt_id = r.id WHERE p.method IN ('cash', 'rounding') "
        "AND r.id IN (SELECT receipt_id FROM payment WHERE method = 'rounding') ORDER BY r.id"
    ).fetchall()
    found: dict[int, dict] = {}
    for rid, kind, return_of, method, amount in rows:
        entry = found.setdefault(rid, {"kind": kind, "return_of": return_of, "cash": 0, "rounding": 0})
        entry[method] += amount
    steps = {rid: infer_step(e["cash"], e["rounding"]) for rid, e in found.items()}
    # A return takes its sale's step (one it can show, else its own).
    sale_of = dict(db.execute_sql("SELECT id, return_of_id FROM receipt WHERE kind = 'return'").fetchall())
    for rid, sale in sale_of.items():
        if sale in steps:
            steps[rid] = steps[sale]
    param = db.param
    cursor = db.cursor()
    cursor.executemany(
        f"UPDATE receipt SET cash_step = {param} WHERE id = {param}",
        [(step, rid) for rid, step in steps.items() if step],
    )


def down(migrator, db):
    db.execute_sql("ALTER TABLE receipt DROP COLUMN cash_step")
