"""The month export measured: peak memory and rows per second at a given number of
receipt lines, against bare openpyxl write-only writing the same styled cells.

    .venv/bin/python -m tests.bench_export --lines 100000
    .venv/bin/python -m tests.bench_export --lines 1000000

A shop with one month (March 2025) of ``--lines`` receipt lines is generated once into
a cache file (peewee ``insert_many`` in large batches), then each measurement runs in its
own process, so that its peak resident memory is its own:

- ``export``: ``shoptui.io.month_export.export_month`` (every sheet, the receipts journal
  the long one), reading the database in chunks;
- ``bare``: openpyxl in write-only mode writing as many rows of the journal's shape
  (the same 18 columns, the same value types and number formats, a bold header) from
  values made in memory one row at a time: the cost of writing the cells alone.

It prints peak RSS (and the RSS the process started the work with), wall and CPU
seconds, journal rows per CPU second, and the ratio export/bare of rows per second (by
CPU time, which a busy machine disturbs less than the wall clock). Not a pass/fail test.
The export writes every other sheet too, and the bare writer only the journal: the
ratio counts what the whole workbook costs per journal row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

MONTH = "2025-03"
START = dt.datetime(2025, 3, 1)
DAYS = 31
BATCH = 20_000
INSERT_ROWS = 1_500  # rows of one INSERT: SQLite takes at most 32,766 values a statement


def rss_mb() -> float:
    """Peak resident memory of this process so far.

    Linux: VmHWM, the high-water mark of this program's own memory (getrusage's
    ru_maxrss would also carry the peak of the parent that forked it).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def current_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1024 / 1024


# -- the shop -------------------------------------------------------------------------------------


