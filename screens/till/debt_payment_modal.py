"""A payment against the customer's debt (default: all of it); manual adjustments of
points or debt are adjust_modal.py's. A manager or the owner may choose "payment in
advance": then more than the debt may be paid (or money while nothing is owed), and the
rest is kept as an advance, which the dialog says as it is typed (the service refuses
anyone else). A plain debt payment of more than the debt is still refused: a slip of the
finger is not an advance."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from shoptui.errors import ShopError
from shoptui.i18n import N_, _
from shoptui.money import parse_money
from shoptui.services import debts
from shoptui.services.context import Actor, allows

from ..text import Formats, content
from ..widgets.form import SELECT_KEYS, Field, FormModal, PartsLine, TillSelect, method_field
from ..widgets.labels import METHOD_NAMES
from .done_modal import DoneModal, dismiss_later

PAYMENT_KINDS = (("payment", N_("debt payment")), ("advance", N_("payment in advance")))


class DebtPaymentModal(FormModal):
    """Answers the ``DebtPayment``, or None when cancelled."""

    FIRST_FIELD = "pay-amount"

    def __init__(self, customer_id: int, debt: int, formats: Formats, actor: Actor | None = None, name: str = ""):
        super().__init__()
        self.customer_id = customer_id
        self.debt = debt
        self.formats = formats
        self.actor = actor
        self.customer_name = name

    def fields(self) -> Iterable[Field]:
        placeholder = _("all: {amount}").format(amount=self.formats.money(self.debt).plain) if self.debt > 0 else ""
        yield Field(_("Amount"), Input(id="pay-amount", placeholder=placeholder, max_length=30), "amount")
        kind = Field(
            _("Payment"),
            TillSelect(
                [(_(label), value) for value, label in PAYMENT_KINDS],
                id="pay-kind",
                value="payment" if self.debt > 0 else "advance",
                allow_blank=False,
            ),
            "kind",
        )
        kind.display = allows(self.actor, "advance")
        yield kind
        yield method_field(_("Paid by"), debts.PAYMENT_METHODS, "pay-method", "method")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog debt-dialog"):
            yield Static(content(_("Debt payment")), classes="dialog-title")
            yield Static(content(self._owed_text()), classes="dialog-message")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static(content(""), classes="dialog-message", id="pay-advance")
            yield PartsLine(_("Enter: take the payment   Esc: cancel"), _(SELECT_KEYS), classes="dialog-message")

    def _owed_text(self) -> str:
        f = self.formats
        if self.debt > 0:
            return _("{name} owes {amount}.").format(name=self.customer_name, amount=f.money(self.debt).plain)
        if self.debt < 0:
            return _("{name} has paid {amount} in advance; a payment adds to it.").format(
                name=self.customer_name, amount=f.money(-self.debt).plain
            )
        return _("{name} owes nothing; a payment is kept as an advance.").format(name=self.customer_name)

    def _typed_amount(self) -> int | None:
        text = self.values()["amount"].strip()
        return parse_money(text, self.formats.currency, "amount") if text else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "pay-amount":
            self._show_advance()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_advance()

    def _show_advance(self) -> None:
        """What goes beyond the debt in a payment in advance is said as it is typed."""
        try:
            amount = self._typed_amount()
        except ShopError:
            amount = None
        beyond = (amount or 0) - max(self.debt, 0)
        note = ""
        if beyond > 0 and self.values().get("kind") == "advance":
            money = self.formats.money(beyond).plain
            note = (
                _("{amount} more than the debt is kept as an advance.")
                if self.debt > 0
                else _("{amount} is kept as an advance.")
            ).format(amount=money)
        self.query_one("#pay-advance", Static).update(content(note))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
        try:
            amount = self._typed_amount()
        except ShopError as exc:
            self.show_error(exc)
            return
        # One service call either way; it refuses an advance to a cashier.
        advance = values.get("kind") == "advance"
        self.submit(
            partial(debts.take_payment, advance=advance),
            self.customer_id,
            amount,
            values["method"],
            self.actor,
            on_done=self._done,
            group="debt-payment",
            title=_("Debt payment"),
        )

    def _done(self, payment: debts.DebtPayment) -> None:
        self.app.data_changed()
        f = self.formats
        lines = [
            (_("Customer"), payment.customer.name),
            (_("Paid"), f.money(payment.amount).plain),
            (_("Paid by"), _(METHOD_NAMES.get(payment.entry.method, payment.entry.method or ""))),
            (_("Debt before"), f.money(payment.balance_before).plain),
            (_("Debt now"), f.money(max(payment.balance_after, 0)).plain),
            (_("Date"), f.datetime(payment.entry.at).plain),
        ]
        if payment.balance_after < 0:
            lines.insert(5, (_("Paid in advance"), f.money(-payment.balance_after).plain))
        self.app.push_screen(DoneModal(_("Debt payment recorded"), lines), partial(dismiss_later, self, payment))
