"""An advance at the till (issue 12), driven by Pilot: the sale dialog offers paying from
what the customer paid in advance, and a manager takes a payment in advance from F9."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.debt_payment_modal import DebtPaymentModal
from shoptui.check import run_checks
from shoptui.models import Customer, DebtEntry, Payment, Receipt
from shoptui.services import checkout, customers, debts
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, app_for, pilot_test, until
from .till_helpers import card_open, done_shown, done_text, open_sale, quote_text, type_amount


@pytest.fixture
def paid_ahead(database):
    customer = customers.register({"name": "Phạm Dũng"}).customer
    debts.take_payment(customer, 70_000, actor=SYSTEM, advance=True)
    return Customer.get_by_id(customer.id)


@pilot_test
async def test_the_sale_dialog_pays_from_the_advance(paid_ahead, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, paid_ahead.id)
        await until(pilot, lambda: modal.field("advance").display, what="the advance field")
        assert modal.query_one("#advance", Input).placeholder == "up to ₫70,000"
        await type_amount(pilot, "100000")
        modal.query_one("#advance", Input).value = "80000"
        await until(pilot, lambda: "At most ₫70,000 can be paid from the advance" in quote_text(modal), what="the cap")
        modal.query_one("#advance", Input).value = "70000"
        await until(pilot, lambda: "Cash: ₫30,000" in quote_text(modal), what="the cash left")
        assert "From the advance: ₫70,000" in quote_text(modal) and "Advance left after this sale: ₫0" in quote_text(
            modal
        )
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid from the advance: ₫70,000" in text and "Paid by cash: ₫30,000" in text and "Debt now: ₫0" in text
    receipt = Receipt.get(Receipt.customer == paid_ahead.id)
    assert {p.method: p.amount for p in Payment.select().where(Payment.receipt == receipt)} == {
        "advance": 70_000,
        "cash": 30_000,
    }
    assert Customer.get_by_id(paid_ahead.id).debt_balance == 0
    assert run_checks() == []


@pilot_test
async def test_the_quote_lists_what_pays_this_sale_and_the_advance_left_apart(paid_ahead, database):
    """The quote lists the advance taken, never the advance's balance among the payments;
    what is left of it is labelled as such, and credit typed uses the advance first."""
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, paid_ahead.id)
        await until(pilot, lambda: modal.field("advance").display, what="the advance field")
        await type_amount(pilot, "12345")
        await until(pilot, lambda: "Advance left after this sale: ₫70,000" in quote_text(modal), what="nothing taken")
        assert "Paid in advance" not in quote_text(modal) and "From the advance" not in quote_text(modal)
        modal.query_one("#advance", Input).value = "5000"
        await until(pilot, lambda: "From the advance: ₫5,000" in quote_text(modal), what="the advance taken")
        assert "Advance left after this sale: ₫65,000" in quote_text(modal) and "Cash: ₫7,345" in quote_text(modal)
        # What is left of the advance comes after every payment, never between two of them.
        assert quote_text(modal).index("Advance left after this sale") > quote_text(modal).index("Cash: ₫7,345")
        modal.query_one("#advance", Input).value = ""
        modal.query_one("#credit", Input).value = "2000"
        await until(
            pilot,
            lambda: "On credit, first from the advance: ₫2,000" in quote_text(modal),
            what="credit from the advance",
        )
        assert "Advance left after this sale: ₫68,000" in quote_text(modal)


@pilot_test
async def test_the_slip_says_the_advance_left_not_a_negative_debt(paid_ahead, database):
    # Found by a new user: the slip said "Debt now: -₫20,000" where the card says "Paid in advance".
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, paid_ahead.id)
        await until(pilot, lambda: modal.field("advance").display, what="the advance field")
        await type_amount(pilot, "80000")
        modal.query_one("#advance", Input).value = "30000"
        await until(pilot, lambda: "Cash: ₫50,000" in quote_text(modal), what="the cash left")
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid in advance: ₫40,000" in text and "Debt now" not in text, text
    assert run_checks() == []


@pilot_test
async def test_no_advance_no_advance_field(database):
    customer = customers.register({"name": "Võ Em"}).customer
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await open_sale(pilot, customer.id)
        await until(pilot, lambda: modal.header is not None, what="the customer")
        assert not modal.field("advance").display


@pilot_test
async def test_a_payment_in_advance_beyond_the_debt(database):
    customer = customers.register({"name": "Lê Hoa"}).customer
    checkout.record_sale(SaleInput(customer=customer, amount=300_000, credit=120_000))
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DebtPaymentModal))
        modal = app.screen
        assert modal.query_one("#pay-kind").value == "payment"
        await type_amount(pilot, "500000")
        modal.query_one("#pay-kind").value = "advance"
        note = modal.query_one("#pay-advance", Static)
        await until(
            pilot,
            lambda: "₫380,000 more than the debt is kept as an advance" in str(note.render()),
            what="the advance said",
        )
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid: ₫500,000" in text and "Debt now: ₫0" in text and "Paid in advance: ₫380,000" in text
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data.header.debt == -380_000,
            what="the card read again",
        )
    entry = DebtEntry.get(DebtEntry.kind == "advance")
    assert entry.amount == -500_000 and entry.method == "cash"
    assert run_checks() == []


@pilot_test
async def test_nothing_owed_opens_a_payment_in_advance_for_the_owner(database):
    customer = customers.register({"name": "Trần Bình"}).customer
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DebtPaymentModal))
        modal = app.screen
        assert modal.query_one("#pay-kind").value == "advance"
        assert "owes nothing; a payment is kept as an advance" in str(
            modal.query_one(".dialog-message", Static).render()
        )
        await type_amount(pilot, "50000")
        note = modal.query_one("#pay-advance", Static)
        await until(pilot, lambda: "₫50,000 is kept as an advance" in str(note.render()), what="the advance said")
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid in advance: ₫50,000" in text
    assert Customer.get_by_id(customer.id).debt_balance == -50_000
    assert run_checks() == []
