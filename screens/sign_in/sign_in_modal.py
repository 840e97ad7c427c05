"""Signing in with a user name and PIN, when the shop has users.

It cannot be cancelled (Ctrl+Q still quits): until someone signs in, nothing else is
reachable (the app keeps it on top until ``passed``; see ``till_keys.py``). Wrong PINs are
counted by the service against the user named, which locks them out for a while. The lock
screen (``lock_screen.py``) is this form with a line saying who locked the till.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.i18n import N_, _
from shoptui.services import users
from shoptui.services.stores import default_store
from shoptui.services.users import User

from ..messages import CardScanned
from ..text import content
from ..widgets.form import Field
from ..widgets.pin_form import PinFormModal


def sign_in(name: str, pin: str):
    """Runs in a worker: the user and the store they work in."""
    user = users.verify_pin(name, pin)
    return user, default_store()


class SignInModal(PinFormModal):
    """Answers (User, Store) once the PIN is right."""

    BINDINGS = [Binding("escape", "cancel", N_("Clear"), show=False, id="sign-in-clear")]
    # Opaque: nobody reads a customer's card behind a locked till.
    DEFAULT_CSS = """
    SignInModal {
        background: $background;
    }
    """
    title_text = ""
    pin_id = "sign-in-pin"
    work_group = "sign-in"

    def __init__(self, user_name: str = ""):
        super().__init__()
        self.user_name = user_name
        # Set by a right PIN just before the screen goes: the app pops a sign-in only then.
        self.passed = False

    def fields(self) -> Iterable[Field]:
        yield Field(_("User"), Input(self.user_name, id="sign-in-name", max_length=100), "name")
        # Digits only: a letter typed here is a user name typed in the wrong field, not a PIN to count.
        yield Field(_("PIN"), Input(id="sign-in-pin", password=True, max_length=12, restrict="[0-9]*"), "pin")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog sign-in-dialog"):
            yield Static(content(self.title_text or _("Sign in")), classes="dialog-title")
            yield from self.compose_message()
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(content(_("Enter: sign in   Ctrl+Q: quit")), classes="dialog-message")

    def compose_message(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        # Boxed, unlike the one-line fields of the other forms (app.tcss: ".field Input"
        # has no border): on the opaque sign-in a borderless field read as a plain label.
        # Inline, because app.tcss's rule outranks any DEFAULT_CSS.
        variables = self.app.get_css_variables()
        border = Color.parse(variables.get("primary", "ansi_blue"))
        for field in ("#sign-in-name", "#sign-in-pin"):
            box = self.query_one(field, Input)
            box.styles.border = ("round", border)
            box.styles.height = 3
            box.styles.max_width = 40
            box.parent.query_one(".field-label").styles.padding = (1, 0, 0, 0)  # beside the box's line
        # Tab and Shift+Tab go between the two fields only: the scrolling body (focusable in
        # Textual) was a third, invisible stop where what was typed went nowhere.
        for widget in self.query("*"):
            if widget.can_focus and widget.id not in ("sign-in-name", "sign-in-pin"):
                widget.can_focus = False
        target = "#sign-in-pin" if self.user_name else "#sign-in-name"
        self.query_one(target, Input).focus()

    def on_card_scanned(self, message: CardScanned) -> None:
        message.stop()  # no customer card opens behind the sign-in

    def action_cancel(self) -> None:
        self.query_one("#sign-in-pin", Input).value = ""

    def missing_name(self) -> str:
        return _("Type your user name.")

    def check(self, name: str, pin: str):
        return sign_in(name, pin)

    def checked(self, signed: tuple[User, object]) -> None:
        self.passed = True
        self.dismiss(signed)
