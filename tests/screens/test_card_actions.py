"""A lost card: from the customer's card (palette), withdraw one with a reason or replace
it with a new card scanned as a burst; the Cards tab shows the history afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent

from screens.customer.card_actions_modal import CardActionsModal, open_card_actions
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.directory.directory_screen import DirectoryScreen
from shoptui import check
from shoptui.models import AuditLog
from shoptui.services import cards, customers, users, vouchers

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, palette, pilot_test, scan, screen_text, settled, until
from .till_helpers import card_open, sign_in

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def shop(database):
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    binh = customers.register({"name": "Trần Bình"}).customer
    cards.issue_card(an, "2000000000015", at=T0)
    cards.issue_card(an, "2000000000022", at=T0 + dt.timedelta(hours=1))
    cards.issue_card(binh, "2000000000039", at=T0)
    vouchers.top_up_gift_card("2900000000018", 10_000, "cash", at=T0)
    return {"an": an, "binh": binh}


async def actions_open(pilot, held: int) -> CardActionsModal:
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, CardActionsModal)
            and app.screen.held is not None
            and len(app.screen.held.cards) == held
            and app.screen.query_one("#held-cards", DataTable).row_count == held
        ),
        what=f"{held} cards held",
    )
    return app.screen


def error_text(modal: CardActionsModal) -> str:
    return str(modal.query_one("#cards-error", Static).render())


@pilot_test
async def test_withdraw_and_replace_from_the_customer_card(shop, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await scan(pilot, "2000000000015")
        card = await card_open(pilot, shop["an"].id)
        await palette(pilot, "Withdraw or replace")
        modal = await actions_open(pilot, 2)
        assert "Nguyễn Văn An" in screen_text(app)
        # The newest card first: withdraw 2000000000022, it was lost.
        assert modal.selected == "2000000000022"
        modal.query_one("#card-reason", Input).value = "lost at the market"
        await pilot.press("f6")
        modal = await actions_open(pilot, 1)
        assert "Card 2000000000022 withdrawn." in notes.texts()
        # Replace the other one: a card another customer holds, a gift card, then a new card scanned.
        for refused, sentence in (
            ("2000000000039", "already belongs to Trần Bình"),
            ("2900000000018", "is a gift card"),
        ):
            modal.query_one("#card-new-barcode", Input).value = refused
            await pilot.press("f7")
            await until(pilot, lambda: sentence in error_text(modal), what=sentence)
        modal.query_one("#card-reason", Input).value = "broken"
        modal.query_one("#card-reason", Input).focus()
        await scan(pilot, "2000000000046")  # the new card, as a burst: into the form, not a registration
        await until(pilot, lambda: modal.query_one("#card-new-barcode", Input).value == "2000000000046")
        assert isinstance(app.screen, CardActionsModal)
        await pilot.press("f7")
        await until(pilot, lambda: "Card 2000000000015 replaced by 2000000000046." in notes.texts(), what="replaced")
        modal = await actions_open(pilot, 1)
        assert modal.selected == "2000000000046"
        await pilot.press("escape")
        await until(
            pilot,
            lambda: (
                app.screen is card and card.data is not None and len([r for r in card.data.cards if not r.current]) == 2
            ),
            what="the card read afresh",
        )
        card.query_one("#card-tabs", TabbedContent).active = "cards"
        await until(pilot, lambda: "2000000000046" in screen_text(app), what="the cards tab drawn")
        shown = screen_text(app)
        assert "2000000000046" in shown and "replaced" in shown and "withdrawn" in shown and "held now" in shown
        states = {r.barcode: (r.current, r.end_reason, r.replaced_by) for r in card.data.cards}
        assert states == {
            "2000000000046": (True, None, None),
            "2000000000015": (False, "replaced", "2000000000046"),
            "2000000000022": (False, "withdrawn", None),
        }
    assert AuditLog.get(AuditLog.action == "card.withdrawn").note == "lost at the market"
    assert AuditLog.get(AuditLog.action == "card.replaced").note == "broken"
    assert cards.resolve_scan("2000000000015").kind == "withdrawn"
    assert cards.resolve_scan("2000000000046").customer.id == shop["an"].id
    assert check.run_checks() == []


@pilot_test
async def test_the_command_is_offered_only_on_a_customer_card_and_a_customer_without_cards(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Withdraw or replace a card" not in titles
        carl = customers.register({"name": "[red]Carl[/red]"}).customer
        app.open_customer(carl.id)
        await card_open(pilot, carl.id)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Withdraw or replace a card") for t in titles), titles
        open_card_actions(app, carl.id)
        modal = await actions_open(pilot, 0)
        assert "No card is held now." in screen_text(app) and "[red]Carl[/red]" in screen_text(app)
        await pilot.press("f6", "f7")  # nothing to act on: nothing happens
        await settled(pilot)
        assert app.screen is modal and app.is_running
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))


@pilot_test
async def test_a_signed_in_cashier_replaces_a_card_and_is_recorded(shop, database):
    users.add_user("Hoa", "owner", "9999", SYSTEM)
    minh = users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(shop["binh"].id)
        await card_open(pilot, shop["binh"].id)
        open_card_actions(app, shop["binh"].id)
        modal = await actions_open(pilot, 1)
        modal.query_one("#card-new-barcode", Input).value = "2000000000053"
        modal.query_one("#card-new-barcode", Input).focus()
        await pilot.press("enter")  # Enter in the new card's field replaces
        await until(pilot, lambda: modal.selected == "2000000000053", what="replaced")
    assert AuditLog.get(AuditLog.action == "card.replaced").user_id == minh.id


@pilot_test
async def test_the_owner_anonymises_from_the_card_after_a_second_question(shop, database):
    """Issue 16, Privacy: Ctrl+O on the card asks once more (Enter keeps), then erases what
    identifies the customer; a cashier is refused before any question."""
    from screens.dialogs.choice_modal import ChoiceModal
    from shoptui.models import Customer

    users.add_user("Hoa", "owner", "9999", SYSTEM)
    users.add_user("Minh", "cashier", "1111", SYSTEM)
    an = shop["an"]
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(an.id)
        card = await card_open(pilot, an.id)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: any("ask the owner" in t for t in notes.texts()), what="the refusal")
        assert app.screen is card
    assert Customer.get_by_id(an.id).name == "Nguyễn Văn An"

    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Hoa", "9999")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(an.id)
        card = await card_open(pilot, an.id)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal), what="the question")
        assert "Nguyễn Văn An" in screen_text(app) and "erased for good" in screen_text(app)
        await pilot.press("enter")  # the first answer keeps the customer as they are
        await until(pilot, lambda: app.screen is card)
        assert Customer.get_by_id(an.id).name == "Nguyễn Văn An"
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal), what="the question again")
        await pilot.press("down", "enter")
        await until(pilot, lambda: f"Customer {an.code} anonymised." in notes.texts(), what="anonymised")
        await until(
            pilot, lambda: card.data is not None and card.data.header.name != "Nguyễn Văn An", what="read afresh"
        )
    gone = Customer.get_by_id(an.id)
    assert gone.phone is None and gone.name != "Nguyễn Văn An"
    assert AuditLog.get(AuditLog.action == "customer.anonymise").actor == "Hoa"
    assert check.run_checks(full=True) == []
