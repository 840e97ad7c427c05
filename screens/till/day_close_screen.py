"""Day close: the day's receipts, returns, debt payments and payments by method. An owner
or manager sees the whole shop (``u`` narrows it to one user, then the next, then everyone
again); a cashier sees their own. Ctrl+E asks where to write the CSV and says where it went."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static

from shoptui import clock
from shoptui.errors import ShopError
from shoptui.i18n import N_, _
from shoptui.services import day_close
from shoptui.services.context import Actor

from ..db_work import notify_error, run_db
from ..dialogs.export_path_modal import ExportPathModal
from ..reports.export_month_modal import default_folder
from ..role_keys import refused
from ..text import Formats, content, printable
from ..widgets.footer import ShopFooter


class DayCloseScreen(Screen[None]):
    # The permission each key needs: a cashier, who sees only their own day, is not offered ``u``.
    ACTION_NEEDS = {"next_user": day_close.WHOLE_SHOP}
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="day-close-back"),
        Binding("ctrl+e", "export", N_("Export CSV"), id="day-close-export"),
        Binding("u", "next_user", N_("Whose day"), id="day-close-user"),
        # Off the footer (80 columns in Russian): the screen's own key line names ←/→.
        Binding("left", "day(-1)", N_("Day before"), id="day-close-before", show=False),
        Binding("right", "day(1)", N_("Day after"), id="day-close-after", show=False),
    ]

    def __init__(
        self, formats: Formats, actor: Actor | None = None, day: dt.date | None = None, export_dir: Path | None = None
    ):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.day = day or clock.today()
        self.export_dir = export_dir
        self.report: day_close.DayClose | None = None
        # Whose day: everyone for an owner or manager, the cashier's own for a cashier.
        self.user_id: int | None = day_close.scope(actor)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(content(_("Loading…")), id="day-close")
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Day close")
        self.reload()

    def reload(self) -> None:
        run_db(self, day_close.day_close, self.day, self.user_id, on_done=self._show, group="day-close", exclusive=True)

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
        keys = _("Ctrl+E: export CSV   ←/→: another day   Esc: back")
        if day_close.sees_whole_shop(self.actor):
            keys = _("Ctrl+E: export CSV   ←/→: another day   u: whose day   Esc: back")
        text.append("\n" + keys, style="dim")
        self.query_one("#day-close", Static).update(text)

    def action_day(self, step: int) -> None:
        self.day += dt.timedelta(days=step)
        self.reload()

    def action_next_user(self) -> None:
        """Everyone, then each user by name, then everyone again."""
        if refused(self, "next_user"):
            return
        run_db(self, day_close.users_to_choose, self.actor, on_done=self._next_user, group="day-close-users")

    def _next_user(self, choices: list[tuple[int, str]]) -> None:
        if not choices:
            self.app.notify(_("A cashier sees only their own day close; ask a manager."), severity="warning")
            return
        order = [None] + [user_id for user_id, _name in choices]
        at = order.index(self.user_id) if self.user_id in order else 0
        self.user_id = order[(at + 1) % len(order)]
        self.reload()

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        if self.report is None:
            return
        report = self.report
        folder = self.export_dir or default_folder()
        suggested = folder / f"day-close-{report.day.isoformat()}.csv"

        def chosen(path: str | None) -> None:
            if path:
                run_db(
                    self,
                    day_close.write_csv,
                    report,
                    Path(path),
                    on_done=self._exported,
                    on_error=self._export_failed,
                    group="day-close-export",
                    title=_("Export"),
                )

        self.app.push_screen(ExportPathModal(_("Export the day close as CSV"), str(suggested)), chosen)

    def _exported(self, written: Path) -> None:
        self.app.notify(printable(_("Saved {path}").format(path=written.resolve())), title=_("Export"), markup=False)

    def _export_failed(self, exc: ShopError) -> None:
        notify_error(self, _("Nothing was written: {reason}").format(reason=str(exc)), _("Export"))
