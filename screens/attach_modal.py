""""Forgot my card": an anonymous sale, by its receipt number, goes to this customer, who
earns its points now (within the shop's attach_receipt_days)."""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import _
from shoptui.services import sales
from shoptui.services.context import Actor

from .db_work import run_db
from .form import Field, FormModal
from .sale_modal import DoneModal, dismiss_later
from .text import Formats, content


def attach(number: str, customer_id: int, actor: Actor | None) -> tuple[str, int]:
    """Runs in a worker: the receipt's number and the points earned."""
    try:
        receipt = sales.find_receipt(number)
    except ShopError as exc:
        raise ValidationError(str(exc), "receipt") from None
    return receipt.number, sales.attach_receipt(receipt, customer_id, actor)


class AttachModal(FormModal):
    def __init__(self, customer_id: int, name: str, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.customer_name = name
        self.formats = formats
        self.actor = actor
        self._busy = False

    def fields(self) -> Iterable[Field]:
        yield Field(_("Receipt"), Input(id="attach-receipt", max_length=40), "receipt")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog attach-dialog"):
            yield Static(content(_("Attach a receipt")), classes="dialog-title")
            yield Static(content(_("A sale made without a card goes to {name}, who earns its points.").format(
                name=self.customer_name)), classes="dialog-message")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()

    def on_mount(self) -> None:
        self.query_one("#attach-receipt", Input).focus()

    def action_save(self) -> None:
        if self._busy:
            return
        self.clear_errors()
        number = self.values()["receipt"].strip()
        if not number:
            self.show_error(ValidationError(_("Type the receipt number."), "receipt"))
            return
        self._busy = True
        run_db(self, attach, number, self.customer_id, self.actor, on_done=self._done, on_error=self._failed, group="attach")

    def _failed(self, exc: ShopError) -> None:
        self._busy = False
        self.show_error(exc)

    def _done(self, result: tuple[str, int]) -> None:
        self._busy = False
        self.app.data_changed()
        number, earned = result
        lines = [(_("Receipt"), number), (_("Customer"), self.customer_name),
                 (_("Points earned"), self.formats.number(earned).plain)]
        self.app.push_screen(DoneModal(_("Receipt attached"), lines), partial(dismiss_later, self, result))
