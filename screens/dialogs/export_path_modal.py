"""The file an export writes: one line, prefilled with a name in the folder the shop's
files go to; Enter takes it, Escape cancels. The directory, the reports and the day close
ask with it. The path is checked by the core's guard (``shoptui.files.check_output``) before
the dialog answers: the database's own files, a device, a pipe or a folder are refused
here, with the reason under the line, as the writer itself would refuse them."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from shoptui import files
from shoptui.errors import ShopError
from shoptui.i18n import N_, _

from ..text import content


class ExportPathModal(ModalScreen[str | None]):
    """Answers the path typed (stripped), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="export-path-cancel")]

    def __init__(self, title: str, suggested: str, prompt: str | None = None):
        super().__init__()
        self.title_text = title
        self.suggested = suggested
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="choice-dialog"):
            yield Static(content(self.title_text), classes="dialog-title")
            yield Static(content(self.prompt or _("File to write, then Enter:")), classes="dialog-message")
            yield Input(value=self.suggested, id="export-path", max_length=500)
            yield Static("", id="export-path-error")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        if not path:
            return
        try:
            files.check_output(path)
        except ShopError as exc:
            self.query_one("#export-path-error", Static).update(content(str(exc)))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
