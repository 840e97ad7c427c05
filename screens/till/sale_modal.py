"""A sale at the till, from the customer's card (or anonymous from the directory).

The cashier types the amount and presses Enter: the personal discount is applied, the
rest is paid in cash, and the confirmation shows the receipt number, the points earned
and the new balances. Everything else is optional and one Tab away: lines by product
barcode or sku (each with an optional discount, "-5000" or "-10%", listed under the
field line by line with what it comes to; with lines, the amount may stay blank or must
be what they come to), a receipt discount (an amount or a percentage, read as the line
discounts are), a voucher (scanned or typed), points to redeem (the most allowed is shown), a gift card, a part on credit (the
credit left is shown), a part from the advance (for a customer who paid in advance, at
most what they paid; it is not credit), a part by bank card, and the cash (blank: whatever is left). The figures are quoted by the
service as they are typed; the sale itself is one service call, one transaction.

Credit the rules refuse can be allowed by a manager's PIN (``OverrideModal``); the
service logs who allowed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from shoptui.errors import RuleViolation, ShopError, ValidationError
from shoptui.i18n import N_, _
from shoptui.money import parse_money
from shoptui.services import checkout, customer_view, sale_quote, scans, till, vouchers
from shoptui.services.context import Actor
from shoptui.services.sale_quote import LineInput, SaleInput
from shoptui.services.scans import Scan

from ..db_work import notify_error, run_db
from ..messages import CardScanned
from ..text import Formats, content, printable
from ..widgets.form import Field, FormModal, PartsLine
from ..widgets.form_values import read_percent, read_whole
from .done_modal import DoneModal, dismiss_later
from .override_modal import OverrideModal

PAYMENT_NAMES = {
    "cash": N_("cash"),
    "card": N_("bank card"),
    "credit": N_("credit"),
    "points": N_("points"),
    "voucher": N_("voucher"),
    "giftcard": N_("gift card"),
    "rounding": N_("cash rounding"),
}


def payment_label(method: str) -> str:
    """A payment's line on the slip: "Paid by cash", …; the rounding of cash is its own line."""
    if method == "rounding":
        return _("Cash rounding")
    if method == "advance":
        return _("Paid from the advance")
    return _("Paid by {method}").format(method=_(PAYMENT_NAMES[method]) if method in PAYMENT_NAMES else method)


@dataclass(frozen=True)
class CreditRefused:
    """The credit rules refused the sale; a manager's PIN may allow it."""

    message: str


def read_lines(text: str, currency: str) -> list[LineInput]:
    """ "sku [qty] [price] [-discount]" items separated by ";": "8930001 2 15000 -10%; 8930002".

    The discount is the word that starts with "-": an amount off the line ("-5000") or,
    ending in "%", a share of it ("-10%"), so it may follow the quantity or the price.
    """
    lines = []
    for item in text.split(";"):
        parts = item.split()
        if not parts:
            continue
        discounts = [part for part in parts[1:] if part.startswith("-")]
        parts = [part for part in parts if not part.startswith("-") or part is parts[0]]
        if len(parts) > 3 or len(discounts) > 1:
            raise ValidationError(
                _("A line is: barcode or sku, then quantity, then price, then a discount such as -5000 or -10%."),
                "lines",
            )
        qty = sale_quote.quantity(parts[1]) if len(parts) > 1 else 1
        price = parse_money(parts[2], currency, "lines") if len(parts) > 2 else None
        amount, basis_points = read_line_discount(discounts[0][1:], currency) if discounts else (0, 0)
        lines.append(
            LineInput(qty=qty, unit_price=price, sku=parts[0], line_discount=amount, line_discount_bp=basis_points)
        )
    return lines


