"""The ranges every entry keeps to, in one place: dates, row limits and day counts.

A date outside 1900–2199 is a typing error in a shop's data (and 9999-12-31 plus one day
is no date at all); a list of more than ten million rows or a wait of more than a century
asks for nothing a shop can use, and larger numbers no longer fit the database's integers.
The command line reads its options with the argparse types below, so that such values are
bad usage (exit 2) said in one sentence; files and forms check dates with ``check_day``.
(The one maximum of amounts and points is ``money.MAX_MINOR``.)
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from .errors import UsageError, ValidationError
from .i18n import _

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
MAX_LIMIT = 10_000_000
MAX_DAYS = 36_500

_Day = TypeVar("_Day", bound=dt.date)  # a date, or a date-time


def day_in_range(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def outside_years(value) -> str:
    return _("{value} is outside the years {first} to {last}.").format(
        value=value, first=FIRST_DAY.year, last=LAST_DAY.year
    )


def check_day(day: _Day, typed=None, field: str | None = None) -> _Day:
    """``day`` itself, or a ValidationError naming what was typed when it is outside the range."""
    if not day_in_range(day if not isinstance(day, dt.datetime) else day.date()):
        raise ValidationError(outside_years(day.isoformat() if typed is None else typed), field)
    return day


def cli_date(text: str) -> dt.date:
    """argparse type: a date written YYYY-MM-DD from 1900 to 2199; anything else is bad usage."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(_("{value} is not a date; write it as YYYY-MM-DD.").format(value=text)) from None
    if not day_in_range(day):
        raise UsageError(outside_years(text))
    return day


def cli_month(text: str) -> dt.date:
    """argparse-style reader of YYYY-MM from 1900 to 2199: the first day of the month."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        first = dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise UsageError(_("{value} is not a month; write it as YYYY-MM.").format(value=text)) from None
    if not day_in_range(first):
        raise UsageError(outside_years(text))
    return first


def _whole(text) -> int | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    raw = str(text).strip()
    # int() would also read "１２３" or "٣"; an option is typed in ASCII digits.
    if not raw.lstrip("+-").isascii() or not raw.lstrip("+-").isdigit() or len(raw) > 30:
        return None
    return int(raw)


def cli_limit(text) -> int:
    """argparse type: a number of rows from 1 to 10,000,000."""
    number = _whole(text)
    if number is None or not 1 <= number <= MAX_LIMIT:
        raise UsageError(_("{value} is not a number of rows from 1 to {most:,}.").format(value=text, most=MAX_LIMIT))
    return number


def cli_days(text) -> int:
    """argparse type: a number of days from 0 to 36,500."""
    number = _whole(text)
    if number is None or not 0 <= number <= MAX_DAYS:
        raise UsageError(_("{value} is not a number of days from 0 to {most:,}.").format(value=text, most=MAX_DAYS))
    return number
