"""The report screen's choice of stores to report on (none ticked: all of them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from shoptui.i18n import N_, _

from ..text import content, printable


class StoresModal(ModalScreen[list[str] | None]):
    """Which stores: none ticked means all of them. Space ticks, Enter takes."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="stores-cancel"),
        Binding("enter", "take", N_("Take"), id="stores-take", priority=True),
    ]

    def __init__(self, stores: list[tuple[str, str]], chosen: list[str]):
        super().__init__()
        self.stores = stores
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choice-dialog"):
            yield Static(content(_("Stores")), classes="dialog-title")
            yield Static(
                content(_("Space ticks a store, Enter takes them; none ticked: all stores.")), classes="dialog-message"
            )
            yield SelectionList(
                *[
                    (printable(f"{code} — {name}" if name else code), code, code in self.chosen)
                    for code, name in self.stores
                ],
                id="stores-list",
            )

    def on_mount(self) -> None:
        self.query_one("#stores-list", SelectionList).focus()

    def action_take(self) -> None:
        chosen = set(self.query_one("#stores-list", SelectionList).selected)
        self.dismiss([code for code, _name in self.stores if code in chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)
