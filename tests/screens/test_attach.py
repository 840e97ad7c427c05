""" "Forgot my card" (Ctrl+R on the card): the receipt is shown before it is attached, the
short number of this store's receipt is read, another customer's receipt is refused."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.till.attach_modal import AttachModal
from shoptui.check import run_checks
from shoptui.models import Customer, Receipt
from shoptui.services import checkout, customers, settings
from shoptui.services.sale_quote import SaleInput

from .helpers import SIZE, app_for, pilot_test, scan, settled, until
from .till_helpers import card_open, done_shown, done_text


@pytest.fixture
def shop(database):
    settings.set_value("points_earn_per", "10000")
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    chi = customers.register({"name": "Lê Chi", "phone": "0987 333 444"}).customer
    anonymous = checkout.record_sale(SaleInput(customer=None, amount=120_000)).receipt
    theirs = checkout.record_sale(SaleInput(customer=chi, amount=90_000)).receipt
    return an, chi, anonymous, theirs


async def attach_dialog(pilot, customer_id: int) -> AttachModal:
    """The customer's card, then Ctrl+R: the dialog, mounted."""
    app = pilot.app
    app.open_customer(customer_id)
    await card_open(pilot, customer_id)
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(app.screen, AttachModal) and app.screen.query("#attach-receipt"))
    return app.screen


def preview_text(app) -> str:
    return str(app.screen.query_one("#attach-preview", Static).render())


@pilot_test
async def test_the_receipt_is_shown_then_attached_by_its_short_number(shop, database):
    an, _chi, anonymous, _theirs = shop
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, AttachModal))
        assert "Esc" in str(app.screen.query(Static).last().render())
        short = str(int(anonymous.number.rsplit("-", 1)[1]))
        await pilot.press(*short, "enter")
        await until(pilot, lambda: "no card" in preview_text(app), what="the preview")
        assert anonymous.number in preview_text(app) and "₫120,000" in preview_text(app)
        assert Receipt.get_by_id(anonymous.id).customer_id is None  # not yet
        await pilot.press("enter")
        text = done_text(await done_shown(pilot))
        assert "Points earned: 12" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
    assert Receipt.get_by_id(anonymous.id).customer_id == an.id
    assert Customer.get_by_id(an.id).points_balance == 12
    assert run_checks() == []


@pilot_test
async def test_another_customers_receipt_is_shown_and_refused(shop, database):
    an, chi, _anonymous, theirs = shop
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, AttachModal))
        modal = app.screen
        await pilot.press(*theirs.number, "enter")
        await until(pilot, lambda: modal.field("receipt").error, what="the refusal")
        assert "Lê Chi" in preview_text(app) and chi.code in preview_text(app)
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, AttachModal) and modal.field("receipt").error
        await pilot.press(*"99999", "enter")
        await until(pilot, lambda: "no receipt" in modal.field("receipt").error)
    assert Receipt.get_by_id(theirs.id).customer_id == chi.id


@pilot_test
async def test_a_receipt_number_scanned_or_typed_fast_is_the_receipt_to_attach(shop, database):
    # A receipt's number now reads as a receipt: in this dialog it fills the field (it used
    # to open that receipt's customer); an unknown number typed fast stays typed.
    an, _chi, anonymous, _theirs = shop
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await attach_dialog(pilot, an.id)
        await scan(pilot, "MAIN-999999")
        await until(pilot, lambda: modal.query_one("#attach-receipt", Input).value == "MAIN-999999", what="typed, kept")
        modal.query_one("#attach-receipt", Input).value = ""
        await scan(pilot, anonymous.number)
        await until(pilot, lambda: modal.found is not None and modal.found.id == anonymous.id, what="the receipt shown")
        assert isinstance(app.screen, AttachModal)
