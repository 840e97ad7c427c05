"""Snapshots of the Reports screens (pytest-textual-snapshot) on the demo shop of
test_snapshots.py (fixed seed, frozen clock), with the elapsed time frozen too.

Update the baselines with ``pytest tests/screens/test_report_snapshots.py --snapshot-update``
and look at each changed SVG before committing it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, OptionList

from screens.app import make_app
from screens.directory.directory_screen import DirectoryScreen
from screens.reports.report_screen import ReportScreen
from screens.reports.reports_screen import ReportsScreen
from shoptui import clock
from shoptui.demo import make_demo
from shoptui.i18n import set_language
from shoptui.models import User
from shoptui.services.context import Actor

from .helpers import settled, until

NOW = dt.datetime(2024, 6, 14, 15, 30)
SIZE = (100, 30)


class FrozenTime:
    """The report screen's clock: every run takes 0.0 s, so the status line is steady."""

    @staticmethod
    def monotonic() -> float:
        return 0.0


@pytest.fixture(params=["en", "vi"])
def language(request):
    set_language(request.param)
    yield request.param
    set_language("en")


@pytest.fixture
def demo_app(database, monkeypatch):
    import screens.reports.report_screen as report_screen

    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: NOW.date())
    monkeypatch.setattr(report_screen, "time", FrozenTime)
    make_demo(customers=25, days=20, seed=11, today=NOW.date())
    app = make_app(database=database, db_url="test", search_delay=0.02)
    # The demo's owner, signed in (the demo has users): the owner is offered the exports.
    app.sign_in_required = False
    app.actor = Actor(user=User.get(User.role == "owner"))
    return app


def _steady(app) -> None:
    app.clear_notifications()
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


async def _reports_list(pilot) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
    await pilot.press("ctrl+t")
    await until(pilot, lambda: isinstance(app.screen, ReportsScreen))
    _steady(app)
    await settled(pilot)


def _report_run(name: str, **fields):
    async def run_before(pilot) -> None:
        app = pilot.app
        await _reports_list(pilot)
        app.screen.query_one("#reports-list", OptionList).highlighted = app.screen.names.index(name)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen))
        for field, value in fields.items():
            app.screen.query_one(f"#field-{field}").value = value
        await pilot.press("f5")
        await until(pilot, lambda: app.screen.data is not None and not app.screen.running)
        _steady(app)
        await settled(pilot)

    return run_before


def test_reports_list(language, demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_reports_list)


def test_winback_result(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_report_run("winback", factor="1.5"))


def test_rfm_result(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_report_run("rfm"))
