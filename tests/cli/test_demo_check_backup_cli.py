"""``shoptui demo``, ``check``, ``backup`` and ``restore`` on the command line: output,
exit status 0/1/2 and one-sentence errors."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

import pytest

from shoptui.cli import main


@pytest.fixture
def demo_db(tmp_path, shoptui):
    path = tmp_path / "demo.sqlite"
    code, out, err = shoptui("--db", str(path), "demo", "--customers", "30", "--days", "10", "--seed", "4")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1 and "30 customers" in out and "owner (PIN 1111)" in out
    return path


def test_demo_then_check_passes(demo_db, shoptui):
    code, out, err = shoptui("--db", str(demo_db), "check")
    assert (code, out, err) == (0, "all checks passed\n", "")
    code, out, err = shoptui("--db", str(demo_db), "check", "--quick")
    assert code == 0


def test_demo_refuses_a_shop_with_data(demo_db, shoptui):
    code, out, err = shoptui("--db", str(demo_db), "demo")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "already has customers" in err


@pytest.mark.parametrize("args", [["--customers", "0"], ["--days", "-3"], ["--customers", "many"], ["--seed", "1.5"]])
def test_demo_bad_values_are_usage_errors(tmp_path, shoptui, args):
    code, out, err = shoptui("--db", str(tmp_path / "x.sqlite"), "demo", *args)
    assert code == 2 and out == "" and err.count("\n") == 1


def test_check_lists_problems_and_exits_1(demo_db, shoptui):
    conn = sqlite3.connect(demo_db)
    code_of = conn.execute("SELECT code FROM customer ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE customer SET debt_balance = debt_balance + 5000 WHERE code = ?", (code_of,))
    conn.execute("DELETE FROM payment WHERE id = (SELECT MIN(id) FROM payment)")
    conn.commit()
    conn.close()
    code, out, err = shoptui("--db", str(demo_db), "check")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert any(code_of in line and "debt" in line for line in lines)
    assert any("payments of receipt" in line for line in lines)
    assert err == "2 problems found.\n"
    code, out, err = shoptui("--db", str(demo_db), "check", "--limit", "0")
    assert code == 2


def test_backup_and_restore_round_trip(demo_db, tmp_path, shoptui):
    target = tmp_path / "copy.sqlite"
    code, out, err = shoptui("--db", str(demo_db), "backup", "-o", str(target))
    assert (code, out, err) == (0, f"{target}\n", "")
    restored = tmp_path / "restored.sqlite"
    code, out, err = shoptui("--db", str(restored), "restore", str(target))
    assert code == 0 and err == "" and "30 customers" in out
    code, out, err = shoptui("--db", str(restored), "check")
    assert (code, out) == (0, "all checks passed\n")
    # Over a shop with data only with --force.
    code, out, err = shoptui("--db", str(restored), "restore", str(target))
    assert code == 1 and "--force" in err and err.count("\n") == 1
    code, out, err = shoptui("--db", str(restored), "restore", str(target), "--force")
    assert code == 0


def test_backup_default_name_in_the_current_folder(demo_db, tmp_path, shoptui, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, out, err = shoptui("--db", str(demo_db), "backup")
    assert code == 0
    made = [p.name for p in work.iterdir()]
    assert len(made) == 1 and re.fullmatch(r"shoptui-backup-\d{8}-\d{6}\.sqlite", made[0])
    assert out == f"{work / made[0]}\n"


def test_one_sentence_errors(demo_db, tmp_path, shoptui):
    junk = tmp_path / "junk.sqlite"
    junk.write_text("hello\n" * 200)
    before = demo_db.read_bytes()
    code, out, err = shoptui("--db", str(demo_db), "restore", str(junk), "--force")
    assert (code, out, err) == (1, "", f"{junk} is not a shoptui backup.\n")
    assert demo_db.read_bytes() == before
    for args in (
        ["--db", str(tmp_path / "missing.sqlite"), "backup", "-o", str(tmp_path / "b.sqlite")],
        ["--db", str(demo_db), "backup", "-o", str(tmp_path / "no" / "folder" / "b.sqlite")],
        ["--db", str(tmp_path / "new.sqlite"), "restore", str(tmp_path / "missing.sqlite")],
        ["--db", str(tmp_path / "no" / "folder" / "shop.sqlite"), "restore", str(junk)],
        ["--db", str(junk), "check"],
    ):
        code, out, err = shoptui(*args)
        assert code == 1 and out == "" and err.count("\n") == 1, (args, err)
    assert not (tmp_path / "new.sqlite").exists()
    assert not (tmp_path / "missing.sqlite").exists()


@pytest.mark.parametrize("command", [["demo"], ["check"], ["backup"], ["restore"]])
def test_each_command_has_help_with_an_example(capsys, command):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    assert "Example:" in capsys.readouterr().out


def test_a_real_process_exits_1_without_a_traceback(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00\x01garbage" * 100)
    done = subprocess.run(
        [sys.executable, "-m", "shoptui", "--db", str(tmp_path / "shop.sqlite"), "restore", str(junk)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"{junk} is not a shoptui backup.\n"
    assert not (tmp_path / "shop.sqlite").exists()