def read_discount(text: str, currency: str, field: str) -> tuple[int, int]:
    """A discount as typed: (amount, 0) for "5000", (0, hundredths of a percent) for "10%";
    a leading "-" is taken as the lines write it ("-10%"); blank: (0, 0)."""
    text = (text or "").strip()
    if text[:1] in ("-", "\u2212"):
        text = text[1:].strip()
    if not text:
        return 0, 0
    if text.endswith("%"):
        basis_points = read_percent(text, field)
        if basis_points < 0:
            raise ValidationError(_("{value} is not a discount.").format(value=text), field)
        return 0, basis_points
    amount = parse_money(text, currency, field)
    if amount < 0:
        raise ValidationError(_("{value} is not a discount.").format(value=text), field)
    return amount, 0


def read_line_discount(text: str, currency: str) -> tuple[int, int]:
    """A line's discount as typed after the "-": (amount, 0) or (0, hundredths of a percent)."""
    # The "-" was the line's sign; a second one is a typo, not a discount.
    usable = text.strip() and text.strip()[:1] not in ("-", "\u2212")
    amount, basis_points = read_discount(text, currency, "lines") if usable else (0, 0)
    if amount <= 0 and basis_points <= 0:
        raise ValidationError(_("{value} is not a line discount.").format(value="-" + text), "lines")
    return amount, basis_points


def quote(sale: SaleInput) -> tuple[sale_quote.Quote, int | None]:
    """Runs in a worker: the quote, and the gift card's balance when one is given."""
    gift = vouchers.gift_balance(vouchers.gift_card(sale.gift_card)) if sale.gift_card else None
    return sale_quote.quote(sale), gift


def record(sale: SaleInput, actor: Actor | None):
    """Runs in a worker: the sale, or ``CreditRefused`` when only the credit rules stop it."""
    try:
        result = checkout.record_sale(sale, actor)
    except RuleViolation as exc:
        if till.credit_refused(sale, actor):
            return CreditRefused(str(exc))
        raise
    return Recorded(result, till.payments_of(result.receipt.id))


@dataclass(frozen=True)
class Recorded:
    result: checkout.SaleResult
    payments: list[tuple[str, int]]


# Where a scan of each kind goes in the sale form.
SCAN_FIELDS = {"product": "lines", "voucher": "voucher", "gift": "gift_card"}

# The dialog must still fit 80×24 with a customer's fields; the totals count every line.
LINES_SHOWN = 4


