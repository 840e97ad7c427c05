"""Money (minor units, parsing, formats), phone numbers and folding text for search."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shoptui import money, phones
from shoptui.errors import ValidationError
from shoptui.services.money_math import cumulative_share, round_qty_price, share_of
from shoptui.textfold import fold, words

NBSP = "\u00a0"

# --- money -----------------------------------------------------------------------------------


def test_decimals_come_from_the_currency():
    assert (money.decimals("VND"), money.decimals("eur"), money.decimals("RUB"), money.decimals("USD")) == (0, 2, 2, 2)


def test_minor_units_and_the_json_form():
    assert money.to_decimal(123450, "EUR") == Decimal("1234.50")
    assert money.as_string(123450, "EUR") == "1234.50"
    assert money.as_string(125000, "VND") == "125000"
    assert money.as_string(-5, "EUR") == "-0.05"
    assert money.to_minor(Decimal("1.005"), "EUR") == 101  # half up
    assert money.to_minor("2.5", "VND") == 3


@pytest.mark.parametrize(
    "typed, currency, minor",
    [
        ("1.234,50", "EUR", 123450),
        ("1,234.50", "EUR", 123450),
        ("1234.5", "EUR", 123450),
        ("1 234,50", "EUR", 123450),
        (f"1{NBSP}234,50 ₽", "RUB", 123450),
        ("125.000", "VND", 125000),
        ("125,000", "VND", 125000),
        ("1.250.000", "VND", 1250000),
        ("1.999", "VND", 1999),  # three digits after one separator: grouping when fewer decimals
        ("125.000 ₫", "VND", 125000),
        ("125.000đ", "VND", 125000),
        ("125000 VND", "VND", 125000),
        ("€1,234.50", "EUR", 123450),
        ("100 руб.", "RUB", 10000),
        ("-1.234,50 €", "EUR", -123450),
        ("-€1,234.50", "EUR", -123450),  # en_US puts the minus before the sign
        ("12,50 US$", "USD", 1250),  # vi_VN's symbol for dollars
        ("0", "VND", 0),
        ("  42  ", "VND", 42),
        (1234.5, "EUR", 123450),  # a spreadsheet cell
        (125000.0, "VND", 125000),
        (0.1, "EUR", 10),
        (9e11, "VND", 9 * 10**11),  # a float at the maximum (money.MAX_MINOR)
        (7, "EUR", 700),
        (Decimal("12.34"), "EUR", 1234),
    ],
)
def test_parse_money_reads(typed, currency, minor):
    assert money.parse_money(typed, currency) == minor


@pytest.mark.parametrize(
    "typed, currency",
    [
        ("12,5", "VND"),  # VND has no decimals
        ("0.125", "EUR"),
        (1.234, "VND"),  # a float is a number: 1.234 dong is not possible
        (0.1 + 0.2, "EUR"),  # 0.30000000000000004: never rounded silently
        ("", "VND"),
        ("abc", "VND"),
        ("1e5", "VND"),
        ("12abc", "VND"),
        ("5-", "VND"),
        ("1.5.5", "VND"),
        ("1,23,456", "VND"),
        (float("nan"), "EUR"),
        (True, "VND"),
        ("NaN", "EUR"),
    ],
)
def test_parse_money_refuses(typed, currency):
    with pytest.raises(ValidationError):
        money.parse_money(typed, currency, field="total")


def test_parse_money_names_the_field():
    with pytest.raises(ValidationError) as err:
        money.parse_money("0.001", "EUR", field="total")
    assert err.value.field == "total" and "EUR" in str(err.value)


def test_format_money_per_locale():
    assert money.format_money(125000, "VND", "vi_VN") == f"125.000{NBSP}₫"
    assert money.format_money(123450, "RUB", "ru_RU") == f"1{NBSP}234,50{NBSP}₽"
    assert money.format_money(123450, "EUR", "de_DE") == f"1.234,50{NBSP}€"
    assert money.format_money(123450, "EUR", "en_US") == "€1,234.50"
    assert money.format_money(125000, "VND") == "₫125,000"


@pytest.mark.parametrize(
    "typed, number",
    [("1,5", "1.5"), ("1.5", "1.5"), (" 2 ", "2"), ("1,234", "1.234"), ("-0", "-0"), ("1e3", "1E+3"), ("NaN", "NaN")],
)
def test_read_decimal_takes_either_decimal_mark(typed, number):
    assert str(money.read_decimal(typed)) == number


@pytest.mark.parametrize("typed", ["", "abc", "1.5.5", "1,5,5", "1 5", "1.234,5"])
def test_read_decimal_refuses_what_is_no_number(typed):
    with pytest.raises(ValueError):
        money.read_decimal(typed)


def test_shares_round_half_up_and_running_totals_add_up():
    assert share_of(5, 1, 2) == 3 and share_of(4, 1, 2) == 2 and share_of(7, 0, 0) == 0
    parts = [cumulative_share(100, done, 1, 3) for done in range(3)]
    assert parts == [33, 34, 33] and sum(parts) == 100
    assert round_qty_price(Decimal("1.5"), 333) == 500
    assert round_qty_price(Decimal("0.333"), 3) == 1


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, region, e164",
    [
        ("0912345678", "VN", "+84912345678"),
        ("0912 345 678", "VN", "+84912345678"),
        ("912345678", "VN", "+84912345678"),  # the leading zero a spreadsheet dropped
        (912345678, "VN", "+84912345678"),
        (912345678.0, "VN", "+84912345678"),
        ("+84 912 345 678", "VN", "+84912345678"),
        ("84912345678", "VN", "+84912345678"),
        ("(028) 3812 3456", "VN", "+842838123456"),
        ("+7 912 345-67-89", "VN", "+79123456789"),
        ("8 912 345-67-89", "RU", "+79123456789"),
        ("0151 12345678", "DE", "+4915112345678"),
        ("15112345678", "DE", "+4915112345678"),
    ],
)
def test_phones_are_normalised(typed, region, e164):
    assert phones.normalize(typed, region) == e164


@pytest.mark.parametrize("typed", ["", None, "abc", "12", "0000", "09123456789012345"])
def test_unreadable_phones(typed):
    assert phones.normalize(typed, "VN") is None


def test_phone_display_and_reversed_digits():
    assert phones.display("+84912345678", "VN") == "0912 345 678"
    assert phones.display("+79123456789", "VN") == "+7 912 345-67-89"
    assert phones.display(None, "VN") == ""
    assert phones.reversed_digits("+84912345678") == "87654321948"
    assert phones.reversed_digits("+84912345678").startswith(phones.digits("5678")[::-1])


# --- folding ------------------------------------------------------------------------------------


def test_fold():
    assert fold("Nguyễn Thị Hồng") == "nguyen thi hong"
    assert fold("Đặng Văn Đức") == "dang van duc"
    assert fold("Ёлкин") == "elkin"
    assert fold("ёлка") == fold("елка") == "elka"
    assert fold("Straße") == "strasse"
    assert fold("Müller-Lüdenscheidt") == "muller ludenscheidt"
    assert fold("  ") == "" and fold(None) == ""


def test_accent_free_words_find_the_accented_name():
    name = words("Nguyễn Thị Hồng")
    assert all(any(w.startswith(q) for w in name) for q in words("nguyen hong"))
    assert all(any(w.startswith(q) for w in name) for q in words("NGUYỄN hồ"))
    assert not all(any(w.startswith(q) for w in name) for q in words("nguyen lan"))


def test_phones_are_shown_as_phonenumbers_parses_them_for_every_region():
    """display() skips the parser for stored E.164 numbers and reuses the layout of a number
    with the same leading digits; what it shows must be what the parser's reading shows, for
    every region's example numbers, their neighbours and odd strings."""
    import phonenumbers

    from shoptui import phones

    def parsed(e164: str, region: str) -> str:
        try:
            number = phonenumbers.parse(e164, region)
        except phonenumbers.NumberParseException:
            return e164
        kind = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if phonenumbers.region_code_for_number(number) == region
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, kind)

    numbers = ["+", "+1", "+3906123456", "+999123", "0912345678"]
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
                # Neighbours share the kept layout of the first one shown; each must still read right.
                numbers += [e164] + [e164[:-4] + tail for tail in ("0000", "1234", "9876")]
    for shop in ("VN", "RU", "DE", "US", "IT"):
        phones._LAYOUTS.clear()
        assert [phones.display(n, shop) for n in numbers] == [parsed(n, shop) for n in numbers]
        assert [phones.display(n, shop) for n in numbers] == [parsed(n, shop) for n in numbers]  # from the layouts
