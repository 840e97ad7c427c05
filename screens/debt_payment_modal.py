"""A payment against the customer's debt (default: all of it), and manual adjustments
of points or debt with their mandatory reason (managers and owners; the service says no
to anyone else)."""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import ShopError
from shoptui.i18n import N_, _
from shoptui.money import parse_money
from shoptui.services import debts, points
from shoptui.services.context import Actor

from .form import SELECT_KEYS, Field, FormModal, PartsLine, TillSelect
from .form_values import read_whole
from .labels import METHOD_NAMES
from .sale_modal import DoneModal, dismiss_later
from .text import Formats, content, printable


class DebtPaymentModal(FormModal):
    """Answers the ``DebtPayment``, or None when cancelled."""

    def __init__(self, customer_id: int, debt: int, formats: Formats, actor: Actor | None = None, name: str = ""):
        super().__init__()
        self.customer_id = customer_id
        self.debt = debt
        self.formats = formats
        self.actor = actor
        self.customer_name = name

    def fields(self) -> Iterable[Field]:
        yield Field(_("Amount"), Input(id="pay-amount", placeholder=_("all: {amount}").format(
            amount=self.formats.money(self.debt).plain), max_length=30), "amount")
        yield Field(
            _("Paid by"),
            TillSelect([(_(METHOD_NAMES[m]), m) for m in debts.PAYMENT_METHODS], id="pay-method", value="cash", allow_blank=False),
            "method",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog debt-dialog"):
            yield Static(content(_("Debt payment")), classes="dialog-title")
            yield Static(content(_("{name} owes {amount}.").format(
                name=self.customer_name, amount=self.formats.money(self.debt).plain)), classes="dialog-message")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield PartsLine(_("Enter: take the payment   Esc: cancel"), _(SELECT_KEYS), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#pay-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        values = self.values()
        try:
            text = values["amount"].strip()
            amount = parse_money(text, self.formats.currency, "amount") if text else None
        except ShopError as exc:
            self.show_error(exc)
            return
        self.submit(debts.take_payment, self.customer_id, amount, values["method"], self.actor,
                    on_done=self._done, group="debt-payment", title=_("Debt payment"))

    def _done(self, payment: debts.DebtPayment) -> None:
        self.app.data_changed()
        f = self.formats
        lines = [
            (_("Customer"), payment.customer.name),
            (_("Paid"), f.money(payment.amount).plain),
            (_("Paid by"), _(METHOD_NAMES.get(payment.entry.method, payment.entry.method or ""))),
            (_("Debt before"), f.money(payment.balance_before).plain),
            (_("Debt now"), f.money(payment.balance_after).plain),
            (_("Date"), f.datetime(payment.entry.at).plain),
        ]
        self.app.push_screen(DoneModal(_("Debt payment recorded"), lines), partial(dismiss_later, self, payment))


ADJUST_KINDS = {"points": N_("points"), "debt": N_("debt")}


def adjust(customer_id: int, kind: str, amount: int, reason: str, actor: Actor | None):
    if kind == "points":
        return points.adjust_points(customer_id, amount, reason, actor)
    return debts.adjust_debt(customer_id, amount, reason, actor)


class AdjustModal(FormModal):
    """A manual correction of points or debt (+ adds, - takes off) with a reason."""

    def __init__(self, customer_id: int, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.formats = formats
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        yield Field(_("What"), TillSelect([(_(name), kind) for kind, name in ADJUST_KINDS.items()], id="adjust-kind",
                                          value="points", allow_blank=False), "kind")
        yield Field(_("Change (+ or −)"), Input(id="adjust-amount", max_length=30), "amount")
        yield Field(_("Reason"), Input(id="adjust-reason", max_length=500), "reason")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog adjust-dialog"):
            yield Static(content(_("Adjust points or debt")), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield PartsLine(_("Enter: record the adjustment   Esc: cancel"), _(SELECT_KEYS), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#adjust-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """One Enter records it once the change and the reason are typed, from either field;
        else Enter goes to the one still empty."""
        event.stop()
        for name in ("amount", "reason"):
            widget = self.field(name).widget
            if not widget.value.strip():
                widget.focus()
                return
        self.action_save()

    def action_save(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        values = self.values()
        text = values["amount"].strip().replace("−", "-")
        try:
            if values["kind"] == "points":
                amount = read_whole(text, "amount")
            else:
                amount = parse_money(text, self.formats.currency, "amount")
        except ShopError as exc:
            self.show_error(exc)
            return
        self.submit(adjust, self.customer_id, values["kind"], amount, values["reason"], self.actor,
                    on_done=self._done, group="adjust", title=_("Adjustment"))

    def _done(self, _entry) -> None:
        self.app.data_changed()
        self.app.notify(printable(_("Adjustment recorded.")), markup=False)
        self.dismiss(True)
