"""services.amounts.shown: the one way the core shows an amount to a person, in the shop's
currency and the current language (the JSON form is money.as_string)."""

from __future__ import annotations

from shoptui.i18n import set_language
from shoptui.services import amounts, settings

NBSP = "\u00a0"


def test_an_amount_is_shown_in_the_shops_currency_and_the_current_language(database):
    assert amounts.shown(125000) == "₫125,000"
    set_language("vi")
    assert amounts.shown(125000) == f"125.000{NBSP}₫"
    settings.set_value("currency", "EUR")
    set_language("de")
    assert amounts.shown(123450) == f"1.234,50{NBSP}€"
    assert amounts.shown(-5) == f"-0,05{NBSP}€"


def test_another_currency_can_be_named(database):
    set_language("ru")
    assert amounts.shown(123450, "RUB") == f"1{NBSP}234,50{NBSP}₽"
