"""Who a receipt belongs to: an anonymous sale attached to a customer ("forgot my card"),
and a sale recorded on the wrong customer moved to the right one, each in one transaction."""

from __future__ import annotations

import datetime as dt

import peewee as pw

from .. import clock
from ..errors import NotFound, RuleViolation, ValidationError
from ..i18n import _
from ..models import Customer, DebtEntry, PointsEntry, Receipt, VoucherUse
from ..models.ledgers import in_ledger_of
from . import customers, points, settings
from .audit import record
from .checkout import points_rule
from .context import Actor, require
from .ledger import add_sales, lock_customer, post_debt, post_points, write_transaction
from .sale_quote import find_customer
from .sale_return import returned_so_far


def _receipt(value) -> Receipt:
    found = Receipt.get_or_none(Receipt.id == (value.id if isinstance(value, Receipt) else value))
    if found is None:
        raise NotFound(_("There is no such receipt."))
    return found


def _receipt_and_customer(receipt, customer, missing: str) -> tuple[Receipt, Customer]:
    """The receipt (or NotFound) and the customer it goes to (``missing``, a sentence, when none is chosen)."""
    receipt = _receipt(receipt)
    found = find_customer(customer)
    if found is None:
        raise ValidationError(missing, "customer")
    return receipt, found


def attach_receipt(
    receipt: Receipt | int,
    customer: Customer | int,
    actor: Actor | None = None,
    *,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> int:
    """ "Forgot my card": an anonymous sale (and its returns) goes to the customer, who earns its points now.

    ``at`` is when it is attached (default now); ``today`` (default: its date) decides
    whether the receipt is still recent enough."""
    at = at or clock.now()
    today = today or at.date()
    require(actor, "sale")
    with write_transaction():
        receipt, found = _receipt_and_customer(receipt, customer, _("Choose the customer to attach the receipt to."))
        customer = lock_customer(found)
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
        Receipt.update(points_earned=earned, **points_rule(receipt.total, rate)).where(
            Receipt.id == receipt.id
        ).execute()
        post_points(
            customer,
            "earn",
            earned,
            receipt=receipt,
            user=actor.user_id if actor else None,
            reason=_("receipt {number} attached").format(number=receipt.number),
            at=at,
        )
        add_sales(customer.id, net, receipt.at)
        record(
            actor,
            "receipt.attach",
            "receipt",
            receipt.id,
            {"customer": None},
            {"customer": customer.id, "points_earned": earned},
            at=at,
        )
    return earned


def move_receipt(
    receipt: Receipt | int, to_customer: Customer | int, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> None:
    """A sale recorded on the wrong customer goes to the right one with its returns;
    the points and credit it caused move by compensating entries on both ledgers."""
    require(actor, "move_receipt")
    with write_transaction():
        receipt, target = _receipt_and_customer(receipt, to_customer, _("Choose the customer to move the receipt to."))
        if receipt.kind != "sale" or receipt.customer_id is None:
            raise RuleViolation(_("Only a sale of a known customer can be moved; attach an anonymous one instead."))
        if receipt.customer_id == target.id:
            raise RuleViolation(_("The receipt already belongs to {name}.").format(name=target.name))
        customers.ensure_can_buy(target, actor)
        # Both rows locked, lower id first, so two moves in opposite directions cannot deadlock.
        locked = {c.id: c for c in map(lock_customer, sorted((receipt.customer_id, target.id)))}
        source, target = locked[receipt.customer_id], locked[target.id]
        family_ids = [receipt.id] + [r.id for r in Receipt.select(Receipt.id).where(Receipt.return_of == receipt)]
        points_net = int(
            PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0))
            .where(PointsEntry.receipt.in_(family_ids) & in_ledger_of(PointsEntry, source.id))
            .scalar()
            or 0
        )
        debt_net = int(
            DebtEntry.select(pw.fn.COALESCE(pw.fn.SUM(DebtEntry.amount), 0))
            .where(DebtEntry.receipt.in_(family_ids) & in_ledger_of(DebtEntry, source.id))
            .scalar()
            or 0
        )
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
        last = (
            Receipt.select(pw.fn.MAX(Receipt.at))
            .where((Receipt.customer == source) & (Receipt.kind == "sale"))
            .scalar()
        )
        Customer.update(last_purchase_at=last).where(Customer.id == source.id).execute()
        record(actor, "receipt.move", "receipt", receipt.id, {"customer": source.id}, {"customer": target.id}, at=at)
