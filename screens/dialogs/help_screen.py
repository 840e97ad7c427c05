"""F1: the keys of the screen underneath and the global ones, one a line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from shoptui.i18n import N_, _

from ..role_keys import key_name, offered
from ..text import content, plain


@dataclass(frozen=True)
class KeyRow:
    key: str
    what: str
    scope: str  # "screen" or "app"


def key_label(app: App, binding) -> str:
    """How a key reads: F4 as on the keyboard, the rest as Textual shows it (^q, esc)."""
    label = app.get_key_display(binding)
    return label.upper() if re.fullmatch(r"f\d+", label) else label


def keys_of(app: App) -> list[KeyRow]:
    """The named keys active on the current screen, the screen's own before the global ones."""
    rows: list[KeyRow] = []
    seen: set[tuple[str, str]] = set()
    for _key, active in app.screen.active_bindings.items():
        binding = active.binding
        # Ours carry an id (remappable); Textual's own widget keys (scrolling, copying) are left out.
        if not binding.description or not binding.id or not offered(app.screen, binding.action):
            continue
        key = key_label(app, binding)
        # Descriptions are English message ids: translated now, in the language of the moment.
        what = key_name(app.screen, binding.action, binding.description)
        if (key, what) in seen:
            continue
        seen.add((key, what))
        rows.append(KeyRow(key, what, "app" if active.node is app else "screen"))
    rows.sort(key=lambda r: r.scope == "app")
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="help-close"),
        Binding("f1", "close", N_("Close"), id="help-close-f1", show=False),
    ]

    def __init__(self, rows: list[KeyRow], screen_title: str = ""):
        super().__init__()
        self.rows = rows
        self.screen_title = screen_title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help-dialog"):
            title = _("Keys: {screen}").format(screen=self.screen_title) if self.screen_title else _("Keys")
            yield Static(content(title), classes="dialog-title")
            # Above the keys: at 80x24 the list fills the dialog, and at that width the
            # footer has no room for the palette key, so this line is where one learns of it.
            yield Static(
                content(_("Ctrl+P opens the command palette: every screen and action by name.")),
                classes="dialog-message",
            )
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", DataTable)
        table.add_column(_("Shortcut"))
        table.add_column(_("What it does"))
        table.add_column(_("Where"))
        for row in self.rows:
            where = _("everywhere") if row.scope == "app" else _("this screen")
            table.add_row(plain(row.key), plain(row.what), plain(where))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
