"""The same program on PostgreSQL: migrations, the services' transactions and constraints."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest

from shoptui import db as dbmod
from shoptui.errors import RuleViolation
from shoptui.models import Card, CardBinding, Customer, DebtEntry, PointsEntry
from shoptui.services import cards, customers, debts, sales

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
    sale = sales.record_sale(sales.SaleInput(customer=customer, amount=250_000, credit=100_000)).receipt
    sales.record_return(sale, amount=50_000)
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
        sales.record_sale(sales.SaleInput(customer=customer, amount=50_000, credit=20_000))
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
