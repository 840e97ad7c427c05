"""The Reports screen: every report the shop has, what each tells, Enter opens one with its
parameters (``ReportScreen``). Opened by Ctrl+T from anywhere, or "Reports" in the palette."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from shoptui import reports
from shoptui.i18n import N_, _
from shoptui.services.context import Actor

from ..text import Formats, content
from ..widgets.footer import ShopFooter

# What each report answers, in the words of the person who asks.
DESCRIPTIONS = {
    "portrait": N_("The customer base at a glance: totals, new customers, visits, revenue, gender, ages, channels."),
    "conversion": N_("Visitors counted → receipts → receipts with a card, per store and day or hour."),
    "rfm": N_("Customers scored by recency, frequency and money spent, in named segments."),
    "winback": N_("Regular customers who are late to come back, most valuable first: a call list."),
    "birthdays": N_("Birthdays in the coming days or in a month, with consents and points."),
    "debtors": N_("Who owes the shop, since when, and how old the debt is."),
    "points": N_("Points the shop owes, how points moved, and what expires soon."),
    "buyers": N_("Who bought a product in the period, how much and how often."),
    "discounts": N_("Discounts given per product, receipt and customer."),
    "surveys": N_("Survey answers, also by number of visits and RFM segment."),
}


class ReportsScreen(Screen[None]):
    DEFAULT_CSS = """
    ReportsScreen #reports-list {
        height: 1fr;
        margin: 0 1;
    }
    ReportsScreen #reports-intro {
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="reports-back"),
        Binding("enter", "open_report", N_("Open"), id="reports-open", show=True),
    ]

    def __init__(self, formats: Formats, actor: Actor | None = None, export_dir: Path | None = None):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.export_dir = export_dir
        self.names = list(reports.REPORT_NAMES)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(content(_("Choose a report and press Enter.")), id="reports-intro")
        yield OptionList(*[self._option(name) for name in self.names], id="reports-list")
        yield ShopFooter()

    def _option(self, name: str) -> Option:
        title = _(reports.load(name).title)
        text = Text(no_wrap=False, end="")
        text.append(title, style="bold")
        text.append("\n  " + _(DESCRIPTIONS.get(name, "")), style="dim")
        return Option(text, id=name)

    def on_mount(self) -> None:
        self.sub_title = _("Reports")
        self.query_one("#reports-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open(str(event.option.id))

    def action_open_report(self) -> None:
        option_list = self.query_one("#reports-list", OptionList)
        if option_list.highlighted is not None:
            self.open(self.names[option_list.highlighted])

    def open(self, name: str) -> None:
        from .report_screen import ReportScreen

        self.app.push_screen(ReportScreen(name, self.formats, getattr(self.app, "actor", self.actor), self.export_dir))

    def action_back(self) -> None:
        self.dismiss()
