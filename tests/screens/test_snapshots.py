"""Snapshots of the main screens (pytest-textual-snapshot) in English and Vietnamese, on a
demo shop made with a fixed seed on a frozen clock, with the cursor not blinking.

Update the baselines with ``pytest tests/screens/test_snapshots.py --snapshot-update``
and look at each changed SVG before committing it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, TextArea

from screens.app import make_app
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.dialogs.help_screen import HelpScreen
from screens.directory.directory_screen import DirectoryScreen
from screens.directory.register_modal import RegisterModal
from shoptui import clock
from shoptui.demo import make_demo
from shoptui.i18n import set_language
from shoptui.models import Customer, User
from shoptui.services.context import Actor

from .helpers import lasting_notices, settled, until

NOW = dt.datetime(2024, 6, 14, 15, 30)
SIZE = (110, 32)


@pytest.fixture(params=["en", "vi"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("en")


@pytest.fixture
def demo_app(database, language, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: NOW.date())
    make_demo(customers=25, days=20, seed=11, today=NOW.date())
    app = make_app(database=database, db_url="test", search_delay=0.02)
    # The demo has users: its owner is signed in (and offered every key); the screens are
    # what these pictures show.
    app.sign_in_required = False
    app.actor = Actor(user=User.get(User.role == "owner"))
    lasting_notices(app)
    return app


def _steady(app) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


async def _directory_ready(pilot) -> None:
    app = pilot.app
    await until(
        pilot,
        lambda: isinstance(app.screen, DirectoryScreen) and app.screen.query_one("#customers", DataTable).row_count > 0,
    )
    _steady(app)
    await settled(pilot)


def _best_customer() -> int:
    return Customer.select(Customer.id).order_by(Customer.total_sales.desc(), Customer.id).first().id


def test_directory(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_directory_ready)


def test_customer_card(demo_app, snap_compare):
    customer_id = _best_customer()

    async def run_before(pilot) -> None:
        await _directory_ready(pilot)
        pilot.app.open_customer(customer_id)
        await until(
            pilot,
            lambda: (
                isinstance(pilot.app.screen, CustomerCardScreen)
                and pilot.app.screen.data is not None
                and pilot.app.screen.segment_done
            ),
        )  # the segment line comes a moment after the card
        _steady(pilot.app)
        await settled(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_register_modal(demo_app, snap_compare):
    async def run_before(pilot) -> None:
        await _directory_ready(pilot)
        pilot.app.register_customer(card="2000000099999")
        await until(pilot, lambda: isinstance(pilot.app.screen, RegisterModal) and pilot.app.screen.query("#name"))
        _steady(pilot.app)
        await settled(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)


def test_help(demo_app, snap_compare):
    async def run_before(pilot) -> None:
        await _directory_ready(pilot)
        pilot.app.action_show_help()
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen) and pilot.app.screen.query("#help-keys"))
        await settled(pilot)

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=run_before)
