"""Generated import files for the large tests; ``python -m tests.cli.import_files N OUT.csv``
writes an N-receipt sales file (with its customers file beside it) to time an import by hand."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path


def write_customers(path: Path, count: int) -> list[str]:
    codes = [f"C{i:06d}" for i in range(1, count + 1)]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name", "phone", "points", "debt"])
        for i, code in enumerate(codes, start=1):
            writer.writerow([code, f"Khách {i}", f"09{i:08d}", i % 50, 0])
    return codes


def write_sales(path: Path, receipts: int, customer_codes: list[str], seed: int = 1, credit: bool = True) -> None:
    """Receipt-level sales: a customer on two thirds of them, a return now and then, and
    (with ``credit``) a part paid on credit now and then."""
    rng = random.Random(seed)
    start = dt.datetime(2023, 1, 1, 8, 0)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["receipt_no", "datetime", "kind", "return_of", "customer", "total", "discount", "paid_credit"])
        sales: list[tuple[str, int, str]] = []
        for n in range(1, receipts + 1):
            at = start + dt.timedelta(minutes=7 * n)
            if sales and n % 25 == 0:
                number, total, customer = sales[rng.randrange(len(sales))]
                writer.writerow([f"R{n:07d}", at.isoformat(sep=" "), "return", number, customer, total // 4, "", ""])
                continue
            customer = rng.choice(customer_codes) if customer_codes and rng.random() < 0.66 else ""
            total = rng.randrange(0, 2_000) * 1_000
            discount = rng.choice((0, 0, 0, 5_000))
            on_credit = total // 2 if credit and customer and rng.random() < 0.05 else 0
            writer.writerow([f"R{n:07d}", at.isoformat(sep=" "), "sale", "", customer, total, discount, on_credit])
            sales.append((f"R{n:07d}", total, customer))


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    codes = write_customers(target.with_name(target.stem + "_customers.csv"), max(1, count // 14))
    write_sales(target, count, codes)
