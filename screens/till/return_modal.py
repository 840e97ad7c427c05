"""A return against a sale: picked on the card's Sales tab, or by its receipt number.

Blank amount returns all that is left; an amount or lines ("sku qty; …") return part.
The receipt is typed in full or by its digits (this store's); the dialog then shows whose
sale it is, when, and its total, and refuses a sale of another customer from this
customer's card. The confirmation shows the points taken back and given back, the credit
reduced and what is paid back. After the cashier's limit of days a manager's PIN allows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Select, Static

from shoptui.errors import ShopError, ValidationError
from shoptui.i18n import _, ngettext
from shoptui.money import parse_money
from shoptui.services import receipt_lookup, sale_return, scans, till
from shoptui.services.context import Actor
from shoptui.services.receipt_lookup import ReceiptPreview
from shoptui.services.scans import Scan

from ..db_work import run_db
from ..devices.keyboard_scans import TYPED_CODES
from ..messages import CardScanned
from ..text import Formats, content, plain
from ..widgets.form import SELECT_KEYS, Field, FormModal, PartsLine, method_field
from ..widgets.labels import METHOD_NAMES
from .done_modal import DoneModal, dismiss_later
from .override_modal import OverrideModal

# The lines table's own scrollbar and the dialog body's, when either scrolls.
SCROLLBARS = 4


@dataclass(frozen=True)
class LateReturn:
    message: str


@dataclass(frozen=True)
class SaleShown:
    facts: till.SaleFacts
    receipt: ReceiptPreview


def sale_shown(typed: str | None, sale_id: int | None, actor: Actor | None) -> SaleShown:
    """Runs in a worker: the sale typed (or picked) with what is left and whose it is."""
    if sale_id is None:
        sale_id = receipt_lookup.find(typed or "", actor).id
    facts = till.sale_facts(sale_id=sale_id)
    return SaleShown(facts, receipt_lookup.preview_by_id(sale_id))


def take_return(sale_id: int, amount: int | None, lines_text: str, method: str, actor: Actor | None, override_by=None):
    """Runs in a worker: the return, or ``LateReturn`` when a manager must allow it."""
    if override_by is None:
        message = till.late_return_message(sale_id, actor)
        if message is not None:
            return LateReturn(message)
    lines = till.return_lines(sale_id, lines_text) if lines_text.strip() else None
    result = sale_return.record_return(
        sale_id, None if lines else amount, lines=lines, refund_method=method, actor=actor, override_by=override_by
    )
    return Returned(result, dict(till.payments_of(result.receipt.id)))


@dataclass(frozen=True)
class Returned:
    """The return, and how it was paid back method by method (for the slip)."""

    result: sale_return.ReturnResult
    payments: dict[str, int]


def one_more(text: str, sku: str) -> str:
    """The lines typed ("sku qty; …") with one more of ``sku``: added to its entry when
    it has one with a plain quantity, else a new entry "sku 1"."""
    items = [item.strip() for item in text.split(";") if item.strip()]
    for i, item in enumerate(items):
        parts = item.split()
        if parts[0] != sku or len(parts) != 2:
            continue
        try:
            qty = Decimal(parts[1])
        except InvalidOperation:
            continue
        if qty.is_finite():
            items[i] = f"{sku} {qty + 1:f}"
            return "; ".join(items)
    return "; ".join(items + [f"{sku} 1"])


class ReturnModal(FormModal):
    """Answers the ``ReturnResult``, or None when cancelled."""

    def __init__(
        self, formats: Formats, actor: Actor | None = None, sale_id: int | None = None, customer_id: int | None = None
    ):
        super().__init__()
        self.formats = formats
        self.actor = actor
        self.sale_id = sale_id
        # The customer whose card the return is taken from (None: found on the card beneath).
        self.customer_id = customer_id
        self.sale: till.SaleFacts | None = None

    def fields(self) -> Iterable[Field]:
        yield Field(_("Receipt"), Input(id="receipt", max_length=40, classes=TYPED_CODES), "receipt")
        yield Field(_("Amount"), Input(id="amount", placeholder=_("all that is left"), max_length=30), "amount")
        yield Field(_("Lines"), Input(id="lines", placeholder=_("sku qty; …"), max_length=2000), "lines")
        yield method_field(_("Pay back"), ("cash", "card"), "refund", "refund")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form-dialog return-dialog"):
            yield Static(content(_("Return")), classes="dialog-title")
            # Between the title and the keys, docked (app.tcss): at 80×24 this part scrolls
            # rather than push the fields' labels or the keys off the dialog.
            with VerticalScroll(id="return-body"):
                yield Static(content(""), classes="dialog-message", id="return-sale")
                # The sale's lines with what came back already: Enter on one returns one more of it.
                table = DataTable(id="return-lines", cursor_type="row", zebra_stripes=True)
                table.display = False
                yield table
                with Vertical(classes="form-body"):
                    yield from self.compose_fields()
                yield Static(content(""), classes="dialog-message", id="refund-split")
            yield PartsLine(
                _("Enter: take the return   Esc: cancel"), _(SELECT_KEYS), classes="dialog-message", id="return-keys"
            )

    def on_mount(self) -> None:
        if self.customer_id is None and len(self.app.screen_stack) > 1:
            self.customer_id = getattr(self.app.screen_stack[-2], "customer_id", None)
        if self.sale_id is not None:
            run_db(self, sale_shown, None, self.sale_id, self.actor, on_done=self._show_sale, group="return-sale")
            self.query_one("#amount", Input).focus()
        else:
            self.query_one("#receipt", Input).focus()

    def _show_sale(self, shown: SaleShown | None) -> bool:
        """Shows the sale; False (and why, on the receipt field) when it is another customer's."""
        if shown is None:
            return False
        facts, receipt = shown.facts, shown.receipt
        f = self.formats
        whose = (
            _("{name} ({code})").format(name=receipt.customer_name, code=receipt.customer_code)
            if receipt.customer_id
            else _("no card")
        )
        self.query_one("#return-sale", Static).update(
            content(
                _("Sale {number} of {date}, {whose}: {total}; left to return: {left}").format(
                    number=facts.number,
                    date=f.datetime(facts.at).plain,
                    whose=whose,
                    total=f.money(facts.total).plain,
                    left=f.money(facts.left).plain,
                )
            )
        )
        receipt_input = self.query_one("#receipt", Input)
        if receipt_input.value != facts.number:
            receipt_input.value = facts.number
        if self.customer_id is not None and receipt.customer_id not in (None, self.customer_id):
            self.sale = None
            self.show_error(
                ValidationError(
                    _(
                        "Receipt {number} is a sale to {whose}, not to this customer: take the return on that customer's card."
                    ).format(number=facts.number, whose=whose),
                    "receipt",
                )
            )
            return False
        self.sale = facts
        self.sale_id = facts.id
        self._show_lines(facts)
        self.refresh_split()
        return True

    def _show_lines(self, facts: till.SaleFacts) -> None:
        table = self.query_one("#return-lines", DataTable)
        table.clear(columns=True)
        table.display = bool(facts.lines)
        if not facts.lines:
            return
        f = self.formats
        headings = (_("Product"), _("Sold"), _("Returned"), _("Left"), _("Amount"))
        rows = [
            (
                plain(f"{line.sku} {line.name}".strip()),
                f.number(line.qty).plain,
                f.number(line.returned).plain,
                f.number(line.left).plain,
                f.money(line.amount).plain,
            )
            for line in facts.lines
        ]
        widths = [
            max([cell_len(heading)] + [cell_len(str(row[i])) for row in rows]) for i, heading in enumerate(headings)
        ]
        # Every heading and figure whole at 80 columns in every language: a long product name
        # gives way (cut with …). Widths are set, not left to the table, which sizes only when idle.
        body = self.query_one("#return-body").size.width or 76
        room = body - SCROLLBARS - 2 * table.cell_padding * len(headings) - sum(widths[1:])
        widths[0] = max(min(widths[0], room), 8)
        for heading, width in zip(headings, widths):
            table.add_column(plain(heading), width=width)
        for line, (name, *figures) in zip(facts.lines, rows):
            name.truncate(widths[0], overflow="ellipsis")
            # One row a product (till.sale_facts adds up its lines); a line without a sku
            # gets a key of its own and cannot be picked.
            table.add_row(name, *figures, key=line.sku or None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self._add_line(event.row_key.value)

    def _add_line(self, sku: str) -> None:
        """One more of ``sku``: added to its entry when it has one ("COCA 1" → "COCA 2")."""
        lines = self.query_one("#lines", Input)
        lines.value = one_more(lines.value, sku)
        self.field("lines").set_error(None)

    # -- the refund's split, before it is saved ------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("amount", "lines"):
            self.refresh_split()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.refresh_split()

    def _amount(self) -> int | None:
        """The amount typed (None: all that is left); a ShopError on the amount field."""
        text = self.values()["amount"].strip()
        return parse_money(text, self.formats.currency, "amount") if text else None

    def refresh_split(self) -> None:
        if self.sale is None:
            return
        values = self.values()
        try:
            amount = self._amount()
        except ShopError as exc:
            self._split_failed(exc)
            return
        sale_id = self.sale.id
        run_db(
            self,
            till.refund_split,
            sale_id,
            amount,
            values["lines"],
            values["refund"],
            on_done=partial(self._show_split, sale_id=sale_id),
            on_error=partial(self._split_failed, sale_id=sale_id),
            group="refund-split",
            exclusive=True,
        )

    def _shown(self, sale_id: int | None) -> bool:
        """Whether ``sale_id`` (None: any) is still the sale shown: a split worked out for
        a sale since replaced is dropped."""
        return sale_id is None or (self.sale is not None and self.sale.id == sale_id)

    def _split_failed(self, exc: ShopError, sale_id: int | None = None) -> None:
        if self._shown(sale_id):
            self.query_one("#refund-split", Static).update(content(str(exc)))

    def _show_split(self, split: till.RefundSplit, sale_id: int | None = None) -> None:
        if not self._shown(sale_id):
            return
        f = self.formats
        parts = [_("Returns {amount}").format(amount=f.money(split.amount).plain)]
        if split.points_restored or split.points_money:
            parts.append(
                ngettext(
                    "{points} point back ({amount})", "{points} points back ({amount})", split.points_restored
                ).format(points=f.number(split.points_restored).plain, amount=f.money(split.points_money).plain)
            )
        if split.voucher:
            parts.append(_("voucher {amount}").format(amount=f.money(split.voucher).plain))
        if split.gift_card:
            parts.append(_("to the gift card {amount}").format(amount=f.money(split.gift_card).plain))
        if split.credit_reduced:
            parts.append(_("debt less {amount}").format(amount=f.money(split.credit_reduced).plain))
        if split.advance:
            parts.append(_("back to the advance {amount}").format(amount=f.money(split.advance).plain))
        parts.append(
            _("paid back ({method}) {amount}").format(
                method=_(METHOD_NAMES[split.refund_method]), amount=f.money(split.refunded).plain
            )
        )
        if split.rounding:
            parts.append(_("cash rounding {amount}").format(amount=f.money(split.rounding).plain))
        if split.points_reversed:
            parts.append(
                ngettext("{points} point taken back", "{points} points taken back", split.points_reversed).format(
                    points=f.number(split.points_reversed).plain
                )
            )
        self.query_one("#refund-split", Static).update(content(" · ".join(parts)))

    def _typed_receipt(self) -> str:
        return self.query_one("#receipt", Input).value.strip()

    def _receipt_changed(self) -> bool:
        """The receipt field names another sale than the one shown (or none is shown)."""
        return self.sale is None or self.sale.number != self._typed_receipt()

    def _clear_sale(self) -> None:
        """Nothing of the sale shown is left: its facts, its lines, the lines picked from
        them and the refund's split (the receipt typed names another sale now)."""
        self.sale = None
        self.workers.cancel_group(self, "refund-split")
        self.query_one("#return-sale", Static).update(content(""))
        table = self.query_one("#return-lines", DataTable)
        table.clear(columns=True)
        table.display = False
        self.query_one("#lines", Input).value = ""
        self.query_one("#refund-split", Static).update(content(""))

    def _look_up_typed(self, then_focus_amount: bool) -> None:
        self._clear_sale()
        self.clear_errors()
        on_done = self._found if then_focus_amount else self._show_sale
        # Exclusive: only the last receipt typed may come back and be shown.
        run_db(
            self,
            sale_shown,
            self._typed_receipt(),
            None,
            self.actor,
            on_done=on_done,
            on_error=self.show_error,
            group="return-sale",
            exclusive=True,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "receipt" and self._receipt_changed():
            self._look_up_typed(then_focus_amount=True)
            return
        self.action_save()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        # A receipt typed and left with Tab takes effect at once: the sale shown (and the
        # one the return is posted to) is always the one in the field.
        if event.input.id == "receipt" and self._typed_receipt() and self._receipt_changed():
            self._look_up_typed(then_focus_amount=False)

    def _found(self, shown: SaleShown) -> None:
        if self._show_sale(shown):
            self.query_one("#amount", Input).focus()

    def action_save(self, override_by=None) -> None:
        if self.busy:
            return
        self.clear_errors()
        if self._receipt_changed():
            # Never post to a sale other than the one typed: look the typed one up first.
            if self._typed_receipt():
                self._look_up_typed(then_focus_amount=False)
            self.show_error(
                ValidationError(_("Check the sale shown for the receipt typed, then press Enter."), "receipt")
            )
            return
        values = self.values()
        try:
            amount = self._amount()
        except ShopError as exc:
            self.show_error(exc)
            return
        self.submit(
            take_return,
            self.sale.id,
            amount,
            values["lines"],
            values["refund"],
            self.actor,
            override_by,
            on_done=self._done,
            group="return",
            title=_("Return"),
        )

    def on_card_scanned(self, message: CardScanned) -> None:
        """A product scanned is one more of it in Lines; a receipt's number, the sale to
        return; anything else goes on to the app (a customer's card opens their card)."""
        if message.scan is None:
            message.stop()
            run_db(self, scans.classify, message.barcode, on_done=self._scan_classified, group="return-scan")
        elif message.scan.kind in ("product", "receipt"):
            message.stop()
            self._scan_classified(message.scan)

    def _scan_classified(self, scan: Scan) -> None:
        if scan.kind == "product":
            self._add_line(scan.product_sku)
        elif scan.kind == "receipt":
            self.query_one("#receipt", Input).value = scan.code
            self._look_up_typed(then_focus_amount=True)
        else:
            self.app.post_message(CardScanned(scan.code, routed=True, scan=scan))

    def _done(self, result) -> None:
        if isinstance(result, LateReturn):
            self.app.push_screen(
                OverrideModal(result.message, "late_return"),
                lambda user: self.action_save(override_by=user) if user is not None else None,
            )
            return
        self.app.data_changed()
        f = self.formats
        payments, result = result.payments, result.result
        lines = [
            (_("Return receipt"), result.receipt.number),
            (_("Of sale"), self.sale.number),
            (_("Returned"), f.money(result.amount).plain),
            (_("Points taken back"), f.number(result.points_reversed).plain),
            (_("Points given back"), f.number(result.points_restored).plain),
            (_("Credit reduced"), f.money(result.credit_reduced).plain),
        ]
        # Voucher and gift-card money goes back where it came from: on the slip too, so that
        # the lines add up to what was returned.
        for method, label in (
            ("voucher", _("Voucher")),
            ("giftcard", _("Gift card")),
            ("advance", _("Back to the advance")),
        ):
            if payments.get(method):
                lines.append((label, f.money(payments[method]).plain))
        lines.append(
            (
                _("Paid back ({method})").format(method=_(METHOD_NAMES[result.refund_method])),
                f.money(result.refunded).plain,
            )
        )
        if result.rounding:
            lines.append((_("Cash rounding"), f.money(result.rounding).plain))
        self.app.push_screen(DoneModal(_("Return recorded"), lines), partial(dismiss_later, self, result))
