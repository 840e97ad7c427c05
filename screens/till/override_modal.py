"""A manager's (or owner's) name and PIN that allow, once, what the signed-in user may not.

The modal answers the ``User`` who allowed it, or None when cancelled; the service the
caller then runs logs who allowed it (``override_by``)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.i18n import _
from shoptui.services import users

from ..text import content
from ..widgets.form import Field
from ..widgets.pin_form import PinFormModal


class OverrideModal(PinFormModal):
    """``action`` is the service's action name (credit_override, late_return)."""

    FIRST_FIELD = "override-name"
    pin_id = "override-pin"
    work_group = "override"

    def __init__(self, reason: str, action: str):
        super().__init__()
        self.reason = reason
        self.action = action

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

    def missing_name(self) -> str:
        return _("Type the manager's name.")

    def check(self, name: str, pin: str):
        return users.authorize_override(name, pin, self.action)

    def checked(self, user) -> None:
        self.dismiss(user)
