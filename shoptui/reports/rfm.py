"""RFM: recency, frequency and monetary value of every buying customer, scored 1-5 by
quintile, and the named segment each customer falls in.

Who: every identified customer with at least one sale receipt in scope (up to the
as-of day, narrowed by the period and the stores; SPEC: Definitions), whatever their
status: the segments account for all of the identified revenue, as the portrait's
visit buckets do.

- recency: days from the customer's last sale date to the as-of date (0: bought that day);
- frequency: sale receipts in scope (visits);
- monetary: sales − returns in scope (can be negative when a return in the period
  outweighs the purchases in it).

Scores: ``NTILE(5)`` over the customers ordered from worst to best (oldest last sale,
fewest receipts, least spend), so 5 is the best fifth. Customers with equal values
share a score, the lowest tile any of them falls in: a score never depends on how the
database orders ties, and the same data always scores the same on SQLite and
PostgreSQL. That is the NTILE of the first position of the value, which ``RANK()``
gives, so each score costs one sort (``tile_of``). Scores are relative: with fewer
than five customers the tiles are 1..N, so a lone customer scores 1-1-1.

Segments come from R and FM = (F + M) / 2 rounded half up, with the usual RFM map
(R down, FM across)::

          FM 1             2               3                4           5
    R 5   new              potential       potential        champions   champions
    R 4   promising        potential       potential        loyal       loyal
    R 3   about to sleep   about to sleep  need attention   loyal       loyal
    R 2   hibernating      hibernating     at risk          at risk     can't lose
    R 1   lost             lost            at risk          at risk     can't lose

(potential = potential loyalists). ``rfm`` gives the segments with their customers
and revenue; with ``options["details"]`` (or a ``segment`` to keep) also one row per
customer, a page at a time when ``limit``/``offset`` are given (each page scores every
customer again). ``segment_of`` scores one customer for the customer card with one
aggregate pass over the receipts in scope and no sort (about 3 s of CPU on 10,000,000
receipts: run it off the UI thread).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw
from peewee import Case, fn

from ..errors import UsageError
from ..i18n import N_, _
from ..models import Customer, Receipt
from ..models.summaries import CustomerSales
from . import Money, Share
from .contacts import CONTACT_COLUMNS, CONTACT_FIELDS, CONTACT_LABELS, as_of_day, contact, page
from .portrait import IS_SALE, SALE_COUNT, SIGNED_TOTAL
from .query import SCOPE_LABELS, ReportQuery, day_number, scope, whole_history

TITLE = N_("RFM segments")

# (segment, R scores, FM scores) — the map of the module docstring, in display order.
SEGMENT_MAP = (
    ("champions", (5, 5), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalists", (4, 5), (2, 3)),
    ("new", (5, 5), (1, 1)),
    ("promising", (4, 4), (1, 1)),
    ("need_attention", (3, 3), (3, 3)),
    ("about_to_sleep", (3, 3), (1, 2)),
    ("at_risk", (1, 2), (3, 4)),
    ("cant_lose", (1, 2), (5, 5)),
    ("hibernating", (2, 2), (1, 2)),
    ("lost", (1, 1), (1, 2)),
)
SEGMENTS = tuple(name for name, _r, _fm in SEGMENT_MAP)

COLUMNS = (
    *CONTACT_COLUMNS,
    "last_purchase",
    "recency",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "segment",
)

LABELS = {
    **SCOPE_LABELS,
    "customers": N_("Customers"),
    "revenue": N_("Revenue"),
    "segments": N_("Segments"),
    "customers_share": N_("Share of customers"),
    "revenue_share": N_("Share of revenue"),
    "champions": N_("Champions"),
    "loyal": N_("Loyal"),
    "potential_loyalists": N_("Potential loyalists"),
    "new": N_("New"),
    "promising": N_("Promising"),
    "need_attention": N_("Need attention"),
    "about_to_sleep": N_("About to sleep"),
    "at_risk": N_("At risk"),
    "cant_lose": N_("Can't lose"),
    "hibernating": N_("Hibernating"),
    "lost": N_("Lost"),
    **CONTACT_LABELS,
    "last_purchase": N_("Last purchase"),
    "recency": N_("Days since"),
    "frequency": N_("Receipts"),
    "monetary": N_("Spent"),
    "r": N_("R"),
    "f": N_("F"),
    "m": N_("M"),
    "segment": N_("Segment"),
}


def segment_for(r: int, f: int, m: int) -> str:
    fm = (f + m + 1) // 2
    for name, (r_low, r_high), (fm_low, fm_high) in SEGMENT_MAP:
        if r_low <= r <= r_high and fm_low <= fm <= fm_high:
            return name
    raise ValueError(f"scores out of range: {r}, {f}, {m}")


def rfm(query: ReportQuery) -> dict:
    query.check_stores()
    segment = query.options.get("segment")
    if segment is not None and segment not in SEGMENTS:
        raise UsageError(
            _("There is no segment {name}; use one of: {names}.").format(name=segment, names=", ".join(SEGMENTS))
        )
    report = {
        **scope(query),
        **_segments(query),
    }
    if query.options.get("details") or segment is not None:
        report["rows"] = _customer_rows(query, segment)
        # the segments have counted them already (a page is a part of these)
        report["rows_total"] = report["customers"] if segment is None else report["segments"][segment]["customers"]
    return report


# -- SQL ---------------------------------------------------------------------------------------


def per_customer(query: ReportQuery) -> pw.Select:
    """One row per customer with a sale in scope: last sale day, sale receipts, net spend."""
    last_sale = fn.MAX(Case(None, [(IS_SALE, Receipt.at)], None))
    return (
        Receipt.select(
            Receipt.customer.alias("customer_id"),
            day_number(last_sale).alias("last_day"),
            fn.SUM(SALE_COUNT).alias("frequency"),
            fn.SUM(SIGNED_TOTAL).alias("monetary"),
        )
        .where(query.receipts() & Receipt.customer.is_null(False))
        .group_by(Receipt.customer)
        .having(fn.SUM(SALE_COUNT) >= 1)
    )


def every_customer(query: ReportQuery) -> pw.Select:
    """``per_customer`` for every customer at once; over the whole history it is read from
    the per-customer sums that migration 0005's triggers keep (the same day numbers),
    instead of grouping every receipt."""
    if not whole_history(query):
        return per_customer(query)
    c = CustomerSales
    return c.select(
        c.customer.alias("customer_id"),
        c.last_sale_day.alias("last_day"),
        c.sales.alias("frequency"),
        c.net.alias("monetary"),
    ).where(c.sales >= 1)


def scored(query: ReportQuery) -> pw.Select:
    """``per_customer`` with the r, f, m scores: NTILE(5) of the first position of each value.

    ``RANK()`` is that first position (equal values share it), and ``tile_of`` turns it
    into the tile NTILE(5) gives that position: one sort per score, where NTILE and then
    the lowest tile over each group of equal values would need two.
    """
    per = every_customer(query).alias("per_customer")
    ranks = (
        Receipt.select(
            per.c.customer_id,
            per.c.last_day,
            per.c.frequency,
            per.c.monetary,
            fn.RANK().over(order_by=[per.c.last_day]).alias("r_rank"),
            fn.RANK().over(order_by=[per.c.frequency]).alias("f_rank"),
            fn.RANK().over(order_by=[per.c.monetary]).alias("m_rank"),
            fn.COUNT(pw.SQL("*")).over().alias("customers"),
        )
        .from_(per)
        .alias("ranks")
    )
    return Receipt.select(
        ranks.c.customer_id,
        ranks.c.last_day,
        ranks.c.frequency,
        ranks.c.monetary,
        tile_of(ranks.c.r_rank, ranks.c.customers).alias("r"),
        tile_of(ranks.c.f_rank, ranks.c.customers).alias("f"),
        tile_of(ranks.c.m_rank, ranks.c.customers).alias("m"),
    ).from_(ranks)


def tile_of(position: pw.ColumnBase, rows: pw.ColumnBase) -> pw.ColumnBase:
    """SQL's NTILE(5) of a 1-based position among ``rows``, as ``ntile`` computes it."""
    size = rows / 5  # whole numbers: integer division on both databases
    bigger = rows - size * 5  # the first ``bigger`` tiles hold size + 1 rows
    in_bigger = bigger * (size + 1)
    return Case(
        None,
        [(position <= in_bigger, (position - 1) / (size + 1) + 1)],
        # NULLIF: size is 0 only with fewer than five rows, and then every position is in a bigger tile
        bigger + (position - 1 - in_bigger) / fn.NULLIF(size, 0) + 1,
    )


