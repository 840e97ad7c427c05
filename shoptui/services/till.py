"""Reads the till screens need around the sale and return services: a sale's facts by
number or id, a return's lines by sku, whether a return or credit needs a manager
(where a scan belongs: services.scans). Read-only; the writes stay in sales, debts and points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from .. import clock
from ..errors import NotFound, RuleViolation, ValidationError
from ..i18n import _
from ..models import Payment, Receipt, ReceiptLine
from . import checkout, sale_quote, sale_return, settings
from .context import Actor, allows


@dataclass(frozen=True)
class SaleLine:
    """A line of a sale with what its returns took back so far."""

    sku: str
    name: str
    qty: Decimal
    returned: Decimal
    amount: int

    @property
    def left(self) -> Decimal:
        return self.qty - self.returned


@dataclass(frozen=True)
class SaleFacts:
    id: int
    number: str
    at: dt.datetime
    total: int
    left: int  # what is left to return
    lines: tuple[SaleLine, ...] = ()


@dataclass(frozen=True)
class RefundSplit:
    """How a return would be paid back, for the cashier to see before saving it."""

    amount: int
    points_reversed: int
    points_restored: int
    points_money: int
    voucher: int
    gift_card: int
    credit_reduced: int
    refunded: int  # paid back by refund_method (cash: rounded to the shop's step)
    refund_method: str
    rounding: int = 0  # the exact refund less the cash paid back
    advance: int = 0  # given back to what the customer paid in advance


def sale_facts(number: str | None = None, sale_id: int | None = None) -> SaleFacts:
    """A sale by its receipt number (or id), with what is left to return on it."""
    if sale_id is not None:
        sale = Receipt.get_or_none(Receipt.id == sale_id)
        if sale is None:
            raise NotFound(_("There is no such receipt."))
    else:
        sale = sale_return.find_receipt(number or "")
    if sale.kind != "sale":
        raise ValidationError(_("Receipt {number} is not a sale.").format(number=sale.number), "receipt")
    return SaleFacts(
        sale.id, sale.number, sale.at, sale.total, sale.total - sale_return.returned_so_far(sale), _lines_of(sale)
    )


def _lines_of(sale: Receipt) -> tuple[SaleLine, ...]:
    """One row per product, its lines added up (a product scanned twice is two lines of the
    sale, one product to the cashier); a line without a sku stays a row of its own."""
    returned = ReceiptLine.alias("returned")
    back = returned.select(pw.fn.COALESCE(pw.fn.SUM(returned.qty), 0)).where(returned.return_of_line == ReceiptLine.id)
    rows = (
        ReceiptLine.select(ReceiptLine.sku, ReceiptLine.name, ReceiptLine.qty, back.alias("back"), ReceiptLine.amount)
        .where(ReceiptLine.receipt == sale)
        .order_by(ReceiptLine.position)
        .tuples()
    )
    out: list[SaleLine] = []
    by_sku: dict[str, int] = {}
    for sku, name, qty, done, amount in rows:
        line = SaleLine(sku or "", name or "", Decimal(str(qty)), Decimal(str(done)), amount)
        at = by_sku.get(line.sku) if line.sku else None
        if at is None:
            if line.sku:
                by_sku[line.sku] = len(out)
            out.append(line)
        else:
            kept = out[at]
            out[at] = SaleLine(
                kept.sku, kept.name, kept.qty + line.qty, kept.returned + line.returned, kept.amount + line.amount
            )
    return tuple(out)


def refund_split(sale_id: int, amount: int | None, lines_text: str, method: str) -> RefundSplit:
    """What ``sale_return.record_return`` would do with what the dialog holds now; nothing is written."""
    lines = return_lines(sale_id, lines_text) if lines_text.strip() else None
    plan = sale_return.plan_return(sale_id, None if lines else amount, lines=lines, refund_method=method)
    return RefundSplit(
        amount=plan.amount,
        points_reversed=plan.points_reversed,
        points_restored=plan.points_restored,
        points_money=plan.instruments["points"],
        voucher=plan.instruments["voucher"],
        gift_card=plan.instruments["giftcard"],
        credit_reduced=plan.credit_reduced,
        refunded=plan.refunded,
        refund_method=method,
        rounding=plan.rounding,
        advance=plan.instruments.get("advance", 0),
    )


def return_lines(sale_id: int, text: str) -> list[tuple[int, Decimal]]:
    """ "sku qty; …" as (sale line id, quantity) pairs; no quantity: all that is left of it.

    A sku is a product, however many lines of the sale it was sold in (scanned twice: two
    lines): its quantities are added up, then taken from its lines in their order, each as
    far as it has any left."""
    wanted: dict[str, Decimal] = {}
    for item in text.split(";"):
        parts = item.split()
        if not parts:
            continue
        sku = parts[0]
        lines = _product_lines(sale_id, sku)
        if not lines:
            raise ValidationError(_("The sale has no line {sku}.").format(sku=sku), "lines")
        left = sum((left for _line, left in lines), Decimal(0))
        qty = sale_quote.quantity(parts[1]) if len(parts) > 1 else left
        wanted[sku] = wanted.get(sku, Decimal(0)) + qty
    out: list[tuple[int, Decimal]] = []
    for sku, qty in wanted.items():
        lines = _product_lines(sale_id, sku)
        left = sum((left for _line, left in lines), Decimal(0))
        if qty <= 0 or qty > left:
            first = lines[0][0]
            raise RuleViolation(
                _("At most {qty} of {name} can be returned.").format(qty=left.normalize(), name=first.name or first.sku)
            )
        for line, line_left in lines:
            take = min(qty, line_left)
            if take > 0:
                out.append((line.id, take))
                qty -= take
    return out


def _product_lines(sale_id: int, sku: str) -> list[tuple[ReceiptLine, Decimal]]:
    """The sale's lines of ``sku`` in their order, each with what is left to return of it."""
    lines = (
        ReceiptLine.select()
        .where((ReceiptLine.receipt == sale_id) & (ReceiptLine.sku == sku))
        .order_by(ReceiptLine.position)
    )
    return [(line, Decimal(str(line.qty)) - sale_return.returned_qty(line)) for line in lines]


def late_return_message(sale_id: int, actor: Actor | None, today: dt.date | None = None) -> str | None:
    """Why a manager must allow this return, or None when the actor may take it."""
    sale = Receipt.get_by_id(sale_id)
    days = settings.get_int("cashier_return_days")
    late = ((today or clock.today()) - sale.at.date()).days > days
    if late and not allows(actor, "late_return"):
        return _("Receipt {number} is older than {days} days.").format(number=sale.number, days=days)
    return None


def credit_refused(sale: sale_quote.SaleInput, actor: Actor | None) -> bool:
    """Whether the credit rules alone refuse ``sale`` (so a manager's PIN may allow it)."""
    if not sale.credit or sale.override_by is not None or sale.customer is None:
        return False
    customer = sale_quote.find_customer(sale.customer)
    try:
        checkout.check_credit(customer, sale.credit, sale, actor)
    except RuleViolation:
        return True
    return False


def payments_of(receipt_id: int) -> list[tuple[str, int]]:
    """How a receipt was paid, method by method, in the order they were recorded."""
    return [
        (p.method, p.amount)
        for p in Payment.select(Payment.method, Payment.amount)
        .where(Payment.receipt == receipt_id)
        .order_by(Payment.id)
    ]
