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
from . import sales, settings
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
        sale = sales.find_receipt(number or "")
    if sale.kind != "sale":
        raise ValidationError(_("Receipt {number} is not a sale.").format(number=sale.number), "receipt")
    return SaleFacts(sale.id, sale.number, sale.at, sale.total, sale.total - sales.returned_so_far(sale), _lines_of(sale))


def _lines_of(sale: Receipt) -> tuple[SaleLine, ...]:
    returned = ReceiptLine.alias("returned")
    back = (returned.select(pw.fn.COALESCE(pw.fn.SUM(returned.qty), 0))
            .where(returned.return_of_line == ReceiptLine.id))
    rows = (ReceiptLine.select(ReceiptLine.sku, ReceiptLine.name, ReceiptLine.qty, back.alias("back"), ReceiptLine.amount)
            .where(ReceiptLine.receipt == sale).order_by(ReceiptLine.position).tuples())
    return tuple(SaleLine(sku or "", name or "", Decimal(str(qty)), Decimal(str(done)), amount)
                 for sku, name, qty, done, amount in rows)


def refund_split(sale_id: int, amount: int | None, lines_text: str, method: str) -> RefundSplit:
    """What ``sales.record_return`` would do with what the dialog holds now; nothing is written."""
    lines = return_lines(sale_id, lines_text) if lines_text.strip() else None
    plan = sales.plan_return(sale_id, None if lines else amount, lines=lines, refund_method=method)
    return RefundSplit(
        amount=plan.amount, points_reversed=plan.points_reversed, points_restored=plan.points_restored,
        points_money=plan.instruments["points"], voucher=plan.instruments["voucher"],
        gift_card=plan.instruments["giftcard"], credit_reduced=plan.credit_reduced, refunded=plan.refunded,
        refund_method=method, rounding=plan.rounding, advance=plan.instruments.get("advance", 0),
    )


def return_lines(sale_id: int, text: str) -> list[tuple[int, Decimal]]:
    """"sku qty; …" as (sale line id, quantity) pairs; no quantity: the whole line."""
    out = []
    for item in text.split(";"):
        parts = item.split()
        if not parts:
            continue
        line = ReceiptLine.get_or_none((ReceiptLine.receipt == sale_id) & (ReceiptLine.sku == parts[0]))
        if line is None:
            raise ValidationError(_("The sale has no line {sku}.").format(sku=parts[0]), "lines")
        qty = sales.quantity(parts[1]) if len(parts) > 1 else Decimal(str(line.qty))
        out.append((line.id, qty))
    return out


def late_return_message(sale_id: int, actor: Actor | None, today: dt.date | None = None) -> str | None:
    """Why a manager must allow this return, or None when the actor may take it."""
    sale = Receipt.get_by_id(sale_id)
    days = settings.get_int("cashier_return_days")
    late = ((today or clock.today()) - sale.at.date()).days > days
    if late and not allows(actor, "late_return"):
        return _("Receipt {number} is older than {days} days.").format(number=sale.number, days=days)
    return None


def credit_refused(sale: sales.SaleInput, actor: Actor | None) -> bool:
    """Whether the credit rules alone refuse ``sale`` (so a manager's PIN may allow it)."""
    if not sale.credit or sale.override_by is not None or sale.customer is None:
        return False
    customer = sales._customer(sale.customer)
    try:
        sales._check_credit(customer, sale.credit, sale, actor)
    except RuleViolation:
        return True
    return False


def payments_of(receipt_id: int) -> list[tuple[str, int]]:
    """How a receipt was paid, method by method, in the order they were recorded."""
    return [(p.method, p.amount) for p in Payment.select(Payment.method, Payment.amount)
            .where(Payment.receipt == receipt_id).order_by(Payment.id)]
