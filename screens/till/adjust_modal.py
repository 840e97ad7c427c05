"""A manual adjustment of a customer's points or debt with its mandatory reason (managers
and owners; the service says no to anyone else)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import ShopError
from shoptui.i18n import N_, _
from shoptui.money import parse_money
from shoptui.services import debts, points
from shoptui.services.context import Actor

from ..text import Formats, content, printable
from ..widgets.form import SELECT_KEYS, Field, FormModal, PartsLine, TillSelect
from ..widgets.form_values import read_whole

ADJUST_KINDS = {"points": N_("points"), "debt": N_("debt")}


def adjust(customer_id: int, kind: str, amount: int, reason: str, actor: Actor | None):
    if kind == "points":
        return points.adjust_points(customer_id, amount, reason, actor)
    return debts.adjust_debt(customer_id, amount, reason, actor)


class AdjustModal(FormModal):
    """A manual correction of points or debt (+ adds, - takes off) with a reason."""

    FIRST_FIELD = "adjust-amount"

    def __init__(self, customer_id: int, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.formats = formats
        self.actor = actor

    def fields(self) -> Iterable[Field]:
        yield Field(
            _("What"),
            TillSelect(
                [(_(name), kind) for kind, name in ADJUST_KINDS.items()],
                id="adjust-kind",
                value="points",
                allow_blank=False,
            ),
            "kind",
        )
        yield Field(_("Change (+ or −)"), Input(id="adjust-amount", max_length=30), "amount")
        yield Field(_("Reason"), Input(id="adjust-reason", max_length=500), "reason")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog adjust-dialog"):
            yield Static(content(_("Adjust points or debt")), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield PartsLine(_("Enter: record the adjustment   Esc: cancel"), _(SELECT_KEYS), classes="dialog-message")

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
        values = self.values_to_save()
        if values is None:
            return
        text = values["amount"].strip().replace("−", "-")
        try:
            if values["kind"] == "points":
                amount = read_whole(text, "amount")
            else:
                amount = parse_money(text, self.formats.currency, "amount")
        except ShopError as exc:
            self.show_error(exc)
            return
        self.submit(
            adjust,
            self.customer_id,
            values["kind"],
            amount,
            values["reason"],
            self.actor,
            on_done=self._done,
            group="adjust",
            title=_("Adjustment"),
        )

    def _done(self, _entry) -> None:
        self.app.data_changed()
        self.app.notify(printable(_("Adjustment recorded.")), markup=False)
        self.dismiss(True)
