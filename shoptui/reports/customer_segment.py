"""One customer's RFM segment for the customer card, as the ``rfm`` report names it, fast.

The report scores a customer by the quintile (NTILE(5) of the first position of equal
values) of their recency, frequency and money among every buying customer. That
needs the whole population: seconds at a million customers and ten million receipts.
But the five tiles of each measure are cut at four values only, and those move little
within a day. So the cut values are computed once per process and as-of day (the
first call pays; run it in a worker) and a customer's segment is then their own
three values, read through the covering receipt index, compared with the cuts.

Why the cut values give the report's scores: sort the population's values
v_1 <= ... <= v_N. The report gives value v the tile of position 1 + #(values < v).
Tiles grow with the position, so v reaches tile t exactly when #(values < v) >= p_t - 1,
p_t being the first position of tile t, i.e. when v > v_(p_t - 1), the last value of
tile t - 1. The cut of tile t is that value, and a score is 1 + the cuts below v.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import peewee as pw
from peewee import fn

from .. import clock
from ..db import database
from ..models import Receipt
from .query import ReportQuery
from .rfm import every_customer, per_customer, segment_for, tile_of

TILES = 5
MEASURES = ("last_day", "frequency", "monetary")


@dataclass(frozen=True)
class Cuts:
    """Per measure, the last value of tiles 1..4 (fewer when there are fewer customers)."""

    last_day: tuple[int, ...]
    frequency: tuple[int, ...]
    monetary: tuple[int, ...]

    def score(self, measure: str, value: int) -> int:
        return 1 + sum(1 for cut in getattr(self, measure) if value > cut)


_cuts: dict[tuple[str, dt.date], Cuts] = {}
_lock = threading.Lock()
_computing: set = set()  # SQLite connections computing cuts now, for ``stop``


def segment_of(customer_id: int, as_of: dt.date | None = None) -> str | None:
    """The customer's segment (a key of ``rfm.SEGMENTS``) as of that day, or None without a
    sale up to it. The first call of a day and database computes the cuts (seconds on a
    big shop): call it off the UI thread."""
    as_of = as_of or clock.today()
    query = ReportQuery(as_of=as_of)
    own = _own_values(customer_id, query)
    if own is None:
        return None
    cuts = cuts_for(as_of)
    r, f, m = (cuts.score(measure, value) for measure, value in zip(MEASURES, own))
    return segment_for(r, f, m)


def cuts_for(as_of: dt.date) -> Cuts:
    """The day's cuts, computed once per process (a second caller waits for the first)."""
    key = (_database_key(), as_of)
    cuts = _cuts.get(key)
    if cuts is not None:
        return cuts
    with _lock:
        cuts = _cuts.get(key)
        if cuts is None:
            connection = database.connection()
            _computing.add(connection)
            try:
                cuts = _cuts[key] = compute_cuts(ReportQuery(as_of=as_of))
            finally:
                _computing.discard(connection)
    return cuts


def stop() -> None:
    """Cut short a computation of cuts under way (the app is closing and must not wait
    seconds for it); its caller gets SQLite's "interrupted" error and nothing is cached."""
    for connection in list(_computing):
        interrupt = getattr(connection, "interrupt", None)  # SQLite's; PostgreSQL's reads run out
        if interrupt is not None:
            interrupt()


def forget() -> None:
    """Drop the cached cuts (after an import, or in tests that change the receipts)."""
    with _lock:
        _cuts.clear()


def compute_cuts(query: ReportQuery) -> Cuts:
    """One aggregate pass over the receipts in scope (over the whole history, the
    per-customer sums instead: ``rfm.every_customer``) and one sort per measure.

    ROW_NUMBER numbers each measure's sorted values; a row is a cut where the next
    position falls in the next tile (``rfm.tile_of``, NTILE's arithmetic), so at most
    four rows per measure come back.
    """
    per = every_customer(query).alias("per_customer")
    numbered = (
        Receipt.select(
            per.c.last_day,
            per.c.frequency,
            per.c.monetary,
            fn.ROW_NUMBER().over(order_by=[per.c.last_day]).alias("r_pos"),
            fn.ROW_NUMBER().over(order_by=[per.c.frequency]).alias("f_pos"),
            fn.ROW_NUMBER().over(order_by=[per.c.monetary]).alias("m_pos"),
            fn.COUNT(pw.SQL("*")).over().alias("customers"),
        )
        .from_(per)
        .alias("numbered")
    )
    n = numbered.c.customers

    def is_cut(position: pw.ColumnBase) -> pw.Expression:
        return (position < n) & (tile_of(position, n) != tile_of(position + 1, n))

    rows = (
        Receipt.select(
            numbered.c.last_day,
            numbered.c.frequency,
            numbered.c.monetary,
            numbered.c.r_pos,
            numbered.c.f_pos,
            numbered.c.m_pos,
            n,
        )
        .from_(numbered)
        .where(is_cut(numbered.c.r_pos) | is_cut(numbered.c.f_pos) | is_cut(numbered.c.m_pos))
        .tuples()
    )
    found: dict[str, dict[int, int]] = {measure: {} for measure in MEASURES}
    customers = 0  # no cut comes back with fewer than two customers: none is needed then
    for last_day, frequency, monetary, r_pos, f_pos, m_pos, count in rows:
        customers = int(count)
        for measure, value, position in (
            ("last_day", last_day, r_pos),
            ("frequency", frequency, f_pos),
            ("monetary", monetary, m_pos),
        ):
            found[measure][int(position)] = int(value)
    positions = last_positions(customers)
    return Cuts(*(tuple(found[measure][p] for p in positions) for measure in MEASURES))


def last_positions(rows: int) -> list[int]:
    """The last position of each tile that has a next tile, as NTILE(5) fills ``rows``:
    the first ``rows % 5`` tiles hold one row more than the others."""
    size, bigger = divmod(rows, TILES)
    positions: list[int] = []
    position = 0
    for tile in range(1, TILES):
        position += size + 1 if tile <= bigger else size
        if 0 < position < rows and (not positions or position > positions[-1]):
            positions.append(position)
    return positions


def _own_values(customer_id: int, query: ReportQuery) -> tuple[int, int, int] | None:
    mine = per_customer(query).where(Receipt.customer == customer_id).alias("mine")
    own = Receipt.select(mine.c.last_day, mine.c.frequency, mine.c.monetary).from_(mine).tuples().first()
    if own is None:
        return None
    last_day, frequency, monetary = own
    return int(last_day), int(frequency), int(monetary)


def _database_key() -> str:
    """Which database the cuts belong to (tests and tools may open several in one process)."""
    target = getattr(database, "obj", None)
    return f"{type(target).__name__}:{getattr(target, 'database', '')}:{id(target)}"
