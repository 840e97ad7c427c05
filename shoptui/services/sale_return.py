"""Returns: the split of a return worked out before anything is written (``plan_return``),
then written in one transaction (``record_return``); finding a receipt and what its
returns took back so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from .. import clock
from ..errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from ..i18n import _
from ..models import Customer, Payment, Receipt, ReceiptLine, Store, User
from . import cash_rounding, settings
from .amounts import shown
from .audit import record
from .context import Actor, allows, require
from .ledger import add_sales, lock_customer, post_debt, post_gift, post_points, write_transaction
from .money_math import cumulative_share, share_of
from .sale_quote import milli, quantity
from .stores import next_receipt_number


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
    value = (
        Receipt.select(pw.fn.COALESCE(pw.fn.SUM(column), 0))
        .where((Receipt.return_of == sale) & (Receipt.kind == "return"))
        .scalar()
    )
    return int(value or 0)


def returned_qty(line: ReceiptLine) -> Decimal:
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
    row = (
        Receipt.select(*[pw.fn.COALESCE(pw.fn.SUM(c), 0) for c in columns])
        .where((Receipt.return_of == sale) & (Receipt.kind == "return"))
        .tuples()
        .get()
    )
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
        done = returned_qty(line) + taken.get(line_id, Decimal(0))
        left = sold - done
        if qty <= 0 or qty > left:
            raise RuleViolation(
                _("At most {qty} of {name} can be returned.").format(qty=left.normalize(), name=line.name or line.sku)
            )
        value = cumulative_share(line.amount, milli(done), milli(qty), milli(sold))
        taken[line_id] = taken.get(line_id, Decimal(0)) + qty
        value_now += value
        rows.append(
            dict(
                position=position,
                product=line.product_id,
                sku=line.sku,
                name=line.name,
                qty=qty,
                unit_price=line.unit_price,
                line_discount=0,
                amount=value,
                return_of_line=line.id,
            )
        )
    everything_back = all(
        returned_qty(line) + taken.get(line.id, Decimal(0)) >= Decimal(str(line.qty)) for line in sale_lines.values()
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
    found = Receipt.get_or_none(Receipt.id == (sale.id if isinstance(sale, Receipt) else sale))
    if found is None or found.kind != "sale":
        raise NotFound(_("Only a sale can be returned."))
    sale = found
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
            _("At most {amount} is left to return on receipt {number}.").format(
                amount=shown(remaining), number=sale.number
            )
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
            refunded, back.get("cash", 0), back.get("cash", 0) + back.get("rounding", 0), sale.cash_step
        )
    return ReturnPlan(
        sale=sale,
        amount=amount,
        subtotal=part(sale.subtotal, so_far["subtotal"]),
        points_reversed=reversed_points,
        points_restored=restored_points,
        instruments=instruments,
        credit_reduced=credit_reduced,
        refunded=refunded,
        refund_method=refund_method,
        line_rows=line_rows,
        late=late,
        rounding=rounding,
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
            store=store,
            number=number,
            kind="return",
            return_of=sale,
            at=at,
            cashier=user_id,
            customer=customer,
            subtotal=plan.subtotal,
            discount=max(0, plan.subtotal - amount),
            total=amount,
            points_earned=plan.points_reversed,
            points_redeemed=plan.points_restored,
            source="till",
            created_at=clock.now(),
            cash_step=sale.cash_step,  # a return keeps its sale's step
        )
        for row in plan.line_rows:
            ReceiptLine.create(receipt=receipt, **row)
        for method, value in (
            *plan.instruments.items(),
            ("credit", plan.credit_reduced),
            (refund_method, plan.refunded),
            ("rounding", plan.rounding),
        ):
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
            post_debt(
                customer,
                "return",
                -plan.instruments["advance"],
                receipt=receipt,
                user=user_id,
                at=at,
                reason=_("back to the advance"),
            )
            add_sales(customer.id, -amount, None)
        record(
            actor,
            "receipt.return",
            "receipt",
            receipt.id,
            None,
            {
                "number": number,
                "return_of": sale.number,
                "total": amount,
                "refunded": plan.refunded,
                "credit_reduced": plan.credit_reduced,
                **({"rounding": plan.rounding} if plan.rounding else {}),
            },
            override_by=override_by.id if plan.late and override_by is not None else None,
            at=at,
        )
    return ReturnResult(
        receipt,
        amount,
        plan.points_reversed,
        plan.points_restored,
        plan.credit_reduced,
        plan.refunded,
        refund_method,
        plan.rounding,
    )


def _check_late_return(actor: Actor | None, override_by: User | None) -> None:
    if override_by is None:
        require(actor, "late_return")
    elif not allows(Actor(user=override_by), "late_return"):
        raise PermissionDenied(
            _("{name} may not allow a return after the cashier's limit of days; ask a manager.").format(
                name=override_by.name
            )
        )
