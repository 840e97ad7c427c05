"""Footfall: counter readings and imported counts into visitors per store and hour.

A counter is a store plus a name; its readings go to ``VisitCount`` rows with the source
``counter:<name>``, imported counts to rows with the source ``import``. When a store-hour
has both, the imported count is the one that counts (it is the corrected one).

Readings are not written to the audit log: footfall is not among the audited data, and
one audit row per visitor would bury the changes the log is there to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import peewee as pw

from .. import clock
from ..db import database
from ..errors import ValidationError
from ..i18n import _
from ..models import CounterState, Store, VisitCount
from .ledger import write_transaction

IMPORT_SOURCE = "import"
COUNTER_PREFIX = "counter:"


def counter_source(counter_name: str) -> str:
    return COUNTER_PREFIX + counter_name


def hour_of(at: dt.datetime) -> dt.datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _store_id(store: Store | int) -> int:
    return store.id if isinstance(store, Store) else int(store)


def _locked_state(store_id: int, counter_name: str) -> CounterState | None:
    query = CounterState.select().where((CounterState.store == store_id) & (CounterState.name == counter_name))
    if database.obj.for_update:
        query = query.for_update()
    return query.first()


# -- counter readings ----------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What one reading added: the visitors of ``hour`` it counted, and whether it saw a reset."""

    hour: dt.datetime
    visitors_in: int
    visitors_out: int
    reset: bool = False
    first: bool = False


def totals_increase(
    last_in: int | None, last_out: int | None, reading_in: int, reading_out: int | None
) -> tuple[int, int, bool]:
    """The visitors a cumulative reading adds over the previous one: ``(in, out, reset)``.

    A value never seen before counts in full (the counter started at zero). A value lower
    than its previous one means the counter was reset (switched off and on), and then
    both values count in full: a reset zeroes the whole counter, not one of its numbers.
    """
    reset = (last_in is not None and reading_in < last_in) or (
        reading_out is not None and last_out is not None and reading_out < last_out
    )
    if reset or last_in is None:
        added_in = reading_in
    else:
        added_in = reading_in - last_in
    if reading_out is None:
        added_out = 0
    elif reset or last_out is None:
        added_out = reading_out
    else:
        added_out = reading_out - last_out
    return added_in, added_out, reset


def _check_count(value: int | None, name: str) -> None:
    if value is not None and (not isinstance(value, int) or value < 0):
        raise ValidationError(_("A visitor count must be a whole number, 0 or more."), name)


def record_reading(
    store: Store | int,
    counter_name: str,
    visitors_in: int,
    visitors_out: int | None = None,
    at: dt.datetime | None = None,
    cumulative: bool = True,
) -> Recorded:
    """Store one counter reading in the hour it arrived, and remember it as the last one.

    ``cumulative`` readings (the ``totals`` protocol) are counts since the counter was
    switched on and add their increase over the counter's stored last reading; other
    readings (``pulse``) are the visitors themselves. The hour's count and the counter's
    state change in one transaction, so a kill loses at most the reading in hand and a
    restarted listener goes on from the stored last reading without counting twice.
    """
    if not counter_name:
        raise ValidationError(_("A counter needs a name."), "counter")
    _check_count(visitors_in, "in")
    _check_count(visitors_out, "out")
    at = at or clock.now()
    hour = hour_of(at)
    store_id = _store_id(store)
    with write_transaction():
        state = _locked_state(store_id, counter_name)
        if state is None:
            state = CounterState(store=store_id, name=counter_name)
        first = state.last_in is None and state.last_out is None
        if cumulative:
            added_in, added_out, reset = totals_increase(state.last_in, state.last_out, visitors_in, visitors_out)
            state.last_in = visitors_in
            if visitors_out is not None:
                state.last_out = visitors_out
            elif reset:
                # The counter restarted; its old out-count is no base for the next one.
                state.last_out = None
        else:
            added_in, added_out, reset = visitors_in, visitors_out or 0, False
        state.last_at = at
        state.save()
        _add_to_hour(store_id, hour, counter_source(counter_name), added_in, added_out, at)
    return Recorded(hour, added_in, added_out, reset, first and cumulative)


def _add_to_hour(store_id: int, hour: dt.datetime, source: str, added_in: int, added_out: int, at: dt.datetime) -> None:
    (
        VisitCount.insert(
            store=store_id,
            hour=hour,
            source=source,
            visitors_in=added_in,
            visitors_out=added_out,
            updated_at=at,
        )
        .on_conflict(
            conflict_target=[VisitCount.store, VisitCount.hour, VisitCount.source],
            update={
                VisitCount.visitors_in: VisitCount.visitors_in + pw.EXCLUDED.visitors_in,
                VisitCount.visitors_out: VisitCount.visitors_out + pw.EXCLUDED.visitors_out,
                VisitCount.updated_at: pw.EXCLUDED.updated_at,
            },
        )
        .execute()
    )


