""" "Forgot my card": an anonymous sale, by its receipt number, goes to this customer, who
earns its points now (within the shop's attach_receipt_days).

The number is typed in full or by its digits (this store's receipt). The first Enter
shows the receipt (time, total, and "no card" or whose it is); the second attaches it,
so a mistyped number never moves a stranger's receipt."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import ValidationError
from shoptui.i18n import _
from shoptui.services import receipt_lookup, receipt_owner
from shoptui.services.context import Actor
from shoptui.services.receipt_lookup import ReceiptPreview

from ..devices.keyboard_scans import TYPED_CODES
from ..messages import CardScanned
from ..text import Formats, content
from ..widgets.form import Field, FormModal, PartsLine
from .done_modal import DoneModal, dismiss_later


def attach(receipt_id: int, customer_id: int, actor: Actor | None) -> tuple[str, int]:
    """Runs in a worker: the receipt's number and the points earned."""
    receipt = receipt_lookup.preview_by_id(receipt_id)
    return receipt.number, receipt_owner.attach_receipt(receipt_id, customer_id, actor)


class AttachModal(FormModal):
    FIRST_FIELD = "attach-receipt"

    def __init__(self, customer_id: int, name: str, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.customer_name = name
        self.formats = formats
        self.actor = actor
        self.found: ReceiptPreview | None = None  # shown, and attached at the next Enter

    def fields(self) -> Iterable[Field]:
        yield Field(_("Receipt"), Input(id="attach-receipt", max_length=40, classes=TYPED_CODES), "receipt")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog attach-dialog"):
            yield Static(content(_("Attach a receipt")), classes="dialog-title")
            yield Static(
                content(
                    _("A sale made without a card goes to {name}, who earns its points.").format(
                        name=self.customer_name
                    )
                ),
                classes="dialog-message",
            )
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static("", classes="dialog-message", id="attach-preview")
            yield PartsLine(_("Enter: show the receipt, Enter again: attach   Esc: cancel"), classes="dialog-message")

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
        number = values["receipt"].strip()
        if not number:
            self.show_error(ValidationError(_("Type the receipt number."), "receipt"))
            return
        if self.found is not None and number == self.found.number:
            self.submit(attach, self.found.id, self.customer_id, self.actor, on_done=self._done, group="attach")
        else:
            self.found = None
            self.submit(receipt_lookup.preview_of, number, self.actor, on_done=self._show, group="attach")

    def on_card_scanned(self, message: CardScanned) -> None:
        """A receipt's number scanned (or typed fast) is the receipt to attach; anything else
        goes on to the app."""
        if message.scan is not None and message.scan.kind == "receipt":
            message.stop()
            self.query_one("#attach-receipt", Input).value = message.scan.code
            self.action_save()

    def _show(self, found: ReceiptPreview) -> None:
        f = self.formats
        whose = (
            _("{name} ({code})").format(name=found.customer_name, code=found.customer_code)
            if found.customer_id
            else _("no card")
        )
        self.query_one("#attach-preview", Static).update(
            content(
                _("Receipt {number}, {time}: {total}, {whose}.").format(
                    number=found.number, time=f.datetime(found.at).plain, total=f.money(found.total).plain, whose=whose
                )
            )
        )
        self.query_one("#attach-receipt", Input).value = found.number
        if found.kind != "sale" or found.customer_id is not None:
            self.show_error(
                ValidationError(_("Only a sale without a card can be attached; this one is not."), "receipt")
            )
            return
        self.found = found
        self.query_one("#attach-preview", Static).update(
            content(
                _("Receipt {number}, {time}: {total}, {whose}. Enter attaches it to {name}.").format(
                    number=found.number,
                    time=f.datetime(found.at).plain,
                    total=f.money(found.total).plain,
                    whose=whose,
                    name=self.customer_name,
                )
            )
        )

    def _done(self, result: tuple[str, int]) -> None:
        self.app.data_changed()
        number, earned = result
        lines = [
            (_("Receipt"), number),
            (_("Customer"), self.customer_name),
            (_("Points earned"), self.formats.number(earned).plain),
        ]
        self.app.push_screen(DoneModal(_("Receipt attached"), lines), partial(dismiss_later, self, result))
