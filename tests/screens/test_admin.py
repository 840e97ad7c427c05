"""Administration in the terminal: custom property definitions, card kinds, and merging a
duplicate customer from the card."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, Static

from screens.admin.properties_screen import PropertiesScreen
from screens.admin.property_modal import PropertyModal
from screens.commands import open_properties
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.customer.merge_modal import MergeModal
from screens.dialogs.choice_modal import ChoiceModal
from shoptui.check import run_checks
from shoptui.models import Card, Customer, PropertyDefinition
from shoptui.services import cards, checkout, customers, settings
from shoptui.services.sale_quote import SaleInput

from .helpers import SIZE, Notes, app_for, pilot_test, settled, started, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def pair(database):
    settings.set_value("points_earn_per", "1000")
    keep = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    other = customers.register({"name": "Nguyen Van An (old)", "phone": "0912 345 679"}).customer
    checkout.record_sale(SaleInput(customer=other, amount=150_000, credit=50_000, at=T0))
    cards.issue_card(other, "2000000000015", at=T0)
    return keep, other


async def card_open(pilot, customer_id: int) -> CustomerCardScreen:
    pilot.app.open_customer(customer_id)
    await until(pilot, lambda: isinstance(pilot.app.screen, CustomerCardScreen) and pilot.app.screen.data is not None)
    return pilot.app.screen


@pilot_test
async def test_merge_a_duplicate_from_the_card(pair, database):
    keep, other = pair
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)
        card = await card_open(pilot, keep.id)
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, MergeModal) and app.screen.query("#merge-search"))
        app.screen.query_one("#merge-search", Input).value = "old"
        results = app.screen.query_one("#merge-results", OptionList)
        await until(pilot, lambda: results.option_count == 1, what="the duplicate found")
        assert "Nguyen Van An (old)" in str(results.get_option_at_index(0).prompt)
        await pilot.press("down")
        await until(pilot, lambda: app.focused is results)
        await pilot.press("enter")  # one Enter picks the highlighted duplicate
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        message = str(app.screen.query_one(".dialog-message", Static).render())
        assert keep.code in message and other.code in message and "Nguyen Van An (old)" in message
        assert "receipts 1, points 150, debt ₫50,000" in message
        await pilot.press("enter")  # Merge
        await until(pilot, lambda: app.screen is card)
        await until(pilot, lambda: Customer.get_by_id(other.id).merged_into_id == keep.id)
        assert any("Merged" in text for text in notes.texts())
        kept = Customer.get_by_id(keep.id)
        assert kept.total_sales == 150_000 and kept.debt_balance == 50_000
        assert run_checks() == []
        await until(pilot, lambda: "50" in str(app.screen.query_one("#card-header", Static).render()))
        cards_table = app.screen.query_one("#cards-table", DataTable)
        await until(pilot, lambda: cards_table.row_count == 1, what="the duplicate's card on the kept card")


@pilot_test
async def test_enter_in_the_merge_search_picks_the_highlighted_duplicate(pair, database):
    keep, other = pair
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await card_open(pilot, keep.id)
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, MergeModal) and app.screen.query("#merge-search"))
        app.screen.query_one("#merge-search", Input).value = "old"
        results = app.screen.query_one("#merge-results", OptionList)
        await until(pilot, lambda: results.option_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("escape")
        await settled(pilot)
    assert Customer.get_by_id(other.id).merged_into_id is None


@pilot_test
async def test_merge_can_be_cancelled(pair, database):
    keep, other = pair
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        card = await card_open(pilot, keep.id)
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, MergeModal) and app.screen.query("#merge-search"))
        app.screen.query_one("#merge-search", Input).value = "An"
        results = app.screen.query_one("#merge-results", OptionList)
        await until(pilot, lambda: results.option_count == 1)  # the kept customer is not offered
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is card)
        assert Customer.get_by_id(other.id).merged_into_id is None


@pilot_test
async def test_a_card_of_a_chosen_kind_is_added_on_the_card(pair, database):
    keep, _other = pair
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await card_open(pilot, keep.id)
        await pilot.press("f7")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "new-card")
        app.screen.query_one("#new-card-kind", Select).value = "gift"
        app.screen.query_one("#new-card", Input).value = "2900000000018"
        await pilot.press("enter")
        await until(pilot, lambda: Card.get_or_none(Card.barcode == "2900000000018") is not None)
        assert Card.get(Card.barcode == "2900000000018").kind == "gift"
        table = app.screen.query_one("#cards-table", DataTable)
        await until(pilot, lambda: table.row_count == 1 and table.get_row_at(0)[1].plain == "gift card")


@pilot_test
async def test_properties_screen_defines_properties_and_shows_card_kinds(pair, database):
    keep, _other = pair
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        open_properties(app)
        await until(pilot, lambda: isinstance(app.screen, PropertiesScreen) and app.screen.query("#properties"))
        kinds = str(app.screen.query_one("#card-kinds", Static).render())
        assert all(name in kinds for name in ("loyalty card", "discount card", "voucher", "gift card"))
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PropertyModal) and app.screen.query("#name"))
        app.screen.query_one("#name", Input).value = "Frame colour"
        app.screen.query_one("#kind", Select).value = "choice"
        await pilot.press("ctrl+s")  # a choice property without choices: the error is on the field
        await until(pilot, lambda: app.screen.field("choices").error != "")
        app.screen.query_one("#choices").text = "black\ngold\n[red]"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PropertiesScreen))
        definition = PropertyDefinition.get(PropertyDefinition.code == "frame_colour")
        assert definition.kind == "choice" and definition.choices.split("\n") == ["black", "gold", "[red]"]
        table = app.screen.query_one("#properties", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert table.get_row_at(0)[3].plain == "black / gold / [red]"
        customers.set_property(keep, "frame_colour", "gold")
        await pilot.press("f6")  # switched off: kept, not shown on the card
        await until(pilot, lambda: not PropertyDefinition.get_by_id(definition.id).active)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, PropertyModal) and app.screen.query("#name"))
        app.screen.query_one("#name", Input).value = "Frame colour"
        await pilot.press("ctrl+s")  # the same code again
        await until(pilot, lambda: app.screen.field("code").error != "")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PropertiesScreen))
