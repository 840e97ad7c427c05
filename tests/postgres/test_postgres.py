"""The same program on PostgreSQL: migrations, the services' transactions and constraints."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from shoptui import db as dbmod
from shoptui.errors import RuleViolation
from shoptui.models import Card, CardBinding, Customer, DebtEntry, PointsEntry
from shoptui.services import cards, checkout, customers, debts, sale_quote, sale_return

pytestmark = pytest.mark.postgres


def test_migrates_and_reopens(pg_url):
    database = dbmod.open_database(pg_url)
    assert isinstance(database, peewee.PostgresqlDatabase)
    assert dbmod.schema_version(database) == dbmod.known_migrations()
    database.close()
    again = dbmod.open_database(pg_url)
    assert dbmod.schema_version(again) == dbmod.known_migrations()
    again.close()


def test_sale_return_and_payment_keep_ledgers_equal_to_balances(pg_database):
    customer = customers.register({"name": "Ёлкин Пётр", "phone": "0912 345 678"}).customer
    customers.update(customer, {"credit_limit": 1_000_000})
    cards.issue_card(customer, "2000000000015")
    sale = checkout.record_sale(sale_quote.SaleInput(customer=customer, amount=250_000, credit=100_000)).receipt
    sale_return.record_return(sale, amount=50_000)
    debts.take_payment(customer, 20_000)
    fresh = Customer.get_by_id(customer.id)
    points = sum(e.points for e in PointsEntry.select().where(PointsEntry.customer == customer))
    debt = sum(e.amount for e in DebtEntry.select().where(DebtEntry.customer == customer))
    assert (fresh.points_balance, fresh.debt_balance) == (points, debt)
    assert fresh.debt_balance == 100_000 - 50_000 - 20_000
    assert fresh.total_sales == 200_000
    assert cards.resolve_scan("2000000000015").customer.id == customer.id


def test_a_failed_sale_leaves_nothing_behind(pg_database):
    customer = customers.register({"name": "Anna Schmidt"}).customer
    customers.update(customer, {"credit_limit": 10_000})
    with pytest.raises(RuleViolation):
        checkout.record_sale(sale_quote.SaleInput(customer=customer, amount=50_000, credit=20_000))
    assert Customer.get_by_id(customer.id).debt_balance == 0
    assert DebtEntry.select().count() == 0


def test_partial_unique_index_refuses_a_second_open_binding(pg_database):
    first = customers.register({"name": "A"}).customer
    second = customers.register({"name": "B"}).customer
    card = cards.issue_card(first, "2000000000022")
    with pytest.raises(peewee.IntegrityError):
        with pg_database.atomic():
            CardBinding.create(card=card, customer=second, bound_at=dt.datetime(2026, 1, 1))
    assert Card.select().count() == 1


_OPEN = (
    "import sys, time, pathlib\n"
    "from shoptui import db\n"
    "pathlib.Path(sys.argv[3]).touch()\n"
    "gate = pathlib.Path(sys.argv[2])\n"
    "while not gate.exists(): time.sleep(0.001)\n"
    "database = db.open_database(sys.argv[1])\n"
    "from shoptui.services import settings, stores\n"
    "settings.ensure_defaults(); stores.ensure_main_store()\n"
    "database.close()\n"
    "print('opened')\n"
)


def test_three_processes_migrating_a_new_database_at_once_take_turns(pg_url, tmp_path):
    """The migrations run under an advisory lock: the first process applies them, the others find them applied."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    gate = tmp_path / "go"
    ready = [tmp_path / f"ready{i}" for i in range(3)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN, pg_url, str(gate), str(flag)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    deadline = time.monotonic() + 120
    while not all(flag.exists() for flag in ready):
        assert time.monotonic() < deadline, "the processes did not start"
        time.sleep(0.01)
    gate.touch()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and out.strip() == "opened", err
    database = dbmod.open_database(pg_url)
    try:
        assert dbmod.schema_version(database) == dbmod.known_migrations()
        assert database.execute_sql("SELECT count(*) FROM store").fetchone()[0] == 1
    finally:
        database.close()


def test_two_tills_sell_to_one_customer_at_once_and_the_books_hold(pg_url):
    """Two processes, 60 sales each to the same customer on one PostgreSQL database: every
    process finishes without a lock error, the balances equal the ledgers, the receipt
    numbers are unique per store and check is clean."""
    import subprocess
    import sys
    from pathlib import Path

    from shoptui.check import run_checks
    from shoptui.models import Customer, DebtEntry, PointsEntry, Receipt
    from shoptui.services import customers, settings
    from shoptui.services.stores import ensure_main_store
    from tests.cli.concurrent_writers import SALE_CREDIT

    database = dbmod.open_database(pg_url)
    try:
        settings.ensure_defaults()
        ensure_main_store()
        customer_id = customers.register({"code": "SHARED", "name": "Khách chung", "phone": "0901234567"}).customer.id
    finally:
        settings.clear_cache()
        database.close()
    root = Path(__file__).resolve().parents[2]
    tills = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.cli.concurrent_writers", pg_url, "sell", "SHARED", "60"],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for till in tills:
        out, err = till.communicate(timeout=300)
        assert till.returncode == 0 and out.splitlines()[-1].startswith("done"), err
        assert "lock" not in (out + err).lower()
    database = dbmod.open_database(pg_url)
    try:
        shared = Customer.get_by_id(customer_id)
        assert Receipt.select().count() == 120
        assert Receipt.select(Receipt.store, Receipt.number).distinct().count() == 120
        assert shared.debt_balance == 120 * SALE_CREDIT == sum(e.amount for e in DebtEntry.select())
        assert shared.points_balance == sum(e.points for e in PointsEntry.select())
        assert run_checks() == []
    finally:
        settings.clear_cache()
        database.close()
