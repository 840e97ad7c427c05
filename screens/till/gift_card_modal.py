"""Gift cards at the till: the form that sells a new card or tops one up (barcode, amount,
how the buyer paid); the balance shown when one is scanned is gift_balance_modal.py's.

A gift card belongs to whoever brings it, so its scan never opens or registers a
customer; the money on it is its own ledger (services.vouchers).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import NotFound, ShopError, ValidationError
from shoptui.i18n import _
from shoptui.money import parse_money
from shoptui.services import scans, vouchers
from shoptui.services.context import Actor

from ..db_work import run_db
from ..messages import CardScanned
from ..text import Formats, content, printable
from ..widgets.form import SELECT_KEYS, Field, FormModal, PartsLine, method_field
from ..widgets.labels import METHOD_NAMES, name_of
from .done_modal import DoneModal, dismiss_later


def _actor(app: App) -> Actor | None:
    return getattr(app, "actor", None)


def sell_gift_card(app: App, barcode: str = "") -> None:
    """The form to sell a new gift card, or to top one up (from the palette)."""
    app.push_screen(GiftCardModal(app.formats, _actor(app), barcode))


def read_card(barcode: str) -> vouchers.GiftCardView | None:
    """Runs in a worker: the card's view, or None when this barcode is a new gift card."""
    try:
        return vouchers.gift_card_view(barcode, 1)
    except NotFound:
        return None


def what_code(barcode: str) -> vouchers.GiftCardView | str | None:
    """Runs in a worker: the gift card's view; else why the code cannot be a new gift
    card (what it already is: a product, a customer's card...); else None, a new one."""
    view = read_card(barcode)
    if view is not None:
        return view
    return scans.new_code_refusal(barcode, "gift")


class GiftCardModal(FormModal):
    """Sells a new gift card or tops one up; answers the ``GiftTopUp``, or None."""

    DEFAULT_CSS = """
    GiftCardModal #gift-known { color: $text-muted; }
    """

    def __init__(self, formats: Formats, actor: Actor | None = None, barcode: str = ""):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.barcode = barcode

    def fields(self) -> Iterable[Field]:
        yield Field(
            _("Gift card (scan or type)"), Input(printable(self.barcode), id="gift-barcode", max_length=64), "barcode"
        )
        yield Field(_("Amount"), Input(id="gift-amount", max_length=30), "amount")
        yield method_field(_("Paid by"), vouchers.GIFT_PAYMENT_METHODS, "gift-method", "method")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog gift-form-dialog"):
            yield Static(content(_("Sell or top up a gift card")), classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static("", id="gift-known", classes="dialog-message")
            yield PartsLine(
                _("Enter: next / record   Ctrl+S: record   Esc: cancel"), _(SELECT_KEYS), classes="dialog-message"
            )

    def on_mount(self) -> None:
        if self.barcode:
            self._look_up(self.barcode)
            self.query_one("#gift-amount", Input).focus()
        else:
            self.query_one("#gift-barcode", Input).focus()

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan here is the gift card being sold or topped up."""
        message.stop()
        self.query_one("#gift-barcode", Input).value = message.barcode
        self.field("barcode").set_error(None)
        self._look_up(message.barcode)
        self.query_one("#gift-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "gift-barcode":
            self._look_up(event.value)
        super().on_input_submitted(event)

    def on_descendant_blur(self, event) -> None:
        """A code typed and left with Tab: say at once what it is."""
        if getattr(event.widget, "id", None) == "gift-barcode":
            self._look_up(event.widget.value)

    def _look_up(self, barcode: str) -> None:
        if barcode.strip():
            run_db(
                self,
                what_code,
                barcode.strip(),
                on_done=self._known,
                on_error=lambda _exc: None,
                group="gift-known",
                exclusive=True,
            )

    def _known(self, view: vouchers.GiftCardView | str | None) -> None:
        if isinstance(view, str):  # not a gift card and cannot become one: say what it is
            self.field("barcode").set_error(view)
            text = view
        elif view is None:
            text = _("A new gift card.")
        else:
            text = _("Balance now: {amount}").format(amount=self.formats.money(view.balance).plain)
        if not isinstance(view, str):
            self.field("barcode").set_error(None)
        self.query_one("#gift-known", Static).update(content(text))

    def action_save(self) -> None:
        values = self.values_to_save()
        if values is None:
            return
        try:
            if not values["barcode"].strip():
                raise ValidationError(_("Scan or type the gift card's barcode."), "barcode")
            text = values["amount"].strip()
            if not text:
                raise ValidationError(_("The amount must be more than zero."), "amount")
            amount = parse_money(text, self.formats.currency, "amount")
        except ShopError as exc:
            self.show_error(exc)
            return
        self.submit(
            vouchers.top_up_gift_card,
            values["barcode"],
            amount,
            values["method"],
            self.actor,
            on_done=self._done,
            group="gift-top-up",
            title=_("Gift card"),
        )

    def _done(self, top_up: vouchers.GiftTopUp) -> None:
        self.app.data_changed()
        f = self.formats
        user = self.actor.user.name if self.actor is not None and self.actor.user is not None else ""
        lines = [
            (_("Gift card"), top_up.card.barcode),
            (_("Sold") if top_up.kind == "issue" else _("Topped up"), f.money(top_up.amount).plain),
            (_("Paid by"), name_of(METHOD_NAMES, top_up.method)),
            (_("Balance before"), f.money(top_up.balance_before).plain),
            (_("Balance now"), f.money(top_up.balance_after).plain),
            (_("Date"), f.datetime(top_up.entry.at).plain),
            (_("Entry no."), str(top_up.entry.id)),
        ]
        if user:
            lines.append((_("Cashier"), user))
        title = _("Gift card sold") if top_up.kind == "issue" else _("Gift card topped up")
        self.app.push_screen(DoneModal(title, lines), partial(dismiss_later, self, top_up))
