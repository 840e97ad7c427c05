"""Tampering with the ledgers and audit log, as the SQLite and PostgreSQL tests both play it.

What an attacker holding the database file does first: drop the append-only triggers
(migration 0009), so that raw SQL can edit, delete and insert ledger and audit rows; then
the scenarios (tests/unit/test_tamper.py, tests/postgres/test_tamper_postgres.py)."""

from __future__ import annotations

import datetime as dt
import importlib

import peewee as pw
import pytest

from shoptui import check
from shoptui.models import AuditLog, Customer, DebtEntry, GiftCardEntry, PointsEntry
from shoptui.services import checkout, customers, debts, points, settings, vouchers
from shoptui.services.context import Actor
from shoptui.services.ledger import post_debt, write_transaction
from shoptui.services.sale_quote import SaleInput

CHAIN_KINDS = {"chain_edited", "chain_deleted", "chain_inserted"}
T0 = dt.datetime(2025, 3, 1, 9, 0)


def drop_append_only_triggers(database) -> None:
    migration = importlib.import_module("shoptui.migrations.0009_tamper_evidence")
    db = database.obj if isinstance(database, pw.DatabaseProxy) else database
    for table in (*migration.LEDGERS, "audit_log"):
        if isinstance(db, pw.PostgresqlDatabase):
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
            db.execute_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")


TABLES = ("points_entry", "debt_entry", "gift_card_entry", "audit_log")
MODELS = {"points_entry": PointsEntry, "debt_entry": DebtEntry, "gift_card_entry": GiftCardEntry, "audit_log": AuditLog}


def at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def make_shop() -> dict:
    """Rows in every chain: sales with points, credit and a gift card, payments, settings."""
    settings.set_value("points_earn_per", "1000", Actor(system="cli:owner"))
    an = customers.register({"name": "Nguyễn Thị An", "credit_limit": 1_000_000}, registered_at=T0).customer
    binh = customers.register({"name": "Trần Văn Bình", "phone": "0912345678"}, registered_at=T0).customer
    vouchers.load_gift_card("2900000000017", 100_000, at=T0)
    for hour, customer in enumerate((an, binh, an, binh), start=1):
        checkout.record_sale(SaleInput(customer=customer, amount=50_000, credit=20_000, at=at(hour)))
    checkout.record_sale(SaleInput(customer=an, amount=30_000, gift_card="2900000000017", gift_amount=30_000, at=at(6)))
    checkout.record_sale(
        SaleInput(customer=binh, amount=20_000, gift_card="2900000000017", gift_amount=20_000, at=at(7))
    )
    debts.take_payment(an, 10_000, at=at(8))
    debts.take_payment(binh, 5_000, at=at(9))
    points.adjust_points(an, 5, "welcome", at=at(10))
    settings.set_value("shop_name", "Tạp hoá An", Actor(system="cli:owner"))
    return {"an": an, "binh": binh}


def sql(database, text: str, *params):
    """Raw SQL with '?' placeholders on either backend."""
    db = database.obj if isinstance(database, pw.DatabaseProxy) else database
    return db.execute_sql(text.replace("?", db.param), params)


def ids(database, table: str) -> list[int]:
    return [row[0] for row in sql(database, f'SELECT id FROM "{table}" ORDER BY id').fetchall()]


def chain_problems(**kwargs) -> list[check.Problem]:
    return [p for p in check.run_checks(**kwargs) if p.kind in CHAIN_KINDS]


def assert_named(problems, kind: str, table: str, row_id: int) -> None:
    assert [p.kind for p in problems] == [kind], problems
    assert f"row {row_id} of table {table}" in problems[0].message, problems[0].message


# -- what an attacker does, per table ---------------------------------------------------------


