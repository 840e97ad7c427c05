"""Running sums of the receipts (models/summaries.py), kept in step by triggers.

The portrait of a shop with ten million receipts cannot read them all in 3 s; these two
tables hold what it and the conversion report need, and every write to ``receipt``
updates them in the same transaction, whoever writes (services, imports, merges,
restores, raw SQL), on SQLite and PostgreSQL alike:

- ``receipt_hour``: per store-hour, receipts of every kind, sales, sales with a customer,
  revenue, list price and discount (sales − returns), sales with a discount. An insert
  adds, a delete subtracts, an update does both.
- ``customer_sales``: per customer, the same counts, net spend, list price and discount
  over their whole history, the last sale day and the gaps between consecutive distinct sale dates by
  return-interval bucket. A sale on or after the last sale day is one step (a new day
  adds its gap); anything else (a sale dated earlier, an update, a delete) recomputes
  that customer from their receipts through the covering (customer, at, …) index.

Both tables are filled from the receipts already there.
"""

from peewee import *

GAP_BUCKETS = (
    ("1", 1),
    ("2_3", 3),
    ("4_7", 7),
    ("8_14", 14),
    ("15_30", 30),
    ("31_60", 60),
    ("61_90", 90),
    ("91", None),
)
GAP_COLUMNS = tuple(f"gaps_{suffix}" for suffix, _limit in GAP_BUCKETS)
TRACKED = "customer_id, at, kind, total, subtotal, discount, store_id"


def _signed(row: str, column: str = "total") -> str:
    return f"CASE {row}kind WHEN 'sale' THEN {row}{column} WHEN 'return' THEN 0 - {row}{column} ELSE 0 END"


def _is_sale(row: str) -> str:
    return f"CASE WHEN {row}kind = 'sale' THEN 1 ELSE 0 END"


# What one receipt (columns prefixed by ``row``: "NEW.", "OLD." or "") adds to its sums.
HOUR_FIGURES = {
    "receipts": lambda row: "1",
    "sales": _is_sale,
    "identified": lambda row: f"CASE WHEN {row}kind = 'sale' AND {row}customer_id IS NOT NULL THEN 1 ELSE 0 END",
    "revenue": _signed,
    "subtotal": lambda row: _signed(row, "subtotal"),
    "discount": lambda row: _signed(row, "discount"),
    "discounted": lambda row: f"CASE WHEN {row}kind = 'sale' AND {row}discount <> 0 THEN 1 ELSE 0 END",
}
CUSTOMER_FIGURES = {
    "receipts": lambda row: "1",
    "sales": _is_sale,
    "net": _signed,
    "list_price": lambda row: _signed(row, "subtotal"),
    "discount": lambda row: _signed(row, "discount"),
}
HOUR_COLUMNS = "store_id, hour, " + ", ".join(HOUR_FIGURES)
SALES_COLUMNS = "customer_id, " + ", ".join(CUSTOMER_FIGURES) + ", last_sale_day, " + ", ".join(GAP_COLUMNS)


class Dialect:
    def __init__(self, postgres: bool):
        self.postgres = postgres

    def day(self, at: str) -> str:
        """A date-time's calendar day as an integer (only compared and subtracted)."""
        if self.postgres:
            return f"(CAST({at} AS date) - DATE '2000-01-01')"
        return f"CAST(julianday(date({at})) AS INTEGER)"

    def hour(self, at: str) -> str:
        if self.postgres:
            return f"date_trunc('hour', {at})"
        return f"strftime('%Y-%m-%d %H:00:00', {at})"


def _bucket_sums(gap: str) -> list[str]:
    """One 0/1 expression per gap bucket: ``gap`` falls in it."""
    sums: list[str] = []
    lower: int | None = 0  # None only after the last bucket, which has no upper limit
    for _suffix, limit in GAP_BUCKETS:
        upper = "" if limit is None else f" AND {gap} <= {limit}"
        sums.append(f"CASE WHEN {gap} > {lower}{upper} THEN 1 ELSE 0 END")
        lower = limit
    return sums


def hour_upsert(d: Dialect, row: str, sign: str) -> str:
    """Add (sign 1) or take off (sign -1) one receipt ``row`` (``NEW.``/``OLD.``) to its store-hour."""
    values = ", ".join(f"{sign} * ({figure(row)})" for figure in HOUR_FIGURES.values())
    updates = ", ".join(f"{c} = receipt_hour.{c} + excluded.{c}" for c in HOUR_FIGURES)
    return (
        f"INSERT INTO receipt_hour ({HOUR_COLUMNS}) VALUES ({row}store_id, {d.hour(row + 'at')}, {values})"
        f" ON CONFLICT (store_id, hour) DO UPDATE SET {updates}"
    )


