"""Points rules: earning (with tiers), redeeming, expiry and adjustments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from .. import clock
from ..errors import RuleViolation, ValidationError
from ..i18n import _
from ..models import Customer, PointsEntry, PointsTier, Receipt
from ..models.ledgers import ledger_owner, merges_exist
from ..money import MAX_MINOR
from . import settings
from .adjustments import adjustment_reason, post_adjustment, post_opening
from .audit import record
from .context import Actor
from .ledger import lock_customer, post_points, write_transaction


@dataclass(frozen=True)
class Rate:
    earn_per: int  # minor units spent per point
    discount_bp: int  # the tier's discount, hundredths of a percent
    tier: str | None


def spend_last_12_months(customer: Customer | int, at: dt.datetime | None = None) -> int:
    """Net sales of the customer in the 365 days before ``at``."""
    cid = customer.id if isinstance(customer, Customer) else customer
    at = at or clock.now()
    # 0 - x, not -x: peewee reads a unary minus on a column as "ORDER BY ... DESC".
    signed = pw.Case(None, [(Receipt.kind == "return", 0 - Receipt.total)], Receipt.total)
    value = (
        Receipt.select(pw.fn.COALESCE(pw.fn.SUM(signed), 0))
        .where((Receipt.customer == cid) & (Receipt.at >= at - dt.timedelta(days=365)) & (Receipt.at <= at))
        .scalar()
    )
    return int(value or 0)


def rate_for(customer: Customer | None, at: dt.datetime | None = None) -> Rate:
    base = Rate(settings.get_money("points_earn_per"), 0, None)
    if customer is None:
        return base
    tiers = list(PointsTier.select().order_by(PointsTier.min_spend.desc()))
    if not tiers:
        return base
    spend = spend_last_12_months(customer, at)
    for tier in tiers:
        if spend >= tier.min_spend:
            return Rate(tier.earn_per, tier.discount_bp, tier.name)
    return base


def points_for(amount: int, rate: Rate) -> int:
    """Whole points earned on ``amount`` (rounded down: a point is earned in full)."""
    if amount <= 0 or rate.earn_per <= 0:
        return 0
    return amount // rate.earn_per


def point_value() -> int:
    return settings.get_money("points_value")


def max_redeemable(customer: Customer, total: int) -> int:
    """The most points that may pay ``total``: the balance, not more than the total is worth."""
    value = point_value()
    if value <= 0 or customer.points_balance <= 0:
        return 0
    most = min(customer.points_balance, total // value)
    return most if most >= settings.get_int("points_min_redeem") else 0


def check_redeem(customer: Customer, points: int, total: int) -> None:
    if points < 0:
        raise ValidationError(_("Points to redeem may not be negative."), "points")
    if points == 0:
        return
    minimum = settings.get_int("points_min_redeem")
    if points < minimum:
        raise RuleViolation(_("At least {n} points must be redeemed at once.").format(n=minimum))
    if points > customer.points_balance:
        raise RuleViolation(_("{name} has only {n} points.").format(name=customer.name, n=customer.points_balance))
    if points * point_value() > total:
        raise RuleViolation(
            _("These points are worth more than the receipt; at most {n} may be redeemed.").format(
                n=total // point_value()
            )
        )


def adjust_points(
    customer: Customer | int, points: int, reason: str, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> PointsEntry:
    reason = adjustment_reason(actor, reason, points, "points")
    _within_maximum(points)
    with write_transaction():
        customer = lock_customer(customer)
        if customer.points_balance + points < 0:
            raise RuleViolation(_("{name} has only {n} points.").format(name=customer.name, n=customer.points_balance))
        return post_adjustment(post_points, customer, "points", customer.points_balance, points, reason, actor, at)


def set_opening_balance(
    customer: Customer | int, points: int, actor: Actor | None = None, at: dt.datetime | None = None
) -> bool:
    """Points brought over from another program, taken once per customer. True when posted."""
    if points <= 0:
        return False
    _within_maximum(points)
    return post_opening(PointsEntry, post_points, customer, "points", points, actor, at)


def _within_maximum(points: int) -> None:
    """Points share the one maximum of amounts (money.MAX_MINOR) and its sentence."""
    if abs(points) > MAX_MINOR:
        raise ValidationError(_("{value} is too large an amount.").format(value=points), "points")


EXPIRY_BATCH = 500  # customers per transaction: a till waits at most one batch to sell


def expire_points(
    today: dt.date | None = None,
    *,
    at: dt.datetime | None = None,
    customer: int | None = None,
    batch_size: int = EXPIRY_BATCH,
) -> int:
    """Points earned more than ``points_expiry_days`` ago and not spent leave the balance.

    Spending takes the oldest points first, so what expires for a customer is what was
    credited before the cut-off minus everything debited so far. Returns points expired.

    The whole base is done in batches of ``batch_size`` customers, each its own short
    transaction, so tills keep selling while it runs (the app runs it in the background
    after its first screen). ``customer`` expires one customer's ledger only: the till does
    that before it shows or spends their balance.
    """
    days = settings.get_int("points_expiry_days")
    if not days:
        return 0
    cutoff = dt.datetime.combine((today or clock.today()) - dt.timedelta(days=days), dt.time())
    if customer is not None:
        owners = [customer]  # what is due is read under the lock below; nothing due: no write
        if not _due_for_expiry(cutoff, owners):
            return 0
    else:
        owners = [owner for owner, _due in _due_for_expiry(cutoff)]
    expired = 0
    for start in range(0, len(owners), max(1, batch_size)):
        expired += _expire_batch(owners[start : start + batch_size], cutoff, days, at)
    return expired


def _expiry_owner():
    # Per ledger (a merged customer's entries count with the kept one's, the merge pairs left out).
    return ledger_owner(PointsEntry) if merges_exist() else PointsEntry.customer


def _due_for_expiry(cutoff: dt.datetime, owners: list[int] | None = None) -> list[tuple[int, int]]:
    """(ledger owner, points due to expire) for every ledger with points due, or for the
    ledgers of ``owners`` only: read through the index on the entries' customer (theirs
    and those merged into them), never by a scan of every entry."""
    credits_before = pw.fn.SUM(
        pw.Case(None, [((PointsEntry.points > 0) & (PointsEntry.at < cutoff), PointsEntry.points)], 0)
    )
    debits = pw.fn.SUM(pw.Case(None, [(PointsEntry.points < 0, 0 - PointsEntry.points)], 0))
    owner = _expiry_owner()
    query = PointsEntry.select(owner, (credits_before - debits).alias("due")).where(PointsEntry.kind != "merge")
    if owners is not None:
        merged = Customer.select(Customer.id).where(Customer.merged_into.in_(owners))
        query = query.where(PointsEntry.customer.in_(owners) | PointsEntry.customer.in_(merged))
    rows = query.group_by(owner).having((credits_before - debits) > 0).tuples()
    wanted = None if owners is None else set(owners)
    return [(int(who), int(due)) for who, due in rows if wanted is None or who in wanted]


def _expire_batch(owners: list[int], cutoff: dt.datetime, days: int, at: dt.datetime | None) -> int:
    """One transaction: what is due is read again under the write lock, so a sale that
    spent points since the list was made is counted."""
    if not owners:
        return 0
    expired = 0
    with write_transaction():
        for customer_id, amount in _due_for_expiry(cutoff, owners):
            amount = min(amount, lock_customer(customer_id).points_balance)
            if amount > 0:
                post_points(
                    customer_id, "expire", -amount, reason=_("expired after {days} days").format(days=days), at=at
                )
                expired += amount
        if expired:
            record(
                None, "points.expire", "points", None, None, {"points": expired, "cutoff": cutoff.isoformat()}, at=at
            )
    return expired