def edit(database, table: str, row_id: int) -> None:
    if table == "points_entry":
        sql(database, "UPDATE points_entry SET points = points + 100 WHERE id = ?", row_id)
        sql(
            database,
            "UPDATE customer SET points_balance = points_balance + 100"
            " WHERE id = (SELECT customer_id FROM points_entry WHERE id = ?)",
            row_id,
        )
    elif table == "debt_entry":  # the issue's case: the entry and its cached balance together
        sql(database, "UPDATE debt_entry SET amount = amount - 10000 WHERE id = ?", row_id)
        sql(
            database,
            "UPDATE customer SET debt_balance = debt_balance - 10000"
            " WHERE id = (SELECT customer_id FROM debt_entry WHERE id = ?)",
            row_id,
        )
    elif table == "gift_card_entry":
        sql(database, "UPDATE gift_card_entry SET amount = amount + 1000 WHERE id = ?", row_id)
    else:
        sql(database, "UPDATE audit_log SET at = ? WHERE id = ?", at(99), row_id)


def insert(database, table: str) -> int:
    if table == "points_entry":
        sql(
            database,
            "INSERT INTO points_entry (customer_id, at, kind, points, reason)"
            " SELECT MIN(id), ?, 'adjust', 500, '' FROM customer",
            at(20),
        )
    elif table == "debt_entry":
        sql(
            database,
            "INSERT INTO debt_entry (customer_id, at, kind, amount, reason)"
            " SELECT MIN(id), ?, 'adjust', -5000, '' FROM customer",
            at(20),
        )
    elif table == "gift_card_entry":
        sql(
            database,
            "INSERT INTO gift_card_entry (card_id, at, kind, amount, reason)"
            " SELECT MIN(card_id), ?, 'topup', 5000, '' FROM gift_card_entry",
            at(20),
        )
    else:
        sql(
            database,
            "INSERT INTO audit_log (at, action, entity, entity_id, note) VALUES (?, 'setting.set', 'setting', 'x', '')",
            at(20),
        )
    return ids(database, table)[-1]


# -- the scenarios -----------------------------------------------------------------------------


def triggers_refuse_updates_and_deletes(database) -> None:
    shop = make_shop()
    for table in TABLES:
        row_id = ids(database, table)[0]
        for statement in (
            f'UPDATE "{table}" SET at = ? WHERE id = ?',
            f'DELETE FROM "{table}" WHERE id = ? AND at <> ?',
        ):
            params = (at(50), row_id) if statement.startswith("UPDATE") else (row_id, at(50))
            with pytest.raises(pw.DatabaseError, match="append-only"):
                with database.atomic():
                    sql(database, statement, *params)
    # Correcting is a compensating entry, which the chain takes.
    with write_transaction():
        post_debt(shop["an"], "adjust", -1_000, reason="typo in the payment")
    assert check.run_checks() == []


def more_activity(shop: dict) -> None:
    """Rows in every chain after the checkpoint a first check set."""
    for hour, customer in enumerate((shop["an"], shop["binh"], shop["an"]), start=30):
        checkout.record_sale(
            SaleInput(
                customer=customer,
                amount=40_000,
                credit=10_000,
                gift_card="2900000000017",
                gift_amount=5_000,
                at=at(hour),
            )
        )
    debts.take_payment(shop["binh"], 5_000, at=at(40))
    points.adjust_points(shop["an"], 3, "birthday", at=at(41))