def customer_fill(d: Dialect, which: str) -> str:
    """Insert the customer_sales rows of the customers ``which`` selects from receipt
    (``customer_id = NEW.customer_id`` or ``customer_id IS NOT NULL``), from their receipts."""
    return f"INSERT INTO customer_sales ({SALES_COLUMNS}) " + customer_select(d, which)


def customer_select(d: Dialect, which: str) -> str:
    """The customer_sales rows the receipts give (columns in SALES_COLUMNS order); check.py compares."""
    gap_sums = ", ".join(f"SUM({s}) AS {c}" for s, c in zip(_bucket_sums("gap"), GAP_COLUMNS))
    gap_values = ", ".join(f"COALESCE(g.{c}, 0) AS {c}" for c in GAP_COLUMNS)
    figures = ", ".join(f"a.{c}" for c in CUSTOMER_FIGURES)
    sums = ", ".join(f"SUM({figure('')}) AS {c}" for c, figure in CUSTOMER_FIGURES.items())
    return (
        f"SELECT a.customer_id, {figures}, g.last_day AS last_sale_day, {gap_values}"
        f" FROM (SELECT customer_id, {sums}"
        f" FROM receipt WHERE {which} GROUP BY customer_id) AS a"
        f" LEFT JOIN (SELECT customer_id, MAX(d) AS last_day, {gap_sums}"
        f" FROM (SELECT customer_id, d, d - LAG(d) OVER (PARTITION BY customer_id ORDER BY d) AS gap"
        f" FROM (SELECT DISTINCT customer_id, {d.day('at')} AS d FROM receipt WHERE {which} AND kind = 'sale') AS days) AS gaps"
        f" GROUP BY customer_id) AS g ON g.customer_id = a.customer_id"
    )


def customer_refresh(d: Dialect, customer: str) -> list[str]:
    return [
        f"DELETE FROM customer_sales WHERE customer_id = {customer}",
        customer_fill(d, f"customer_id = {customer}"),
    ]


def customer_step(d: Dialect, day: str) -> list[str]:
    """One new receipt NEW (not a sale dated before the last sale day) added to its customer."""
    sale = "NEW.kind = 'sale'"
    gap = f"({day} - customer_sales.last_sale_day)"
    steps = ", ".join(
        f"{c} = customer_sales.{c} + CASE WHEN {sale} AND customer_sales.last_sale_day IS NOT NULL THEN {s} ELSE 0 END"
        for s, c in zip(_bucket_sums(gap), GAP_COLUMNS)
    )
    zeros = ", ".join("0" for _c in CUSTOMER_FIGURES)
    gap_zeros = ", ".join("0" for _c in GAP_COLUMNS)
    adds = ", ".join(f"{c} = customer_sales.{c} + ({figure('NEW.')})" for c, figure in CUSTOMER_FIGURES.items())
    return [
        f"INSERT INTO customer_sales ({SALES_COLUMNS}) VALUES (NEW.customer_id, {zeros}, NULL, {gap_zeros})"
        " ON CONFLICT (customer_id) DO NOTHING",
        f"UPDATE customer_sales SET {adds}, {steps},"
        f" last_sale_day = CASE WHEN {sale} AND (customer_sales.last_sale_day IS NULL OR {day} > customer_sales.last_sale_day)"
        f" THEN {day} ELSE customer_sales.last_sale_day END"
        " WHERE customer_id = NEW.customer_id",
    ]


def sqlite_statements() -> list[str]:
    d = Dialect(postgres=False)
    day = d.day("NEW.at")
    late = (
        f"NEW.customer_id IS NOT NULL AND NEW.kind = 'sale' AND {day} <"
        f" IFNULL((SELECT last_sale_day FROM customer_sales WHERE customer_id = NEW.customer_id), {day})"
    )

    def body(statements):
        return " BEGIN " + "; ".join(statements) + "; END"

    return [
        "CREATE TRIGGER receipt_sums_insert AFTER INSERT ON receipt" + body([hour_upsert(d, "NEW.", "1")]),
        f"CREATE TRIGGER receipt_sums_insert_customer AFTER INSERT ON receipt WHEN NEW.customer_id IS NOT NULL AND NOT ({late})"
        + body(customer_step(d, day)),
        f"CREATE TRIGGER receipt_sums_insert_late AFTER INSERT ON receipt WHEN {late}"
        + body(customer_refresh(d, "NEW.customer_id")),
        "CREATE TRIGGER receipt_sums_delete AFTER DELETE ON receipt"
        + body([hour_upsert(d, "OLD.", "-1"), *customer_refresh(d, "OLD.customer_id")]),
        f"CREATE TRIGGER receipt_sums_update AFTER UPDATE OF {TRACKED} ON receipt"
        + body(
            [
                hour_upsert(d, "OLD.", "-1"),
                hour_upsert(d, "NEW.", "1"),
                *customer_refresh(d, "OLD.customer_id"),
                *customer_refresh(d, "NEW.customer_id"),
            ]
        ),
    ]


