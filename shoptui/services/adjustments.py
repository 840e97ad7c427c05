"""The two hand-made entries of a customer's points and debt ledgers, done alike in both:
a correction with a reason (``adjust``), and the balance brought over once from another
program (``opening``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..errors import ValidationError
from ..i18n import _
from ..models import Customer
from .audit import record
from .cleaning import clean_text
from .context import Actor, require
from .ledger import lock_customer, write_transaction


def adjustment_reason(actor: Actor | None, reason: str, value: int, field: str) -> str:
    """The reason of an adjustment as kept (one line, shown as typed); refuses an actor who
    may not adjust, no reason, and a change of zero (``field`` names the value's field)."""
    require(actor, "adjust")
    reason = clean_text(reason, "reason")  # one line, shown as typed (textsafe)
    if not reason:
        raise ValidationError(_("An adjustment needs a reason."), "reason")
    if value == 0:
        raise ValidationError(_("An adjustment of zero changes nothing."), field)
    return reason


def post_adjustment(
    post: Callable,
    customer: Customer,
    key: str,
    balance: int,
    value: int,
    reason: str,
    actor: Actor | None,
    at: dt.datetime | None,
):
    """Post an adjustment of ``value`` (the customer locked, the new balance allowed, inside
    the caller's transaction) and audit it as ``<key>.adjust``, from ``balance`` on."""
    entry = post(customer, "adjust", value, user=actor.user_id if actor else None, reason=reason, at=at)
    assert entry is not None  # posted: the value is not zero
    record(actor, f"{key}.adjust", "customer", customer.id, {key: balance}, {key: balance + value}, note=reason, at=at)
    return entry


def post_opening(
    model, post: Callable, customer: Customer | int, key: str, value: int, actor: Actor | None, at: dt.datetime | None
) -> bool:
    """The opening balance of one of the customer's ledgers (``model``), taken once: False
    when that ledger already has one. Audited as ``<key>.opening``."""
    with write_transaction():
        customer = lock_customer(customer)
        if model.select().where((model.customer == customer) & (model.kind == "opening")).exists():
            return False
        post(customer, "opening", value, user=actor.user_id if actor else None, reason=_("opening balance"), at=at)
        record(actor, f"{key}.opening", "customer", customer.id, None, {key: value}, at=at)
    return True
