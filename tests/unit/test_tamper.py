"""Tamper evidence (issue 16, defect 9): the ledgers and the audit log are append-only in
the database itself, and an attacker who drops the triggers and edits, deletes or inserts
rows in raw SQL is named by ``check`` (table, row id, and what was done).

The scenarios (tests/tamper_helpers.py) take the database as an argument so that
tests/postgres runs them again on PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest

from shoptui import check
from shoptui.models import AuditLog
from tests.tamper_helpers import (
    TABLES,
    attack_of_the_issue_is_found,
    checked_history_needs_full,
    drop_append_only_triggers,
    edit,
    ids,
    make_shop,
    migrated_shop_gets_its_chains,
    more_activity,
    sql,
    tampering_is_named,
    triggers_refuse_updates_and_deletes,
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


def test_a_cut_at_a_chains_end_with_its_checkpoint_moved_back_is_named_against_a_backup(
    database, db_path, tmp_path, capsys
):
    # What the chains cannot prove alone (the README says so): rows cut off the end, the
    # triggers dropped and the checkpoint moved back. A backup kept elsewhere is the anchor.
    from shoptui.cli import main

    shop = make_shop()
    backup = tmp_path / "elsewhere" / "shop-backup.sqlite"
    backup.parent.mkdir()
    assert main(["--db", str(db_path), "backup", "-o", str(backup)]) == 0
    more_activity(shop)
    assert main(["--db", str(db_path), "check"]) == 0  # every checkpoint now at its chain's end
    capsys.readouterr()
    # The audit log's tail: its rows have no cached balance that would give the cut away.
    backed_up = [row[0] for row in sqlite3.connect(backup).execute("SELECT id FROM audit_log ORDER BY id")]
    drop_append_only_triggers(database)
    sql(database, "DELETE FROM audit_log WHERE id >= ?", backed_up[-2])
    sql(
        database,
        "UPDATE chain_checkpoint SET last_id = ?, last_hash = (SELECT hash FROM audit_log WHERE id = ?)"
        " WHERE chain = 'audit_log'",
        backed_up[-3],
        backed_up[-3],
    )
    assert main(["--db", str(db_path), "check"]) == 0  # the weakness the anchor answers
    capsys.readouterr()
    assert main(["--db", str(db_path), "check", "--against", str(backup)]) == 1
    out, err = capsys.readouterr()
    assert out == (
        f"The audit log lost rows since the backup {backup}: row {backed_up[-1]} of table audit_log "
        "is in the backup but no longer in the database.\n"
    )
    assert err == "1 problem found.\n"


def test_check_against_another_shops_backup_or_no_backup_says_so(database, db_path, tmp_path, capsys):
    from shoptui.cli import main

    make_shop()
    other = tmp_path / "other.sqlite"
    assert main(["--db", str(other), "demo", "--customers", "20", "--seed", "3"]) == 0
    backup = tmp_path / "other-backup.sqlite"
    assert main(["--db", str(other), "backup", "-o", str(backup)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "check", "--against", str(backup)]) == 1
    out = capsys.readouterr().out
    assert "was rewritten since the backup" in out and "or the backup is of another shop" in out
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    assert main(["--db", str(db_path), "check", "--against", str(notes)]) != 0
    captured = capsys.readouterr()
    assert captured.err.strip().endswith(f"{notes} is not a shoptui backup."), captured.err
    assert "Traceback" not in captured.err and "sqlite3" not in captured.err
    assert main(["--db", str(db_path), "check", "--against", str(tmp_path / "missing.sqlite")]) != 0
    assert "There is no backup file at" in capsys.readouterr().err
    # The database as its own anchor proves nothing (found by a hostile tester), nor does a link to it.
    link = tmp_path / "link.sqlite"
    link.symlink_to(db_path)
    for itself in (db_path, link):
        assert main(["--db", str(db_path), "check", "--against", str(itself)]) == 2
        assert (
            capsys.readouterr()
            .err.strip()
            .endswith(f"{itself} is the database itself; give a backup kept away from the till.")
        )
