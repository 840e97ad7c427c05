"""The report screen's calendar, to pick a date with the keyboard (the stores to report on
are stores_modal.py's, the file to write export_path_modal.py's)."""

from __future__ import annotations

import calendar
import datetime as dt

from babel.dates import format_date, get_day_names
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from shoptui.i18n import N_, _

from ..text import printable


class CalendarModal(ModalScreen[dt.date | None]):
    """A month on screen: arrows move a day or a week, Page Up/Down a month, Enter picks."""

    DEFAULT_CSS = """
    CalendarModal #calendar {
        width: auto;
        height: auto;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="calendar-cancel"),
        Binding("enter", "pick", N_("Pick"), id="calendar-pick", priority=True),
        Binding("left", "move(-1)", N_("Day before"), show=False, id="calendar-left"),
        Binding("right", "move(1)", N_("Day after"), show=False, id="calendar-right"),
        Binding("up", "move(-7)", N_("Week before"), show=False, id="calendar-up"),
        Binding("down", "move(7)", N_("Week after"), show=False, id="calendar-down"),
        Binding("pageup", "month(-1)", N_("Month before"), id="calendar-month-before"),
        Binding("pagedown", "month(1)", N_("Month after"), id="calendar-month-after"),
        Binding("t", "today", N_("Today"), id="calendar-today"),
    ]

    def __init__(self, day: dt.date, locale: str, today: dt.date):
        super().__init__()
        self.day = day
        self.locale = locale
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choice-dialog"):
            yield Static(id="calendar")

    def on_mount(self) -> None:
        self.draw()

    def draw(self) -> None:
        text = Text(no_wrap=True, end="")
        title = format_date(self.day, "LLLL y", locale=self.locale)
        text.append(printable(title).center(27) + "\n", style="bold")
        names = get_day_names("abbreviated", locale=self.locale)
        text.append(" ".join(str(names[day])[:3].rjust(3) for day in range(7)) + "\n", style="dim")
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(self.day.year, self.day.month):
            for index, day in enumerate(week):
                if index:
                    text.append(" ")
                label = f"{day.day:>3}"
                if day == self.day:
                    text.append(label, style="reverse bold")
                elif day.month != self.day.month:
                    text.append(label, style="dim")
                elif day == self.today:
                    text.append(label, style="underline")
                else:
                    text.append(label)
            text.append("\n")
        text.append(_("Arrows: day/week · PgUp/PgDn: month · T: today"), style="dim")
        self.query_one("#calendar", Static).update(text)

    def action_move(self, days: int) -> None:
        self.day += dt.timedelta(days=days)
        self.draw()

    def action_month(self, months: int) -> None:
        month = self.day.month - 1 + months
        year = self.day.year + month // 12
        month = month % 12 + 1
        last = calendar.monthrange(year, month)[1]
        self.day = dt.date(year, month, min(self.day.day, last))
        self.draw()

    def action_today(self) -> None:
        self.day = self.today
        self.draw()

    def action_pick(self) -> None:
        self.dismiss(self.day)

    def action_cancel(self) -> None:
        self.dismiss(None)
