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
from textual.widgets import Footer, Header, Static

from shoptui import clock
from shoptui.i18n import N_, _
from shoptui.services import day_close
from shoptui.services.context import Actor

from .db_work import run_db
from .labels import METHOD_NAMES, name_of
from .text import Formats, content, printable

PAYMENT_NAMES = {**METHOD_NAMES, "credit": N_("on credit"), "points": N_("points"), "voucher": N_("voucher"), "giftcard": N_("gift card")}


class DayCloseScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", _("Back"), id="day-close-back"),
        Binding("ctrl+e", "export", _("Export CSV"), id="day-close-export"),
        Binding("left", "day(-1)", _("Day before"), id="day-close-before"),
        Binding("right", "day(1)", _("Day after"), id="day-close-after"),
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
        yield Footer()

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
        who = report.user_name or _("everyone")
        text.append(printable(_("Day close {date} — {who}").format(date=f.date(report.day).plain, who=who)) + "\n\n", style="bold")
        rows = [
            (_("Sales"), f.number(report.sales_count).plain, f.money(report.sales_total).plain),
            (_("Discounts given"), "", f.money(report.discounts).plain),
            (_("Returns"), f.number(report.returns_count).plain, f.money(report.returns_total).plain),
            (_("Debt payments"), f.number(report.debt_payments_count).plain, f.money(report.debt_payments_total).plain),
        ]
        for label, count, amount in rows:
            text.append(f"{label:<28}{count:>8}  {amount:>18}\n")
        text.append("\n" + _("Payments by method (sales less returns)") + "\n", style="bold")
        for method, amount in report.by_method:
            text.append(f"{name_of(PAYMENT_NAMES, method):<28}{'':>8}  {f.money(amount).plain:>18}\n")
        if report.debt_by_method:
            text.append("\n" + _("Debt payments by method") + "\n", style="bold")
        for method, amount in report.debt_by_method:
            text.append(f"{name_of(PAYMENT_NAMES, method):<28}{'':>8}  {f.money(amount).plain:>18}\n")
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
