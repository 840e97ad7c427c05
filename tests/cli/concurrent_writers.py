"""Writers for the concurrency tests, each run as its own process through the services:

    python -m tests.cli.concurrent_writers DB sell CODE COUNT   # COUNT sales to one customer
    python -m tests.cli.concurrent_writers DB count NAME COUNT  # COUNT counter readings

Each sale is 10,000 with 2,000 on credit, so the customer's points and debt move every
time. The last line is ``done COUNT, longest S s``; an error ends the process with its message.
"""

from __future__ import annotations

import sys
import time

from shoptui import db as dbmod
from shoptui.models import Customer
from shoptui.services import checkout, visits
from shoptui.services.sale_quote import SaleInput
from shoptui.services.stores import default_store

SALE_AMOUNT = 10_000
SALE_CREDIT = 2_000


def sell(code: str, count: int) -> float:
    """The sales; returns the longest one took, in seconds (how long a till waited)."""
    customer = Customer.get(Customer.code == code)
    longest = 0.0
    for _ in range(count):
        started = time.monotonic()
        checkout.record_sale(SaleInput(customer=customer.id, amount=SALE_AMOUNT, credit=SALE_CREDIT))
        longest = max(longest, time.monotonic() - started)
    return longest


def count_visitors(name: str, count: int) -> None:
    store = default_store()
    for total in range(1, count + 1):
        visits.record_reading(store, name, total, 0)


def main(argv: list[str]) -> int:
    path, job, what, count = argv[0], argv[1], argv[2], int(argv[3])
    database = dbmod.open_database(path)
    longest = 0.0
    try:
        if job == "sell":
            longest = sell(what, count)
        else:
            count_visitors(what, count)
    finally:
        database.close()
    print(f"done {count}, longest {longest:.3f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
