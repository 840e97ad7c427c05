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
    try:
        number = phonenumbers.parse(e164, region.upper())
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region.upper():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
