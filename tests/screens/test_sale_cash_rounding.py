"""Cash rounding at the till (issue 12), driven by Pilot: the sale dialog shows the cash to
take rounded to the shop's step and the rounding beside it, and the slip lists both."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from shoptui.check import run_checks
from shoptui.models import Payment, Receipt
from shoptui.services import customers, settings

from .helpers import SIZE, app_for, pilot_test, until
from .till_helpers import done_shown, done_text, open_return_from_sales_tab, open_sale, quote_text, type_amount


@pytest.fixture
def an(database):
    settings.set_value("cash_rounding", "500")
    return customers.register({"name": "Nguyễn Văn An"}).customer


@pilot_test
async def test_the_sale_dialog_shows_the_rounded_cash_and_the_rounding(an, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "12345")
        await until(
            pilot,
            lambda: "To pay: ₫12,345" in quote_text(modal) and "Cash rounding" in quote_text(modal),
            what="the rounded cash of the whole amount",
        )
        quote = quote_text(modal)
        assert "To pay: ₫12,345" in quote and "Cash: ₫12,500" in quote and "Cash rounding: -₫155" in quote
        await pilot.press("enter")
        done = await done_shown(pilot)
        text = done_text(done)
        assert "Paid by cash: ₫12,500" in text and "Cash rounding: -₫155" in text and "Total: ₫12,345" in text
    receipt = Receipt.get(Receipt.customer == an.id)
    assert {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)} == {
        "cash": 12_500,
        "rounding": -155,
    }
    assert run_checks() == []


@pilot_test
async def test_without_a_step_the_cash_is_exact_and_no_rounding_is_shown(an, database):
    settings.set_value("cash_rounding", "0")
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "12345")
        await until(pilot, lambda: "Cash: ₫12,345" in quote_text(modal), what="the exact cash")
        assert "rounding" not in quote_text(modal)
        assert isinstance(modal.query_one("#quote"), Static)


@pilot_test
async def test_the_return_dialog_shows_the_rounded_cash_refund(an, database):
    from shoptui.services import checkout
    from shoptui.services.sale_quote import SaleInput

    checkout.record_sale(SaleInput(customer=an, amount=12_345))
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_return_from_sales_tab(pilot, an.id)
        split = modal.query_one("#refund-split", Static)
        await until(pilot, lambda: "cash rounding" in str(split.render()), what="the split")
        assert "paid back (cash) ₫12,500" in str(split.render()) and "cash rounding -₫155" in str(split.render())
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid back (cash): ₫12,500" in text and "Cash rounding: -₫155" in text
    assert run_checks() == []


@pilot_test
async def test_too_little_cash_says_what_to_type_not_the_gap_to_the_exact_total(an, database):
    from textual.widgets import Input

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, an.id)
        await type_amount(pilot, "12345")
        await until(pilot, lambda: "Cash: ₫12,500" in quote_text(modal), what="the rounded cash")
        modal.query_one("#cash", Input).value = "12000"
        await until(pilot, lambda: "Not enough cash" in quote_text(modal), what="the refusal")
        assert "type ₫12,500" in quote_text(modal) and "345" not in quote_text(modal).split("Not enough")[1]
