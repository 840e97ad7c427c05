"""Points: what the shop owes in points, how points moved in the period, what expires soon.

- ``outstanding_points``: the sum of the customers' positive balances at the end of the
  as-of day (every entry up to then); ``liability`` is that many points at today's
  ``points_value``. A negative balance (only an import can leave one) does not lower
  what the shop owes the others.
- ``period``: entries of the period by kind, as positive amounts for the kinds that only
  take points away (redeemed, reversed, expired) and signed for adjustments and moves.
- ``expiring``: with ``points_expiry_days`` set, the points an expiry run on the 30th
  day after the as-of day would take, by the rule of ``services.points.expire_points``
  (spending takes the oldest points first: credits older than the cut-off minus every
  debit so far, never more than the balance).

``--store`` narrows to customers registered in those stores: a balance belongs to the
customer, not to the store where the points were earned.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw
from peewee import Case, fn

from .. import clock
from ..i18n import N_
from ..models import Customer, PointsEntry
from ..models.ledgers import ledger_owner, merges_exist
from ..services import settings
from . import Money
from .query import SCOPE_LABELS, ReportQuery, all_of, scope

TITLE = N_("Points")

EXPIRING_DAYS = 30
# Report key -> (ledger kind, sign that makes the amount read positively).
PERIOD_KINDS = {
    "earned": ("earn", 1),
    "redeemed": ("redeem", -1),
    "reversed": ("reverse", -1),
    "restored": ("restore", 1),
    "expired": ("expire", -1),
    "adjusted": ("adjust", 1),
    "opening": ("opening", 1),
    "moved": ("move", 1),
}

LABELS = {
    **SCOPE_LABELS,
    "points_value": N_("Value of a point"),
    "outstanding_points": N_("Points outstanding"),
    "liability": N_("Points liability"),
    "customers_with_points": N_("Customers with points"),
    "expiry_days": N_("Points expire after (days)"),
    "period": N_("Points in the period"),
    "earned": N_("earned"),
    "redeemed": N_("redeemed"),
    "reversed": N_("taken back on returns"),
    "restored": N_("given back on returns"),
    "expired": N_("expired"),
    "adjusted": N_("adjusted"),
    "opening": N_("opening balances"),
    "moved": N_("moved between customers"),
    "net": N_("net change"),
    "expiring": N_("Expiring in the next 30 days"),
    "until": N_("until"),
    "points": N_("points"),
    "value": N_("value"),
    "customers": N_("customers"),
}


def points(query: ReportQuery) -> dict:
    query.check_stores()
    value = settings.get_money("points_value")
    expiry_days = settings.get_int("points_expiry_days")
    figures = _ledger(query, expiry_days)
    outstanding = figures["outstanding"]
    expiring = figures["expiring"] if expiry_days > 0 else 0
    return {
        **scope(query),
        "points_value": Money(value),
        "outstanding_points": outstanding,
        "liability": Money(outstanding * value),
        "customers_with_points": figures["holders"],
        "expiry_days": expiry_days,
        "period": {key: figures[key] for key in (*PERIOD_KINDS, "net")},
        "expiring": {
            "until": query.as_of + dt.timedelta(days=EXPIRING_DAYS),
            "points": expiring,
            "value": Money(expiring * value),
            "customers": figures["expiring_customers"] if expiry_days > 0 else 0,
        },
    }


def _of_customers(query: ReportQuery) -> pw.Expression | None:
    in_stores = query.in_stores(Customer.store)
    if in_stores is None:
        return None
    return PointsEntry.customer.in_(Customer.select(Customer.id).where(in_stores))


def _ledger(query: ReportQuery, expiry_days: int) -> dict[str, int]:
    """Every figure in two passes over the ledger, each along a covering index in its
    GROUP BY order (migration 0006), with one or two expressions a row:

    - per customer, every entry up to the as-of day (whatever the period): the balance
      and what would expire (credits older than the cut-off minus every debit); outside,
      the sums over customers;
    - per kind, the period's entries.
    """
    # The expiry run on day as_of + 30 cuts at the start of (that day − expiry days).
    cutoff = clock.start_of_day(query.as_of + dt.timedelta(days=EXPIRING_DAYS - expiry_days))
    points_ = PointsEntry.points
    # Debits and old credits count towards what would expire; a newer credit does not.
    due = Case(None, [((points_ > 0) & (PointsEntry.at >= cutoff), 0)], points_)
    # Per ledger: a merged customer's entries count with the customer kept, the merge
    # pairs left out (models.ledgers); the covering index's plain column while nobody was merged.
    merged = merges_exist()
    owner = ledger_owner(PointsEntry) if merged else PointsEntry.customer
    per = (
        PointsEntry.select(fn.SUM(points_).alias("balance"), fn.SUM(due).alias("due"))
        .where(
            all_of(
                PointsEntry.at < clock.end_of_day(query.as_of),
                _of_customers(query),
                (PointsEntry.kind != "merge") if merged else None,
            )
        )
        .group_by(owner)
        .alias("per_customer")
    )
    balance, due_ = per.c.balance, per.c.due
    holds = balance > 0
    expires = holds & (due_ > 0)
    row = (
        PointsEntry.select(
            fn.SUM(Case(None, [(holds, balance)], 0)),
            fn.SUM(Case(None, [(holds, 1)], 0)),
            fn.SUM(Case(None, [(expires & (due_ < balance), due_), (expires, balance)], 0)),
            fn.SUM(Case(None, [(expires, 1)], 0)),
        )
        .from_(per)
        .tuples()
        .get()
    )
    figures = dict(zip(("outstanding", "holders", "expiring", "expiring_customers"), (int(v or 0) for v in row)))
    per_kind = dict(
        PointsEntry.select(PointsEntry.kind, fn.SUM(points_))
        .where(all_of(query.in_period(PointsEntry.at), _of_customers(query)))
        .group_by(PointsEntry.kind)
        .tuples()
    )
    for key, (kind, sign) in PERIOD_KINDS.items():
        figures[key] = sign * int(per_kind.get(kind) or 0)
    figures["net"] = sum(int(amount or 0) for amount in per_kind.values())
    return figures
