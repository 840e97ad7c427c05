"""The footer every screen shows: Textual's, with the key names in the current language,
compact enough for 80 columns.

A binding's description is fixed when its screen class is defined, but the language
can be chosen (or switched) later. Descriptions are English message ids (``N_``), so
they are translated here, each time the footer draws its keys.

At 80 columns German and Russian key names leave no room for Textual's "^p palette"
key on the right: it shows from PALETTE_MIN_WIDTH columns on. Ctrl+P works at any
width, and F1 (always in the footer) says so. For the same reason the app-wide Lock
(Ctrl+L, shown once a user signed in) is in the footer of the directory only, where a
cashier is when leaving the till; it works on every screen and F1 lists it.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

from shoptui.i18n import _

from ..role_keys import offered

PALETTE_MIN_WIDTH = 100
# App-wide keys that work everywhere but are shown only by a footer that asks for them.
SHOWN_ON_REQUEST = frozenset({"lock"})


def translated(text: str) -> str:
    """A key's description or tooltip in the current language (empty stays empty)."""
    return _(text) if text else text


class ShopFooter(Footer):
    """Key names and tooltips translated when the footer is composed, not when imported."""

    DEFAULT_CSS = """
    ShopFooter.-compact FooterKey:last-of-type {
        margin-right: 0;
    }
    """

    def __init__(self, *, show_actions: frozenset[str] = frozenset(), **kwargs) -> None:
        """``show_actions``: those of SHOWN_ON_REQUEST this screen's footer shows."""
        kwargs.setdefault("compact", True)
        super().__init__(**kwargs)
        self.hidden_actions = SHOWN_ON_REQUEST - show_actions

    def compose(self) -> ComposeResult:
        self.set_reactive(Footer.show_command_palette, self._room_for_palette(self.app.size.width))
        # Footer.compose builds one FooterKey per binding on every bindings change;
        # translating them on their way out keeps all of Textual's layout and grouping.
        # Textual exports no FooterKey class (textual.widgets has Footer only): a key is
        # told apart by its public ``action`` (FooterLabel and KeyGroup have none).
        for widget in super().compose():
            action = getattr(widget, "action", None)
            if isinstance(action, str) and (action in self.hidden_actions or not offered(self.screen, action)):
                continue
            if isinstance(action, str):
                widget.description = translated(widget.description)
                if widget.tooltip:
                    widget.tooltip = translated(str(widget.tooltip))
            yield widget

    def on_resize(self, event: events.Resize) -> None:
        if self._room_for_palette(event.size.width) != self.show_command_palette:
            self.call_after_refresh(self.recompose)

    @staticmethod
    def _room_for_palette(width: int) -> bool:
        return width >= PALETTE_MIN_WIDTH
