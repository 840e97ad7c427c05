"""The month-end workbook from the palette, driven by Pilot: the owner exports a small
shop's March and the file reads back; progress is shown; Escape stops the export and
leaves no file; a cashier is refused; a bad month and an existing file are handled."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import Input, ProgressBar, Static

from screens.dialogs.choice_modal import ChoiceModal
from screens.directory.directory_screen import DirectoryScreen
from screens.reports.export_month_modal import ExportMonthModal, default_name, previous_month
from shoptui import clock
from shoptui.io import month_lists
from shoptui.services import users
from shoptui.services.context import Actor

from ..actors import SYSTEM
from ..builders import month_shop as build_shop
from ..xlsx_reading import SHEETS
from .helpers import SIZE, Notes, app_for, lasting_notices, palette, pilot_test, settled, until


@pytest.fixture
def shop(database):
    return build_shop()


async def open_from_palette(pilot) -> ExportMonthModal:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DirectoryScreen) and app.screen.is_mounted)
    await palette(pilot, "Export month")
    await until(pilot, lambda: isinstance(app.screen, ExportMonthModal) and app.screen.is_mounted, what="export dialog")
    return app.screen


def fill(modal: ExportMonthModal, month: str, path) -> None:
    modal.query_one("#export-month", Input).value = month
    modal.query_one("#export-path", Input).value = str(path)


def status(modal: ExportMonthModal) -> str:
    return str(modal.query_one("#export-status", Static).render())


@pilot_test
async def test_the_owner_exports_a_month_from_the_palette(shop, database, tmp_path):
    owner = users.add_user("minh", "owner", "1111", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=owner)
    notes = Notes(app)
    target = tmp_path / "march.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_from_palette(pilot)
        # The month before this one, in the documents folder (or here) under a name that says it.
        default = previous_month(clock.today())
        assert modal.query_one("#export-month", Input).value == default
        assert modal.query_one("#export-path", Input).value.endswith(default_name(default))
        fill(modal, "2025-03", target)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the dialog closes")
        await until(pilot, lambda: notes.texts())
        (message,) = notes.texts()
        assert message.startswith(f"Wrote {target} in ") and message.endswith(" s.")
    book = load_workbook(target)
    assert book.sheetnames == SHEETS
    assert book["Summary"]["B3"].value == 180_000  # March's revenue, worked out by hand in build_shop
    assert [p.name for p in tmp_path.glob("*march.xlsx*")] == ["march.xlsx"]


@pilot_test
async def test_the_file_name_follows_the_month(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_from_palette(pilot)
        month = modal.query_one("#export-month", Input)
        month.value = "2025-03"
        await pilot.pause()
        assert modal.query_one("#export-path", Input).value.endswith("shoptui-2025-03.xlsx")


@pilot_test
async def test_progress_is_shown_and_escape_stops_the_export_leaving_no_file(shop, database, tmp_path, monkeypatch):
    # The export is held just before its journal, so the test can look at it and stop it there.
    reached, go_on = threading.Event(), threading.Event()
    size = month_lists.journal_size

    def held(month):
        reached.set()
        go_on.wait(10)
        return size(month)

    monkeypatch.setattr(month_lists, "journal_size", held)
    app = app_for(database)
    notes = Notes(app)
    target = tmp_path / "march.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_from_palette(pilot)
        fill(modal, "2025-03", target)
        await pilot.press("ctrl+s")
        await until(pilot, reached.is_set, what="the export reaches the journal")
        bar = modal.query_one("#export-progress", ProgressBar)
        await until(
            pilot,
            lambda: bar.display and modal.running and status(modal) in {"Win-back", "RFM segments"},
            what="the progress shown",
        )  # the last stage reported so far
        assert modal.query_one("#export-month", Input).disabled
        await pilot.press("escape")
        assert status(modal) == "Stopping the export…" and isinstance(app.screen, ExportMonthModal)
        go_on.set()
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the dialog closes")
        assert notes.texts("warning") == ["The export was cancelled; nothing was written."]
    assert list(tmp_path.glob("*.xlsx*")) == []


@pilot_test
async def test_the_journal_shows_its_rows(shop, database, tmp_path, monkeypatch):
    seen = []
    original = ExportMonthModal._progress

    def spy(self, stage, done, total):
        original(self, stage, done, total)
        seen.append((stage, done, total, status(self)))

    monkeypatch.setattr(ExportMonthModal, "_progress", spy)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_from_palette(pilot)
        fill(modal, "2025-03", tmp_path / "march.xlsx")
        await pilot.press("enter")  # Enter on a field goes on to the next one
        await pilot.press("enter")  # and from the last one exports
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="the dialog closes")
    assert ("Receipts", 6, 6, "Receipts: 6 of 6 rows") in seen
    assert [s[0] for s in seen][:2] == ["Summary", "Sales by day"]


@pilot_test
async def test_a_cashier_is_refused_and_nothing_is_written(shop, database, tmp_path):
    cashier = users.add_user("lan", "cashier", "2222", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=cashier)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen) and app.screen.is_mounted)
        from screens.commands import screen_commands

        assert "Export month…" not in [c.title for c in screen_commands(app)]  # not offered to a cashier
        app.push_screen(ExportMonthModal(app.actor))  # reached anyway: refused by the service
        await until(
            pilot, lambda: isinstance(app.screen, ExportMonthModal) and app.screen.is_mounted, what="export dialog"
        )
        modal = app.screen
        fill(modal, "2025-03", tmp_path / "march.xlsx")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: notes.texts("error"))
        assert notes.texts("error") == ["A cashier may not export data; ask the owner."]
        assert status(modal) == "A cashier may not export data; ask the owner."
        assert isinstance(app.screen, ExportMonthModal) and not modal.running
        await settled(pilot)
    assert not list(tmp_path.glob("*.xlsx*"))


@pilot_test
async def test_a_bad_month_is_said_on_its_field(shop, database, tmp_path):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_from_palette(pilot)
        fill(modal, "2025-13", tmp_path / "x.xlsx")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("month").error)
        assert modal.field("month").error == "2025-13 is not a month; write it as YYYY-MM."
        assert app.focused is modal.query_one("#export-month", Input) and not modal.running
        fill(modal, "[/][bold]\x1b", tmp_path / "x.xlsx")  # markup and an escape, drawn as they are
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("month").error.startswith("[/][bold]␛"))
        fill(modal, "2025-03", tmp_path / "missing" / "x.xlsx")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("path").error)
        assert modal.field("path").error == f"The folder {tmp_path / 'missing'} does not exist."
        assert modal.field("month").error == ""
        fill(modal, "2025-03", tmp_path / "x.csv")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "ending in .xlsx" in modal.field("path").error)
        for name, said in (
            ("/", "Give the name of the file to write."),
            (f"{tmp_path}/a\x00[b]", "is not a file name this computer can use."),
        ):
            modal.field("path").set_error(None)
            fill(modal, "2025-03", name)
            await pilot.press("ctrl+s")
            await until(pilot, lambda: modal.field("path").error, what=repr(name))
            assert modal.field("path").error.endswith(said) and not modal.running
    assert not list(tmp_path.glob("*.xlsx*")) and not (tmp_path / "missing").exists()


@pilot_test
async def test_an_existing_file_is_replaced_only_when_the_owner_says_so(shop, database, tmp_path):
    target = tmp_path / "march.xlsx"
    target.write_bytes(b"last year's work")
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_from_palette(pilot)
        fill(modal, "2025-03", target)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal), what="asked before replacing")
        assert str(target) in str(app.screen.query_one(".dialog-message", Static).render())
        await pilot.press("enter")  # the first answer keeps the file
        await until(pilot, lambda: app.screen is modal)
        await settled(pilot)
        assert target.read_bytes() == b"last year's work" and not modal.running
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen), what="exported")
    assert load_workbook(target).sheetnames == SHEETS


def test_snapshot_of_the_export_dialog(database, snap_compare):
    app = app_for(database)
    lasting_notices(app)

    async def opened(pilot) -> None:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen) and app.screen.is_mounted)
        app.push_screen(ExportMonthModal(today=dt.date(2026, 11, 25), folder=Path("/home/owner/Documents")))
        await until(pilot, lambda: isinstance(app.screen, ExportMonthModal) and app.screen.is_mounted)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)
