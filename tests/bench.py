"""``make bench``: the program at the size of a real chain, measured.

    make bench                                   # 1,000,000 customers, 10,000,000 receipts
    make bench ARGS="--customers 100000 --receipts 1000000"
    make bench ARGS="--only reports --reports portrait,rfm --repeat 5"

The data set is generated once into a cache file (raw executemany: generating ten
million rows through the ORM would take longer than everything measured) and reused
(``--cache`` or SHOPTUI_BENCH_DIR picks the folder). Receipts go in day by day in time
order, as a till writes them; lines, ledgers, door counts and survey answers are
derived from them by SQL. The directory's word index (migration 0002) is filled by its
triggers as rows go in; a cached file is migrated to the current schema when opened.

Searches print their median and worst time. Reports print a table: median and worst
of ``--repeat`` runs against the goal (portrait < 3 s, the others < 10 s); the exit
status is 1 when a report misses its goal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from shoptui import db as dbmod
from shoptui.textfold import fold

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Thị", "Văn", "Ngọc", "Minh", "Đức", "Thu", "Quang", "Hữu"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hồng",
    "Hùng",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quân",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]
START = dt.datetime(2024, 1, 1, 8)
DAYS = 700


def ean13(body: str) -> str:
    digits = [int(c) for c in body]
    check = (10 - (sum(digits[0::2]) + 3 * sum(digits[1::2])) % 10) % 10
    return body + str(check)


def generate(path: Path, customers: int, receipts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    database = dbmod.open_database(str(path))
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    settings.ensure_defaults()
    settings.set_value("points_expiry_days", "365")  # so that the points report has expiries to compute
    store = ensure_main_store()
    database.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    # A big page cache and a commit per batch (so the WAL is checkpointed as it goes): the
    # first 10 M build, one transaction with the default cache, wrote 34 GB for a 6 GB file.
    conn.execute("PRAGMA cache_size=-1000000")
    now = "2026-01-01 00:00:00"
    t0 = time.perf_counter()
    batch = []
    cards = []
    for i in range(1, customers + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        code = f"KH{i:07d}"
        phone = f"+849{rng.randrange(10**8):08d}"
        birthday = (
            dt.date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28))
            if rng.random() < 0.7
            else None
        )
        registered = START + dt.timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(600))
        batch.append(
            (
                code,
                name,
                f"{fold(name)} {code.lower()}",
                phone,
                "0" + phone[3:],
                phone[1:][::-1],
                rng.choice(["female", "male", None]),
                birthday and birthday.isoformat(),
                birthday and birthday.month * 100 + birthday.day,
                "",
                "",
                "",
                "",
                "active",
                registered.isoformat(" "),
                store.id,
                0,
                rng.random() < 0.8,
                rng.random() < 0.3,
                rng.random() < 0.2,
                rng.random() < 0.1,
                "",
                0,
                0,
                0,
                now,
            )
        )
        cards.append((ean13(f"2{i:011d}"), "loyalty", now))
        if len(batch) == 50_000:
            _flush_customers(conn, batch, cards)
    _flush_customers(conn, batch, cards)
    conn.execute("INSERT INTO card_binding (card_id, customer_id, bound_at) SELECT id, id, created_at FROM card")
    conn.commit()
    print(f"  {customers:,} customers in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    # A few regulars buy often, most buy once or twice; a third of receipts are anonymous.
    weights_cut = max(1, customers // 20)
    rows = []
    n = 0
    # Receipts go in day by day, in time order, as a till writes them: the rowid order
    # follows time, which is what the (at) index and every scan of a real shop see.
    for day in range(DAYS):
        count = receipts * (day + 1) // DAYS - receipts * day // DAYS
        midnight = START.replace(hour=0) + dt.timedelta(days=day)
        for second in sorted(rng.randrange(8 * 3600, 21 * 3600) for _ in range(count)):
            n += 1
            r = rng.random()
            if r < 0.33:
                customer = None
            elif r < 0.66:
                customer = 1 + rng.randrange(weights_cut)
            else:
                customer = 1 + rng.randrange(customers)
            at = midnight + dt.timedelta(seconds=second)
            subtotal = rng.randrange(10, 2000) * 1000
            # One receipt in ten carries a discount (the discounts report has work to do).
            discount = subtotal // 20 if rng.random() < 0.1 else 0
            total = subtotal - discount
            rows.append(
                (
                    store.id,
                    f"B{n:09d}",
                    "sale",
                    at.isoformat(" "),
                    customer,
                    subtotal,
                    discount,
                    total,
                    0,
                    0,
                    "import",
                    now,
                )
            )
            if len(rows) == 100_000:
                _flush_receipts(conn, rows)
    _flush_receipts(conn, rows)
    print(f"  {receipts:,} receipts in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    fill_around_receipts(conn)
    print(f"  lines, ledgers, visits and answers in {time.perf_counter() - t0:.0f} s", flush=True)
    conn.execute(
        "UPDATE customer SET total_sales = s.total, last_purchase_at = s.last FROM "
        "(SELECT customer_id, SUM(total) AS total, MAX(at) AS last FROM receipt WHERE customer_id IS NOT NULL GROUP BY customer_id) AS s "
        "WHERE customer.id = s.customer_id"
    )
    conn.execute(
        "UPDATE customer SET points_balance = s.points FROM "
        "(SELECT customer_id, SUM(points) AS points FROM points_entry GROUP BY customer_id) AS s "
        "WHERE customer.id = s.customer_id"
    )
    conn.execute(
        "UPDATE customer SET debt_balance = s.amount FROM "
        "(SELECT customer_id, SUM(amount) AS amount FROM debt_entry GROUP BY customer_id) AS s "
        "WHERE customer.id = s.customer_id"
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def fill_around_receipts(conn) -> None:
    """What the other reports read, derived from the receipts by SQL (in time order too):
    a line of one of 10 products on a quarter of the receipts (every eighth line with a
    line discount), points earned on every identified receipt and redeemed on some, a
    credit sale on one identified receipt in 50 and a payment of half of them, the door
    counter's hourly visitors, and two survey questions answered by some customers."""
    conn.executemany(
        "INSERT INTO product (sku, name, \"group\", price) VALUES (?, ?, '', ?)",
        [(f"P{i}", f"Product {i}", 1000 * (i + 1)) for i in range(10)],
    )
    conn.execute(
        "INSERT INTO receipt_line (receipt_id, position, product_id, sku, name, qty, unit_price, line_discount, amount)"
        " SELECT r.id, 1, p.id, p.sku, p.name, 1, r.subtotal, CASE WHEN r.id % 8 = 0 THEN 1000 ELSE 0 END,"
        " r.subtotal - CASE WHEN r.id % 8 = 0 THEN 1000 ELSE 0 END"
        " FROM receipt r JOIN product p ON p.sku = 'P' || (r.id % 10) WHERE r.id % 4 = 0"
    )
    conn.execute(
        "INSERT INTO points_entry (customer_id, at, kind, points, receipt_id, reason)"
        " SELECT customer_id, at, 'earn', total / 10000, id, '' FROM receipt WHERE customer_id IS NOT NULL"
        " UNION ALL SELECT customer_id, at, 'redeem', -(total / 40000), id, '' FROM receipt"
        " WHERE customer_id IS NOT NULL AND id % 5 = 0 AND total >= 40000 ORDER BY 2"
    )
    conn.execute(
        "INSERT INTO debt_entry (customer_id, at, kind, amount, receipt_id, reason)"
        " SELECT customer_id, at, 'credit_sale', total, id, '' FROM receipt WHERE customer_id IS NOT NULL AND id % 50 = 0"
        " UNION ALL SELECT customer_id, datetime(at, '+20 days'), 'payment', -total, NULL, '' FROM receipt"
        " WHERE customer_id IS NOT NULL AND id % 100 = 0 ORDER BY 2"
    )
    conn.execute(
        "WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < ? * 24 - 1)"
        " INSERT INTO visit_count (store_id, hour, source, visitors_in, visitors_out, updated_at)"
        " SELECT 1, datetime(?, '+' || n || ' hours'), 'counter:door', 40 + n % 17, 0, '2026-01-01 00:00:00'"
        " FROM h WHERE n % 24 BETWEEN 8 AND 20",
        (DAYS, START.date().isoformat()),
    )
    for position, (text, kind, choices) in enumerate((("Source?", "choice", "a\nb\nc"), ("Wish?", "text", "")), 1):
        conn.execute(
            "INSERT INTO survey_question (text, kind, choices, target, ask_at_card_read, active, position, created_at)"
            " VALUES (?, ?, ?, 'new', 0, 1, ?, '2024-01-01 00:00:00')",
            (text, kind, choices, position),
        )
    conn.execute(
        "INSERT INTO survey_answer (question_id, customer_id, answer, at) SELECT 1, id,"
        " CASE id % 3 WHEN 0 THEN 'a' WHEN 1 THEN 'b' ELSE 'c' END, registered_at FROM customer WHERE id % 3 = 0"
    )
    conn.execute(
        "INSERT INTO survey_answer (question_id, customer_id, answer, at)"
        " SELECT 2, id, 'wish ' || (id % 50), registered_at FROM customer WHERE id % 10 = 0"
    )