def _segments(query: ReportQuery) -> dict:
    """Customers and revenue per segment: SQL groups by the (at most 125) score triples."""
    scores = scored(query).alias("scores")
    triples = (
        Receipt.select(scores.c.r, scores.c.f, scores.c.m, fn.COUNT(pw.SQL("*")), fn.SUM(scores.c.monetary))
        .from_(scores)
        .group_by(scores.c.r, scores.c.f, scores.c.m)
        .tuples()
    )
    found = {name: [0, 0] for name in SEGMENTS}
    for r, f, m, customers, revenue in triples:
        totals = found[segment_for(int(r), int(f), int(m))]
        totals[0] += int(customers)
        totals[1] += int(revenue or 0)
    all_customers = sum(customers for customers, _revenue in found.values())
    all_revenue = sum(revenue for _customers, revenue in found.values())
    return {
        "customers": all_customers,
        "revenue": Money(all_revenue),
        "segments": {
            name: {
                "customers": customers,
                "revenue": Money(revenue),
                "customers_share": _share(customers, all_customers),
                "revenue_share": _share(revenue, all_revenue),
            }
            for name, (customers, revenue) in found.items()
        },
    }


def _share(part: int, whole: int) -> Share:
    return Share(round(part / whole, 4) if whole > 0 else 0.0)