def counter_state(store: Store | int, counter_name: str) -> CounterState | None:
    """The counter's last stored reading (None for a counter never heard from)."""
    return CounterState.get_or_none((CounterState.store == _store_id(store)) & (CounterState.name == counter_name))


# -- imported counts -----------------------------------------------------------------------


def record_imported(
    store: Store | int, hour: dt.datetime, visitors_in: int, visitors_out: int = 0, at: dt.datetime | None = None
) -> str:
    """Set the imported count of a store-hour, replacing an earlier import of that hour.

    Returns ``"imported"``, ``"updated"`` or ``"unchanged"`` for the import's summary line.
    """
    _check_count(visitors_in, "in")
    _check_count(visitors_out, "out")
    hour = hour_of(hour)
    store_id = _store_id(store)
    with write_transaction():
        row = VisitCount.get_or_none(
            (VisitCount.store == store_id) & (VisitCount.hour == hour) & (VisitCount.source == IMPORT_SOURCE)
        )
        if row is None:
            VisitCount.create(
                store=store_id,
                hour=hour,
                source=IMPORT_SOURCE,
                visitors_in=visitors_in,
                visitors_out=visitors_out,
                updated_at=at or clock.now(),
            )
            return "imported"
        if (row.visitors_in, row.visitors_out) == (visitors_in, visitors_out):
            return "unchanged"
        row.visitors_in, row.visitors_out, row.updated_at = visitors_in, visitors_out, at or clock.now()
        row.save()
        return "updated"


# -- reading: visitors per store-hour --------------------------------------------------------


@dataclass(frozen=True)
class HourVisits:
    store_id: int
    hour: dt.datetime
    visitors_in: int
    visitors_out: int
    imported: bool  # the count is the imported one (counter readings of the hour set aside)


def _counted(field: pw.Field, has_import: pw.ColumnBase) -> pw.ColumnBase:
    """Sum of ``field`` over the hour's rows: the imported row's alone when there is one."""
    from_import = pw.fn.SUM(pw.Case(None, [(VisitCount.source == IMPORT_SOURCE, field)], 0))
    return pw.Case(None, [(has_import, from_import)], pw.fn.SUM(field))


def _store_ids(stores: Iterable[Store | int | str]) -> tuple[list[int], list[str]]:
    ids, codes = [], []
    for store in stores:
        if isinstance(store, str):
            codes.append(store.strip().upper())
        else:
            ids.append(_store_id(store))
    return ids, codes


def visits_by_hour_query(
    stores: Iterable[Store | int | str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> pw.Select:
    """Visitors per store and hour in ``[start, end)`` as SQL, for reports to build on.

    Columns: ``store_id``, ``hour``, ``visitors_in``, ``visitors_out``, ``imported`` (1/0).
    ``stores`` are Store rows, ids or codes; None means every store.
    """
    has_import = pw.fn.MAX(pw.Case(None, [(VisitCount.source == IMPORT_SOURCE, 1)], 0)) == 1
    query = VisitCount.select(
        VisitCount.store.alias("store_id"),
        VisitCount.hour.alias("hour"),
        _counted(VisitCount.visitors_in, has_import).alias("visitors_in"),
        _counted(VisitCount.visitors_out, has_import).alias("visitors_out"),
        pw.fn.MAX(pw.Case(None, [(VisitCount.source == IMPORT_SOURCE, 1)], 0)).alias("imported"),
    )
    conditions = []
    if stores is not None:
        ids, codes = _store_ids(stores)
        in_stores = VisitCount.store.in_(ids)
        if codes:
            in_stores |= VisitCount.store.in_(Store.select(Store.id).where(Store.code.in_(codes)))
        conditions.append(in_stores)
    if start is not None:
        conditions.append(VisitCount.hour >= start)
    if end is not None:
        conditions.append(VisitCount.hour < end)
    if conditions:
        query = query.where(*conditions)
    return query.group_by(VisitCount.store, VisitCount.hour).order_by(VisitCount.store, VisitCount.hour)


def visits_by_hour(
    stores: Iterable[Store | int | str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[HourVisits]:
    """Visitors per store and hour in ``[start, end)``; an imported count wins over the counters'."""
    return [
        HourVisits(store_id, _as_datetime(hour), int(v_in or 0), int(v_out or 0), bool(imported))
        for store_id, hour, v_in, v_out, imported in visits_by_hour_query(stores, start, end).tuples()
    ]


def _as_datetime(value) -> dt.datetime:
    # An aliased column comes back as SQLite stored it (text); PostgreSQL gives a datetime.
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def visitors(store: Store | int, hour: dt.datetime) -> int | None:
    """Visitors counted in of one store-hour; None when nothing was counted (not zero)."""
    rows = visits_by_hour([_store_id(store)], hour_of(hour), hour_of(hour) + dt.timedelta(hours=1))
    return rows[0].visitors_in if rows else None
