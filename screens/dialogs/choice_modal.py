"""A question with a few answers, picked with the arrows and Enter; Escape answers None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from shoptui.i18n import N_

from ..text import content


class ChoiceModal(ModalScreen[str | None]):
    """``choices``: (value, label) pairs; ``current`` is highlighted first. Labels are user text."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="choice-cancel")]

    def __init__(self, title: str, message: str, choices: list[tuple[str, str]], current: str | None = None):
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choice-dialog"):
            yield Static(content(self.title_text), classes="dialog-title")
            if self.message:
                yield Static(content(self.message), classes="dialog-message")
            yield OptionList(*(Option(content(label), id=value) for value, label in self.choices), id="choices")

    def on_mount(self) -> None:
        options = self.query_one("#choices", OptionList)
        values = [value for value, _label in self.choices]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
