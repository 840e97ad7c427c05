"""Debt payments and adjustments from the card, driven by Pilot."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.adjust_modal import AdjustModal
from screens.till.debt_payment_modal import DebtPaymentModal
from shoptui.check import run_checks
from shoptui.models import Customer, DebtEntry, PointsEntry
from shoptui.services import checkout, customers, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, pilot_test, until
from .till_helpers import card_open, done_shown, done_text, type_amount


@pytest.fixture
def owes(database):
    customer = customers.register({"name": "Phạm Dũng", "phone": "0903 456 789"}).customer
    checkout.record_sale(SaleInput(customer=customer, amount=300_000, credit=120_000))
    return Customer.get_by_id(customer.id)


@pilot_test
async def test_enter_pays_all_the_debt_in_cash(owes, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(owes.id)
        await card_open(pilot, owes.id)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DebtPaymentModal))
        assert "owes ₫120,000" in str(app.screen.query_one(".dialog-message", Static).render())
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid: ₫120,000" in text and "Paid by: cash" in text and "Debt now: ₫0" in text
        await pilot.press("enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data.header.debt == 0,
            what="the card read again",
        )
    assert Customer.get_by_id(owes.id).debt_balance == 0
    assert run_checks() == []


@pilot_test
async def test_part_payment_by_transfer(owes, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(owes.id)
        await card_open(pilot, owes.id)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DebtPaymentModal))
        await type_amount(pilot, "20000")
        app.screen.query_one("#pay-method").value = "transfer"
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Paid: ₫20,000" in text and "Debt before: ₫120,000" in text and "Debt now: ₫100,000" in text
        await pilot.press("escape")
    entry = DebtEntry.get(DebtEntry.kind == "payment")
    assert entry.amount == -20_000 and entry.method == "transfer"
    assert run_checks() == []


@pilot_test
async def test_paying_more_than_is_owed_is_refused(owes, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(owes.id)
        await card_open(pilot, owes.id)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DebtPaymentModal))
        await type_amount(pilot, "500000")
        await pilot.press("enter")
        await until(pilot, lambda: notes.texts("error"))
        assert "owes only ₫120,000" in notes.texts("error")[0]
    assert Customer.get_by_id(owes.id).debt_balance == 120_000


@pilot_test
async def test_no_debt_no_payment_dialog(database):
    customer = customers.register({"name": "Võ Em", "phone": "0904 000 111"}).customer
    # A cashier: a manager or the owner may take a payment in advance instead (test_advance_dialogs).
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=cashier)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(customer.id)
        await card_open(pilot, customer.id)
        await pilot.press("f9")
        await until(pilot, lambda: any("owes nothing" in text for text in notes.texts()))
        assert isinstance(app.screen, CustomerCardScreen)


@pilot_test
async def test_adjustment_needs_a_reason_and_a_manager(owes, database):
    manager = users.add_user("Lan", "manager", "4321", SYSTEM)
    cashier = users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    app.actor = Actor(user=cashier)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(owes.id)
        await card_open(pilot, owes.id)
        card = app.screen
        # A cashier is told at the key, before a form that could not be saved opens.
        await pilot.press("f10")
        await until(pilot, lambda: notes.texts("error"))
        assert "A cashier may not adjust points or debt; ask a manager." in notes.texts("error")[0]
        assert app.screen is card
        assert PointsEntry.select().where(PointsEntry.kind == "adjust").count() == 0
        # A manager: no reason is refused on the field, then it is recorded.
        card.actor = Actor(user=manager)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, AdjustModal))
        modal = app.screen
        modal.query_one("#adjust-amount", Input).value = "15"
        modal.query_one("#adjust-reason", Input).value = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("reason").error)
        assert "needs a reason" in modal.field("reason").error
        modal.query_one("#adjust-reason", Input).value = "birthday gift"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    entry = PointsEntry.get(PointsEntry.kind == "adjust")
    assert entry.points == 15 and entry.reason == "birthday gift" and entry.user_id == manager.id
    assert run_checks() == []


@pilot_test
async def test_one_enter_records_an_adjustment_typed_in_full(owes, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(owes.id)
        await card_open(pilot, owes.id)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, AdjustModal))
        modal = app.screen
        assert any("Esc" in str(s.render()) for s in modal.query(".dialog-message"))
        await pilot.press("enter")  # nothing typed: stays on the change
        assert app.focused is modal.query_one("#adjust-amount", Input)
        modal.query_one("#adjust-reason", Input).value = "birthday gift"
        await pilot.press(*"15", "enter")  # the reason is there: this one Enter records
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    assert PointsEntry.get(PointsEntry.kind == "adjust").points == 15
