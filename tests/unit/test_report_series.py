"""The chart series of reports.series against values computed by hand, and against the reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from shoptui.errors import NotFound
from shoptui.reports.conversion import conversion
from shoptui.reports.query import ReportQuery
from shoptui.reports.series import (
    conversion_by_day,
    conversion_by_hour_of_day,
    new_customers_per_day,
)
from tests import builders

D = dt.date


def funnel_hours(found: dict[int, tuple[int, int, int]]) -> list[dict]:
    return [
        {"hour": hour, "visitors": v, "receipts": r, "identified_receipts": i}
        for hour, (v, r, i) in ((hour, found.get(hour, (0, 0, 0))) for hour in range(24))
    ]


def funnel_days(first: dt.date, *figures: tuple[int, int, int]) -> list[dict]:
    return [
        {"date": first + dt.timedelta(days=n), "visitors": v, "receipts": r, "identified_receipts": i}
        for n, (v, r, i) in enumerate(figures)
    ]


# tests/builders.py conversion_shop up to 2025-03-10, both stores summed (see there):
# hour 8: B2's 3 pulse visitors; 9: MAIN's 10 counted, An's sale and Binh's B2 sale (both with
# a card); 10: MAIN's 20 imported (the counter's 5 replaced), an anonymous sale and Binh's;
# 11: An's 03-02 sale (Binh's return the same hour is no sale); 12: B2's 4 and an anonymous
# sale; 15: MAIN's 7 on 03-03. The 03-11 visitors and sale are after the as-of day.
ALL_HOURS = {8: (3, 0, 0), 9: (10, 2, 2), 10: (20, 2, 1), 11: (0, 1, 1), 12: (4, 1, 0), 15: (7, 0, 0)}
ALL_DAYS = funnel_days(D(2025, 3, 1), (34, 4, 2), (0, 1, 1), (7, 0, 0), (0, 0, 0), (3, 0, 0), (0, 1, 1))


def conversion_query(**kwargs) -> ReportQuery:
    kwargs.setdefault("as_of", builders.CONVERSION_AS_OF)
    return ReportQuery(**kwargs)


def check_conversion_shop() -> None:
    assert conversion_by_hour_of_day(conversion_query()) == funnel_hours(ALL_HOURS)
    assert conversion_by_day(conversion_query()) == ALL_DAYS
    # One store, from 03-02: An's 11:00 sale on 03-02 and the 7 visitors at 15:00 on 03-03.
    main_from_2nd = conversion_query(stores=["MAIN"], date_from=D(2025, 3, 2))
    assert conversion_by_hour_of_day(main_from_2nd) == funnel_hours({11: (0, 1, 1), 15: (7, 0, 0)})
    assert conversion_by_day(main_from_2nd) == funnel_days(D(2025, 3, 2), (0, 1, 1), (7, 0, 0))
    # B2 alone up to 03-05 (--to): its 4 visitors and sale on 03-01, 3 visitors on 03-05.
    b2 = conversion_query(stores=["B2"], date_to=D(2025, 3, 5))
    assert conversion_by_hour_of_day(b2) == funnel_hours({8: (3, 0, 0), 12: (4, 1, 0)})
    assert conversion_by_day(b2) == funnel_days(D(2025, 3, 1), (4, 1, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (3, 0, 0))
    # As of 03-11 the late visitors and An's 09:10 sale count.
    late = conversion_by_hour_of_day(conversion_query(as_of=D(2025, 3, 11)))
    assert late[9] == {"hour": 9, "visitors": 109, "receipts": 3, "identified_receipts": 3}


def test_conversion_series_by_hand(database):
    builders.conversion_shop()
    check_conversion_shop()


def test_conversion_series_sum_the_reports_rows(database):
    builders.conversion_shop()
    rows = conversion(conversion_query(options={"by": "hour"}))["rows"]
    by_hour: Counter = Counter()
    by_day: Counter = Counter()
    for row in rows:
        for key in ("visitors", "receipts", "identified_receipts"):
            by_hour[row["hour"], key] += row[key]
            by_day[row["date"], key] += row[key]
    for hour in conversion_by_hour_of_day(conversion_query()):
        assert all(hour[key] == by_hour[hour["hour"], key] for key in ("visitors", "receipts", "identified_receipts"))
    for day in conversion_by_day(conversion_query()):
        assert all(day[key] == by_day[day["date"], key] for key in ("visitors", "receipts", "identified_receipts"))


def test_conversion_series_of_an_empty_shop(database):
    assert conversion_by_hour_of_day(ReportQuery()) == funnel_hours({})
    assert conversion_by_day(ReportQuery()) == []
    with pytest.raises(NotFound):
        conversion_by_day(ReportQuery(stores=["NOPE"]))


def test_new_customers_per_day_by_hand(database):
    builders.portrait_shop()
    as_of = builders.PORTRAIT_AS_OF  # 2025-03-10
    # 30 days up to the as-of day (02-09 .. 03-10): Binh 03-01, Chi 03-09 23:59, Dung 03-10;
    # An (01-15) and Phuong (2024-12-31) are older, Em registered on 03-11 is after the cut.
    days = new_customers_per_day(ReportQuery(as_of=as_of))
    assert [day for day, _count in days] == [D(2025, 2, 9) + dt.timedelta(days=n) for n in range(30)]
    assert {day: count for day, count in days if count} == {D(2025, 3, 1): 1, D(2025, 3, 9): 1, D(2025, 3, 10): 1}
    # A period replaces the window; --to before the as-of day ends it.
    period = new_customers_per_day(ReportQuery(as_of=as_of, date_from=D(2024, 12, 31), date_to=D(2025, 1, 15)))
    assert len(period) == 16
    assert {day: count for day, count in period if count} == {D(2024, 12, 31): 1, D(2025, 1, 15): 1}
    # A shorter window, and the as-of day moved on: Em counts.
    assert new_customers_per_day(ReportQuery(as_of=D(2025, 3, 11)), days=2) == [
        (D(2025, 3, 10), 1),
        (D(2025, 3, 11), 1),
    ]


def test_new_customers_per_day_in_a_store(database):
    from shoptui.services import customers
    from shoptui.services.context import Actor
    from shoptui.services.stores import add_store

    b2 = add_store("B2", "Second store")
    when = dt.datetime(2025, 3, 10, 9, 0)
    customers.register({"name": "Main one"}, registered_at=when)
    customers.register({"name": "B2 one"}, Actor(store=b2), registered_at=when)
    customers.register({"name": "B2 two"}, Actor(store=b2), registered_at=when + dt.timedelta(hours=14))
    query = ReportQuery(as_of=D(2025, 3, 10), stores=["B2"])
    assert new_customers_per_day(query, days=1) == [(D(2025, 3, 10), 2)]
    assert new_customers_per_day(ReportQuery(as_of=D(2025, 3, 10)), days=1) == [(D(2025, 3, 10), 3)]


def test_new_customers_per_day_of_an_empty_shop(database):
    days = new_customers_per_day(ReportQuery(as_of=D(2025, 3, 10)))
    assert len(days) == 30 and not any(count for _day, count in days)


@pytest.mark.postgres
def test_the_same_series_on_postgresql(pg_database):  # noqa: F811
    builders.conversion_shop()
    check_conversion_shop()
    test_portrait_customers = new_customers_per_day(ReportQuery(as_of=builders.CONVERSION_AS_OF))
    # The conversion shop registers An and Binh on 2025-01-01, outside the 30 days.
    assert sum(count for _day, count in test_portrait_customers) == 0
    assert new_customers_per_day(ReportQuery(as_of=D(2025, 1, 1)), days=1) == [(D(2025, 1, 1), 2)]
