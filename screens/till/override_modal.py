"""A manager's (or owner's) name and PIN that allow, once, what the signed-in user may not.

The modal answers the ``User`` who allowed it, or None when cancelled; the service the
caller then runs logs who allowed it (``override_by``)."""

from __future__ import annotations

from typing import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import _
from shoptui.services import users

from ..db_work import run_db
from ..text import content
from ..widgets.form import Field, FormModal


class OverrideModal(FormModal):
    """``action`` is the service's action name (credit_override, late_return)."""

    def __init__(self, reason: str, action: str):
        super().__init__()
        self.reason = reason
        self.action = action
        self._busy = False

    def fields(self) -> Iterable[Field]:
        yield Field(_("Manager"), Input(id="override-name", max_length=100), "name")
        yield Field(_("PIN"), Input(id="override-pin", password=True, max_length=12), "pin")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog override-dialog"):
            yield Static(content(_("A manager must allow this")), classes="dialog-title")
            yield Static(content(self.reason), classes="dialog-message", id="override-reason")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(content(_("Enter: allow   Esc: cancel")), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#override-name", Input).focus()

    def action_save(self) -> None:
        if self._busy:
            return
        self.clear_errors()
        values = self.values()
        if not values["name"].strip():
            self.show_error(ValidationError(_("Type the manager's name."), "name"))
            return
        self._busy = True
        run_db(self, users.authorize_override, values["name"], values["pin"], self.action,
               on_done=self._allowed, on_error=self._refused, group="override")

    def _refused(self, exc: ShopError) -> None:
        self._busy = False
        pin = self.query_one("#override-pin", Input)
        pin.value = ""
        self.field("pin").set_error(str(exc))
        pin.focus()

    def _allowed(self, user) -> None:
        self._busy = False
        self.dismiss(user)
