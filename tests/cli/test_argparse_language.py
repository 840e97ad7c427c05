"""Issue 16 (left open): argparse's own words ("usage:", "invalid choice", "the following
arguments are required", "show this help message and exit") were English in every
language. They now come from our catalog (msgids in shoptui/argparse_messages.py) in the
user's language. The real translations are the catalogs' business; this test gives a
fake Vietnamese catalog that marks each argparse message «so», and checks that every one
the command line shows came through it."""

from __future__ import annotations

import ast
import gettext
import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from shoptui import argparse_messages, i18n
from shoptui.cli import main

SOURCE = Path(argparse_messages.__file__)


def listed_msgids() -> list[str | tuple[str, str]]:
    """What `make messages` extracts from the module: N_("...") and ngettext("...", "...")."""
    found: list[str | tuple[str, str]] = []
    for node in ast.walk(ast.parse(SOURCE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "N_":
                found.append(args[0])
            elif node.func.id == "ngettext":
                found.append((args[0], args[1]))
    return found


@pytest.fixture
def fake_vietnamese(tmp_path, monkeypatch):
    catalog = Catalog(locale="vi", domain="shoptui")
    for msgid in listed_msgids():
        if isinstance(msgid, tuple):
            catalog.add(msgid, ("«" + msgid[0] + "»", "«" + msgid[1] + "»"))
        else:
            catalog.add(msgid, "«" + msgid + "»")
    folder = tmp_path / "locale" / "vi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "shoptui.mo").open("wb") as out:
        write_mo(out, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    return tmp_path


def run(capsys, *args: str) -> tuple[object, str, str]:
    try:
        code = main(list(args))
    except SystemExit as done:  # --help
        code = done.code
    out, err = capsys.readouterr()
    return code, out, err


def test_the_module_lists_argparse_messages_for_extraction():
    msgids = listed_msgids()
    for needed in (
        "usage: ",
        "positional arguments",
        "options",
        "show this help message and exit",
        "invalid choice: %(value)r (choose from %(choices)s)",
        "the following arguments are required: %s",
        "unrecognized arguments: %s",
        "argument %(argument_name)s: %(message)s",
        ("expected %s argument", "expected %s arguments"),
    ):
        assert needed in msgids, needed


def test_help_is_in_the_language_asked_for(fake_vietnamese, capsys):
    code, out, _err = run(capsys, "--lang", "vi", "report", "--help")
    assert code == 0
    assert out.startswith("«usage: »shoptui report")
    assert "«options»:" in out and "«positional arguments»:" in out
    assert "«show this help message and exit»" in out
    assert "usage:" not in out.replace("«usage: »", "")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["report", "nonsense"], "«argument NAME: «invalid choice: 'nonsense' (choose from"),
        (["import"], "«the following arguments are required: kind, file»"),
        (["report", "portrait", "--bogus"], "«unrecognized arguments: --bogus»"),
        (["report", "portrait", "--format"], "«argument --format: «expected one argument»»"),
    ],
)
def test_usage_errors_are_in_the_language_asked_for(fake_vietnamese, capsys, tmp_path, args, said):
    code, out, err = run(capsys, "--db", str(tmp_path / "shop.sqlite"), "--lang", "vi", *args)
    assert code == 2 and out == ""
    assert err.startswith(said), err


def test_the_environment_and_the_default_domain_are_given_back(fake_vietnamese, capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "de")
    before = gettext.textdomain()
    run(capsys, "--lang", "vi", "report", "nonsense")
    assert os.environ["LANGUAGE"] == "de" and gettext.textdomain() == before


def test_english_stays_argparse_english(capsys):
    code, _out, err = run(capsys, "--lang", "en", "report", "nonsense")
    assert code == 2 and err.startswith("argument NAME: invalid choice: 'nonsense'")


@pytest.mark.parametrize(
    "lang, invalid, required, usage",
    [
        ("vi", "lựa chọn không hợp lệ: 'nosuch'", "thiếu các tham số bắt buộc: CODE", "cách dùng: "),
        ("ru", "недопустимый вариант: 'nosuch'", "требуются следующие аргументы: CODE", "использование: "),
        ("de", "ungültige Auswahl: 'nosuch'", "folgende Argumente sind nötig: CODE", "Aufruf: "),
    ],
)
def test_the_shipped_catalogs_say_argparse_in_the_users_language(tmp_path, capsys, lang, invalid, required, usage):
    db = str(tmp_path / "shop.sqlite")
    assert main(["--lang", lang, "--db", db, "report", "nosuch"]) == 2
    err = capsys.readouterr().err
    assert invalid in err and "invalid choice" not in err
    assert main(["--lang", lang, "--db", db, "customer", "export"]) == 2
    assert required in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--lang", lang, "--db", db, "backup", "--help"])
    assert capsys.readouterr().out.startswith(usage)