class SaleModal(FormModal):
    """Answers the ``SaleResult`` when a sale was recorded, else None."""

    aliases = {
        "extra_discount": "discount",
        "qty": "lines",
        "price": "lines",
        "line_discount": "lines",
        "gift_amount": "gift_amount",
        "number": "amount",
    }
    MONEY = ("amount", "gift_amount", "credit", "advance", "card", "cash")

    def __init__(self, customer_id: int | None, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.formats = formats
        self.actor = actor
        self.header: customer_view.Header | None = None
        self.last_quote: sale_quote.Quote | None = None
        # A loyalty card was scanned into a sale begun without a customer.
        self.card_read = False

    def fields(self) -> Iterable[Field]:
        yield Field(
            _("Amount"),
            Input(id="amount", placeholder=_("blank with lines: what they come to"), max_length=30),
            "amount",
        )
        yield Field(
            _("Lines"), Input(id="lines", placeholder=_("barcode qty price -discount; …"), max_length=2000), "lines"
        )
        yield Field(
            _("Receipt discount"), Input(id="discount", placeholder=_("5000 or 10%"), max_length=30), "discount"
        )
        yield Field(_("Voucher"), Input(id="voucher", max_length=64), "voucher")
        # A customer's own ways to pay, shown once the sale has a customer (their card may
        # be scanned in the middle of a sale begun without one).
        points_field = Field(_("Points to redeem"), Input(id="points", max_length=12, type="integer"), "points")
        credit_field = Field(_("On credit"), Input(id="credit", max_length=30), "credit")
        for field in (points_field, credit_field):
            field.display = self.customer_id is not None
            yield field
        # Shown once the customer is known to have paid in advance (a negative debt balance).
        advance_field = Field(_("From the advance"), Input(id="advance", max_length=30), "advance")
        advance_field.display = False
        yield advance_field
        yield Field(_("Gift card"), Input(id="gift_card", max_length=64), "gift_card")
        yield Field(_("From the gift card"), Input(id="gift_amount", max_length=30), "gift_amount")
        yield Field(_("Bank card"), Input(id="card", max_length=30), "card")
        yield Field(_("Cash"), Input(id="cash", placeholder=_("the rest"), max_length=30), "cash")

    def compose(self) -> ComposeResult:
        title = _("New sale") if self.customer_id is not None else _("Sale without a card")
        with Vertical(id="dialog", classes="form-dialog sale-dialog"):
            yield Static(content(title), classes="dialog-title", id="sale-title")
            # The quote and the keys are docked at the bottom and the title at the top (app.tcss):
            # at 80×24 the fields and the sale's lines scroll between them, never pushing them off.
            with Vertical(id="sale-foot"):
                yield Static(content(""), classes="dialog-message", id="quote")
                yield PartsLine(
                    _("Enter: record the sale   Tab: next field   Esc: cancel"),
                    classes="dialog-message",
                    id="sale-keys",
                )
            with VerticalScroll(id="sale-body"):
                yield PartsLine(classes="dialog-message", id="sale-customer")
                with Vertical(classes="form-body"):
                    yield from self.compose_fields()
                yield Static(content(""), classes="dialog-message", id="sale-lines")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()
        if self.customer_id is not None:
            run_db(self, customer_view.header, self.customer_id, on_done=self._show_customer, group="sale-customer")

    def _show_customer(self, header: customer_view.Header) -> None:
        self.header = header
        self.query_one("#sale-title", Static).update(content(_("New sale")))
        for name in ("points", "credit"):
            self.field(name).display = True
        f = self.formats
        advance = self.field("advance")
        advance.display = header.debt < 0
        if header.debt < 0:
            advance.widget.placeholder = _("up to {amount}").format(amount=f.money(-header.debt).plain)
        credit = f.money(header.credit_left).plain if header.credit_left is not None else _("no limit")
        if header.debt < 0:  # money the shop holds for the customer, named so
            facts = _("{name} ({code})   points: {points}   paid in advance: {advance}   credit left: {credit}").format(
                name=header.name,
                code=header.code,
                points=f.number(header.points).plain,
                advance=f.money(-header.debt).plain,
                credit=credit,
            )
        else:
            facts = _("{name} ({code})   points: {points}   debt: {debt}   credit left: {credit}").format(
                name=header.name,
                code=header.code,
                points=f.number(header.points).plain,
                debt=f.money(header.debt).plain,
                credit=credit,
            )
        # Broken between its facts at 80 columns, never inside one ("credit left: 450 000 / ₫").
        self.query_one("#sale-customer", PartsLine).set_parts(facts)

    # -- reading the form -----------------------------------------------------------------

    def sale_input(self, override_by=None) -> SaleInput:
        values = self.values()
        currency = self.formats.currency
        money = {}
        for name in self.MONEY:
            text = (values.get(name) or "").strip()
            money[name] = parse_money(text, currency, name) if text else None
        lines = read_lines(values.get("lines") or "", currency)
        discount, discount_bp = read_discount(values.get("discount") or "", currency, "discount")
        if money["amount"] is None and not lines:
            raise ValidationError(_("Type the amount or add lines."), "amount")
        points_text = (values.get("points") or "").strip()
        # Through the importer's reader: its ceiling (money.MAX_MINOR) holds for points too.
        points_count = read_whole(points_text, "points") if points_text else 0
        return SaleInput(
            # With lines, a typed amount goes along so the service can refuse one that disagrees.
            customer=self.customer_id,
            amount=money["amount"],
            lines=lines,
            extra_discount=discount,
            extra_discount_bp=discount_bp,
            points=points_count,
            voucher=(values.get("voucher") or "").strip() or None,
            gift_card=(values.get("gift_card") or "").strip() or None,
            gift_amount=money["gift_amount"] or 0,
            credit=money["credit"] or 0,
            advance=money["advance"] or 0,
            card=money["card"] or 0,
            cash=money["cash"],
            override_by=override_by,
        )

    # -- the quote ------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        for name in ("amount", "lines", "discount", event.input.id):
            if name in self._fields:
                self.field(name).set_error(None)
        self.refresh_quote()

    def refresh_quote(self) -> None:
        try:
            sale = self.sale_input()
        except ShopError as exc:
            self._quote_failed(exc)
            return
        run_db(self, quote, sale, on_done=self._show_quote, on_error=self._quote_failed, group="quote", exclusive=True)

    def _quote_failed(self, exc: ShopError) -> None:
        self.last_quote = None
        # A typed value the quote refuses is marked on its field too, without taking the focus.
        name = getattr(exc, "field", None)
        name = self.aliases.get(name, name)
        if name in ("amount", "lines", "discount"):
            self.field(name).set_error(str(exc))
        self.query_one("#sale-lines", Static).display = False
        self.query_one("#quote", Static).update(content(str(exc)))

    def _show_lines(self, lines: tuple[sale_quote.QuotedLine, ...]) -> None:
        """Each line as it will be recorded: name (sku), qty × price, its discount, its amount."""
        f = self.formats
        text = Text(end="")
        for i, line in enumerate(lines[:LINES_SHOWN]):
            if i:
                text.append("\n")
            name = line.name or line.sku
            label = _("{name} ({sku})").format(name=name, sku=line.sku) if line.name and line.sku else name
            text.append(printable(label)[:40], style="bold")
            text.append(
                " "
                + _("{qty} × {price}").format(
                    qty=f.number(line.qty.normalize()).plain, price=f.money(line.unit_price).plain
                )
            )
            if line.line_discount:
                text.append(" − " + f.money(line.line_discount).plain, style="yellow")
            text.append(" = " + f.money(line.amount).plain, style="bold")
        if len(lines) > LINES_SHOWN:
            text.append("\n" + _("… and {n} more lines").format(n=len(lines) - LINES_SHOWN), style="dim")
        widget = self.query_one("#sale-lines", Static)
        widget.update(text)
        widget.display = bool(lines)

    def _show_quote(self, quoted: tuple[sale_quote.Quote, int | None]) -> None:
        q, gift_balance = quoted
        self.last_quote = q
        f = self.formats
        text = Text(end="")

        # Lines broken between facts, never inside one ("Verfügbarer / Kredit"): Rich would
        # wrap at any space, a no-break one too.
        width = self.query_one("#quote", Static).content_region.width or 76

        def fact(label: str, value: str, first: bool = False) -> None:
            if not first:
                line = text.plain.rsplit("\n", 1)[-1]
                text.append("\n" if cell_len(f"{line}   {label}: {value}") > width else "   ")
            text.append(label + ": ", style="dim")
            text.append(value.replace(" ", "\u00a0"), style="bold")

        self._show_lines(q.lines)
        fact(_("Subtotal"), f.money(q.subtotal).plain, first=True)
        if q.line_discounts:
            fact(_("Line discounts"), f.money(q.line_discounts).plain)
        fact(_("Discount {percent}").format(percent=f.percent(q.discount_bp).plain), f.money(q.personal_discount).plain)
        if q.extra_discount:
            fact(_("Receipt discount"), f.money(q.extra_discount).plain)
        fact(_("To pay"), f.money(q.total).plain)
        text.append("\n")
        fact(_("Points up to"), f.number(q.max_points).plain, first=True)
        if q.points_money:
            fact(_("Points pay"), f.money(q.points_money).plain)
        if q.voucher_money:
            fact(_("Voucher pays"), f.money(q.voucher_money).plain)
        if q.credit_left is not None:
            fact(_("Credit left"), f.money(q.credit_left).plain)
        try:
            sale = self.sale_input()
        except ShopError:
            sale = None
        advance_after = None
        if q.advance_left:
            # What pays this sale from the advance, never the advance's balance among the
            # payments; credit typed for a customer with an advance is taken from the
            # advance first (the debt ledger nets them), so that is said too.
            taken = sale.advance if sale is not None and 0 <= sale.advance <= q.advance_left else 0
            credit = max(sale.credit, 0) if sale is not None else 0
            from_credit = min(credit, q.advance_left - taken)
            if taken:
                fact(_("From the advance"), f.money(taken).plain)
            if from_credit:
                fact(_("On credit, first from the advance"), f.money(from_credit).plain)
            advance_after = q.advance_left - taken - from_credit  # said last, after what pays the sale
        if gift_balance is not None:
            fact(_("Gift card has"), f.money(gift_balance).plain)
        if sale is not None:
            problem = self._payment_problem(q, sale)
            if problem:
                if advance_after is not None:
                    fact(_("Advance left after this sale"), f.money(advance_after).plain)
                    advance_after = None
                text.append("\n" + printable(problem), style="bold red")
            else:
                rest = (
                    q.total
                    - q.points_money
                    - q.voucher_money
                    - sale.gift_amount
                    - sale.credit
                    - sale.advance
                    - sale.card
                )
                # The cash to take, rounded to the shop's step, and the rounding beside it.
                cash, rounding = q.cash(rest, sale.cash)
                fact(_("Cash"), f.money(cash).plain)
                if rounding:
                    fact(_("Cash rounding"), f.money(rounding).plain)
        if advance_after is not None:
            fact(_("Advance left after this sale"), f.money(advance_after).plain)
        self.query_one("#quote", Static).update(text)

    def _payment_problem(self, q: sale_quote.Quote, sale: SaleInput) -> str | None:
        """What is wrong with the payments typed so far, so the preview never shows a
        negative cash figure; the service says the same when the sale is recorded."""
        f = self.formats
        if self.customer_id is not None and sale.points > q.max_points:
            return _("At most {n} points can pay this receipt.").format(n=f.number(q.max_points).plain)
        if sale.advance > q.advance_left:
            return _("At most {amount} can be paid from the advance.").format(amount=f.money(q.advance_left).plain)
        others = q.points_money + q.voucher_money + sale.gift_amount + sale.credit + sale.advance + sale.card
        rest = q.total - others
        # Cash typed as the exact rest or the rounded rest is the same rounded cash (cash rounding).
        cash, rounding = q.cash(max(rest, 0), sale.cash)
        paid = others + (cash + rounding if sale.cash is not None else 0)
        if paid > q.total:
            return _("The payments are {amount} more than the receipt.").format(amount=f.money(paid - q.total).plain)
        if sale.cash is not None and paid < q.total:
            return sale_quote.cash_short(rest, q.cash_step, lambda amount: f.money(amount).plain)
        return None

    # -- scans ----------------------------------------------------------------------------

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan goes where the focus says: into Lines it is a product (one more line,
        qty 1), into Voucher or Gift card that code; elsewhere it goes where the core's
        classifier says it belongs (a product, a voucher, a gift card), and a customer's
        card gives a sale begun without one its customer."""
        message.stop()
        barcode = message.barcode.strip()
        if not barcode:
            return
        target = {"lines": "lines", "voucher": "voucher", "gift_card": "gift_card"}.get(
            getattr(self.focused, "id", None)
        )
        if message.scan is not None:
            self._scan_classified(message.scan, target)
        else:
            run_db(
                self, scans.classify, barcode, on_done=partial(self._scan_classified, target=target), group="sale-scan"
            )

    def _scan_classified(self, scan: Scan, target: str | None = None) -> None:
        if scan.kind in ("loyalty", "customer") and scan.customer_id is not None:
            self._attach_customer(scan)  # the card after the goods: the natural order at the till
        elif target is not None:
            self._place_scan(scan.code, target)
        elif scan.kind in SCAN_FIELDS:
            self._place_scan(scan.code, SCAN_FIELDS[scan.kind])
        elif scan.kind in ("loyalty", "customer") and scan.customer_id is not None:
            self._attach_customer(scan)
        else:
            notify_error(
                self,
                _("{barcode} is not a product, voucher, gift card or customer card of this shop.").format(
                    barcode=scan.code
                ),
            )

    def _attach_customer(self, scan: Scan) -> None:
        if self.customer_id == scan.customer_id:
            return
        if self.customer_id is not None:
            notify_error(
                self,
                _("This sale is already {name}'s: card {barcode} is {other}'s.").format(
                    name=self.header.name if self.header else "", barcode=scan.code, other=scan.customer_name
                ),
            )
            return
        self.customer_id = scan.customer_id
        # The second survey waits for the end of the sale (SaleModal's caller asks it).
        self.card_read = scan.kind == "loyalty"
        run_db(self, customer_view.header, self.customer_id, on_done=self._customer_attached, group="sale-customer")

    def _customer_attached(self, header: customer_view.Header) -> None:
        self._show_customer(header)
        self.refresh_quote()

    def _place_scan(self, barcode: str, target: str) -> None:
        field = self.query_one(f"#{target}", Input)
        if target == "lines":
            typed = field.value.strip().rstrip(";").strip()
            field.value = f"{typed}; {barcode}" if typed else barcode
        else:
            field.value = barcode
        field.cursor_position = len(field.value)
        self.field(target).set_error(None)

    # -- recording ------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter from any field records the sale: the shortest path is amount, Enter. Not
        # FormModal's Enter as well, which would move the focus off the refused field.
        event.stop()
        event.prevent_default()
        self.action_save()

    def action_save(self, override_by=None) -> None:
        if self.busy:
            return
        self.clear_errors()
        try:
            sale = self.sale_input(override_by)
        except ShopError as exc:
            self.show_error(exc)
            return
        self.submit(record, sale, self.actor, on_done=self._recorded, group="sale", title=_("Sale"))

    def _recorded(self, result) -> None:
        if isinstance(result, CreditRefused):
            self.app.push_screen(OverrideModal(result.message, "credit_override"), self._override_answered)
            return
        self.app.data_changed()
        lines = self.result_lines(result.result)
        lines[3:3] = [(payment_label(m), self.formats.money(amount).plain) for m, amount in result.payments]
        self.app.push_screen(
            DoneModal(_("Sale recorded"), lines, result.result.warnings), partial(dismiss_later, self, result.result)
        )

    def _override_answered(self, user) -> None:
        if user is None:
            self.query_one("#credit", Input).focus()
            return
        self.action_save(override_by=user)

    def result_lines(self, result: checkout.SaleResult) -> list[tuple[str, str]]:
        f = self.formats
        receipt = result.receipt
        lines = [
            (_("Receipt"), receipt.number),
            (_("Total"), f.money(receipt.total).plain),
            (_("Discount"), f.money(receipt.discount).plain),
        ]
        if self.customer_id is not None:
            lines.append((_("Points earned"), f.number(result.points_earned).plain))
            if receipt.points_redeemed:
                lines.append((_("Points redeemed"), f.number(receipt.points_redeemed).plain))
            lines.append((_("Points now"), f.number(result.points_balance or 0).plain))
            balance = result.debt_balance or 0
            if balance < 0:  # the shop holds money for the customer: said as the card says it
                lines.append((_("Paid in advance"), f.money(-balance).plain))
            else:
                lines.append((_("Debt now"), f.money(balance).plain))
        return lines
