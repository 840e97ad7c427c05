"""The shop's wall clock. Every date-time is local and naive (SPEC: Time)."""

import datetime as dt


def now() -> dt.datetime:
    """Local wall-clock time without a zone, to the second."""
    return dt.datetime.now().replace(microsecond=0)


def today() -> dt.date:
    return dt.date.today()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after ``day``: reports cut with ``at < end_of_day(as_of)``."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())