def postgres_statements() -> list[str]:
    d = Dialect(postgres=True)
    refresh = "; ".join(customer_refresh(d, "c"))
    step = "; ".join(customer_step(d, "d"))
    return [
        "CREATE OR REPLACE FUNCTION shoptui_customer_sales_refresh(c BIGINT) RETURNS void AS $$"
        f" BEGIN {refresh}; END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION shoptui_receipt_sums() RETURNS trigger AS $$"
        " DECLARE d INTEGER; last_day INTEGER;"
        " BEGIN"
        f" IF TG_OP IN ('DELETE', 'UPDATE') THEN {hour_upsert(d, 'OLD.', '-1')};"
        "  IF OLD.customer_id IS NOT NULL THEN PERFORM shoptui_customer_sales_refresh(OLD.customer_id); END IF;"
        " END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {hour_upsert(d, 'NEW.', '1')}; END IF;"
        " IF TG_OP = 'UPDATE' AND NEW.customer_id IS NOT NULL THEN"
        "  PERFORM shoptui_customer_sales_refresh(NEW.customer_id);"
        " END IF;"
        " IF TG_OP = 'INSERT' AND NEW.customer_id IS NOT NULL THEN"
        f"  d := {d.day('NEW.at')};"
        "  SELECT last_sale_day INTO last_day FROM customer_sales WHERE customer_id = NEW.customer_id;"
        "  IF NEW.kind = 'sale' AND last_day IS NOT NULL AND d < last_day THEN"
        "   PERFORM shoptui_customer_sales_refresh(NEW.customer_id);"
        f"  ELSE {step}; END IF;"
        " END IF;"
        " RETURN NULL;"
        " END $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER receipt_sums AFTER INSERT OR DELETE OR UPDATE OF {TRACKED} ON receipt"
        " FOR EACH ROW EXECUTE PROCEDURE shoptui_receipt_sums()",
    ]


def hour_select(d: Dialect) -> str:
    """The receipt_hour rows the receipts give (columns in HOUR_COLUMNS order); check.py compares."""
    sums = ", ".join(f"SUM({figure('')}) AS {c}" for c, figure in HOUR_FIGURES.items())
    return f"SELECT store_id, {d.hour('at')} AS hour, {sums} FROM receipt GROUP BY store_id, {d.hour('at')}"


def fill_statements(d: Dialect) -> list[str]:
    return [
        f"INSERT INTO receipt_hour ({HOUR_COLUMNS}) " + hour_select(d),
        customer_fill(d, "customer_id IS NOT NULL"),
    ]


def up(migrator, db):
    class Store(Model):
        class Meta:
            database = db
            table_name = "store"

    class Customer(Model):
        class Meta:
            database = db
            table_name = "customer"

    class ReceiptHour(Model):
        store = ForeignKeyField(Store, on_delete="CASCADE")
        hour = DateTimeField()
        receipts = IntegerField(default=0)
        sales = IntegerField(default=0)
        identified = IntegerField(default=0)
        revenue = BigIntegerField(default=0)
        subtotal = BigIntegerField(default=0)
        discount = BigIntegerField(default=0)
        discounted = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "receipt_hour"
            indexes = ((("store", "hour"), True), (("hour",), False))

    class CustomerSales(Model):
        customer = ForeignKeyField(Customer, primary_key=True, on_delete="CASCADE")
        receipts = IntegerField(default=0)
        sales = IntegerField(default=0)
        net = BigIntegerField(default=0)
        list_price = BigIntegerField(default=0)
        discount = BigIntegerField(default=0)
        last_sale_day = IntegerField(null=True)
        gaps_1 = IntegerField(default=0)
        gaps_2_3 = IntegerField(default=0)
        gaps_4_7 = IntegerField(default=0)
        gaps_8_14 = IntegerField(default=0)
        gaps_15_30 = IntegerField(default=0)
        gaps_31_60 = IntegerField(default=0)
        gaps_61_90 = IntegerField(default=0)
        gaps_91 = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "customer_sales"

    db.create_tables([ReceiptHour, CustomerSales])
    postgres = isinstance(db, PostgresqlDatabase)
    for statement in fill_statements(Dialect(postgres)):
        db.execute_sql(statement)
    for statement in postgres_statements() if postgres else sqlite_statements():
        db.execute_sql(statement)


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS receipt_sums ON receipt")
        db.execute_sql("DROP FUNCTION IF EXISTS shoptui_receipt_sums()")
        db.execute_sql("DROP FUNCTION IF EXISTS shoptui_customer_sales_refresh(BIGINT)")
    else:
        for name in ("insert", "insert_customer", "insert_late", "delete", "update"):
            db.execute_sql(f"DROP TRIGGER IF EXISTS receipt_sums_{name}")
    db.execute_sql("DROP TABLE IF EXISTS customer_sales")
    db.execute_sql("DROP TABLE IF EXISTS receipt_hour")
