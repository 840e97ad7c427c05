"""The file dialog of every export uses the core's output guard: the database's own files,
a device or a folder are refused in the dialog, with the reason under the line."""

from __future__ import annotations

from textual.widgets import Input, Static

from screens.dialogs.export_path_modal import ExportPathModal
from screens.till.day_close_screen import DayCloseScreen
from shoptui.services import users
from shoptui.services.context import Actor

from .helpers import SIZE, app_for, pilot_test, until


def error_line(app) -> str:
    return str(app.screen.query_one("#export-path-error", Static).render())


@pilot_test
async def test_the_export_dialog_refuses_the_database_a_device_and_a_folder(database, db_path, tmp_path):
    owner = users.add_user("Hoa", "owner", "9999")
    inode = db_path.stat().st_ino
    app = app_for(database)
    app.actor = Actor(user=owner)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, DayCloseScreen) and app.screen.report is not None)
        app.screen.export_dir = tmp_path
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ExportPathModal), what="the path asked")
        box = app.screen.query_one("#export-path", Input)
        for path, reason in (
            (db_path, "is the shop's database or one of its files"),
            (f"{db_path}-wal", "is the shop's database or one of its files"),
            ("/dev/null", "is not an ordinary file"),
            (tmp_path, "is a folder"),
        ):
            box.value = str(path)
            await pilot.press("enter")
            await until(pilot, lambda reason=reason: reason in error_line(app), what=reason)
            assert isinstance(app.screen, ExportPathModal)  # still asking: nothing written
        box.value = str(tmp_path / "day.csv")
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "day.csv").exists(), what="the export")
    assert db_path.stat().st_ino == inode and db_path.read_bytes().startswith(b"SQLite format 3\x00")
    assert not list(tmp_path.glob(".*shoptui-partial*"))
