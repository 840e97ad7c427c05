"""The till locked (on Ctrl+L, or after ``idle_lock_minutes`` without a key): the same
user's PIN opens it again; another user may sign in instead (the app then goes back to
the directory, since what was open belonged to the one before)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from shoptui.i18n import _

from .sign_in_screen import SignInScreen
from .text import content


class LockScreen(SignInScreen):
    def __init__(self, user_name: str):
        super().__init__(user_name)
        self.title_text = _("Locked")

    def compose_message(self) -> ComposeResult:
        yield Static(content(_("{name} locked the till. Type the PIN to go on, or sign in as another user.").format(
            name=self.user_name)), classes="dialog-message", id="lock-message")
