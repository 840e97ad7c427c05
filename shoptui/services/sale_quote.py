"""What a sale will come to before it is recorded: the sale typed at the till (``SaleInput``,
``LineInput``), its lines resolved and checked, the discounts, and the cash part rounded
to the shop's step. Read-only: the screen calls ``quote`` as the cashier types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .. import clock
from ..errors import NotFound, ShopError, ValidationError
from ..i18n import _
from ..models import Customer, Product, User
from ..money import MAX_MINOR, as_string, read_decimal
from . import cash_rounding, debts, points, settings, vouchers
from .amounts import shown
from .debts import credit_left
from .money_math import round_qty_price, share_of


@dataclass
class LineInput:
    qty: Decimal
    unit_price: int | None = None  # None: the product's price
    sku: str = ""  # a product's sku or barcode
    name: str = ""
    line_discount: int = 0  # an amount off the line, minor units
    line_discount_bp: int = 0  # or a share of the line, hundredths of a percent


@dataclass
class SaleInput:
    customer: Customer | int | None = None
    amount: int | None = None  # the price before discounts; with lines, it must be what they come to
    lines: list[LineInput] = field(default_factory=list)
    extra_discount: int = 0  # a discount the cashier gives on the whole receipt
    extra_discount_bp: int = 0  # or a share of it, hundredths of a percent
    points: int = 0  # points to redeem
    voucher: str | None = None
    gift_card: str | None = None
    gift_amount: int = 0
    credit: int = 0
    advance: int = 0  # paid from what the customer paid in advance (a negative debt balance)
    card: int = 0  # paid by bank card
    cash: int | None = None  # None: whatever is left
    at: dt.datetime | None = None
    number: str | None = None
    override_by: User | None = None  # a manager who allowed credit over the rules


@dataclass(frozen=True)
class QuotedLine:
    """A line as it will be recorded: the screen lists these under the lines typed."""

    sku: str
    name: str
    qty: Decimal
    unit_price: int
    line_discount: int
    amount: int


@dataclass
class Quote:
    """What a sale will come to before it is recorded: the screen shows this as it is typed."""

    subtotal: int
    line_discounts: int
    personal_discount: int
    discount_bp: int
    total: int
    max_points: int
    points_money: int
    voucher_money: int
    credit_left: int | None
    lines: tuple[QuotedLine, ...] = ()
    advance_left: int = 0  # what the customer paid in advance and a sale may use
    extra_discount: int = 0  # the cashier's discount on the whole receipt, in money
    cash_step: int = 0  # cash is rounded to this step (services.cash_rounding; 0: none)

    def cash(self, due: int, typed: int | None = None) -> tuple[int, int]:
        """The cash taken and the rounding for ``due`` left to pay in cash (see ``cash_part``)."""
        return cash_part(due, typed, self.cash_step)


QTY_STEP = Decimal("0.001")  # quantities are kept to the thousandth (grams of a kilo)


def quantity(value) -> Decimal:
    """A quantity typed or imported, rounded half-up to the thousandth the database keeps,
    so that the stored quantity and the amount computed from it agree. A float goes
    through its shortest repr (0.1 stays 0.1)."""
    if isinstance(value, bool):
        raise ValidationError(_("{value} is not a quantity.").format(value=value), "qty")
    try:
        qty = Decimal(repr(value)) if isinstance(value, float) else read_decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("{value} is not a quantity.").format(value=value), "qty") from None
    if not qty.is_finite():
        raise ValidationError(_("{value} is not a quantity.").format(value=value), "qty")
    return qty.quantize(QTY_STEP, rounding=ROUND_HALF_UP)


def milli(qty: Decimal) -> int:
    return int(qty / QTY_STEP)


def resolve_lines(lines: list[LineInput]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for position, line in enumerate(lines, start=1):
        qty = quantity(line.qty)
        if qty <= 0:
            raise ValidationError(_("A quantity must be more than zero."), "qty")
        product = None
        if line.sku:
            product = Product.get_or_none((Product.sku == line.sku) | (Product.barcode == line.sku))
            if product is None and line.unit_price is None:
                raise NotFound(_("There is no product {sku}.").format(sku=line.sku))
        if line.unit_price is not None:
            price = line.unit_price
        elif product is not None:
            price = product.price
        else:  # neither a product nor a price: nothing to sell
            raise ValidationError(_("A line needs a product or a price."), "sku")
        if price < 0 or line.line_discount < 0 or line.line_discount_bp < 0:
            raise ValidationError(_("Prices and discounts may not be negative."), "price")
        _one_discount(
            line.line_discount,
            line.line_discount_bp,
            "line_discount",
            _("A line's discount is an amount or a percentage, not both."),
            _("A line's discount is at most 100%."),
        )
        gross = round_qty_price(qty, price)
        _within_maximum(gross)
        discount = share_of(gross, line.line_discount_bp, 10000) if line.line_discount_bp else line.line_discount
        if discount > gross:
            raise ValidationError(_("A line's discount is more than the line."), "line_discount")
        out.append(
            dict(
                position=position,
                product=product,
                sku=product.sku if product else line.sku,
                name=line.name or (product.name if product else ""),
                qty=qty,
                unit_price=price,
                line_discount=discount,
                amount=gross - discount,
                gross=gross,
            )
        )
    _within_maximum(sum(line["gross"] for line in out))
    return out


def _within_maximum(amount: int) -> None:
    """A line (quantity × price) or the lines together stay within the one maximum of
    amounts, as every typed amount does, so that no sum of receipts can overflow."""
    if amount > MAX_MINOR:
        raise ValidationError(
            _("{value} is too large an amount.").format(value=as_string(amount, settings.currency())), "lines"
        )


def find_customer(value) -> Customer | None:
    if value is None:
        return None
    customer = Customer.get_or_none(Customer.id == (value.id if isinstance(value, Customer) else value))
    if customer is None:
        raise NotFound(_("There is no such customer."))
    return customer


@contextmanager
def about(field_name: str):
    """A refusal that names no field is about ``field_name``: the form shows it there."""
    try:
        yield
    except ShopError as exc:
        if getattr(exc, "field", None) is None:
            exc.field = field_name
        raise


def quote(sale: SaleInput) -> Quote:
    """What the sale will come to; the screen calls this as the cashier types."""
    customer = find_customer(sale.customer)
    at = sale.at or clock.now()
    return quote_resolved(sale, customer, resolve_lines(sale.lines), points.rate_for(customer, at), at)


def _gross(sale: SaleInput, lines: list[dict]) -> tuple[int, int]:
    """The price before discounts and the lines' discounts. With lines, a typed amount must
    be what they come to (before or after their discounts): a cashier who typed the price
    the customer was told and scanned lines that disagree has a wrong line or a wrong
    amount, and silently keeping one of them hides the mistake."""
    if not lines:
        if sale.amount is None:
            raise ValidationError(_("Type the amount or add lines."), "amount")
        return sale.amount, 0
    gross = sum(line["gross"] for line in lines)
    line_discounts = sum(line["line_discount"] for line in lines)
    if sale.amount is not None and sale.amount not in (gross, gross - line_discounts):
        raise ValidationError(
            _("The lines come to {lines}, not {amount}: clear the amount or correct the lines.").format(
                lines=shown(gross - line_discounts), amount=shown(sale.amount)
            ),
            "amount",
        )
    return gross, line_discounts


def _one_discount(amount: int, bp: int, field: str, not_both: str, too_much: str) -> None:
    """A discount is an amount or a percentage (``bp``, basis points), not both, and at most 100%."""
    if amount and bp:
        raise ValidationError(not_both, field)
    if bp > 10000:
        raise ValidationError(too_much, field)


def quote_resolved(
    sale: SaleInput, customer: Customer | None, lines: list[dict], rate: points.Rate, at: dt.datetime
) -> Quote:
    gross, line_discounts = _gross(sale, lines)
    if gross < 0 or sale.extra_discount < 0 or sale.extra_discount_bp < 0:
        raise ValidationError(_("Amounts may not be negative."), "amount")
    _one_discount(
        sale.extra_discount,
        sale.extra_discount_bp,
        "extra_discount",
        _("The receipt discount is an amount or a percentage, not both."),
        _("The receipt discount is at most 100%."),
    )
    discount_bp = max(customer.discount_bp if customer else 0, rate.discount_bp)
    net = gross - line_discounts
    personal = share_of(net, discount_bp, 10000)
    # The cashier's percentage is of the price as it stands after the other discounts,
    # so that discounts never add up to more than the receipt.
    extra = share_of(net - personal, sale.extra_discount_bp, 10000) if sale.extra_discount_bp else sale.extra_discount
    total = net - personal - extra
    if total < 0:
        raise ValidationError(_("The discounts are more than the receipt."), "extra_discount")
    # A voucher is taken off the discounted price before anything pays it, so a percent
    # voucher is a share of the whole price, whatever then pays the rest (points, gift
    # card, credit, cash). It is still recorded as a payment: it does not lower revenue.
    voucher_money = 0
    if sale.voucher:
        with about("voucher"):
            voucher = vouchers.usable_voucher(sale.voucher, customer, at.date())
        voucher_money = vouchers.voucher_amount(voucher, total)
    points_money = sale.points * points.point_value()
    return Quote(
        subtotal=gross,
        line_discounts=line_discounts,
        personal_discount=personal,
        discount_bp=discount_bp,
        total=total,
        max_points=points.max_redeemable(customer, total - voucher_money) if customer else 0,
        points_money=points_money,
        voucher_money=voucher_money,
        credit_left=credit_left(customer) if customer else None,
        advance_left=debts.advance_left(customer) if customer else 0,
        lines=tuple(
            QuotedLine(
                line["sku"], line["name"], line["qty"], line["unit_price"], line["line_discount"], line["amount"]
            )
            for line in lines
        ),
        extra_discount=extra,
        cash_step=cash_rounding.step(),
    )


def cash_short(due: int, step: int, money: Callable[[int], str]) -> str:
    """The refusal of cash typed below what is left to pay in cash (``due``): what the
    cashier must type, the cash to take rounded to the shop's step, never the gap to the
    receipt's exact total (which a drawer may not be able to take). ``money`` formats."""
    cash, _rounding = cash_part(max(due, 0), None, step)
    return _("Not enough cash: type {cash}, the cash to take.").format(cash=money(cash))


def cash_part(due: int, typed: int | None, step: int) -> tuple[int, int]:
    """The cash a sale takes and its rounding row, for ``due`` left to pay in cash.

    Blank cash (None) is whatever is left, rounded to the shop's step; cash typed as the
    exact rest or as the rounded rest is that same rounded cash (a drawer cannot take
    the exact amount). Any other typed cash is kept as typed, without rounding, for the
    caller to refuse when the payments then do not add up."""
    if due < 0:
        return (due if typed is None else typed), 0
    rounded, rounding = cash_rounding.split_cash(due, step)
    if typed is None or typed in (due, rounded):
        return rounded, rounding
    return typed, 0
