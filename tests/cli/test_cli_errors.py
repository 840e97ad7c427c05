"""The command line's promise: exit 0 / 2 (usage) / 1 (other), one plain sentence on
stderr, never a traceback — also for databases that cannot be used."""

from __future__ import annotations

import sqlite3

import pytest

from .subprocess_cli import one_sentence, run


def test_a_new_database_file_is_created_in_an_existing_folder(tmp_path):
    result = run("--db", str(tmp_path / "new.sqlite"), "config", "get", "currency")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "VND"
    assert (tmp_path / "new.sqlite").exists()


def test_a_missing_folder_is_exit_1(tmp_path):
    result = run("--db", str(tmp_path / "nope" / "shop.sqlite"), "config", "list")
    assert result.returncode == 1
    assert "does not exist" in one_sentence(result.stderr)
    assert not (tmp_path / "nope").exists()


def test_a_junk_file_is_exit_1_and_untouched(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00\x01junk" * 500)
    before = junk.read_bytes()
    result = run("--db", str(junk), "check")
    assert result.returncode == 1
    assert "not a shoptui database" in one_sentence(result.stderr)
    assert junk.read_bytes() == before


def test_a_locked_database_is_exit_1_with_a_sentence(tmp_path):
    path = tmp_path / "shop.sqlite"
    assert run("--db", str(path), "config", "list").returncode == 0
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the database
    try:
        # A short busy timeout: the write waits for the lock that long, three times.
        result = run(
            "--db", str(path), "config", "set", "shop_name", "Cửa hàng Lan", env_extra={"SHOPTUI_BUSY_TIMEOUT_MS": "50"}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    message = one_sentence(result.stderr)
    assert "busy with another program" in message and "nothing was saved" in message
    assert run("--db", str(path), "config", "get", "shop_name").stdout.strip() == "My shop"


@pytest.mark.parametrize(
    "args",
    [
        ["bogus"],
        ["config"],
        ["config", "get"],
        ["--lang", "xx", "config", "list"],
        ["report", "portrait", "--as-of", "2025-13-45"],
        ["report", "portrait", "--format", "pdf"],
        ["users", "add", "lan", "--role", "boss", "--pin", "1234"],
    ],
)
def test_bad_usage_is_exit_2(tmp_path, args):
    result = run("--db", str(tmp_path / "shop.sqlite"), *args)
    assert result.returncode == 2, result.stderr
    one_sentence(result.stderr)


def test_an_unreadable_import_file_is_exit_1(tmp_path):
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    for target in (tmp_path / "missing.csv", folder):
        result = run("--db", str(tmp_path / "shop.sqlite"), "import", "customers", str(target))
        assert result.returncode == 1
        one_sentence(result.stderr)


def test_errors_speak_the_chosen_language(tmp_path):
    english = run("--db", str(tmp_path / "nope" / "x.sqlite"), "check")
    german = run("--lang", "de", "--db", str(tmp_path / "nope" / "x.sqlite"), "check")
    assert german.returncode == english.returncode == 1
    assert one_sentence(german.stderr) != one_sentence(english.stderr)


def test_the_shoptui_db_variable_names_the_database(tmp_path):
    path = tmp_path / "env.sqlite"
    result = run("config", "get", "region", env_extra={"SHOPTUI_DB": str(path)})
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_help_of_every_command_has_an_example():
    from shoptui.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {
        "demo",
        "import",
        "report",
        "export",
        "config",
        "check",
        "backup",
        "restore",
        "users",
        "stores",
        "counter",
        "scanner",
    } <= set(commands)
    for name, sub in commands.items():
        text = sub.format_help()
        assert "Example" in text or "example" in text, f"`shoptui {name} --help` has no example"


def test_global_options_may_follow_the_command(tmp_path):
    """``--lang`` and ``--db`` work where a user types them: after the command too."""
    db = str(tmp_path / "shop.sqlite")
    template = tmp_path / "kh.xlsx"
    result = run("import", "template", "customers", "-o", str(template), "--lang", "vi", "--db", db)
    assert result.returncode == 0, result.stderr
    from openpyxl import load_workbook

    assert "Tên khách hàng" in [cell.value for cell in next(load_workbook(template).active.iter_rows(max_row=1))]
    # Given before the command, a later subcommand does not reset it to nothing.
    assert run("--db", db, "config", "get", "currency").stdout.strip() == "VND"


def test_bad_usage_is_found_before_a_database_file_is_made(tmp_path):
    db = tmp_path / "shop.sqlite"
    result = run("--db", str(db), "demo", "--customers", "-5")
    assert result.returncode == 2 and "--customers" in one_sentence(result.stderr)
    assert not db.exists()
    result = run("--db", str(db), "config", "set", "colour", "red")
    assert result.returncode == 2 and "config list" in one_sentence(result.stderr)
    assert not db.exists()
