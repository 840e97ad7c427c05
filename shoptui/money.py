"""Money is an integer of minor units of the shop currency in the core; Decimal at the edges.

The currency decides the number of decimals (ISO 4217 via Babel: VND 0, EUR/USD/RUB 2).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, get_currency_symbol, parse_decimal

from .errors import NotAnAmount, ValidationError
from .i18n import BABEL_LOCALES, _
from .textfold import fold


def decimals(currency: str) -> int:
    return get_currency_precision(currency.upper())


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units to a Decimal in the major unit, with the currency's decimals."""
    places = decimals(currency)
    return (Decimal(minor) / (Decimal(10) ** places)).quantize(Decimal(1).scaleb(-places))


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """A major-unit amount to minor units, rounding half-up to the currency's decimals."""
    value = Decimal(amount) if not isinstance(amount, Decimal) else amount
    places = decimals(currency)
    return int((value * (Decimal(10) ** places)).to_integral_value(rounding=ROUND_HALF_UP))


def as_string(minor: int, currency: str) -> str:
    """The JSON form: a plain decimal string in the major unit ("1234.50", VND "125000")."""
    return str(to_decimal(minor, currency))


def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """What a person reads: 125.000 ₫, 1 234,50 ₽, 1.234,50 €."""
    return format_currency(to_decimal(minor, currency), currency.upper(), locale=locale)


def read_decimal(text: str) -> Decimal:
    """A number typed with either decimal mark: "1.5" and "1,5" are both one and a half,
    and neither mark groups thousands ("1,234" is one and a bit, "1.5.5" no number).
    What Decimal reads besides ("-2", "1e3", "NaN") it reads too: the caller refuses what
    it must (``is_finite``, a range). Not a number: ValueError (babel's NumberFormatError)."""
    # With the comma made a point, en_US has nothing to group and reads the point.
    return parse_decimal(text.replace(",", "."), locale="en_US")


# The largest amount, points count or money setting the program takes from a person, a file,
# the command line or the settings, in minor units: 900,000,000,000 (900 billion đồng,
# 9 billion euros), far above anything a small shop records. It is chosen so that no sum
# can overflow: SQLite and PostgreSQL add integers in 64 bits (at most 2**63 - 1, about
# 9.22e18), and 10,000,000 receipts (or ledger entries) each at the maximum add up to
# 9e18, which still fits. Every entry checks it (parse_money, io.values.parse_int,
# services.settings, the command line), so a stored amount never exceeds it.
MAX_MINOR = 900_000_000_000
MAX_ROWS_SUMMED = 10_000_000
assert MAX_MINOR * MAX_ROWS_SUMMED < 2**63

_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_NUMBER = re.compile(r"[+\-]?[\d.,]*\d[\d.,]*")
# Words a till or spreadsheet writes beside an amount, folded to ASCII (đ → d, руб → rub).
_CURRENCY_WORDS = {"d", "dong", "vnd", "r", "rub", "rubl", "rublei", "rublej", "eur", "euro", "usd"}


def parse_money(text: str | int | float | Decimal, currency: str, field: str | None = None) -> int:
    """Read an amount typed or imported in the major unit into minor units.

    Accepts "1234.5", "1,234.50", "1.234,50", "1 234,50", "125.000" (VND), a currency
    sign or code beside the number ("125.000 ₫", "€1,234.50", "100 руб.") and numbers.
    A float (from a spreadsheet cell) goes through its shortest repr, never binary
    arithmetic, and is a number, not text: 1.234 is one and a bit, never 1234.
    Too many decimals for the currency are an error, not silently rounded.
    """
    if isinstance(text, bool):
        raise _not_an_amount(text, field)
    if isinstance(text, int):
        return _bounded(to_minor(Decimal(text), currency), text, field)
    if isinstance(text, float):
        value = Decimal(repr(text))
    elif isinstance(text, Decimal):
        value = text
    else:
        value = _read_text(str(text), currency, text, field)
    if not value.is_finite():
        raise _not_an_amount(text, field)
    places = decimals(currency)
    minor = value * (Decimal(10) ** places)
    if minor != minor.to_integral_value():
        raise ValidationError(
            _("{value} has more decimals than {currency} allows").format(value=text, currency=currency),
            field,
        )
    return _bounded(int(minor), text, field)


