"""``context.current_store`` reads, never writes: the MAIN store is created where the
database is opened (``cli.open_db`` and the fixtures call ``stores.ensure_main_store``)."""

from __future__ import annotations

import pytest

from shoptui import db as dbmod
from shoptui.errors import NotFound
from shoptui.models import Store
from shoptui.services import settings
from shoptui.services.context import Actor, current_store
from shoptui.services.stores import MAIN, add_store, ensure_main_store


@pytest.fixture
def storeless(db_path):
    database = dbmod.open_database(str(db_path))
    settings.ensure_defaults()
    yield database
    settings.clear_cache()
    database.close()


def test_without_a_store_current_store_says_so_and_creates_nothing(storeless):
    with pytest.raises(NotFound):
        current_store(None)
    assert Store.select().count() == 0


def test_current_store_is_the_actors_else_the_first(storeless):
    main = ensure_main_store()
    assert main.code == MAIN and current_store(None) == main
    other = add_store("B2", "Branch", actor=Actor(system="cli:test"))
    assert current_store(Actor(system="cli:test", store=other)) == other
    assert current_store(Actor(system="cli:test")) == main
    assert Store.select().count() == 2
