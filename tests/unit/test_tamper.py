"""Tamper evidence (issue 16, defect 9): the ledgers and the audit log are append-only in
the database itself, and an attacker who drops the triggers and edits, deletes or inserts
rows in raw SQL is named by ``check`` (table, row id, and what was done).

The scenarios (tests/tamper_helpers.py) take the database as an argument so that
tests/postgres runs them again on PostgreSQL."""

from __future__ import annotations


import pytest

from shoptui import check
from shoptui.models import AuditLog
from tests.tamper_helpers import (
    TABLES, attack_of_the_issue_is_found, checked_history_needs_full, drop_append_only_triggers, edit, ids, make_shop,
    migrated_shop_gets_its_chains, more_activity, tampering_is_named, triggers_refuse_updates_and_deletes,
)


def test_the_database_refuses_updates_and_deletes_of_ledgers_and_audit(database):
    triggers_refuse_updates_and_deletes(database)


@pytest.mark.parametrize("checked_before", [False, True], ids=["first-check", "after-checkpoint"])
@pytest.mark.parametrize("what", ["edited", "deleted", "inserted"])
@pytest.mark.parametrize("table", TABLES)
def test_check_names_each_edited_deleted_or_inserted_row(database, table, what, checked_before):
    tampering_is_named(database, table, what, checked_before)


def test_history_checked_before_is_walked_again_by_full(database):
    checked_history_needs_full(database)


def test_the_attack_of_the_issue_is_found(database):
    attack_of_the_issue_is_found(database)


def test_a_shop_migrated_with_history_gets_its_chains(database):
    migrated_shop_gets_its_chains(database)


def test_the_command_line_names_the_row_and_full_rescans(database, db_path, capsys):
    from shoptui.cli import main

    shop = make_shop()
    assert main(["--db", str(db_path), "check"]) == 0
    assert capsys.readouterr().out == "all checks passed\n"
    more_activity(shop)
    first = ids(database, "gift_card_entry")[0]
    drop_append_only_triggers(database)
    edit(database, "gift_card_entry", first)  # checked before: only --full walks it again
    assert main(["--db", str(db_path), "check"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "check", "--full"]) == 1
    out, err = capsys.readouterr()
    assert out == f"The gift card ledger was edited: row {first} of table gift_card_entry does not match its hash.\n"
    assert err == "1 problem found.\n"


def test_an_old_audit_row_rewritten_under_cover_of_an_erasure_is_named_by_plain_check(database):
    # Found by a hostile tester: the trigger lets an erasure through (erased_at set, chained
    # columns unchanged), so before/after/note of a row checked long ago could be replaced
    # without dropping a trigger, and only `check --full` saw it.
    make_shop()
    assert check.run_checks() == []  # the chains' checkpoints now sit at their ends
    row = AuditLog.select().order_by(AuditLog.id).first()
    database.execute_sql(
        "UPDATE audit_log SET after = ?, before = ?, note = 'forged note', erased_at = ? WHERE id = ?",
        ('{"forged": 1}', '{"x": 2}', "2026-12-07 10:00:00", row.id),
    )
    problems = check.run_checks()
    assert [p.kind for p in problems] == ["chain_edited"] and f"row {row.id} " in problems[0].message
