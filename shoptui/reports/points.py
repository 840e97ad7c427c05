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
from ..services import settings
from . import Money
from .query import ReportQuery, all_of

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
    "as_of": N_("As of"),
    "date_from": N_("From"),
    "date_to": N_("To"),
    "stores": N_("Stores"),
    "currency": N_("Currency"),
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
        "as_of": query.as_of,
        "date_from": query.date_from,
        "date_to": query.date_to,
        "stores": list(query.stores),
        "currency": settings.currency(),
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
    """Every figure in one pass over the ledger up to the as-of day, grouped by customer.

    Per customer: the balance, what would expire (credits older than the cut-off minus
    every debit), and the period's points by kind; outside, the sums over customers.
    """
    # The expiry run on day as_of + 30 cuts at the start of (that day − expiry days).
    cutoff = clock.start_of_day(query.as_of + dt.timedelta(days=EXPIRING_DAYS - expiry_days))
    points_ = PointsEntry.points
    in_period = query.in_period(PointsEntry.at)

    def total(condition: pw.Expression, amount: pw.Node = points_) -> pw.Node:
        return fn.SUM(Case(None, [(condition, amount)], 0))

    kinds = list(PERIOD_KINDS.items())
    per = (
        PointsEntry.select(
            fn.SUM(points_).alias("balance"),
            (total((points_ > 0) & (PointsEntry.at < cutoff)) - total(points_ < 0, 0 - points_)).alias("due"),
            *[total(in_period & (PointsEntry.kind == kind)).alias(key) for key, (kind, _sign) in kinds],
            total(in_period).alias("net"),
        )
        # Every entry up to the as-of day counts towards a balance, whatever the period.
        # Read from the covering (customer, at, kind, points) index in customer order
        # (migration 0006): a scan of the table would need a sort by customer.
        .where(all_of(PointsEntry.at < clock.end_of_day(query.as_of), _of_customers(query)))
        .group_by(PointsEntry.customer)
        .alias("per_customer")
    )
    balance, due = per.c.balance, per.c.due
    holds = balance > 0
    expires = holds & (due > 0)
    row = (
        PointsEntry.select(
            fn.SUM(Case(None, [(holds, balance)], 0)),
            fn.SUM(Case(None, [(holds, 1)], 0)),
            fn.SUM(Case(None, [(expires & (due < balance), due), (expires, balance)], 0)),
            fn.SUM(Case(None, [(expires, 1)], 0)),
            *[fn.SUM(getattr(per.c, key)) for key, _kind in kinds],
            fn.SUM(per.c.net),
        )
        .from_(per)
        .tuples()
        .get()
    )
    values = [int(v or 0) for v in row]
    figures = dict(zip(("outstanding", "holders", "expiring", "expiring_customers"), values[:4]))
    for (key, (_kind, sign)), amount in zip(kinds, values[4:]):
        figures[key] = sign * amount
    figures["net"] = values[-1]
    return figures
