"""Sales and returns at the till: one transaction each, with points, vouchers, gift
cards and credit; attaching an anonymous receipt and moving a receipt to another customer."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Callable

import peewee as pw

from .. import clock
from ..errors import NotFound, PermissionDenied, RuleViolation, ShopError, ValidationError
from ..i18n import _, babel_locale
from ..money import MAX_MINOR, as_string, format_money
from ..models import (
    Customer,
    DebtEntry,
    Payment,
    PointsEntry,
    Product,
    Receipt,
    ReceiptLine,
    Store,
    User,
    VoucherUse,
)
from ..models.ledgers import in_ledger_of
from . import cash_rounding, customers, debts, points, settings, vouchers
from .debts import credit_left
from .audit import record
from .context import Actor, allows, current_store, require
from .ledger import add_sales, lock_customer, post_debt, post_gift, post_points, write_transaction
from .money_math import cumulative_share, round_qty_price, share_of
from .stores import next_receipt_number


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


@dataclass
class SaleResult:
    receipt: Receipt
    points_earned: int
    points_balance: int | None
    debt_balance: int | None
    warnings: list[str] = field(default_factory=list)


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
        qty = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("{value} is not a quantity.").format(value=value), "qty") from None
    if not qty.is_finite():
        raise ValidationError(_("{value} is not a quantity.").format(value=value), "qty")
    return qty.quantize(QTY_STEP, rounding=ROUND_HALF_UP)


def _milli(qty: Decimal) -> int:
    return int(qty / QTY_STEP)


def _resolve_lines(lines: list[LineInput]) -> list[dict]:
    out = []
    for position, line in enumerate(lines, start=1):
        qty = quantity(line.qty)
        if qty <= 0:
            raise ValidationError(_("A quantity must be more than zero."), "qty")
        product = None
        if line.sku:
            product = Product.get_or_none((Product.sku == line.sku) | (Product.barcode == line.sku))
            if product is None and line.unit_price is None:
                raise NotFound(_("There is no product {sku}.").format(sku=line.sku))
        price = line.unit_price if line.unit_price is not None else product.price
        if price < 0 or line.line_discount < 0 or line.line_discount_bp < 0:
            raise ValidationError(_("Prices and discounts may not be negative."), "price")
        if line.line_discount and line.line_discount_bp:
            raise ValidationError(_("A line's discount is an amount or a percentage, not both."), "line_discount")
        if line.line_discount_bp > 10000:
            raise ValidationError(_("A line's discount is at most 100%."), "line_discount")
        gross = round_qty_price(qty, price)
        _within_maximum(gross)
        discount = share_of(gross, line.line_discount_bp, 10000) if line.line_discount_bp else line.line_discount
        if discount > gross:
            raise ValidationError(_("A line's discount is more than the line."), "line_discount")
        out.append(
            dict(
                position=position, product=product, sku=product.sku if product else line.sku,
                name=line.name or (product.name if product else ""), qty=qty, unit_price=price,
                line_discount=discount, amount=gross - discount, gross=gross,
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


def _customer(value) -> Customer | None:
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
    customer = _customer(sale.customer)
    at = sale.at or clock.now()
    return _quote(sale, customer, _resolve_lines(sale.lines), points.rate_for(customer, at), at)


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
                lines=_fmt(gross - line_discounts), amount=_fmt(sale.amount)),
            "amount",
        )
    return gross, line_discounts


def _quote(sale: SaleInput, customer: Customer | None, lines: list[dict], rate: points.Rate, at: dt.datetime) -> Quote:
    gross, line_discounts = _gross(sale, lines)
    if gross < 0 or sale.extra_discount < 0 or sale.extra_discount_bp < 0:
        raise ValidationError(_("Amounts may not be negative."), "amount")
    if sale.extra_discount and sale.extra_discount_bp:
        raise ValidationError(_("The receipt discount is an amount or a percentage, not both."), "extra_discount")
    if sale.extra_discount_bp > 10000:
        raise ValidationError(_("The receipt discount is at most 100%."), "extra_discount")
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
        subtotal=gross, line_discounts=line_discounts, personal_discount=personal, discount_bp=discount_bp,
        total=total, max_points=points.max_redeemable(customer, total - voucher_money) if customer else 0,
        points_money=points_money, voucher_money=voucher_money,
        credit_left=credit_left(customer) if customer else None,
        advance_left=debts.advance_left(customer) if customer else 0,
        lines=tuple(QuotedLine(line["sku"], line["name"], line["qty"], line["unit_price"], line["line_discount"],
                               line["amount"]) for line in lines),
        extra_discount=extra, cash_step=cash_rounding.step(),
    )


def _check_credit(customer: Customer | None, credit: int, sale: SaleInput, actor: Actor | None) -> list[str]:
    """Refuse credit over the limit or on old debt unless a manager allowed it."""
    if credit == 0:
        return []
    if credit < 0:
        raise ValidationError(_("The credit part may not be negative."), "credit")
    if customer is None:
        raise RuleViolation(_("Only a known customer can buy on credit: scan the card first."))
    warnings: list[str] = []
    override = sale.override_by
    if override is not None and not allows(Actor(user=override), "credit_override"):
        raise PermissionDenied(_("{name} may not allow credit over the limit; ask a manager.").format(name=override.name))
    # credit_rule "block" refuses (unless a manager allowed it); "warn" records and tells.
    block = settings.get("credit_rule") == "block" and override is None
    left = credit_left(customer)
    if left is not None and credit > left:
        message = _("Over the credit limit: {name} may take at most {left} more on credit.").format(
            name=customer.name, left=_fmt(left)
        )
        if block:
            raise RuleViolation(message)
        warnings.append(message)
        if override is not None:
            warnings.append(_("Credit over the limit allowed by {name}.").format(name=override.name))
    age = debts.aging_days(customer, (sale.at or clock.now()).date())
    if debts.too_old(age):
        message = _("{name} has debt unpaid for {days} days.").format(name=customer.name, days=age)
        if block:
            raise RuleViolation(message + " " + _("A manager must allow more credit."))
        warnings.append(message)
    return warnings


def _check_advance(customer: Customer | None, advance: int) -> None:
    """Only a known customer's advance pays, and no more of it than they paid."""
    if customer is None:
        raise RuleViolation(_("Only a known customer can pay from an advance: scan the card first."))
    left = debts.advance_left(customer)
    if advance > left:
        if not left:
            raise RuleViolation(_("{name} has paid nothing in advance.").format(name=customer.name))
        raise RuleViolation(_("{name} has only {amount} paid in advance.").format(name=customer.name, amount=_fmt(left)))


