"""Archiving from the card asks first when the customer owes money or has points."""

from __future__ import annotations

from textual.widgets import Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.customer.status_change import change_status
from screens.dialogs.choice_modal import ChoiceModal
from shoptui.models import Customer
from shoptui.services import checkout, customers
from shoptui.services.sale_quote import SaleInput

from .helpers import SIZE, app_for, pilot_test, until
from .till_helpers import card_open


def question_shown(app) -> bool:
    """The question is on screen with its answers (a modal is pushed before it is composed)."""
    return (
        isinstance(app.screen, ChoiceModal)
        and app.screen.is_mounted
        and bool(app.screen.query(".dialog-message"))
        and app.focused is app.screen.query_one("#choices")
    )


@pilot_test
async def test_archiving_a_debtor_asks_and_keep_is_the_default(database):
    an = customers.register({"name": "Phạm Dũng", "phone": "0903 456 789"}).customer
    checkout.record_sale(SaleInput(customer=an, amount=300_000, credit=120_000))
    done = []
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        card = app.screen
        change_status(card, an.id, "archived", None, done.append)
        await until(pilot, lambda: question_shown(app), what="the question")
        message = str(app.screen.query_one(".dialog-message", Static).render())
        assert "Phạm Dũng" in message and "owes ₫120,000" in message
        await pilot.press("enter")  # "Keep as it is" is highlighted first
        await until(pilot, lambda: app.screen is card)
        await app.workers.wait_for_complete()  # anything "Keep" started has ended
        await pilot.pause()
        assert Customer.get_by_id(an.id).status == "active" and done == []
        change_status(card, an.id, "archived", None, done.append)
        await until(pilot, lambda: question_shown(app), what="the question again")
        await pilot.press("down", "enter")
        await until(pilot, lambda: done == ["archived"], what="archived")
        assert isinstance(app.screen, CustomerCardScreen)
    assert Customer.get_by_id(an.id).status == "archived"


@pilot_test
async def test_a_customer_without_balances_is_archived_at_once(database):
    an = customers.register({"name": "An", "phone": "0912 345 678"}).customer
    done = []
    app = app_for(database)
    pushed = []
    push_screen = app.push_screen

    def recording_push_screen(screen, *args, **kwargs):
        pushed.append(screen)
        return push_screen(screen, *args, **kwargs)

    app.push_screen = recording_push_screen
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await card_open(pilot, an.id)
        card = app.screen
        pushed.clear()
        change_status(card, an.id, "archived", None, done.append)
        await until(pilot, lambda: done == ["archived"])
        assert Customer.get_by_id(an.id).status == "archived"
        assert not any(isinstance(screen, ChoiceModal) for screen in pushed), "nothing to ask: no question"
        assert app.screen is card