def _not_an_amount(value, field: str | None) -> NotAnAmount:
    return NotAnAmount(_("Not an amount: {value}").format(value=value), field, value=value)


def within_maximum(minor: int, currency: str, field: str = "amount") -> int:
    """An amount (or points count) a service is given stays within the one maximum, with
    the sentence the dialogs show for a typed amount that is too large."""
    if abs(minor) > MAX_MINOR:
        raise ValidationError(_("{value} is too large an amount.").format(value=as_string(minor, currency)), field)
    return minor


def _bounded(minor: int, original, field) -> int:
    if abs(minor) > MAX_MINOR:
        raise ValidationError(_("{value} is too large an amount.").format(value=original), field)
    return minor


def _read_text(text: str, currency: str, original, field) -> Decimal:
    raw = _GROUPING.sub("", text.strip())
    # "(1,234.50)": how accounting programs and Excel's accounting format write a negative.
    in_brackets = len(raw) > 2 and raw[0] == "(" and raw[-1] == ")"
    if in_brackets:
        raw = raw[1:-1].strip()
    match = _NUMBER.search(raw)
    if match is None:
        raise _not_an_amount(original, field)
    before, number = raw[: match.start()], match.group()
    if before.startswith("-") and number[0] not in "+-":
        before, number = before[1:], "-" + number  # "-€1,234.50" as en_US writes it
    if not _is_currency_mark(before + " " + raw[match.end() :], currency) or (in_brackets and number[0] in "+-"):
        raise _not_an_amount(original, field)
    value = _read_number(number, decimals(currency), original, field)
    return -value if in_brackets else value


def _is_currency_mark(rest: str, currency: str) -> bool:
    """What stands beside the number is nothing, currency signs, or a currency code or word."""
    if any(c in "+-()" or c.isdigit() for c in rest):
        return False
    without_signs = "".join(c for c in rest if unicodedata.category(c) != "Sc")
    words = fold(without_signs).split()
    return all(w in _CURRENCY_WORDS or w in _symbol_words(currency) for w in words)


@functools.cache
def _symbol_words(currency: str) -> frozenset[str]:
    """The currency's code and the letters of its symbol in our languages ("US$" -> "us")."""
    found = {currency.lower()}
    for locale in BABEL_LOCALES.values():
        symbol = get_currency_symbol(currency.upper(), locale=locale)
        found.update(fold("".join(c for c in symbol if unicodedata.category(c) != "Sc")).split())
    return frozenset(found)


def _read_number(raw: str, places: int, original, field) -> Decimal:
    sign = ""
    if raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    dots, commas = raw.count("."), raw.count(",")
    if dots and commas:
        # The separator that comes last is the decimal one.
        decimal_sep = "." if raw.rfind(".") > raw.rfind(",") else ","
        group_sep = "," if decimal_sep == "." else "."
        whole, _sep, frac = raw.rpartition(decimal_sep)
        if decimal_sep in whole:
            raise _not_an_amount(original, field)
        raw = _ungroup(whole, group_sep, original, field) + "." + frac
    elif dots > 1 or commas > 1:
        raw = _ungroup(raw, "." if dots > 1 else ",", original, field)
    elif dots == 1 or commas == 1:
        sep = "." if dots else ","
        whole, frac = raw.split(sep)
        # "125.000" in VND (no decimals) or "1,234" is grouping: exactly three digits
        # after a single separator, when the currency has fewer than three decimals.
        if len(frac) == 3 and places < 3 and whole and whole != "0":
            raw = whole + frac
        else:
            raw = whole + "." + frac
    try:
        return Decimal(sign + raw)
    except InvalidOperation:
        raise _not_an_amount(original, field) from None


def _ungroup(whole: str, group_sep: str, original, field) -> str:
    """Digits grouped by thousands ("1.234.567"), else not an amount ("1.5.5")."""
    groups = whole.split(group_sep)
    if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
        raise _not_an_amount(original, field)
    return "".join(groups)
