"""Reading import cells: dates by the shop region's order, times, money, numbers, words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shoptui import i18n
from shoptui.errors import NotAnAmount, ValidationError
from shoptui.io import values
from shoptui.money import parse_money


@pytest.mark.parametrize(
    "region, order", [("VN", "dmy"), ("RU", "dmy"), ("DE", "dmy"), ("GB", "dmy"), ("US", "mdy"), ("CN", "ymd")]
)
def test_date_order_comes_from_the_region(region, order):
    assert values.date_order(region) == order


@pytest.mark.parametrize("order", ["dmy", "mdy", "ymd"])
def test_iso_dates_are_always_read(order):
    assert values.parse_date("2024-03-04", order) == dt.date(2024, 3, 4)
    assert values.parse_datetime("2024-03-04T10:15:30", order) == dt.datetime(2024, 3, 4, 10, 15, 30)
    assert values.parse_datetime("2024-03-04 10:15", order) == dt.datetime(2024, 3, 4, 10, 15)
    assert values.parse_date("2024/03/04", order) == dt.date(2024, 3, 4)


def test_day_first_for_vietnam_russia_germany():
    order = values.date_order("VN")
    assert values.parse_date("03/04/2024", order) == dt.date(2024, 4, 3)
    assert values.parse_date("3.4.2024", values.date_order("RU")) == dt.date(2024, 4, 3)
    assert values.parse_datetime("31.12.2024 23:59:59", values.date_order("DE")) == dt.datetime(
        2024, 12, 31, 23, 59, 59
    )


def test_month_first_for_the_united_states():
    order = values.date_order("US")
    assert values.parse_date("03/04/2024", order) == dt.date(2024, 3, 4)
    assert values.parse_datetime("12/31/2024 2:15 PM", order) == dt.datetime(2024, 12, 31, 14, 15)
    assert values.parse_datetime("1/2/2024 12:05 am", order) == dt.datetime(2024, 1, 2, 0, 5)


@pytest.mark.parametrize(
    "text, order, reason",
    [
        ("03/04/24", "dmy", "two-digit year"),
        ("13/31/2024", "dmy", "not a date in the shop's order DD/MM/YYYY"),
        ("31/12/2024", "mdy", "not a date in the shop's order MM/DD/YYYY"),
        ("03/04/2024", "ymd", "does not fit the shop's date order"),
        ("2024-02-30", "dmy", "not a date"),
        ("next tuesday", "dmy", "not a date"),
        ("05/03/2024 25:00", "dmy", "not a time of day"),
    ],
)
def test_ambiguous_or_impossible_dates_are_refused_with_the_reason(text, order, reason):
    with pytest.raises(ValidationError) as caught:
        values.parse_datetime(text, order)
    message = str(caught.value)
    assert reason in message and any(part in message for part in text.split())


def test_native_spreadsheet_values_pass_through():
    moment = dt.datetime(2024, 5, 6, 7, 8, 9, 123)
    assert values.parse_datetime(moment, "dmy") == dt.datetime(2024, 5, 6, 7, 8, 9)
    assert values.parse_datetime(dt.date(2024, 5, 6), "mdy") == dt.datetime(2024, 5, 6)
    assert values.parse_date("1990-05-06 00:00:00", "dmy") == dt.date(1990, 5, 6)
    assert values.text(17850.0) == "17850" and values.text(None) == ""


def test_a_zone_written_after_an_iso_time_is_dropped_not_converted():
    assert values.parse_datetime("2024-03-04T10:15:00+07:00", "dmy") == dt.datetime(2024, 3, 4, 10, 15)


@pytest.mark.parametrize(
    "text, currency, minor",
    [
        ("125.000", "VND", 125000),
        ("125,000", "VND", 125000),
        ("1.234.567 ₫", "VND", 1234567),
        ("1 234,50", "RUB", 123450),
        ("1.234,50 €", "EUR", 123450),
        ("1,234.50", "USD", 123450),
        ("-30.000", "VND", -30000),
        ("0", "VND", 0),
        (2.5, "EUR", 250),
    ],
)
def test_money_with_local_separators(text, currency, minor):
    assert values.parse_amount(text, currency) == minor


def test_money_with_too_many_decimals_is_refused():
    with pytest.raises(ValidationError):
        values.parse_amount("12,5", "VND")


@pytest.mark.parametrize("lang", ["en", "vi", "ru", "de"])
@pytest.mark.parametrize("text", ["12abc", "1.5.5", "(-5)", float("nan")])
def test_a_cell_that_is_no_amount_is_worded_as_a_cell_by_its_type(lang, text):
    """money raises NotAnAmount (a ValidationError) for the value; the import's reader
    recognises it by that type, not by comparing its translated message, and words it
    the way every cell is worded, in each language."""
    with pytest.raises(NotAnAmount) as raised:
        parse_money(text, "EUR", "amount")
    assert isinstance(raised.value, ValidationError) and raised.value.field == "amount"
    assert raised.value.value == text or text != text  # NaN is not equal to itself
    i18n.set_language(lang)
    try:
        with pytest.raises(ValidationError) as reworded:
            values.parse_amount(text, "EUR")
        assert not isinstance(reworded.value, NotAnAmount)
        assert str(reworded.value) == i18n._("{value} is not an amount.").format(value=text)
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("text", ["12.3456", 1e300])
def test_an_amount_with_too_many_decimals_or_too_large_keeps_its_own_sentence(text):
    with pytest.raises(ValidationError) as raised:
        values.parse_amount(text, "EUR")
    assert not isinstance(raised.value, NotAnAmount)
    assert "is not an amount" not in str(raised.value)


@pytest.mark.parametrize(
    "text, number",
    [("12", 12), ("1 234", 1234), ("1.234", 1234), ("1,234,567", 1234567), ("12.0", 12), (7.0, 7), ("-3", -3)],
)
def test_whole_numbers(text, number):
    assert values.parse_int(text) == number


@pytest.mark.parametrize("text", ["1.5", "abc", "12,34"])
def test_not_whole_numbers(text):
    with pytest.raises(ValidationError):
        values.parse_int(text)


@pytest.mark.parametrize(
    "text, qty",
    [
        ("2", Decimal(2)),
        ("1,5", Decimal("1.5")),
        ("0.250", Decimal("0.25")),
        ("1.234,5", Decimal("1234.5")),
        ("-3", Decimal(-3)),
    ],
)
def test_quantities_are_decimals(text, qty):
    assert values.parse_quantity(text) == qty


@pytest.mark.parametrize(
    "word, kind",
    [
        ("sale", "sale"),
        ("Bán hàng", "sale"),
        ("Продажа", "sale"),
        ("Verkauf", "sale"),
        ("return", "return"),
        ("Trả hàng", "return"),
        ("Возврат", "return"),
        ("Rückgabe", "return"),
        ("Storno", "return"),
    ],
)
def test_receipt_kinds_in_four_languages(word, kind):
    assert values.parse_kind(word) == kind


@pytest.mark.parametrize(
    "word, status",
    [
        ("active", "active"),
        ("Đang hoạt động", "active"),
        ("Введён", "active"),
        ("Aktiv", "active"),
        ("Контроль", "incomplete"),
        ("Kontrolle", "incomplete"),
        ("Ngừng hoạt động", "archived"),
        ("Архив", "archived"),
        ("Archiviert", "archived"),
    ],
)
def test_statuses_in_four_languages(word, status):
    assert values.parse_status(word) == status


def test_an_unknown_kind_says_what_it_is_not():
    with pytest.raises(ValidationError, match="neither a sale nor a return"):
        values.parse_kind("exchange")


@pytest.mark.parametrize(
    "cell, text",
    [("17850.0", "17850"), (17850.0, "17850"), ("KH000123", "KH000123"), ("0912345678", "0912345678"), ("1.5", "1.5")],
)
def test_identifiers_lose_a_float_tail(cell, text):
    assert values.identifier(cell) == text
