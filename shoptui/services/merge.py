"""Merging a duplicate customer into the one the shop keeps.

Everything of the duplicate moves to the kept customer: receipts, voucher uses and
vouchers, card bindings (with their history), survey answers, group links and property
values the kept customer has none of. Ledger entries are append-only (migration 0009), so
the balances move by compensating entries: a ``merge`` entry closes the duplicate's points
and debt, another opens them on the kept customer, at the same moment. The duplicate's
entries stay where they are and count in the kept customer's ledger
(``models.ledgers.in_ledger_of``, ``ledger_owner``), the merge pair left out, so what the
ledgers say about time is kept: the oldest unpaid debt stays as old as it is (so the
credit_max_age_days rule still sees it), the last payment stays a payment, points expire
when they would have, and the Debts tab's running balance never starts below zero.
Customers merged into the duplicate before now point at the kept one. The stricter
credit limit of the two is kept. The duplicate is archived with ``merged_into`` pointing
at the kept customer. One transaction, audited.
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


@dataclass(frozen=True)
class MergePreview:
    """What the confirmation names: both customers and what will move."""

    other_id: int
    keep_name: str
    keep_code: str
    other_name: str
    other_code: str
    points: int
    debt: int
    receipts: int
    credit_limit: int | None  # the limit the kept customer will have


def merge_preview(keep_id: int, other_id: int) -> MergePreview:
    keep, other = Customer.get_by_id(keep_id), Customer.get_by_id(other_id)
    return MergePreview(
        other_id,
        keep.name,
        keep.code,
        other.name,
        other.code,
        _sum(PointsEntry, PointsEntry.points, other_id),
        _sum(DebtEntry, DebtEntry.amount, other_id),
        Receipt.select().where(Receipt.customer == other_id).count(),
        stricter_limit(keep.credit_limit, other.credit_limit),
    )


def _sum(model, value, customer_id: int) -> int:
    return int(model.select(pw.fn.COALESCE(pw.fn.SUM(value), 0)).where(model.customer == customer_id).scalar() or 0)


def stricter_limit(first: int | None, second: int | None) -> int | None:
    """The lower of two credit limits; None (no limit) only when neither has one."""
    limits = [limit for limit in (first, second) if limit is not None]
    return min(limits) if limits else None


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
            raise RuleViolation(
                _("{name} ({code}) was already merged into another customer.").format(name=other.name, code=other.code)
            )
        if keep.merged_into_id is not None:
            raise RuleViolation(
                _("{name} ({code}) was merged into another customer; keep that one instead.").format(
                    name=keep.name, code=keep.code
                )
            )
        before_keep = snapshot(keep)
        before_other = snapshot(other)

        note = _("{other} merged into {keep}").format(other=other.code, keep=keep.code)
        points_moved = _sum(PointsEntry, PointsEntry.points, other_id)
        debt_moved = _sum(DebtEntry, DebtEntry.amount, other_id)
        post_points(other_id, "merge", -points_moved, user=user_id, reason=note, at=at)
        post_points(keep_id, "merge", points_moved, user=user_id, reason=note, at=at)
        post_debt(other_id, "merge", -debt_moved, user=user_id, reason=note, at=at)
        post_debt(keep_id, "merge", debt_moved, user=user_id, reason=note, at=at)
        # Whose history counted in the duplicate's ledger now counts in the kept one's.
        Customer.update(merged_into=keep_id).where(Customer.merged_into == other_id).execute()

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
        fill = {
            name: getattr(other, name) for name in FILLED_FIELDS if not getattr(keep, name) and getattr(other, name)
        }
        limit = stricter_limit(keep.credit_limit, other.credit_limit)
        if limit != keep.credit_limit:
            fill["credit_limit"] = limit
        if other.notes and other.notes not in keep.notes:
            fill["notes"] = (keep.notes + "\n" + other.notes).strip()
        if fill:
            Customer.update(updated_at=at, **fill).where(Customer.id == keep_id).execute()
        Customer.update(
            status="archived", merged_into=keep_id, total_sales=0, last_purchase_at=None, updated_at=at
        ).where(Customer.id == other_id).execute()

        record(
            actor,
            "customer.merge",
            "customer",
            other_id,
            before_other,
            snapshot(Customer.get_by_id(other_id)),
            note=note,
            at=at,
        )
        record(
            actor,
            "customer.merge_keep",
            "customer",
            keep_id,
            before_keep,
            snapshot(Customer.get_by_id(keep_id)),
            note=note,
            at=at,
        )
    return MergeResult(keep_id, other_id, receipts, cards, answers, points_moved, debt_moved)
