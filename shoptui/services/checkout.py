"""A sale at the till (``record_sale``): one transaction with its lines, payments, points,
voucher, gift card, credit and advance."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import clock
from ..errors import PermissionDenied, RuleViolation, ValidationError
from ..i18n import _
from ..models import Customer, Payment, Receipt, ReceiptLine, VoucherUse
from . import cash_rounding, customers, debts, points, settings, vouchers
from .amounts import shown
from .audit import record
from .context import Actor, allows, current_store, require
from .debts import credit_left
from .ledger import add_sales, lock_customer, post_debt, post_gift, post_points, write_transaction
from .sale_quote import SaleInput, about, cash_part, cash_short, quote_resolved, resolve_lines
from .stores import next_receipt_number


@dataclass
class SaleResult:
    receipt: Receipt
    points_earned: int
    points_balance: int | None
    debt_balance: int | None
    warnings: list[str] = field(default_factory=list)


def check_credit(customer: Customer | None, credit: int, sale: SaleInput, actor: Actor | None) -> list[str]:
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
        raise PermissionDenied(
            _("{name} may not allow credit over the limit; ask a manager.").format(name=override.name)
        )
    # credit_rule "block" refuses (unless a manager allowed it); "warn" records and tells.
    block = settings.get("credit_rule") == "block" and override is None
    left = credit_left(customer)
    if left is not None and credit > left:
        message = _("Over the credit limit: {name} may take at most {left} more on credit.").format(
            name=customer.name, left=shown(left)
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
        raise RuleViolation(
            _("{name} has only {amount} paid in advance.").format(name=customer.name, amount=shown(left))
        )


def record_sale(sale: SaleInput, actor: Actor | None = None) -> SaleResult:
    require(actor, "sale")
    with write_transaction():
        # Read once, locked: the lines, the customer and the rate serve both the quote and the receipt.
        customer = lock_customer(sale.customer) if sale.customer is not None else None
        at = sale.at or clock.now()
        if customer is not None:
            customers.ensure_can_buy(customer, actor)
            # Points that ran out leave the balance before a sale spends points (a card
            # shown expires them too; the app's batch does everyone's).
            if sale.points and points.expire_points(at.date(), at=at, customer=customer.id):
                customer = lock_customer(customer.id)
        with about("lines"):
            lines = resolve_lines(sale.lines)
        rate = points.rate_for(customer, at)
        q = quote_resolved(sale, customer, lines, rate, at)
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
                raise RuleViolation(_("The gift card has only {amount} left.").format(amount=shown(balance)))
            payments.append(("giftcard", sale.gift_amount, {"gift_card": gift}))
        with about("credit"):
            warnings = check_credit(customer, sale.credit, sale, actor)
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
                raise RuleViolation(cash_short(q.total - paid, cash_rounding.step(), shown))
        if cash < 0 or paid + cash + rounding != q.total:
            with about("cash"):
                raise RuleViolation(
                    _("The payments add up to {paid}, but the receipt is {total}.").format(
                        paid=shown(paid + max(cash, 0)), total=shown(q.total)
                    )
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
            store=store,
            number=number,
            kind="sale",
            at=at,
            cashier=user_id,
            customer=customer,
            subtotal=q.subtotal,
            discount=q.subtotal - q.total,
            total=q.total,
            points_earned=earned,
            points_redeemed=sale.points,
            source="till",
            created_at=clock.now(),
            cash_step=cash_rounding.step(),  # its returns' cash is rounded with it (migration 0010)
            **(points_rule(earnable, rate) if customer else {}),
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
            post_debt(
                customer,
                "credit_sale",
                sale.advance,
                receipt=receipt,
                user=user_id,
                at=at,
                reason=_("paid from the advance"),
            )
            add_sales(customer.id, q.total, at)
        record(
            actor,
            "receipt.sale",
            "receipt",
            receipt.id,
            None,
            {
                "number": number,
                "total": q.total,
                "customer": customer.id if customer else None,
                "payments": {m: a for m, a, _k in payments},
                "points_earned": earned,
            },
            override_by=sale.override_by.id if sale.override_by is not None and sale.credit else None,
            at=at,
        )
    # The customer row was read under the lock, so the new balances follow from what was posted.
    return SaleResult(
        receipt,
        earned,
        customer.points_balance - sale.points + earned if customer else None,
        customer.debt_balance + sale.credit + sale.advance if customer else None,
        warnings,
    )


def points_rule(base: int, rate: points.Rate) -> dict:
    """The receipt's record of the rule its points were earned under (migration 0008)."""
    return {"points_base": max(base, 0), "points_earn_per": rate.earn_per if rate.earn_per > 0 else None}
