"""Tamper evidence on PostgreSQL: the same scenarios as tests/unit/test_tamper.py (the
trigger functions refuse UPDATE and DELETE; check names each edited, deleted or inserted
row), and two writers appending at once never fork a chain (the advisory lock)."""

from __future__ import annotations

import threading

import pytest

from shoptui import check
from shoptui.services import checkout, customers, debts, sale_quote
from tests import tamper_helpers as scenarios

pytestmark = pytest.mark.postgres


def test_the_database_refuses_updates_and_deletes_of_ledgers_and_audit(pg_database):
    scenarios.triggers_refuse_updates_and_deletes(pg_database)


@pytest.mark.parametrize("what", ["edited", "deleted", "inserted"])
@pytest.mark.parametrize("table", scenarios.TABLES)
def test_check_names_each_edited_deleted_or_inserted_row(pg_database, table, what):
    scenarios.tampering_is_named(pg_database, table, what, checked_before=True)


def test_history_checked_before_is_walked_again_by_full(pg_database):
    scenarios.checked_history_needs_full(pg_database)


def test_the_attack_of_the_issue_is_found(pg_database):
    scenarios.attack_of_the_issue_is_found(pg_database)


def test_two_tills_appending_at_once_keep_one_chain(pg_database, pg_url):
    an = customers.register({"name": "An", "credit_limit": 10_000_000}).customer
    binh = customers.register({"name": "Bình", "credit_limit": 10_000_000}).customer
    errors: list[BaseException] = []

    def till(customer):
        try:
            with pg_database.connection_context():
                for _ in range(15):
                    checkout.record_sale(sale_quote.SaleInput(customer=customer, amount=20_000, credit=5_000))
                    debts.take_payment(customer, 1_000)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=till, args=(c,)) for c in (an, binh)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert check.run_checks(full=True) == []


def test_a_shop_migrated_with_history_gets_its_chains(pg_database):
    scenarios.migrated_shop_gets_its_chains(pg_database)


def test_anonymise_passes_the_audit_trigger_and_the_chains_still_verify(pg_database):
    import json

    from shoptui.models import AuditLog, Customer
    from shoptui.services import privacy

    an = customers.register(
        {
            "name": "Nguyễn Thị An",
            "phone": "0912 345 678",
            "email": "an@example.com",
            "notes": "allergic to nuts",
            "credit_limit": 500_000,
        }
    ).customer
    checkout.record_sale(sale_quote.SaleInput(customer=an, amount=100_000, credit=20_000))
    exported = privacy.export(an.code)
    assert exported["profile"]["email"] == "an@example.com" and exported["balances"]["debt"] == "20000"
    privacy.anonymise(an.code)
    rows = AuditLog.select().where((AuditLog.entity == "customer") & (AuditLog.entity_id == str(an.id)))
    logged = json.dumps([[r.before, r.after, r.note] for r in rows], ensure_ascii=False)
    assert "Nguyễn Thị An" not in logged and "an@example.com" not in logged
    gone = Customer.get_by_id(an.id)
    assert gone.email == "" and gone.debt_balance == 20_000
    assert check.run_checks(full=True) == []
    with pytest.raises(Exception, match="append-only"):
        with pg_database.atomic():
            pg_database.execute_sql("UPDATE audit_log SET actor = 'x' WHERE entity_id = %s", (str(an.id),))
