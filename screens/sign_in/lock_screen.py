"""The till locked (on Ctrl+L, or after ``idle_lock_minutes`` without a key): whoever
goes on types their user name and PIN, the one who locked as well as another user (the
app then goes back to the directory, since what was open belonged to the one before).

The user field starts empty, with the focus: were it filled with the last user, a
manager typing their own name and PIN would have it counted as wrong PINs of the cashier.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from shoptui.i18n import _

from ..text import content
from .sign_in_modal import SignInModal


class LockScreen(SignInModal):
    def __init__(self, user_name: str):
        super().__init__()
        self.locked_by = user_name
        self.title_text = _("Locked")

    def compose_message(self) -> ComposeResult:
        yield Static(
            content(_("{name} locked the till. Type your user name and PIN to go on.").format(name=self.locked_by)),
            classes="dialog-message",
            id="lock-message",
        )
