"""Phone numbers through ``phonenumbers``: E.164 for matching, the typed form for display."""

from __future__ import annotations

import re

import phonenumbers


def normalize(typed: str | int | None, region: str) -> str | None:
    """E.164 of a phone number read for ``region``, or None when it cannot be read.

    A number that lost its leading zero in a spreadsheet (912345678 for VN) is
    recovered: when the plain reading fails, the national trunk prefix is tried.
    """
    if typed is None:
        return None
    text = str(typed).strip()
    if isinstance(typed, float) and text.endswith(".0"):
        text = text[:-2]
    if not re.search(r"\d", text):
        return None
    for candidate in (text, "0" + text if text[:1].isdigit() else None):
        if candidate is None:
            continue
        try:
            number = phonenumbers.parse(candidate, region.upper())
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def reversed_digits(e164_or_typed: str | None) -> str:
    """The digits backwards: an index on this answers "ends with 5678" as a prefix search."""
    return digits(e164_or_typed)[::-1]


def display(e164: str | None, region: str) -> str:
    """The national format for numbers of the shop's region, international otherwise."""
    if not e164:
        return ""
    key = (region.upper(), e164[:_KEY_CHARS], len(e164))
    layout = _LAYOUTS.get(key)
    if layout is not None:
        tail = iter(e164[len(e164) - layout.count(_SLOT) :])
        return "".join(next(tail) if char == _SLOT else char for char in layout)
    shown = _format(e164, region)
    if len(_LAYOUTS) < _MAX_LAYOUTS:
        _LAYOUTS[key] = _layout(shown, e164)
    return shown


# A list of customers shows hundreds of thousands of phones and phonenumbers takes ~10-20 µs
# for each. How a number is written depends only on the region shown in, the country code,
# the leading digits and the length: the layout found for one number ("0### ### ###") is
# kept and filled in with the digits of the next one of the same key.
_KEY_CHARS = 9  # "+" and 8 digits: the country code and the leading digits formats look at
_SLOT = "#"
_MAX_LAYOUTS = 100_000
_LAYOUTS: dict[tuple[str, str, int], str | None] = {}


def _layout(shown: str, e164: str) -> str | None:
    """``shown`` with the digits it shares with the end of ``e164`` as slots, or None (never
    reused) when some digit after the key's first characters is not a slot."""
    if not e164.startswith("+") or not e164[1:].isdigit():
        return None
    ours, theirs = digits(shown), e164[1:]
    common = 0
    while common < min(len(ours), len(theirs)) and ours[-1 - common] == theirs[-1 - common]:
        common += 1
    if common < len(e164) - _KEY_CHARS:
        return None
    chars, slots = list(shown), common
    for i in range(len(chars) - 1, -1, -1):
        if slots == 0:
            break
        if chars[i].isdigit():
            chars[i] = _SLOT
            slots -= 1
    return "".join(chars)


def _format(e164: str, region: str) -> str:
    number = _from_e164(e164)
    if number is None:
        try:
            number = phonenumbers.parse(e164, region.upper())
        except phonenumbers.NumberParseException:
            return e164
    if phonenumbers.region_code_for_number(number) == region.upper():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _from_e164(e164: str) -> phonenumbers.PhoneNumber | None:
    """The number of a stored E.164 string without phonenumbers' parser, which is half the
    cost of showing a phone (lists of customers show hundreds of thousands). Country codes
    are prefix-free, so the first known one of 1 to 3 digits is the one; anything unusual
    (a national number starting with 0, as Italy's) is left to the parser."""
    if len(e164) < 4 or e164[0] != "+" or not e164[1:].isdigit():
        return None
    for size in (1, 2, 3):
        code = int(e164[1 : 1 + size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = e164[1 + size :]
            if not national or national[0] == "0":
                return None
            return phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
    return None