def tampering_is_named(database, table: str, what: str, checked_before: bool) -> None:
    shop = make_shop()
    rows = ids(database, table)
    if checked_before:
        assert check.run_checks() == []  # the checkpoint moves to each chain's last row
        more_activity(shop)
        rows = [i for i in ids(database, table) if i > rows[-1]]
    target = rows[len(rows) // 2]
    drop_append_only_triggers(database)
    if what == "edited":
        edit(database, table, target)
        assert_named(chain_problems(), "chain_edited", table, target)
    elif what == "deleted":
        sql(database, f'DELETE FROM "{table}" WHERE id = ?', target)
        following = next(i for i in rows if i > target)
        assert_named(chain_problems(), "chain_deleted", table, following)
    else:
        new = insert(database, table)
        assert_named(chain_problems(), "chain_inserted", table, new)
    assert_named(
        chain_problems(full=True),
        f"chain_{what}",
        table,
        new if what == "inserted" else target if what == "edited" else following,
    )


def checked_history_needs_full(database) -> None:
    """Rows a check found whole are not walked again, except the checkpointed one; ``full``
    walks them all."""
    shop = make_shop()
    assert check.run_checks() == []
    more_activity(shop)
    assert check.run_checks() == []
    first, last = ids(database, "debt_entry")[0], ids(database, "debt_entry")[-1]
    drop_append_only_triggers(database)
    edit(database, "debt_entry", first)
    assert chain_problems() == []
    assert_named(chain_problems(full=True), "chain_edited", "debt_entry", first)
    edit(database, "debt_entry", last)  # the checkpointed row itself
    assert_named(chain_problems(), "chain_edited", "debt_entry", last)
    # A chain rewritten from an old row on (every hash recomputed) no longer ends in the hash
    # the checkpoint remembers.
    sql(database, "UPDATE debt_entry SET hash = 'x' WHERE id = ?", last)
    problems = chain_problems()
    assert problems[0].kind == "chain_edited" and f"row {last} of table debt_entry" in problems[0].message


def attack_of_the_issue_is_found(database) -> None:
    """Defect 9: a debt entry changed with its cached balance, its audit row deleted and the
    user ids rewritten on the settings rows left ``check`` saying all passed."""
    shop = make_shop()
    drop_append_only_triggers(database)
    entry = DebtEntry.get((DebtEntry.customer == shop["an"].id) & (DebtEntry.kind == "payment"))
    edit(database, "debt_entry", entry.id)
    payment = AuditLog.select().where(AuditLog.action == "debt.payment").order_by(AuditLog.id).first()
    sql(database, "DELETE FROM audit_log WHERE id = ?", payment.id)
    sql(database, "UPDATE audit_log SET actor = 'cashier', user_id = NULL WHERE entity = 'setting'")
    problems = check.run_checks()
    assert {p.kind for p in problems} <= {"chain_edited", "chain_deleted"} and len(problems) == 2
    messages = " ".join(p.message for p in problems)
    assert f"row {entry.id} of table debt_entry" in messages and "debt ledger was edited" in messages
    setting_rows = [a.id for a in AuditLog.select().where(AuditLog.entity == "setting").order_by(AuditLog.id)]
    first_break = min(
        setting_rows[0], next(a.id for a in AuditLog.select().where(AuditLog.id > payment.id).order_by(AuditLog.id))
    )
    assert f"row {first_break} of table audit_log" in messages


# -- SQLite ------------------------------------------------------------------------------------


def migrated_shop_gets_its_chains(database) -> None:
    """Migration 0009 on a shop with history: every row hashed in id order, the audit rows
    named by their user, a checkpoint at each chain's end; undone, it leaves 0008's schema."""
    import importlib

    from shoptui.models import ChainCheckpoint, User

    migration = importlib.import_module("shoptui.migrations.0009_tamper_evidence")
    make_shop()
    hoa = User.create(name="Hoa", role="owner", pin_hash="x", pin_salt="y", created_at=T0)
    debts.take_payment(Customer.select().first(), 1_000, actor=Actor(hoa), at=at(60))
    migration.down(None, database)
    migration.up(None, database)
    assert AuditLog.get(AuditLog.action == "debt.payment", AuditLog.user == hoa.id).actor == "Hoa"
    assert {c.chain for c in ChainCheckpoint.select()} == set(TABLES)
    assert all(MODELS[t].select().where(MODELS[t].hash.is_null()).count() == 0 for t in TABLES)
    assert check.run_checks(full=True) == []
    drop_append_only_triggers(database)
    edit(database, "points_entry", ids(database, "points_entry")[-1])
    assert_named(chain_problems(), "chain_edited", "points_entry", ids(database, "points_entry")[-1])