def _fmt(minor: int) -> str:
    return format_money(minor, settings.currency(), babel_locale())


def record_sale(sale: SaleInput, actor: Actor | None = None) -> SaleResult:
    require(actor, "sale")
    with write_transaction():
        # Read once, locked: the lines, the customer and the rate serve both the quote and the receipt.
        customer = lock_customer(sale.customer) if sale.customer is not None else None
        if customer is not None:
            customers.ensure_can_buy(customer, actor)
        at = sale.at or clock.now()
        with about("lines"):
            lines = _resolve_lines(sale.lines)
        rate = points.rate_for(customer, at)
        q = _quote(sale, customer, lines, rate, at)
        with about("points"):
            if customer is not None:
                points.check_redeem(customer, sale.points, q.total - q.voucher_money)
            elif sale.points:
                raise RuleViolation(_("Only a known customer can pay with points: scan the card first."))
        for name in ("gift_amount", "credit", "card", "advance"):
            if getattr(sale, name) < 0:
                raise ValidationError(_("Payments may not be negative."), name)
        if sale.advance:
            with about("advance"):
                _check_advance(customer, sale.advance)
        payments: list[tuple[str, int, dict]] = []
        if q.points_money:
            payments.append(("points", q.points_money, {}))
        voucher = None
        if sale.voucher:
            with about("voucher"):
                voucher = vouchers.usable_voucher(sale.voucher, customer, at.date())
            if q.voucher_money:
                payments.append(("voucher", q.voucher_money, {"voucher": voucher}))
        gift = None
        if sale.gift_amount:
            with about("gift_card"):
                gift = vouchers.gift_card(sale.gift_card or "")
            balance = vouchers.gift_balance(gift)
            if sale.gift_amount > balance:
                raise RuleViolation(_("The gift card has only {amount} left.").format(amount=_fmt(balance)))
            payments.append(("giftcard", sale.gift_amount, {"gift_card": gift}))
        with about("credit"):
            warnings = _check_credit(customer, sale.credit, sale, actor)
        if sale.credit:
            payments.append(("credit", sale.credit, {}))
        if sale.advance:
            payments.append(("advance", sale.advance, {}))
        if sale.card:
            payments.append(("card", sale.card, {}))
        paid = sum(amount for _m, amount, _k in payments)
        cash, rounding = cash_part(q.total - paid, sale.cash, cash_rounding.step())
        if sale.cash is not None and cash >= 0 and paid + cash + rounding < q.total:
            with about("cash"):  # too little cash: say what to type (the cash rounded, if it is)
                raise RuleViolation(cash_short(q.total - paid, cash_rounding.step(), _fmt))
        if cash < 0 or paid + cash + rounding != q.total:
            with about("cash"):
                raise RuleViolation(
                    _("The payments add up to {paid}, but the receipt is {total}.").format(paid=_fmt(paid + max(cash, 0)), total=_fmt(q.total))
                )
        if cash or rounding:
            # A cash part rounded to nothing keeps its (zero) cash row: the rounding is of cash.
            payments.append(("cash", cash, {}))
        if rounding:
            payments.append(("rounding", rounding, {}))

        store = current_store(actor)
        number = sale.number or next_receipt_number(store)
        if Receipt.select().where((Receipt.store == store) & (Receipt.number == number)).exists():
            raise ValidationError(_("Receipt {number} already exists in this store.").format(number=number), "number")
        earnable = q.total - (0 if settings.get_bool("points_earn_on_points") else q.points_money)
        earned = points.points_for(earnable, rate) if customer else 0
        user_id = actor.user_id if actor else None
        receipt = Receipt.create(
            store=store, number=number, kind="sale", at=at, cashier=user_id, customer=customer,
            subtotal=q.subtotal, discount=q.subtotal - q.total, total=q.total,
            points_earned=earned, points_redeemed=sale.points, source="till", created_at=clock.now(),
            cash_step=cash_rounding.step(),  # its returns' cash is rounded with it (migration 0010)
            **(_points_rule(earnable, rate) if customer else {}),
        )
        for line in lines:
            line.pop("gross")
            ReceiptLine.create(receipt=receipt, **line)
        for method, amount, refs in payments:
            Payment.create(receipt=receipt, method=method, amount=amount, **refs)
        if voucher is not None:
            VoucherUse.create(voucher=voucher, receipt=receipt, customer=customer, at=at, amount=q.voucher_money)
        if gift is not None:
            post_gift(gift, "redeem", -sale.gift_amount, receipt=receipt, user=user_id, at=at)
        if customer is not None:
            post_points(customer, "redeem", -sale.points, receipt=receipt, user=user_id, at=at)
            post_points(customer, "earn", earned, receipt=receipt, user=user_id, at=at)
            post_debt(customer, "credit_sale", sale.credit, receipt=receipt, user=user_id, at=at)
            # The advance pays like credit on the debt ledger (the balance rises towards zero),
            # named so on the entry; the credit limit never counts it (credit_left).
            post_debt(customer, "credit_sale", sale.advance, receipt=receipt, user=user_id, at=at,
                      reason=_("paid from the advance"))
            add_sales(customer.id, q.total, at)
        record(
            actor, "receipt.sale", "receipt", receipt.id, None,
            {"number": number, "total": q.total, "customer": customer.id if customer else None,
             "payments": {m: a for m, a, _k in payments}, "points_earned": earned},
            override_by=sale.override_by.id if sale.override_by is not None and sale.credit else None,
            at=at,
        )
    # The customer row was read under the lock, so the new balances follow from what was posted.
    return SaleResult(
        receipt, earned,
        customer.points_balance - sale.points + earned if customer else None,
        customer.debt_balance + sale.credit + sale.advance if customer else None,
        warnings,
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


def _points_rule(base: int, rate: points.Rate) -> dict:
    """The receipt's record of the rule its points were earned under (migration 0008)."""
    return {"points_base": max(base, 0), "points_earn_per": rate.earn_per if rate.earn_per > 0 else None}


def _points_to_reverse(sale: Receipt, returned_after: int, reversed_before: int) -> int | None:
    """The points this return takes back so that the customer keeps exactly what the kept
    amount would have earned under the sale's rule (a point is earned in full, so taking
    back a rounded share could leave a point too few: 96 points on 969,000, 289,000
    returned, leaves 68 for the 680,000 kept, not 67). None where the rule is not known."""
    if not sale.points_earn_per or sale.points_base is None or not sale.total:
        return None
    kept_base = share_of(sale.points_base, sale.total - returned_after, sale.total)
    keep = min(sale.points_earned, kept_base // sale.points_earn_per)
    return max(0, sale.points_earned - keep - reversed_before)


def _point_price(sale: Receipt, paid_in_points: int) -> int | None:
    """What one point paid on ``sale``, where points paid a whole number of minor units
    each (every till sale); None for an imported receipt whose figures do not divide."""
    if sale.points_redeemed > 0 and paid_in_points > 0 and paid_in_points % sale.points_redeemed == 0:
        return paid_in_points // sale.points_redeemed
    return None


@dataclass
class ReturnResult:
    receipt: Receipt
    amount: int
    points_reversed: int
    points_restored: int
    credit_reduced: int
    refunded: int
    refund_method: str
    rounding: int = 0


def find_receipt(number: str, store: Store | None = None) -> Receipt:
    query = Receipt.select().where(Receipt.number == number.strip())
    if store is not None:
        query = query.where(Receipt.store == store)
    found = list(query.limit(2))
    if not found:
        raise NotFound(_("There is no receipt {number}.").format(number=number))
    if len(found) > 1:
        raise ValidationError(_("Several stores have a receipt {number}: name the store.").format(number=number))
    return found[0]


def returned_so_far(sale: Receipt) -> int:
    return _sum_of_returns(sale, Receipt.total)


def _sum_of_returns(sale: Receipt, column) -> int:
    value = Receipt.select(pw.fn.COALESCE(pw.fn.SUM(column), 0)).where(
        (Receipt.return_of == sale) & (Receipt.kind == "return")
    ).scalar()
    return int(value or 0)


def _returned_qty(line: ReceiptLine) -> Decimal:
    value = ReceiptLine.select(pw.fn.SUM(ReceiptLine.qty)).where(ReceiptLine.return_of_line == line).scalar()
    return Decimal(str(value)) if value is not None else Decimal(0)


def _returned_line_value(sale: Receipt) -> int:
    """The line value (before receipt-level discounts) of every line returned so far."""
    value = (
        ReceiptLine.select(pw.fn.COALESCE(pw.fn.SUM(ReceiptLine.amount), 0))
        .join(Receipt, on=(ReceiptLine.receipt == Receipt.id))
        .where((Receipt.return_of == sale) & ReceiptLine.return_of_line.is_null(False))
        .scalar()
    )
    return int(value or 0)


def _returned_sums(sale: Receipt) -> dict[str, int]:
    """What the returns of ``sale`` took back so far, in one query."""
    columns = (Receipt.total, Receipt.points_earned, Receipt.points_redeemed, Receipt.subtotal)
    row = Receipt.select(*[pw.fn.COALESCE(pw.fn.SUM(c), 0) for c in columns]).where(
        (Receipt.return_of == sale) & (Receipt.kind == "return")
    ).tuples().get()
    return {c.name: int(v or 0) for c, v in zip(columns, row)}


def _payments_by_method(query) -> dict[str, int]:
    rows = query.select(Payment.method, pw.fn.SUM(Payment.amount)).group_by(Payment.method).tuples()
    return {method: int(amount or 0) for method, amount in rows}


def _return_lines(sale: Receipt, lines: list[tuple[int, Decimal]], remaining: int) -> tuple[int, list[dict]]:
    """The money value of returning ``lines`` (sale line id, quantity) and their rows.

    Each line's value and the receipt-level discount are rounded on running totals, so
    that returning everything line by line gives back exactly the sale's total.
    """
    sale_lines = {line.id: line for line in sale.lines}
    line_total = sum(line.amount for line in sale_lines.values())
    taken: dict[int, Decimal] = {}
    rows: list[dict] = []
    value_now = 0
    for position, (line_id, qty) in enumerate(lines, start=1):
        line = sale_lines.get(line_id)
        if line is None:
            raise NotFound(_("That line is not on receipt {number}.").format(number=sale.number))
        qty = quantity(qty)
        sold = Decimal(str(line.qty))
        done = _returned_qty(line) + taken.get(line_id, Decimal(0))
        left = sold - done
        if qty <= 0 or qty > left:
            raise RuleViolation(
                _("At most {qty} of {name} can be returned.").format(qty=left.normalize(), name=line.name or line.sku)
            )
        value = cumulative_share(line.amount, _milli(done), _milli(qty), _milli(sold))
        taken[line_id] = taken.get(line_id, Decimal(0)) + qty
        value_now += value
        rows.append(dict(position=position, product=line.product_id, sku=line.sku, name=line.name, qty=qty,
                         unit_price=line.unit_price, line_discount=0, amount=value, return_of_line=line.id))
    everything_back = all(
        _returned_qty(line) + taken.get(line.id, Decimal(0)) >= Decimal(str(line.qty)) for line in sale_lines.values()
    )
    if everything_back:
        return remaining, rows
    # Receipt-level discounts shrink each line's refund in the same proportion.
    return cumulative_share(sale.total, _returned_line_value(sale), value_now, line_total) if line_total else 0, rows


@dataclass(frozen=True)
class ReturnPlan:
    """What a return will do, worked out before anything is written: shown to the cashier
    as the refund's split, then written as it is (``record_return``)."""

    sale: Receipt
    amount: int
    subtotal: int
    points_reversed: int
    points_restored: int
    instruments: dict[str, int]  # points, voucher and gift-card money going back where it came from
    credit_reduced: int
    refunded: int  # paid back by refund_method: in cash, rounded to the shop's step
    refund_method: str
    line_rows: list[dict]
    late: bool
    rounding: int = 0  # the exact refund less the cash paid back (services.cash_rounding)


def plan_return(
    sale: Receipt | int,
    amount: int | None = None,
    lines: list[tuple[int, Decimal]] | None = None,
    refund_method: str = "cash",
    at: dt.datetime | None = None,
) -> ReturnPlan:
    """The split of a return (whole sale, an amount, or some lines); read-only.

    Points earned are reversed so the customer keeps what the kept amount earns, points
    redeemed come back as whole points at their price; points, voucher and gift-card money
    go back where they came from, the part bought on credit is taken off the debt, and the
    rest is paid back by ``refund_method``."""
    if refund_method not in ("cash", "card"):
        raise ValidationError(_("Money is paid back in cash or to the card."), "refund_method")
    if amount is not None and not lines and amount <= 0:
        raise ValidationError(_("A return must be more than zero."), "amount")
    sale = Receipt.get_or_none(Receipt.id == (sale.id if isinstance(sale, Receipt) else sale))
    if sale is None or sale.kind != "sale":
        raise NotFound(_("Only a sale can be returned."))
    at = at or clock.now()
    if at < sale.at:
        raise ValidationError(_("A return cannot come before its sale ({number}).").format(number=sale.number), "at")
    late = (at.date() - sale.at.date()).days > settings.get_int("cashier_return_days")
    so_far = _returned_sums(sale)
    before = so_far["total"]
    remaining = sale.total - before
    line_rows: list[dict] = []
    if lines:
        amount, line_rows = _return_lines(sale, lines, remaining)
    elif amount is None:
        amount = remaining
    if amount <= 0 and not line_rows:
        raise RuleViolation(_("Nothing is left to return on receipt {number}.").format(number=sale.number))
    if amount > remaining:
        raise RuleViolation(
            _("At most {amount} is left to return on receipt {number}.").format(amount=_fmt(remaining), number=sale.number)
        )
    whole = sale.total
    after = before + amount

    def part(of: int, so_far: int) -> int:
        """This return's share of ``of``, rounded on the running total so that the parts
        of several partial returns add up to ``of`` exactly."""
        if not whole:
            return 0
        return min(max(0, share_of(of, after, whole) - so_far), of - so_far)

    reversed_points = _points_to_reverse(sale, after, so_far["points_earned"])
    if reversed_points is None:
        reversed_points = part(sale.points_earned, so_far["points_earned"])
    restored_points = part(sale.points_redeemed, so_far["points_redeemed"])
    paid = _payments_by_method(Payment.select().where(Payment.receipt == sale))
    back = _payments_by_method(
        Payment.select().join(Receipt, on=(Payment.receipt == Receipt.id)).where(Receipt.return_of == sale)
    )
    # Points, voucher and gift-card money go back where they came from; each is capped by
    # what is left of this return, so rounding can never make the rest negative.
    budget = amount
    instruments: dict[str, int] = {}
    price = _point_price(sale, paid.get("points", 0))
    if price is not None:
        # Whole points at the price they paid: the points payment is always points × price,
        # so no fraction of a point's money is lost; what whole points cannot refund goes
        # to the other methods (a later return restores the rest).
        restored_points = min(restored_points, budget // price)
        instruments["points"] = restored_points * price
    else:
        instruments["points"] = min(part(paid.get("points", 0), back.get("points", 0)), budget)
    budget -= instruments["points"]
    # What the advance paid goes back to the advance, as voucher and gift-card money goes back.
    for method in ("voucher", "giftcard", "advance"):
        instruments[method] = min(part(paid.get(method, 0), back.get(method, 0)), budget)
        budget -= instruments[method]
    rest = budget
    credit_reduced = 0
    if sale.customer_id is not None:
        debt_now = Customer.select(Customer.debt_balance).where(Customer.id == sale.customer_id).scalar() or 0
        credit_open = paid.get("credit", 0) - back.get("credit", 0)
        credit_reduced = max(0, min(rest, credit_open, debt_now))
    refunded, rounding = rest - credit_reduced, 0
    if refund_method == "cash":
        # Only cash is rounded, on the running total of the sale's cash refunds, with the
        # step the sale was paid under (not the shop's step now): so a sale returned in full
        # or in parts gives back exactly the cash it took, whatever the step is now.
        refunded, rounding = cash_rounding.split_refund(
            refunded, back.get("cash", 0), back.get("cash", 0) + back.get("rounding", 0), sale.cash_step)
    return ReturnPlan(
        sale=sale, amount=amount, subtotal=part(sale.subtotal, so_far["subtotal"]),
        points_reversed=reversed_points, points_restored=restored_points, instruments=instruments,
        credit_reduced=credit_reduced, refunded=refunded, refund_method=refund_method,
        line_rows=line_rows, late=late, rounding=rounding,
    )


def record_return(
    sale: Receipt | int,
    amount: int | None = None,
    lines: list[tuple[int, Decimal]] | None = None,
    refund_method: str = "cash",
    actor: Actor | None = None,
    at: dt.datetime | None = None,
    number: str | None = None,
    *,
    override_by: User | None = None,
) -> ReturnResult:
    """A return of the whole sale (no amount, no lines), an amount, or some lines, as
    ``plan_return`` works it out. After the cashier's limit of days a manager must take
    it, or allow it (``override_by``)."""
    require(actor, "return")
    with write_transaction():
        at = at or clock.now()
        sale_id = sale.id if isinstance(sale, Receipt) else sale
        customer_id = Receipt.select(Receipt.customer).where(Receipt.id == sale_id).scalar()
        # Locked before the plan reads the balances it depends on.
        customer = lock_customer(customer_id) if customer_id is not None else None
        plan = plan_return(sale_id, amount, lines, refund_method, at)
        sale, amount = plan.sale, plan.amount
        if plan.late:
            _check_late_return(actor, override_by)
        store = sale.store
        number = number or next_receipt_number(store)
        if Receipt.select().where((Receipt.store == store) & (Receipt.number == number)).exists():
            raise ValidationError(_("Receipt {number} already exists in this store.").format(number=number), "number")
        user_id = actor.user_id if actor else None
        receipt = Receipt.create(
            store=store, number=number, kind="return", return_of=sale, at=at, cashier=user_id, customer=customer,
            subtotal=plan.subtotal, discount=max(0, plan.subtotal - amount), total=amount,
            points_earned=plan.points_reversed, points_redeemed=plan.points_restored, source="till", created_at=clock.now(),
            cash_step=sale.cash_step,  # a return keeps its sale's step
        )
        for row in plan.line_rows:
            ReceiptLine.create(receipt=receipt, **row)
        for method, value in (*plan.instruments.items(), ("credit", plan.credit_reduced), (refund_method, plan.refunded),
                              ("rounding", plan.rounding)):
            # A cash refund rounded to nothing keeps its (zero) cash row beside its rounding.
            if value or (method == refund_method and plan.rounding):
                Payment.create(receipt=receipt, method=method, amount=value)
        gift_money = plan.instruments["giftcard"]
        if gift_money:
            gift_payment = Payment.get((Payment.receipt == sale) & (Payment.method == "giftcard"))
            Payment.update(gift_card=gift_payment.gift_card).where(
                (Payment.receipt == receipt) & (Payment.method == "giftcard")
            ).execute()
            post_gift(gift_payment.gift_card, "refund", gift_money, receipt=receipt, user=user_id, at=at)
        if customer is not None:
            post_points(customer, "reverse", -plan.points_reversed, receipt=receipt, user=user_id, at=at)
            post_points(customer, "restore", plan.points_restored, receipt=receipt, user=user_id, at=at)
            post_debt(customer, "return", -plan.credit_reduced, receipt=receipt, user=user_id, at=at)
            post_debt(customer, "return", -plan.instruments["advance"], receipt=receipt, user=user_id, at=at,
                      reason=_("back to the advance"))
            add_sales(customer.id, -amount, None)
        record(actor, "receipt.return", "receipt", receipt.id, None,
               {"number": number, "return_of": sale.number, "total": amount, "refunded": plan.refunded,
                "credit_reduced": plan.credit_reduced, **({"rounding": plan.rounding} if plan.rounding else {})},
               override_by=override_by.id if plan.late and override_by is not None else None, at=at)
    return ReturnResult(receipt, amount, plan.points_reversed, plan.points_restored, plan.credit_reduced,
                        plan.refunded, refund_method, plan.rounding)


def _check_late_return(actor: Actor | None, override_by: User | None) -> None:
    if override_by is None:
        require(actor, "late_return")
    elif not allows(Actor(user=override_by), "late_return"):
        raise PermissionDenied(
            _("{name} may not allow a return after the cashier's limit of days; ask a manager.").format(name=override_by.name)
        )


def _receipt(value) -> Receipt:
    found = Receipt.get_or_none(Receipt.id == (value.id if isinstance(value, Receipt) else value))
    if found is None:
        raise NotFound(_("There is no such receipt."))
    return found


def attach_receipt(
    receipt: Receipt | int,
    customer: Customer | int,
    actor: Actor | None = None,
    *,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> int:
    """"Forgot my card": an anonymous sale (and its returns) goes to the customer, who earns its points now.

    ``at`` is when it is attached (default now); ``today`` (default: its date) decides
    whether the receipt is still recent enough."""
    at = at or clock.now()
    today = today or at.date()
    require(actor, "sale")
    with write_transaction():
        receipt = _receipt(receipt)
        customer = _customer(customer)
        if customer is None:
            raise ValidationError(_("Choose the customer to attach the receipt to."), "customer")
        customer = lock_customer(customer)
        customers.ensure_can_buy(customer, actor)
        if receipt.kind != "sale" or receipt.customer_id is not None:
            raise RuleViolation(_("Only an anonymous sale can be attached to a customer."))
        days = settings.get_int("attach_receipt_days")
        if (today - receipt.at.date()).days > days:
            raise RuleViolation(_("Receipts older than {days} days cannot be attached.").format(days=days))
        family = [receipt] + list(Receipt.select().where(Receipt.return_of == receipt))
        Receipt.update(customer=customer).where(Receipt.id.in_([r.id for r in family])).execute()
        net = receipt.total - returned_so_far(receipt)
        rate = points.rate_for(customer, receipt.at)
        earned = points.points_for(net, rate)
        Receipt.update(points_earned=earned, **_points_rule(receipt.total, rate)).where(Receipt.id == receipt.id).execute()
        post_points(customer, "earn", earned, receipt=receipt, user=actor.user_id if actor else None,
                    reason=_("receipt {number} attached").format(number=receipt.number), at=at)
        add_sales(customer.id, net, receipt.at)
        record(actor, "receipt.attach", "receipt", receipt.id, {"customer": None},
               {"customer": customer.id, "points_earned": earned}, at=at)
    return earned


def move_receipt(
    receipt: Receipt | int, to_customer: Customer | int, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> None:
    """A sale recorded on the wrong customer goes to the right one with its returns;
    the points and credit it caused move by compensating entries on both ledgers."""
    require(actor, "move_receipt")
    with write_transaction():
        receipt = _receipt(receipt)
        target = _customer(to_customer)
        if target is None:
            raise ValidationError(_("Choose the customer to move the receipt to."), "customer")
        if receipt.kind != "sale" or receipt.customer_id is None:
            raise RuleViolation(_("Only a sale of a known customer can be moved; attach an anonymous one instead."))
        if receipt.customer_id == target.id:
            raise RuleViolation(_("The receipt already belongs to {name}.").format(name=target.name))
        customers.ensure_can_buy(target, actor)
        # Both rows locked, lower id first, so two moves in opposite directions cannot deadlock.
        locked = {c.id: c for c in map(lock_customer, sorted((receipt.customer_id, target.id)))}
        source, target = locked[receipt.customer_id], locked[target.id]
        family_ids = [receipt.id] + [r.id for r in Receipt.select(Receipt.id).where(Receipt.return_of == receipt)]
        points_net = int(PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0)).where(
            PointsEntry.receipt.in_(family_ids) & in_ledger_of(PointsEntry, source.id)).scalar() or 0)
        debt_net = int(DebtEntry.select(pw.fn.COALESCE(pw.fn.SUM(DebtEntry.amount), 0)).where(
            DebtEntry.receipt.in_(family_ids) & in_ledger_of(DebtEntry, source.id)).scalar() or 0)
        sales_net = receipt.total - returned_so_far(receipt)
        user_id = actor.user_id if actor else None
        reason = _("receipt {number} moved").format(number=receipt.number)
        at = at or clock.now()
        post_points(source, "move", -points_net, receipt=receipt, user=user_id, reason=reason, at=at)
        post_points(target, "move", points_net, receipt=receipt, user=user_id, reason=reason, at=at)
        post_debt(source, "move", -debt_net, receipt=receipt, user=user_id, reason=reason, at=at)
        post_debt(target, "move", debt_net, receipt=receipt, user=user_id, reason=reason, at=at)
        Receipt.update(customer=target).where(Receipt.id.in_(family_ids)).execute()
        VoucherUse.update(customer=target).where(VoucherUse.receipt.in_(family_ids)).execute()
        add_sales(source.id, -sales_net, None)
        add_sales(target.id, sales_net, receipt.at)
        last = Receipt.select(pw.fn.MAX(Receipt.at)).where((Receipt.customer == source) & (Receipt.kind == "sale")).scalar()
        Customer.update(last_purchase_at=last).where(Customer.id == source.id).execute()
        record(actor, "receipt.move", "receipt", receipt.id, {"customer": source.id}, {"customer": target.id}, at=at)
