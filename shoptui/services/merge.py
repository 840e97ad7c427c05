"""Merging a duplicate customer into the one the shop keeps.

Rows that only say "this belongs to the customer" are re-pointed: receipts, voucher
uses and vouchers, card bindings (with their history), survey answers, group links and
property values the kept customer has none of. The ledgers are append-only, so their
entries stay where they were written; for each receipt (and once for entries without
one) a pair of "move" entries takes the duplicate's net to zero and adds it to the kept
customer. ``check`` then finds every entry of a receipt with the receipt's owner, or
netting to zero, and each balance equal to its entries. The duplicate is archived with
``merged_into`` pointing at the kept customer. One transaction, audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from .. import clock
from ..errors import RuleViolation
from ..i18n import _
from ..models import (
    CardBinding,
    Customer,
    CustomerGroup,
    DebtEntry,
    PointsEntry,
    PropertyValue,
    Receipt,
    SurveyAnswer,
    Voucher,
    VoucherUse,
)
from .audit import record, snapshot
from .context import Actor, require
from .ledger import add_sales, lock_customer, post_debt, post_points, write_transaction

# Profile fields the kept customer takes from the duplicate when its own are empty.
FILLED_FIELDS = ("email", "gender", "company", "address", "area")


@dataclass(frozen=True)
class MergeResult:
    kept_id: int
    merged_id: int
    receipts: int
    cards: int
    answers: int
    points: int
    debt: int


def _net_by_receipt(model, value, customer_id: int) -> list[tuple[int | None, int]]:
    rows = (
        model.select(model.receipt, pw.fn.SUM(value))
        .where(model.customer == customer_id)
        .group_by(model.receipt)
        .order_by(model.receipt)
        .tuples()
    )
    return [(receipt_id, int(total)) for receipt_id, total in rows if total]


def merge_customers(
    keep: Customer | int, other: Customer | int, actor: Actor | None = None, *, at: dt.datetime | None = None
) -> MergeResult:
    """Moves everything of ``other`` to ``keep`` and archives ``other`` with a pointer."""
    require(actor, "merge_customers")
    keep_id = keep.id if isinstance(keep, Customer) else keep
    other_id = other.id if isinstance(other, Customer) else other
    if keep_id == other_id:
        raise RuleViolation(_("A customer cannot be merged into itself."))
    at = at or clock.now()
    user_id = actor.user_id if actor else None
    with write_transaction():
        # Lower id first, as every service locks two customers, so no two writers deadlock.
        locked = {c.id: c for c in map(lock_customer, sorted((keep_id, other_id)))}
        keep, other = locked[keep_id], locked[other_id]
        if other.merged_into_id is not None:
            raise RuleViolation(_("{name} ({code}) was already merged into another customer.").format(name=other.name, code=other.code))
        if keep.merged_into_id is not None:
            raise RuleViolation(
                _("{name} ({code}) was merged into another customer; keep that one instead.").format(name=keep.name, code=keep.code)
            )
        before_keep = snapshot(keep)
        before_other = snapshot(other)
        reason = _("merged from {code}").format(code=other.code)

        points_moved = debt_moved = 0
        for receipt_id, net in _net_by_receipt(PointsEntry, PointsEntry.points, other_id):
            post_points(other_id, "move", -net, receipt=receipt_id, user=user_id, reason=reason, at=at)
            post_points(keep_id, "move", net, receipt=receipt_id, user=user_id, reason=reason, at=at)
            points_moved += net
        for receipt_id, net in _net_by_receipt(DebtEntry, DebtEntry.amount, other_id):
            post_debt(other_id, "move", -net, receipt=receipt_id, user=user_id, reason=reason, at=at)
            post_debt(keep_id, "move", net, receipt=receipt_id, user=user_id, reason=reason, at=at)
            debt_moved += net

        receipts = Receipt.update(customer=keep_id).where(Receipt.customer == other_id).execute()
        VoucherUse.update(customer=keep_id).where(VoucherUse.customer == other_id).execute()
        Voucher.update(customer=keep_id).where(Voucher.customer == other_id).execute()
        cards = CardBinding.update(customer=keep_id).where(CardBinding.customer == other_id).execute()
        answers = SurveyAnswer.update(customer=keep_id).where(SurveyAnswer.customer == other_id).execute()

        keep_groups = CustomerGroup.select(CustomerGroup.group).where(CustomerGroup.customer == keep_id)
        CustomerGroup.update(customer=keep_id).where(
            (CustomerGroup.customer == other_id) & CustomerGroup.group.not_in(keep_groups)
        ).execute()
        CustomerGroup.delete().where(CustomerGroup.customer == other_id).execute()
        keep_props = PropertyValue.select(PropertyValue.definition).where(PropertyValue.customer == keep_id)
        PropertyValue.update(customer=keep_id).where(
            (PropertyValue.customer == other_id) & PropertyValue.definition.not_in(keep_props)
        ).execute()

        add_sales(keep_id, other.total_sales, other.last_purchase_at)
        fill = {name: getattr(other, name) for name in FILLED_FIELDS if not getattr(keep, name) and getattr(other, name)}
        if other.notes and other.notes not in keep.notes:
            fill["notes"] = (keep.notes + "\n" + other.notes).strip()
        if fill:
            Customer.update(updated_at=at, **fill).where(Customer.id == keep_id).execute()
        Customer.update(
            status="archived", merged_into=keep_id, total_sales=0, last_purchase_at=None, updated_at=at
        ).where(Customer.id == other_id).execute()

        note = _("{other} merged into {keep}").format(other=other.code, keep=keep.code)
        record(actor, "customer.merge", "customer", other_id, before_other, snapshot(Customer.get_by_id(other_id)), note=note, at=at)
        record(actor, "customer.merge_keep", "customer", keep_id, before_keep, snapshot(Customer.get_by_id(keep_id)), note=note, at=at)
    return MergeResult(keep_id, other_id, receipts, cards, answers, points_moved, debt_moved)
