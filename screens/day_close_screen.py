"""Day close for the cashier: the day's receipts, returns, debt payments and payments by
method (for the signed-in user, or everyone in a shop without users), on screen and
exported as CSV (Ctrl+E)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from shoptui import clock
from shoptui.i18n import N_, _
from shoptui.services import day_close
from shoptui.services.context import Actor

from .db_work import run_db
from .footer import ShopFooter
from .text import Formats, content, printable


class DayCloseScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="day-close-back"),
        Binding("ctrl+e", "export", N_("Export CSV"), id="day-close-export"),
        # Off the footer (80 columns in Russian): the screen's own key line names ←/→.
        Binding("left", "day(-1)", N_("Day before"), id="day-close-before", show=False),
        Binding("right", "day(1)", N_("Day after"), id="day-close-after", show=False),
    ]

    def __init__(self, formats: Formats, actor: Actor | None = None, day: dt.date | None = None, export_dir: Path | None = None):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.day = day or clock.today()
        self.export_dir = export_dir
        self.report: day_close.DayClose | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(content(_("Loading…")), id="day-close")
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Day close")
        self.reload()

    def reload(self) -> None:
        user_id = self.actor.user_id if self.actor is not None else None
        run_db(self, day_close.day_close, self.day, user_id, on_done=self._show, group="day-close", exclusive=True)

    def _show(self, report: day_close.DayClose) -> None:
        self.report = report
        f = self.formats
        text = Text(end="")
        text.append(printable(day_close.title(report, f.date(report.day).plain)) + "\n\n", style="bold")
        section = "receipts"
        for figure in day_close.figures(report):
            if figure.section != section and figure.section in day_close.SECTION_TITLES:
                text.append("\n" + _(day_close.SECTION_TITLES[figure.section]) + "\n", style="bold")
            section = figure.section
            count = "" if figure.count is None else f.number(figure.count).plain
            text.append(printable(f"{figure.label:<28}{count:>8}  {f.money(figure.amount).plain:>18}") + "\n")
        text.append("\n" + _("Ctrl+E: export CSV   ←/→: another day   Esc: back"), style="dim")
        self.query_one("#day-close", Static).update(text)

    def action_day(self, step: int) -> None:
        self.day += dt.timedelta(days=step)
        self.reload()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        if self.report is None:
            return
        folder = self.export_dir or Path.cwd()
        path = folder / f"day-close-{self.report.day.isoformat()}.csv"

        def done(written: Path) -> None:
            self.app.notify(printable(_("Saved {path}").format(path=written)), markup=False)

        run_db(self, day_close.write_csv, self.report, path, on_done=done, group="day-close-export", title=_("Export"))
