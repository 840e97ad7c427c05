"""Reading the cells of an import file: text, dates, times, money, whole numbers, quantities.

A cell is text (CSV) or a native value (a spreadsheet's numbers and dates). Every
reader raises ``ValidationError`` with a sentence that names the value and says why,
so a rejected row tells the shopkeeper what to fix.

Dates: ISO (2024-03-05) is always read; other forms follow the order of the shop
region's short date format (Babel: dd/MM for VN, RU, DE; M/d for US). A two-digit
year, or a date that does not fit the region's order, is refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from ..errors import NotAnAmount, ValidationError
from ..i18n import _
from ..limits import check_day
from ..money import MAX_MINOR, parse_money, read_decimal
from ..textfold import fold
from ..textsafe import strip_hidden

ORDERS = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY", "ymd": "YYYY/MM/DD"}

_DATE_PARTS = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\.?$")
_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:[:h.](?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?\s*(?P<ampm>[ap]\.?\s?m\.?)?$",
    re.IGNORECASE,
)
_FLOAT_ID = re.compile(r"^\d+\.0+$")
_GROUPED_INT = re.compile(r"^[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


def text(value) -> str:
    """A cell as stripped text; a spreadsheet's whole number loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Bidi controls and zero-width characters go at entry (shoptui.textsafe): a code of
    # only such characters is an empty cell, not a customer whose code nobody can type.
    return strip_hidden(str(value)).strip()


def identifier(value) -> str:
    """A code, phone, barcode or receipt number: text, and "17850.0" (a number column that
    went through a float on its way out of another program) is 17850."""
    raw = text(value)
    if _FLOAT_ID.match(raw):
        return raw.split(".")[0]
    return raw


@functools.lru_cache(maxsize=32)
def date_order(region: str) -> str:
    """ "dmy", "mdy" or "ymd": the order of day, month and year in the region's short dates."""
    from babel import Locale
    from babel.dates import get_date_format

    try:
        pattern = get_date_format("short", Locale.parse("und_" + region.upper())).pattern
    except Exception:  # an unknown region: most of the world writes day first
        return "dmy"
    positions = {key: pattern.find(key) for key in "dMy"}
    if min(positions.values()) < 0:
        return "dmy"
    return "".join(sorted("dmy", key=lambda k: positions["M" if k == "m" else k]))


def _date_from_parts(raw: str, order: str) -> dt.date:
    match = _DATE_PARTS.match(raw)
    if not match:
        raise ValidationError(_("{value} is not a date.").format(value=raw))
    a, b, c = match.groups()
    if len(a) == 4:
        year, month, day = a, b, c
    elif len(c) == 4 and order in ("dmy", "mdy"):
        day, month, year = (a, b, c) if order == "dmy" else (b, a, c)
    elif len(c) == 4 or len(a) == 4:
        raise ValidationError(
            _("{value} does not fit the shop's date order {order}; write it as YYYY-MM-DD.").format(
                value=raw, order=ORDERS[order]
            )
        )
    else:
        raise ValidationError(
            _("{value} has a two-digit year, which is ambiguous; write the year in full or use YYYY-MM-DD.").format(
                value=raw
            )
        )
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        if len(a) == 4:
            raise ValidationError(_("{value} is not a date.").format(value=raw)) from None
        raise ValidationError(
            _("{value} is not a date in the shop's order {order}.").format(value=raw, order=ORDERS[order])
        ) from None


