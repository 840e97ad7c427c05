"""Shared fixtures: every test gets a clean environment and, when asked, a fresh database."""

from __future__ import annotations

import os

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
def db_path(tmp_path):
    return tmp_path / "shop.sqlite"


@pytest.fixture
def database(db_path):
    """A fresh, migrated SQLite database bound to the models, with default settings."""
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    database = dbmod.open_database(str(db_path))
    settings.ensure_defaults()
    ensure_main_store()
    yield database
    settings.clear_cache()
    database.close()