def _in_segment(scores, name: str) -> pw.Expression:
    _name, (r_low, r_high), (fm_low, fm_high) = next(item for item in SEGMENT_MAP if item[0] == name)
    fm = (scores.c.f + scores.c.m + 1) / 2  # integers: SQL divides them as integers, rounding half up here
    return scores.c.r.between(r_low, r_high) & fm.between(fm_low, fm_high)


def _customer_rows(query: ReportQuery, segment: str | None) -> list[dict]:
    """One row per scored customer, biggest spenders first (a page of them when asked).

    The page is cut from the scores before the customers are joined, so that a page of
    a million scored customers reads a page of customer rows.
    """
    scores = scored(query).alias("all_scores")
    ordered = Receipt.select(
        scores.c.customer_id,
        scores.c.last_day,
        scores.c.frequency,
        scores.c.monetary,
        scores.c.r,
        scores.c.f,
        scores.c.m,
    ).from_(scores)
    if segment is not None:
        ordered = ordered.where(_in_segment(scores, segment))
    ordered = page(ordered.order_by(scores.c.monetary.desc(), scores.c.customer_id), query).alias("scores")
    select = (
        Customer.select(
            *CONTACT_FIELDS,
            (as_of_day(query) - ordered.c.last_day).alias("recency"),
            ordered.c.frequency,
            ordered.c.monetary,
            ordered.c.r,
            ordered.c.f,
            ordered.c.m,
        )
        .join(ordered, on=(Customer.id == ordered.c.customer_id))
        .order_by(ordered.c.monetary.desc(), ordered.c.customer_id)
    )
    rows = []
    for row in select.dicts():
        r, f, m = int(row["r"]), int(row["f"]), int(row["m"])
        recency = int(row["recency"])
        rows.append(
            {
                **contact(row),
                "last_purchase": query.as_of - dt.timedelta(days=recency),
                "recency": recency,
                "frequency": int(row["frequency"]),
                "monetary": Money(int(row["monetary"])),
                "r": r,
                "f": f,
                "m": m,
                "segment": segment_for(r, f, m),
            }
        )
    return rows


# -- one customer, for the customer card ----------------------------------------------------------


@dataclass(frozen=True)
class CustomerRfm:
    segment: str
    r: int
    f: int
    m: int
    recency: int
    frequency: int
    monetary: int


def segment_of(customer: Customer | int, query: ReportQuery | None = None) -> CustomerRfm | None:
    """The customer's scores and segment as ``rfm`` gives them, or None without a sale in scope.

    It does not sort every customer three times: a tie group's lowest tile is the tile of
    its first position, and that position is 1 + the customers with a worse value, which
    one aggregate pass counts (``ntile``).
    """
    query = query or ReportQuery()
    cid = customer.id if isinstance(customer, Customer) else customer
    mine = per_customer(query).where(Receipt.customer == cid).alias("mine")
    own = (
        Receipt.select(mine.c.last_day, mine.c.frequency, mine.c.monetary, (as_of_day(query) - mine.c.last_day))
        .from_(mine)
        .tuples()
        .first()
    )
    if own is None:
        return None
    last_day, frequency, monetary, recency = (int(value) for value in own)
    per = every_customer(query).alias("per_customer")

    def worse(column, value) -> pw.ColumnBase:
        return fn.COALESCE(fn.SUM(Case(None, [(column < value, 1)], 0)), 0)

    total, worse_r, worse_f, worse_m = (
        Receipt.select(
            fn.COUNT(pw.SQL("*")),
            worse(per.c.last_day, last_day),
            worse(per.c.frequency, frequency),
            worse(per.c.monetary, monetary),
        )
        .from_(per)
        .tuples()
        .get()
    )
    total = int(total)
    r, f, m = (ntile(5, int(count) + 1, total) for count in (worse_r, worse_f, worse_m))
    return CustomerRfm(segment_for(r, f, m), r, f, m, recency, frequency, monetary)


def ntile(tiles: int, position: int, rows: int) -> int:
    """The tile SQL's NTILE(tiles) gives the 1-based ``position`` of ``rows``: the first
    ``rows % tiles`` tiles hold one row more than the others."""
    size, bigger = divmod(rows, tiles)
    if position <= bigger * (size + 1):
        return (position - 1) // (size + 1) + 1
    return bigger + (position - 1 - bigger * (size + 1)) // size + 1