def parse_time(value) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    raw = text(value)
    match = _TIME.match(raw)
    if not match:
        raise ValidationError(_("{value} is not a time of day.").format(value=raw))
    hour, minute, second = int(match["h"]), int(match["m"] or 0), int(match["s"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "").replace(" ", "")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValidationError(_("{value} is not a time of day.").format(value=raw))
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(_("{value} is not a time of day.").format(value=raw))
    return dt.time(hour, minute, second)


def parse_datetime(value, order: str) -> dt.datetime:
    """A date with an optional time of day (midnight when there is none), from 1900 to 2199."""
    return _in_years(_datetime(value, order), value)


def _datetime(value, order: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raw = text(value)
    if not raw:
        raise ValidationError(_("The date is missing."))
    if re.match(r"^\d{4}-\d{2}-\d{2}", raw):
        try:
            # Local wall-clock time: a zone written after it is dropped, not converted.
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(microsecond=0, tzinfo=None)
        except ValueError:
            pass
    date_part, _sep, time_part = raw.replace("T", " ", 1).partition(" ")
    day = _date_from_parts(date_part.rstrip(","), order)
    time_part = time_part.strip()
    return dt.datetime.combine(day, parse_time(time_part) if time_part else dt.time())


def parse_date(value, order: str) -> dt.date:
    """A calendar date; a time of day written after it (00:00:00 in many exports) is ignored."""
    return parse_datetime(value, order).date()


def _in_years(at: dt.datetime, value) -> dt.datetime:
    """A date from 1900 to 2199 (limits.FIRST_DAY..LAST_DAY), else the row is refused."""
    return check_day(at, text(value))


# Whole numbers (points, visitors) and quantities larger than these are typing or export
# errors; refusing them keeps every stored number and every sum inside 64-bit integers.
# Points share the one maximum of amounts (money.MAX_MINOR), so that a points balance is
# summed as safely as money.
MAX_WHOLE = MAX_MINOR
MAX_QUANTITY = 10**6


def parse_int(value) -> int:
    """A whole number: "1234", "1 234", "1.234" / "1,234" (grouped), "12.0"."""
    number = _whole(value)
    if abs(number) > MAX_WHOLE:
        raise ValidationError(_("{value} is too large a number.").format(value=text(value)))
    return number


def _whole(value) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("{value} is not a whole number.").format(value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = re.sub(r"[\s\u00a0\u202f']", "", text(value))
    if _GROUPED_INT.match(raw):
        return int(re.sub(r"[.,]", "", raw))
    try:
        number = read_decimal(raw)
    except ValueError:
        raise ValidationError(_("{value} is not a whole number.").format(value=text(value))) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(_("{value} is not a whole number.").format(value=text(value)))
    return int(number)


def parse_quantity(value) -> Decimal:
    """A quantity: "2", "1.5", "1,5", "1.234,5". One separator is the decimal one
    (quantities of a thousand or more are written without grouping)."""
    if isinstance(value, bool):
        raise ValidationError(_("{value} is not a quantity.").format(value=value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raw = re.sub(r"[\s\u00a0\u202f']", "", text(value))
    if "," in raw and "." in raw:
        decimal_sep = "." if raw.rfind(".") > raw.rfind(",") else ","
        raw = raw.replace("," if decimal_sep == "." else ".", "").replace(decimal_sep, ".")
    try:
        number = read_decimal(raw)
    except ValueError:
        raise ValidationError(_("{value} is not a quantity.").format(value=text(value))) from None
    if not number.is_finite():
        raise ValidationError(_("{value} is not a quantity.").format(value=text(value)))
    if abs(number) > MAX_QUANTITY:
        raise ValidationError(_("{value} is too large a quantity.").format(value=text(value)))
    return number


def parse_amount(value, currency: str) -> int:
    """Money in minor units, with the local separators money.parse_money reads."""
    typed = value if isinstance(value, (int, float, Decimal)) else text(value)
    try:
        return parse_money(typed, currency)
    except NotAnAmount:
        # money's "Not an amount: 12abc" is worded for a form field; a row's cells say
        # "{value} is ..." like every other cell that cannot be read.
        raise ValidationError(_("{value} is not an amount.").format(value=typed)) from None


# Receipt kinds and customer statuses as exports of the four languages write them (folded).
KIND_WORDS = {
    "sale": {
        "sale",
        "sales",
        "sell",
        "s",
        "ban",
        "ban hang",
        "hoa don",
        "hoa don ban hang",
        "prodazha",
        "chek",
        "chek prodazhi",
        "verkauf",
        "kauf",
        "v",
    },
    "return": {
        "return",
        "returns",
        "refund",
        "r",
        "tra",
        "tra hang",
        "tra lai",
        "hoan tra",
        "vozvrat",
        "chek vozvrata",
        "rueckgabe",
        "ruckgabe",
        "retoure",
        "storno",
        "gutschrift",
    },
}
STATUS_WORDS = {
    "active": {
        "active",
        "a",
        "dang hoat dong",
        "hoat dong",
        "vveden",
        "aktivnyi",
        "aktivnyy",
        "aktiven",
        "aktiv",
        "eingefuhrt",
        "eingefuehrt",
    },
    "incomplete": {
        "incomplete",
        "control",
        "chua hoan thien",
        "kiem tra",
        "kontrol",
        "kontrolle",
        "unvollstandig",
        "unvollstaendig",
    },
    "archived": {
        "archived",
        "archive",
        "inactive",
        "ngung hoat dong",
        "luu tru",
        "arkhiv",
        "arkhivnyi",
        "arkhivnyy",
        "archiv",
        "archiviert",
        "inaktiv",
    },
}


def _word(value, words: dict[str, set[str]], message: str) -> str:
    folded = fold(text(value))
    for canonical, known in words.items():
        if folded in known:
            return canonical
    raise ValidationError(message.format(value=text(value)))


def parse_kind(value) -> str:
    return _word(value, KIND_WORDS, _("{value} is neither a sale nor a return."))


def parse_status(value) -> str:
    return _word(value, STATUS_WORDS, _("{value} is not a status (active, incomplete, archived)."))
