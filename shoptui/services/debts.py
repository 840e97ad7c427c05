"""Debts: credit left, the age of the oldest unpaid debt, payments and adjustments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import clock
from ..errors import RuleViolation, ValidationError
from ..i18n import _
from ..models import Customer, DebtEntry
from ..models.ledgers import in_ledger_of
from ..money import within_maximum
from . import settings
from .adjustments import adjustment_reason, post_adjustment, post_opening
from .amounts import shown as _money
from .audit import record
from .context import Actor, require
from .customers import get
from .ledger import lock_customer, post_debt, write_transaction

PAYMENT_METHODS = ("cash", "card", "transfer")


def credit_limit(customer: Customer) -> int | None:
    """The customer's own credit limit, else the shop's default (None: no limit at all)."""
    if customer.credit_limit is not None:
        return customer.credit_limit
    return settings.credit_limit_default()


def credit_left(customer: Customer) -> int | None:
    """How much more may be sold on credit, or None when neither the customer nor the shop sets a limit."""
    limit = credit_limit(customer)
    if limit is None:
        return None
    return max(0, limit - max(0, customer.debt_balance))


def oldest_unpaid(customer: Customer | int, as_of: dt.datetime | None = None) -> dt.datetime | None:
    """When the oldest debt not yet paid arose, paying oldest first (FIFO)."""
    cid = customer.id if isinstance(customer, Customer) else customer
    query = DebtEntry.select(DebtEntry.at, DebtEntry.amount).where(in_ledger_of(DebtEntry, cid))
    if as_of is not None:
        query = query.where(DebtEntry.at < as_of)
    entries = list(query.order_by(DebtEntry.at, DebtEntry.id).tuples())
    paid = -sum(a for _at, a in entries if a < 0)
    for at, amount in entries:
        if amount <= 0:
            continue
        if paid >= amount:
            paid -= amount
            continue
        return at
    return None


def aging_days(customer: Customer, today: dt.date | None = None) -> int | None:
    since = oldest_unpaid(customer)
    if since is None:
        return None
    return ((today or clock.today()) - since.date()).days


def too_old(days: int | None) -> bool:
    """Unpaid debt of this age breaks the shop's ``credit_max_age_days`` rule (0: no rule).
    One rule for the sale that refuses credit and for the card that warns of it."""
    max_days = settings.get_int("credit_max_age_days")
    return bool(max_days) and days is not None and days > max_days


@dataclass(frozen=True)
class DebtPayment:
    entry: DebtEntry
    customer: Customer
    amount: int
    balance_before: int
    balance_after: int


def take_payment(
    customer: Customer | int,
    amount: int | None = None,
    method: str = "cash",
    actor: Actor | None = None,
    *,
    at: dt.datetime | None = None,
    advance: bool = False,
) -> DebtPayment:
    """A payment against the customer's debt (default: all of it); it pays the oldest debt first.

    With ``advance`` (a manager's or the owner's), more than the debt may be paid, or money
    paid while nothing is owed: the rest is held for the customer (a negative balance, "paid
    in advance"), which a later sale may use (``SaleInput.advance``). It is one ``advance``
    entry of the whole amount, so ``check`` knows the negative balance was meant."""
    require(actor, "debt_payment")
    if method not in PAYMENT_METHODS:
        raise ValidationError(
            _("The payment method must be one of: {choices}.").format(choices=", ".join(PAYMENT_METHODS)), "method"
        )
    if amount is not None:
        within_maximum(amount, settings.currency())
    with write_transaction():
        customer = lock_customer(customer)
        balance = customer.debt_balance
        if balance <= 0 and not advance:
            raise RuleViolation(_("{name} owes nothing.").format(name=customer.name))
        if amount is None and balance <= 0:
            raise ValidationError(_("Type the amount paid in advance."), "amount")
        amount = balance if amount is None else amount
        if amount <= 0:
            raise ValidationError(_("A payment must be more than zero."), "amount")
        beyond = amount - max(balance, 0)
        if beyond > 0 and not advance:
            raise RuleViolation(_("{name} owes only {amount}.").format(name=customer.name, amount=_money(balance)))
        if beyond > 0:
            require(actor, "advance")
        kind = "advance" if beyond > 0 else "payment"
        entry = post_debt(customer, kind, -amount, method=method, user=actor.user_id if actor else None, at=at)
        assert entry is not None  # posted: the amount is more than zero
        after = {"debt": balance - amount, "method": method, **({"advance": beyond} if beyond > 0 else {})}
        record(actor, f"debt.{kind}", "customer", customer.id, {"debt": balance}, after, at=at)
    return DebtPayment(entry, get(customer), amount, balance, balance - amount)


def advance_left(customer: Customer) -> int:
    """What the shop holds for the customer (paid in advance), which a sale may use."""
    return max(0, -customer.debt_balance)


def adjust_debt(
    customer: Customer | int, amount: int, reason: str, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> DebtEntry:
    """A manual correction (+ owes more, - owes less) with a mandatory reason."""
    reason = adjustment_reason(actor, reason, amount, "amount")
    within_maximum(amount, settings.currency())
    with write_transaction():
        customer = lock_customer(customer)
        if customer.debt_balance + amount < 0:
            # The shop owing the customer is not a debt: a refund is a return or cash, not this.
            raise RuleViolation(
                _("{name} owes only {amount}; an adjustment cannot take off more.").format(
                    name=customer.name, amount=_money(max(customer.debt_balance, 0))
                )
            )
        return post_adjustment(post_debt, customer, "debt", customer.debt_balance, amount, reason, actor, at)


def set_opening_balance(
    customer: Customer | int, amount: int, actor: Actor | None = None, at: dt.datetime | None = None
) -> bool:
    """The debt brought over from another program, taken once per customer. True when posted."""
    if amount == 0:
        return False
    within_maximum(amount, settings.currency())
    return post_opening(DebtEntry, post_debt, customer, "debt", amount, actor, at)