def generate(path: Path, lines: int, seed: int = 11) -> None:
    """A month of ``lines`` receipt lines: ~3 a receipt, two thirds with a customer, 4% returns,
    5% partly on credit (debt entries), points earned on identified sales, hourly visitors."""
    from shoptui import db as dbmod
    from shoptui.models import Customer, DebtEntry, Payment, PointsEntry, Receipt, ReceiptLine, VisitCount
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store
    from shoptui.textfold import fold

    rng = random.Random(seed)
    database = dbmod.open_database(str(path))
    settings.ensure_defaults()
    store = ensure_main_store()
    now = dt.datetime(2025, 4, 1)
    customers = max(1_000, lines // 30)
    t0 = time.perf_counter()
    with database.atomic():
        rows = []
        for i in range(1, customers + 1):
            registered = (
                START - dt.timedelta(days=rng.randrange(400))
                if rng.random() > 0.05
                else START + dt.timedelta(days=rng.randrange(DAYS))
            )
            name = f"Khách {i}"
            rows.append(
                {
                    "code": f"KH{i:07d}",
                    "name": name,
                    "search_key": fold(name),
                    "phone": f"+849{i:08d}",
                    "phone_typed": f"09{i:08d}",
                    "phone_rev": f"849{i:08d}"[::-1],
                    "status": "active",
                    "registered_at": registered,
                    "store": store.id,
                    "updated_at": now,
                }
            )
        for start in range(0, len(rows), INSERT_ROWS):
            Customer.insert_many(rows[start : start + INSERT_ROWS]).execute()
    receipts, line_rows, payments, points, debts = [], [], [], [], []
    made = 0
    number = 0
    sales: list[tuple[int, int | None, int]] = []
    next_id = 1

    def flush() -> None:
        with database.atomic():
            for model, batch in (
                (Receipt, receipts),
                (ReceiptLine, line_rows),
                (Payment, payments),
                (PointsEntry, points),
                (DebtEntry, debts),
            ):
                for start in range(0, len(batch), INSERT_ROWS):
                    model.insert_many(batch[start : start + INSERT_ROWS]).execute()
                batch.clear()

    while made < lines:
        number += 1
        rid = next_id
        next_id += 1
        at = START + dt.timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(8 * 3600, 21 * 3600))
        customer = 1 + rng.randrange(customers) if rng.random() < 0.66 else None
        if sales and rng.random() < 0.04:
            sale_id, sale_customer, sale_total = sales[rng.randrange(len(sales))]
            amount = max(1, sale_total // 4)
            receipts.append(
                {
                    "id": rid,
                    "store": store.id,
                    "number": f"R{number:08d}",
                    "kind": "return",
                    "return_of": sale_id,
                    "at": at,
                    "customer": sale_customer,
                    "subtotal": amount,
                    "total": amount,
                    "source": "import",
                    "created_at": now,
                }
            )
            made += 1  # a return is one row of the journal
            continue
        count = min(1 + rng.randrange(5), lines - made)
        total = 0
        for position in range(1, count + 1):
            qty = Decimal(1 + rng.randrange(3)) if rng.random() < 0.9 else Decimal("0.5")
            price = rng.randrange(5, 300) * 1000
            amount = int(qty * price)
            total += amount
            line_rows.append(
                {
                    "receipt": rid,
                    "position": position,
                    "sku": f"SP{rng.randrange(2000):05d}",
                    "name": f"Sản phẩm {rng.randrange(2000)}",
                    "qty": qty,
                    "unit_price": price,
                    "amount": amount,
                }
            )
        made += count
        receipts.append(
            {
                "id": rid,
                "store": store.id,
                "number": f"R{number:08d}",
                "kind": "sale",
                "at": at,
                "customer": customer,
                "subtotal": total,
                "total": total,
                "source": "import",
                "created_at": now,
            }
        )
        credit = total // 2 if customer is not None and rng.random() < 0.05 else 0
        payments.append({"receipt": rid, "method": "cash", "amount": total - credit})
        if credit:
            payments.append({"receipt": rid, "method": "credit", "amount": credit})
            debts.append({"customer": customer, "at": at, "kind": "credit_sale", "amount": credit, "receipt": rid})
        if customer is not None:
            points.append({"customer": customer, "at": at, "kind": "earn", "points": total // 10_000, "receipt": rid})
            sales.append((rid, customer, total))
            if len(sales) > 10_000:
                sales.pop(0)
        if len(receipts) >= BATCH:
            flush()
    flush()
    with database.atomic():
        hours = [
            {
                "store": store.id,
                "hour": START + dt.timedelta(days=d, hours=h),
                "source": "import",
                "visitors_in": rng.randrange(5, 60),
                "visitors_out": 0,
                "updated_at": now,
            }
            for d in range(DAYS)
            for h in range(8, 21)
        ]
        for start in range(0, len(hours), INSERT_ROWS):
            VisitCount.insert_many(hours[start : start + INSERT_ROWS]).execute()
    database.execute_sql("ANALYZE")
    database.close()
    print(
        f"  generated {lines:,} lines ({number:,} receipts, {customers:,} customers) in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


# -- the two measurements, each in its own process --------------------------------------------------


def run_export(db: Path, out: Path) -> dict:
    from shoptui import db as dbmod
    from shoptui.io.month_export import export_month
    from shoptui.services import settings

    dbmod.open_database(str(db))
    settings.ensure_defaults()
    start_rss = current_rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = export_month(MONTH, out)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": result.rows,
        "start_rss_mb": start_rss,
        "peak_rss_mb": rss_mb(),
        "size_mb": out.stat().st_size / 1024 / 1024,
    }


def run_bare(rows: int, out: Path) -> dict:
    """openpyxl alone: the journal's cells, styled as openpyxl's documentation shows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    start_rss = current_rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    book = Workbook(write_only=True)
    ws = book.create_sheet("Receipts")
    for letter in "ABCDEFGHIJKLMNOPQR":
        ws.column_dimensions[letter].width = 14
    ws.freeze_panes = "A2"
    header = []
    for title in (
        "Receipt no",
        "Date time",
        "Kind",
        "Return of",
        "Store",
        "Customer",
        "Customer name",
        "Cashier",
        "Total",
        "Discount",
        "Paid credit",
        "Points redeemed",
        "SKU",
        "Product",
        "Qty",
        "Price",
        "Line discount",
        "Line amount",
    ):
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)

    def styled(value, fmt):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = fmt
        return cell

    rng = random.Random(3)
    at = START
    for n in range(rows):
        at += dt.timedelta(seconds=7)
        total = rng.randrange(5, 900) * 1000
        ws.append(
            [
                f"R{n // 3:08d}",
                styled(at, "yyyy-mm-dd hh:mm"),
                "sale",
                None,
                "MAIN",
                f"KH{n % 30000:07d}",
                f"Khách {n % 30000}",
                None,
                styled(total, "#,##0"),
                styled(0, "#,##0"),
                None,
                None,
                f"SP{n % 2000:05d}",
                f"Sản phẩm {n % 2000}",
                Decimal(1 + n % 3),
                styled(total // 3, "#,##0"),
                styled(0, "#,##0"),
                styled(total // 3, "#,##0"),
            ]
        )
    ws.auto_filter.ref = f"A1:R{rows + 1}"
    book.save(out)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "seconds": seconds,
        "cpu": cpu,
        "rows": rows,
        "start_rss_mb": start_rss,
        "peak_rss_mb": rss_mb(),
        "size_mb": out.stat().st_size / 1024 / 1024,
    }


def child(mode: str, **arguments) -> dict:
    command = [sys.executable, "-m", "tests.bench_export", "--child", mode]
    for key, value in arguments.items():
        command += [f"--{key}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench_export")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument(
        "--cache", default=os.environ.get("SHOPTUI_BENCH_DIR", str(Path.home() / ".cache" / "shoptui-bench"))
    )
    parser.add_argument("--child", choices=("export", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "export":
        print(json.dumps(run_export(Path(args.db), Path(args.out))))
        return 0
    if args.child == "bare":
        print(json.dumps(run_bare(args.rows, Path(args.out))))
        return 0
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"month-{args.lines}.sqlite"
    if not db.exists():
        print(f"generating {db} (once)", flush=True)
        partial = db.with_name(db.name + ".partial")
        for leftover in cache.glob(partial.name + "*"):
            leftover.unlink()
        generate(partial, args.lines)
        partial.rename(db)
    export = child("export", db=db, out=cache / "month.xlsx")
    bare = child("bare", rows=export["rows"], out=cache / "bare.xlsx")
    print(f"month export at {args.lines:,} receipt lines ({sys.platform}, {os.cpu_count()} cores)")
    for name, m in (("export_month", export), ("bare openpyxl", bare)):
        print(
            f"  {name:<14} {m['seconds']:7.1f} s wall {m['cpu']:7.1f} s CPU  {m['rows'] / m['cpu']:9,.0f} rows/CPU-s  "
            f"peak RSS {m['peak_rss_mb']:6.0f} MB (start {m['start_rss_mb']:.0f} MB)  file {m['size_mb']:.1f} MB"
        )
    # CPU time, not wall time: on a shared machine the wall clock measures the neighbours too.
    ratio = (export["rows"] / export["cpu"]) / (bare["rows"] / bare["cpu"])
    wall = (export["rows"] / export["seconds"]) / (bare["rows"] / bare["seconds"])
    print(f"  export / bare rows per second: {ratio:.2f} by CPU time, {wall:.2f} by wall time (goal >= 0.8)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