def _flush_customers(conn, batch, cards):
    conn.executemany(
        "INSERT INTO customer (code, name, search_key, phone, phone_typed, phone_rev, gender, birthday, birthday_md,"
        " email, company, address, area, status, registered_at, store_id, discount_bp, consent_sms, consent_zalo,"
        " consent_facebook, consent_email, notes, points_balance, debt_balance, total_sales, updated_at)"
        " VALUES (" + ",".join("?" * 26) + ")",
        batch,
    )
    conn.executemany("INSERT INTO card (barcode, kind, created_at) VALUES (?, ?, ?)", cards)
    batch.clear()
    cards.clear()


def _flush_receipts(conn, rows):
    conn.executemany(
        "INSERT INTO receipt (store_id, number, kind, at, customer_id, subtotal, discount, total, points_earned,"
        " points_redeemed, source, created_at) VALUES (" + ",".join("?" * 12) + ")",
        rows,
    )
    conn.commit()
    rows.clear()


def timed(label: str, fn, repeat: int, warm_up: bool = False) -> None:
    """Median and worst of ``repeat`` runs; with ``warm_up`` one run before, shown apart as "cold"."""
    cold = ""
    if warm_up:
        t0 = time.perf_counter()
        fn(-1)
        cold = f"   cold {(time.perf_counter() - t0) * 1000:7.1f} ms"
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"{label:<48} median {statistics.median(times):9.1f} ms   worst {max(times):9.1f} ms   (n={repeat}){cold}",
        flush=True,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--receipts", type=int, default=10_000_000)
    parser.add_argument(
        "--only",
        choices=("search", "reports"),
        help="measure only the scan and the directory's search, or only the reports",
    )
    parser.add_argument("--reports", help="comma-separated report names to time (default: every report)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each report (the median is shown)")
    parser.add_argument(
        "--warm-up",
        action="store_true",
        help="before the first search, warm the caches as the app does at start (directory.warm_up)",
    )
    parser.add_argument(
        "--cache", default=os.environ.get("SHOPTUI_BENCH_DIR", str(Path.home() / ".cache" / "shoptui-bench"))
    )
    args = parser.parse_args(argv)
    path = Path(args.cache) / f"bench-{args.customers}-{args.receipts}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        print(f"generating {path} (once)", flush=True)
        tmp = path.with_suffix(".partial")
        for leftover in path.parent.glob(tmp.name + "*"):
            leftover.unlink()
        generate(tmp, args.customers, args.receipts)
        tmp.rename(path)
    t0 = time.perf_counter()
    database = dbmod.open_database(str(path))  # a cached file gets the migrations added since
    opened = time.perf_counter() - t0
    from shoptui.services import cards, settings

    settings.ensure_defaults()
    rng = random.Random(1)
    print(
        f"shoptui benchmark on {args.customers:,} customers and {args.receipts:,} receipts ({sys.platform}, {os.cpu_count()} cores)"
    )
    print(f"opened and migrated in {opened:.1f} s", flush=True)
    if args.only != "reports":
        time_first_search(args.warm_up)
    if args.only == "reports":
        failed = time_reports(args.repeat, args.reports)
        database.close()
        return 1 if failed else 0
    timed(
        "scan: card barcode -> customer",
        lambda i: cards.resolve_scan(ean13(f"2{1 + rng.randrange(args.customers):011d}")),
        200,
    )
    try:
        from shoptui.services import directory
    except ImportError:
        directory = None
    if directory is not None:
        middle = 1 + args.customers // 2
        searches = (
            ("search: name words", "nguyen thi hong"),
            ("search: name words, other order", "hong nguyen"),
            ("search: common prefix", "ng"),
            ("search: common word", "nguyen"),
            ("search: one letter", "t"),
            ("search: last phone digits", "5678"),
            ("search: full phone", "0912345678"),
            ("search: phone in E.164", "+84 912 345 678"),
            ("search: code", f"KH{middle:07d}"),
            ("search: card barcode", ean13(f"2{middle:011d}")),
            ("search: nobody", "zzzz"),
        )
        for label, text in searches:
            timed(f"{label} ({text!r}), first page", lambda i, t=text: directory.search(t, limit=50), 20, warm_up=True)
        sorts = (("debt", True), ("points", True), ("name", True))
        for key, descending in sorts:
            order = directory.Sort(key, descending)
            timed(
                f"search 'nguyen thi hong' by {key}",
                lambda i, o=order: directory.search("nguyen thi hong", limit=50, sort=o),
                5,
                warm_up=True,
            )
        timed(
            "search 'nguyen' by debt (a broad match: no index)",
            lambda i: directory.search("nguyen", limit=50, sort=directory.Sort("debt", True)),
            3,
            warm_up=True,
        )
    failed = time_reports(args.repeat, args.reports) if args.only != "search" else 0
    database.close()
    return 1 if failed else 0


