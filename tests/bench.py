"""``make bench``: the program at the size of a real chain, measured.

    make bench                                   # 1,000,000 customers, 10,000,000 receipts
    make bench ARGS="--customers 100000 --receipts 1000000"

The data set is generated once into a cache file (raw executemany: generating ten
million rows through the ORM would take longer than everything measured) and reused.
The directory's word index (migration 0002) is filled by its triggers as rows go in.
Each measurement prints its median and worst time; nothing here is a pass/fail test.
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

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Thị", "Văn", "Ngọc", "Minh", "Đức", "Thu", "Quang", "Hữu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hồng", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam", "Ngân", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]
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
    store = ensure_main_store()
    database.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    now = "2026-01-01 00:00:00"
    t0 = time.perf_counter()
    batch = []
    cards = []
    for i in range(1, customers + 1):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        code = f"KH{i:07d}"
        phone = f"+849{rng.randrange(10**8):08d}"
        birthday = dt.date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28)) if rng.random() < 0.7 else None
        registered = START + dt.timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(600))
        batch.append((
            code, name, f"{fold(name)} {code.lower()}", phone, "0" + phone[3:], phone[1:][::-1],
            rng.choice(["female", "male", None]), birthday and birthday.isoformat(),
            birthday and birthday.month * 100 + birthday.day, "", "", "", "", "active",
            registered.isoformat(" "), store.id, 0, rng.random() < 0.8, rng.random() < 0.3,
            rng.random() < 0.2, rng.random() < 0.1, "", 0, 0, 0, now,
        ))
        cards.append((ean13(f"2{i:011d}"), "loyalty", now))
        if len(batch) == 50_000:
            _flush_customers(conn, batch, cards)
    _flush_customers(conn, batch, cards)
    conn.execute(
        "INSERT INTO card_binding (card_id, customer_id, bound_at) SELECT id, id, created_at FROM card"
    )
    conn.commit()
    print(f"  {customers:,} customers in {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    # A few regulars buy often, most buy once or twice; a third of receipts are anonymous.
    weights_cut = max(1, customers // 20)
    rows = []
    for n in range(1, receipts + 1):
        r = rng.random()
        if r < 0.33:
            customer = None
        elif r < 0.66:
            customer = 1 + rng.randrange(weights_cut)
        else:
            customer = 1 + rng.randrange(customers)
        at = START + dt.timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(8 * 3600, 21 * 3600))
        total = rng.randrange(10, 2000) * 1000
        rows.append((store.id, f"B{n:09d}", "sale", at.isoformat(" "), customer, total, 0, total, 0, 0, "import", now))
        if len(rows) == 100_000:
            _flush_receipts(conn, rows)
    _flush_receipts(conn, rows)
    conn.execute(
        "UPDATE customer SET total_sales = s.total, last_purchase_at = s.last FROM "
        "(SELECT customer_id, SUM(total) AS total, MAX(at) AS last FROM receipt WHERE customer_id IS NOT NULL GROUP BY customer_id) AS s "
        "WHERE customer.id = s.customer_id"
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    print(f"  {receipts:,} receipts in {time.perf_counter() - t0:.0f} s", flush=True)


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
    print(f"{label:<48} median {statistics.median(times):9.1f} ms   worst {max(times):9.1f} ms   (n={repeat}){cold}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--receipts", type=int, default=10_000_000)
    parser.add_argument("--only", choices=("search",), help="measure only the scan and the directory's search")
    parser.add_argument("--cache", default=os.environ.get("SHOPTUI_BENCH_DIR", str(Path.home() / ".cache" / "shoptui-bench")))
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
    database = dbmod.open_database(str(path))
    from shoptui.services import cards, settings

    settings.ensure_defaults()
    rng = random.Random(1)
    print(f"shoptui benchmark on {args.customers:,} customers and {args.receipts:,} receipts ({sys.platform}, {os.cpu_count()} cores)")
    timed("scan: card barcode -> customer", lambda i: cards.resolve_scan(ean13(f"2{1 + rng.randrange(args.customers):011d}")), 200)
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
            timed(f"search 'nguyen thi hong' by {key}",
                  lambda i, o=order: directory.search("nguyen thi hong", limit=50, sort=o), 5, warm_up=True)
        timed("search 'nguyen' by debt (a broad match: no index)",
              lambda i: directory.search("nguyen", limit=50, sort=directory.Sort("debt", True)), 3, warm_up=True)
    try:
        from shoptui.reports.portrait import portrait
        from shoptui.reports.query import ReportQuery
    except ImportError:
        portrait = None
    if portrait is not None and args.only != "search":
        timed("report portrait (all time, as of 2026-01-01)", lambda i: portrait(ReportQuery(as_of=dt.date(2026, 1, 1))), 3)
    database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
