"""The visits service: counter readings into hours, resets, restarts, and imports that win."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.errors import ValidationError
from shoptui.models import CounterState, Store, VisitCount
from shoptui.services import visits
from shoptui.services.stores import add_store

T = dt.datetime(2025, 3, 14, 10, 5, 0)


def rows(source="counter:door1"):
    return [
        (r.store.code, r.hour, r.visitors_in, r.visitors_out)
        for r in VisitCount.select().where(VisitCount.source == source).order_by(VisitCount.store, VisitCount.hour)
    ]


@pytest.fixture
def main(database):
    return Store.get(Store.code == "MAIN")


def test_the_first_reading_ever_counts_in_full(main):
    got = visits.record_reading(main, "door1", 5, 1, at=T)
    assert got == visits.Recorded(dt.datetime(2025, 3, 14, 10), 5, 1, reset=False, first=True)
    assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 5, 1)]
    state = CounterState.get()
    assert (state.name, state.last_in, state.last_out, state.last_at) == ("door1", 5, 1, T)


def test_readings_add_their_increase_over_the_previous_one(main):
    visits.record_reading(main, "door1", 5, 1, at=T)
    got = visits.record_reading(main, "door1", 8, 2, at=T + dt.timedelta(minutes=10))
    assert (got.visitors_in, got.visitors_out, got.reset, got.first) == (3, 1, False, False)
    visits.record_reading(main, "door1", 8, 2, at=T + dt.timedelta(minutes=11))  # nobody came
    assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 8, 2)]


def test_a_lower_value_is_a_reset_and_counts_in_full(main):
    visits.record_reading(main, "door1", 5, 1, at=T)
    visits.record_reading(main, "door1", 8, 2, at=T + dt.timedelta(minutes=1))
    got = visits.record_reading(main, "door1", 3, None, at=T + dt.timedelta(minutes=2))
    assert (got.visitors_in, got.visitors_out, got.reset) == (3, 0, True)
    assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 11, 2)]
    # The old out-count (2) is no base after a reset: the next OUT=1 is one visitor out.
    visits.record_reading(main, "door1", 4, 1, at=T + dt.timedelta(minutes=3))
    assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 12, 3)]


def test_a_reset_of_either_number_resets_both():
    assert visits.totals_increase(100, 2, 3, 5) == (3, 5, True)
    assert visits.totals_increase(10, 7, 12, 1) == (12, 1, True)
    assert visits.totals_increase(10, None, 12, 4) == (2, 4, False)
    assert visits.totals_increase(None, None, 7, None) == (7, 0, False)


def test_readings_go_to_the_hour_they_arrived_in(main):
    visits.record_reading(main, "door1", 5, 0, at=dt.datetime(2025, 3, 14, 10, 59, 59))
    visits.record_reading(main, "door1", 9, 1, at=dt.datetime(2025, 3, 14, 11, 0, 0))
    visits.record_reading(main, "door1", 10, 1, at=dt.datetime(2025, 3, 14, 11, 30, 0))
    assert rows() == [
        ("MAIN", dt.datetime(2025, 3, 14, 10), 5, 0),
        ("MAIN", dt.datetime(2025, 3, 14, 11), 5, 1),
    ]


def test_a_restart_goes_on_from_the_stored_last_reading(main, db_path):
    from shoptui import db as dbmod

    visits.record_reading(main, "door1", 5, 1, at=T)
    visits.record_reading(main, "door1", 8, 2, at=T + dt.timedelta(minutes=1))
    # A new process: a fresh connection, nothing kept in memory but the database.
    dbmod.database.obj.close()
    reopened = dbmod.open_database(str(db_path))
    try:
        got = visits.record_reading(main.id, "door1", 9, 2, at=T + dt.timedelta(minutes=2))
        assert (got.visitors_in, got.visitors_out, got.first) == (1, 0, False)
        assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 9, 2)]
    finally:
        reopened.close()


def test_counters_and_stores_are_kept_apart(main):
    other = add_store("HN1", "Hà Nội 1")
    visits.record_reading(main, "door1", 5, 0, at=T)
    visits.record_reading(main, "door2", 7, 0, at=T)
    visits.record_reading(other, "door1", 2, 0, at=T)
    visits.record_reading(main, "door1", 6, 0, at=T)
    assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 6, 0), ("HN1", dt.datetime(2025, 3, 14, 10), 2, 0)]
    assert rows("counter:door2") == [("MAIN", dt.datetime(2025, 3, 14, 10), 7, 0)]
    assert visits.visitors(main, T) == 13
    assert visits.visitors(other, T) == 2


def test_pulse_readings_are_the_visitors_themselves(main):
    for minute in range(3):
        visits.record_reading(main, "beam", 1, at=T + dt.timedelta(minutes=minute), cumulative=False)
    assert rows("counter:beam") == [("MAIN", dt.datetime(2025, 3, 14, 10), 3, 0)]
    assert visits.counter_state(main, "beam").last_at == T + dt.timedelta(minutes=2)


def test_a_negative_or_missing_name_is_refused(main):
    with pytest.raises(ValidationError):
        visits.record_reading(main, "door1", -1, at=T)
    with pytest.raises(ValidationError):
        visits.record_reading(main, "", 1, at=T)
    assert VisitCount.select().count() == 0
    assert CounterState.select().count() == 0


def test_a_failed_hour_write_leaves_the_state_unchanged(main, monkeypatch):
    visits.record_reading(main, "door1", 5, 1, at=T)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(visits, "_add_to_hour", broken)
    with pytest.raises(RuntimeError):
        visits.record_reading(main, "door1", 8, 2, at=T)
    monkeypatch.undo()
    state = visits.counter_state(main, "door1")
    assert (state.last_in, state.last_out) == (5, 1)
    visits.record_reading(main, "door1", 8, 2, at=T)
    assert rows() == [("MAIN", dt.datetime(2025, 3, 14, 10), 8, 2)]


def test_the_imported_count_wins_over_counter_readings(main):
    other = add_store("HN1", "Hà Nội 1")
    ten, eleven, noon = (dt.datetime(2025, 3, 14, h) for h in (10, 11, 12))
    visits.record_reading(main, "door1", 5, 1, at=ten + dt.timedelta(minutes=5))
    visits.record_reading(main, "door2", 4, 0, at=ten + dt.timedelta(minutes=6))
    visits.record_reading(main, "door1", 12, 3, at=eleven + dt.timedelta(minutes=1))
    visits.record_reading(other, "door1", 6, 2, at=ten + dt.timedelta(minutes=7))
    assert visits.record_imported(main, ten + dt.timedelta(minutes=30), 20, 15) == "imported"
    assert visits.record_imported(main, noon, 3) == "imported"

    got = visits.visits_by_hour([main, other], ten, noon + dt.timedelta(hours=1))
    assert [(v.store_id, v.hour, v.visitors_in, v.visitors_out, v.imported) for v in got] == [
        (main.id, ten, 20, 15, True),  # counters said 9 and 1: the import is the corrected count
        (main.id, eleven, 7, 2, False),
        (main.id, noon, 3, 0, True),
        (other.id, ten, 6, 2, False),
    ]
    assert visits.visitors(main, ten) == 20
    assert visits.visitors(main, eleven) == 7
    assert visits.visitors(main, dt.datetime(2025, 3, 14, 13)) is None


def test_visits_by_hour_narrows_to_stores_and_the_period(main):
    other = add_store("HN1", "Hà Nội 1")
    for hour in (9, 10, 11):
        visits.record_imported(main, dt.datetime(2025, 3, 14, hour), hour)
        visits.record_imported(other, dt.datetime(2025, 3, 14, hour), hour * 2)
    got = visits.visits_by_hour(["hn1"], dt.datetime(2025, 3, 14, 10), dt.datetime(2025, 3, 14, 11))
    assert [(v.store_id, v.hour, v.visitors_in) for v in got] == [(other.id, dt.datetime(2025, 3, 14, 10), 20)]
    assert sum(v.visitors_in for v in visits.visits_by_hour()) == 30 + 60
    assert visits.visits_by_hour([main.id], end=dt.datetime(2025, 3, 14, 10)) == [
        visits.HourVisits(main.id, dt.datetime(2025, 3, 14, 9), 9, 0, True)
    ]


def test_re_importing_an_hour_replaces_its_count(main):
    ten = dt.datetime(2025, 3, 14, 10)
    assert visits.record_imported(main, ten, 20, 15) == "imported"
    assert visits.record_imported(main, ten + dt.timedelta(minutes=40), 20, 15) == "unchanged"
    assert visits.record_imported(main, ten, 25, 15) == "updated"
    assert rows("import") == [("MAIN", ten, 25, 15)]