def time_first_search(warm_up: bool) -> None:
    """The cashier's first search after the app opened the file, before anything else has
    read it. For a cold number empty the OS cache first (as root:
    ``sync; echo 1 > /proc/sys/vm/drop_caches``); ``warm_up`` does what the app does at start."""
    from shoptui.services import directory

    if warm_up:
        t0 = time.perf_counter()
        directory.warm_up()
        print(
            f"{'warm-up (the app runs it in a worker at start)':<48} {(time.perf_counter() - t0) * 1000:9.1f} ms",
            flush=True,
        )
    t0 = time.perf_counter()
    directory.search("nguyen thi hong", limit=50)
    label = "first search after opening" + (", warmed up" if warm_up else "")
    print(f"{label + ' (nguyen thi hong)':<48} {(time.perf_counter() - t0) * 1000:9.1f} ms", flush=True)


# (report, label, goal in seconds, options, period): the goals, portrait < 3 s, others < 10 s.
AS_OF = dt.date(2026, 1, 1)
MONTH = (dt.date(2025, 11, 1), dt.date(2025, 11, 30))
REPORT_CASES = (
    ("portrait", "all time", 3.0, {}, None),
    ("portrait", "one month", 3.0, {}, MONTH),
    ("conversion", "by day, all time", 10.0, {}, None),
    ("conversion", "by hour, one month", 10.0, {"by": "hour"}, MONTH),
    ("rfm", "all time", 10.0, {}, None),
    ("winback", "factor 2", 10.0, {}, None),
    ("birthdays", "next 7 days", 10.0, {}, None),
    ("debtors", "", 10.0, {}, None),
    ("points", "expiry 365 days", 10.0, {}, None),
    ("buyers", "--product P4, all time", 10.0, {"product": "P4"}, None),
    ("discounts", "all time", 10.0, {}, None),
    ("discounts", "one month", 10.0, {}, MONTH),
    ("surveys", "all time", 10.0, {}, None),
)


def time_reports(repeat: int, only: str | None) -> int:
    """Each report ``repeat`` times, as of 2026-01-01; a table of medians against the goals."""
    from shoptui.reports import load
    from shoptui.reports.query import ReportQuery

    wanted = {name.strip() for name in only.split(",")} if only else None
    print(f"\nreports as of {AS_OF} (median of {repeat}; load before: {_load()})", flush=True)
    print(f"{'report':<44} {'median s':>9} {'worst s':>8} {'goal s':>7}  result", flush=True)
    failed = 0
    for name, label, goal, options, period in REPORT_CASES:
        if wanted and name not in wanted:
            continue
        build = load(name).build
        date_from, date_to = period or (None, None)
        times = []
        for _ in range(repeat):
            query = ReportQuery(as_of=AS_OF, date_from=date_from, date_to=date_to, options=dict(options))
            t0 = time.perf_counter()
            build(query)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        ok = median < goal
        failed += not ok
        title = f"{name} ({label})" if label else name
        print(f"{title:<44} {median:9.2f} {max(times):8.2f} {goal:7.0f}  {'pass' if ok else 'FAIL'}", flush=True)
    print(f"load after: {_load()}", flush=True)
    return failed


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
