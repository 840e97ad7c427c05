"""The command line where the shop has users: it acts as the system user who owns the
database file (``cli:<os login>``; on PostgreSQL, ``cli:<database role>``), with the
owner's rights, so that scripts and cron jobs keep working once PINs are set up."""

from __future__ import annotations

import getpass

import pytest

from shoptui.cli import system_actor
from shoptui.services import context


@pytest.fixture
def actors_asked(monkeypatch) -> list:
    """Every (actor, action) a service asked about: ``require`` asks ``allows``."""
    seen: list = []
    real = context.allows

    def spy(actor, action):
        seen.append((actor, action))
        return real(actor, action)

    monkeypatch.setattr(context, "allows", spy)
    return seen


def test_the_command_line_works_as_the_system_user_once_users_exist(tmp_path, shoptui, actors_asked):
    db = str(tmp_path / "shop.sqlite")
    people = tmp_path / "customers.csv"
    people.write_text("name,phone\nLê Chi,0911 222 333\nAn,0912 345 678\n", encoding="utf-8")
    steps = [
        ("users", "add", "Hoa", "--role", "owner", "--pin", "9999"),
        ("users", "add", "Lan", "--role", "cashier", "--pin", "1111"),  # users exist from here on
        ("users", "set-pin", "Lan", "--pin", "2222"),
        ("demo", "--customers", "5", "--days", "2"),  # the demo fills only a shop without customers
        ("stores", "add", "Q3", "Quận 3"),
        ("config", "set", "shop_name", "Cửa hàng Lan"),
        ("import", "customers", str(people)),
        ("export", "month", "2025-03", "-o", str(tmp_path / "march.xlsx"), "--no-progress"),
    ]
    for step in steps:
        code, out, err = shoptui("--db", db, *step)
        assert code == 0, (step, out, err)
    code, out, _err = shoptui("--db", db, "config", "get", "shop_name")
    assert out == "Cửa hàng Lan\n"
    code, out, _err = shoptui("--db", db, "users", "list")
    assert {line.split("\t")[0] for line in out.splitlines()} == {"Hoa", "Lan", "owner", "lan", "minh"}
    asked = {action for _actor, action in actors_asked}
    assert {"users", "stores", "settings", "import", "export"} <= asked
    # Every time, the command line said who it is: the OS user, as the system, never nobody.
    who = {actor for actor, _action in actors_asked if actor is not None and actor.system}
    assert who == {context.Actor(system=f"cli:{getpass.getuser()}")}
    assert all(actor is not None and (actor.system or actor.user) for actor, _action in actors_asked)


def test_the_system_actor_has_the_owners_rights_and_names_the_login(database):
    actor = system_actor(database)
    assert actor.system == f"cli:{getpass.getuser()}" and actor.user is None
    assert actor.label == actor.system
    assert all(context.allows(actor, action) for action in context.ACTION_ROLES)


def test_on_postgresql_the_database_role_stands_in_for_the_login(pg_url):
    from shoptui import db as dbmod

    database = dbmod.open_database(pg_url)
    try:
        role = database.execute_sql("SELECT current_user").fetchone()[0]
        assert system_actor(database).system == f"cli:{role}"
    finally:
        database.close()
