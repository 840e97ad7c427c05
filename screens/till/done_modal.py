"""The confirmation after a sale, a return, a payment or a top-up: what was recorded, line
by line (``DoneModal``), and ``dismiss_later`` that closes the form under it afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from shoptui.i18n import N_, _

from ..text import content, printable


class DoneModal(ModalScreen[None]):
    """What was recorded, line by line; Enter or Escape closes it."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="done-close"),
        Binding("enter", "close", N_("Close"), show=False, id="done-enter"),
    ]

    def __init__(self, title: str, lines: list[tuple[str, str]], warnings: Iterable[str] = ()):
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.warnings = list(warnings)

    def compose(self) -> ComposeResult:
        text = Text(end="")
        for i, (label, value) in enumerate(self.lines):
            if i:
                text.append("\n")
            text.append(printable(label) + ": ", style="dim")
            text.append(printable(value), style="bold")
        for warning in self.warnings:
            text.append("\n" + printable(warning), style="bold yellow")
        with Vertical(id="dialog", classes="done-dialog"):
            yield Static(content(self.title_text), classes="dialog-title")
            yield Static(text, id="done-text", classes="dialog-message")
            yield Static(content(_("Enter or Esc: close")), classes="dialog-message")

    def action_close(self) -> None:
        self.dismiss(None)


def dismiss_later(screen: ModalScreen, result, _closed=None) -> None:
    """Close ``screen`` with ``result`` once its confirmation closed (a callback may not await dismiss)."""
    screen.dismiss(result)
