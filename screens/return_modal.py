"""A return against a sale: picked on the card's Sales tab, or by its receipt number.

Blank amount returns all that is left; an amount or lines ("sku qty; …") return part.
The confirmation shows the points taken back and given back, the credit reduced and
what is paid back. After the cashier's limit of days a manager's PIN allows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import _
from shoptui.money import parse_money
from shoptui.services import sales, till
from shoptui.services.context import Actor

from .db_work import run_db
from .form import Field, FormModal
from .labels import METHOD_NAMES
from .override_modal import OverrideModal
from .sale_modal import DoneModal, dismiss_later
from .text import Formats, content


@dataclass(frozen=True)
class LateReturn:
    message: str


def take_return(sale_id: int, amount: int | None, lines_text: str, method: str, actor: Actor | None, override_by=None):
    """Runs in a worker: the return, or ``LateReturn`` when a manager must allow it."""
    if override_by is None:
        message = till.late_return_message(sale_id, actor)
        if message is not None:
            return LateReturn(message)
    lines = till.return_lines(sale_id, lines_text) if lines_text.strip() else None
    return sales.record_return(sale_id, None if lines else amount, lines=lines, refund_method=method,
                               actor=actor, override_by=override_by)


class ReturnModal(FormModal):
    """Answers the ``ReturnResult``, or None when cancelled."""

    def __init__(self, formats: Formats, actor: Actor | None = None, sale_id: int | None = None):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.sale_id = sale_id
        self.sale: till.SaleFacts | None = None
        self._busy = False

    def fields(self) -> Iterable[Field]:
        yield Field(_("Receipt"), Input(id="receipt", max_length=40), "receipt")
        yield Field(_("Amount"), Input(id="amount", placeholder=_("all that is left"), max_length=30), "amount")
        yield Field(_("Lines"), Input(id="lines", placeholder=_("sku qty; …"), max_length=2000), "lines")
        yield Field(
            _("Pay back"),
            Select([(_(METHOD_NAMES[m]), m) for m in ("cash", "card")], id="refund", value="cash", allow_blank=False),
            "refund",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog return-dialog"):
            yield Static(content(_("Return")), classes="dialog-title")
            yield Static(content(""), classes="dialog-message", id="return-sale")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(content(_("Enter: take the return   Esc: cancel")), classes="dialog-message")

    def on_mount(self) -> None:
        if self.sale_id is not None:
            run_db(self, partial(till.sale_facts, sale_id=self.sale_id), on_done=self._show_sale, group="return-sale")
            self.query_one("#amount", Input).focus()
        else:
            self.query_one("#receipt", Input).focus()

    def _show_sale(self, facts: till.SaleFacts | None) -> None:
        if facts is None:
            return
        self.sale = facts
        self.sale_id = facts.id
        receipt = self.query_one("#receipt", Input)
        if receipt.value != facts.number:
            receipt.value = facts.number
        f = self.formats
        self.query_one("#return-sale", Static).update(content(
            _("Sale {number} of {date}: {total}; left to return: {left}").format(
                number=facts.number, date=f.date(facts.at).plain, total=f.money(facts.total).plain, left=f.money(facts.left).plain)
        ))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "receipt" and (self.sale is None or self.sale.number != event.value.strip()):
            self.sale = None
            run_db(self, till.sale_facts, event.value, on_done=self._found, on_error=self.show_error, group="return-sale")
            return
        self.action_save()

    def _found(self, facts: till.SaleFacts) -> None:
        self._show_sale(facts)
        self.query_one("#amount", Input).focus()

    def action_save(self, override_by=None) -> None:
        if self._busy:
            return
        self.clear_errors()
        if self.sale is None:
            self.show_error(ValidationError(_("Type the receipt number and press Enter."), "receipt"))
            return
        values = self.values()
        try:
            text = values["amount"].strip()
            amount = parse_money(text, self.formats.currency, "amount") if text else None
        except ShopError as exc:
            self.show_error(exc)
            return
        self._busy = True
        run_db(self, take_return, self.sale.id, amount, values["lines"], values["refund"], self.actor, override_by,
               on_done=self._done, on_error=self._failed, group="return", title=_("Return"))

    def _failed(self, exc: ShopError) -> None:
        self._busy = False
        self.show_error(exc)

    def _done(self, result) -> None:
        self._busy = False
        if isinstance(result, LateReturn):
            self.app.push_screen(OverrideModal(result.message, "late_return"),
                                 lambda user: self.action_save(override_by=user) if user is not None else None)
            return
        self.app.data_changed()
        f = self.formats
        lines = [
            (_("Return receipt"), result.receipt.number),
            (_("Of sale"), self.sale.number),
            (_("Returned"), f.money(result.amount).plain),
            (_("Points taken back"), f.number(result.points_reversed).plain),
            (_("Points given back"), f.number(result.points_restored).plain),
            (_("Credit reduced"), f.money(result.credit_reduced).plain),
            (_("Paid back ({method})").format(method=_(METHOD_NAMES[result.refund_method])), f.money(result.refunded).plain),
        ]
        self.app.push_screen(DoneModal(_("Return recorded"), lines), partial(dismiss_later, self, result))
