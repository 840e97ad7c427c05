"""Gift cards at the till: a scan shows the balance and history (never a registration),
T tops it up, the palette sells a new one; a gift card never becomes a customer's card."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, Static

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.dialogs.choice_modal import ChoiceModal
from screens.directory.directory_screen import DirectoryScreen
from screens.directory.register_modal import RegisterModal
from screens.till.gift_balance_modal import GiftBalanceModal
from screens.till.gift_card_modal import GiftCardModal
from shoptui import check
from shoptui.models import AuditLog, CardBinding, Customer, GiftCardEntry
from shoptui.services import cards, checkout, customers, settings, users, vouchers
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, Notes, app_for, palette, pilot_test, scan, screen_text, settled, until
from .till_helpers import done_shown, done_text, sign_in, type_amount

T0 = dt.datetime(2024, 3, 1, 9, 0)
GIFT = "2900000000018"


@pytest.fixture
def shop(database):
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    cards.issue_card(an, "2000000000015", at=T0)
    vouchers.top_up_gift_card(GIFT, 500_000, "cash", at=T0)
    checkout.record_sale(
        SaleInput(customer=an, amount=123_456, gift_card=GIFT, gift_amount=123_456, at=T0 + dt.timedelta(days=1))
    )
    return {"an": an}


def balance_text(app) -> str:
    return str(app.screen.query_one("#gift-balance", Static).render())


async def balance_shown(pilot, barcode: str) -> GiftBalanceModal:
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, GiftBalanceModal) and app.screen.barcode == barcode and app.screen.view is not None
        ),
        what="the gift card's balance",
    )
    return app.screen


async def form_open(pilot) -> GiftCardModal:
    app = pilot.app
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, GiftCardModal)
            and bool(app.screen.query("#gift-method"))
            and app.focused is not None
            and app.focused.screen is app.screen
        ),
        what="the gift card form",
    )
    return app.screen


@pilot_test
async def test_a_scanned_gift_card_shows_its_balance_and_is_topped_up(shop, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        customers_before = Customer.select().count()
        await scan(pilot, GIFT)
        modal = await balance_shown(pilot, GIFT)
        assert "376,544" in balance_text(app)  # 500.000 − 123.456, in đồng
        history = modal.query_one("#gift-history", DataTable)
        assert history.row_count == 2
        shown = screen_text(app)
        assert "paid with" in shown and "sold (cash)" in shown
        assert not any(isinstance(s, ChoiceModal) for s in app.screen_stack)
        await pilot.press("t")
        await form_open(pilot)
        assert app.screen.query_one("#gift-barcode", Input).value == GIFT
        assert app.focused is app.screen.query_one("#gift-amount", Input)
        await type_amount(pilot, "100000")
        await pilot.press("enter")
        done = await done_shown(pilot)
        text = done_text(done)
        assert "Gift card topped up" in str(done.query_one(".dialog-title", Static).render())
        assert "100,000" in text and "376,544" in text and "476,544" in text and "cash" in text
        await pilot.press("enter")
        modal = await balance_shown(pilot, GIFT)
        await until(pilot, lambda: "476,544" in balance_text(app), what="the new balance")
        assert modal.query_one("#gift-history", DataTable).row_count == 3
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        assert Customer.select().count() == customers_before and not notes.texts("error")
    assert vouchers.gift_balance(vouchers.gift_card(GIFT)) == 476_544
    assert check.run_checks() == []


@pilot_test
async def test_a_gift_card_scanned_on_a_customer_card_is_not_given_to_the_customer(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await scan(pilot, GIFT)
        await balance_shown(pilot, GIFT)
        await scan(pilot, GIFT)  # a second scan of the same card: still one dialog
        await settled(pilot)
        assert sum(isinstance(s, GiftBalanceModal) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen))
        # Typed into the card field, the service refuses with its sentence.
        app.screen.add_card(GIFT)
        await settled(pilot)
    assert not CardBinding.select().join(cards.Card).where(cards.Card.barcode == GIFT).exists()


@pilot_test
async def test_registration_does_not_bind_a_gift_card(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.register_customer(card=GIFT, name="Lê Thị Hoa", phone="0903 000 111")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        modal = app.screen
        await pilot.press("ctrl+s")
        # Refused on the card field before anything is saved (the form stays open to correct it).
        await until(pilot, lambda: "is a gift card" in modal.field("card").error, what="the refusal")
        assert app.screen is modal
    assert not CardBinding.select().join(cards.Card).where(cards.Card.barcode == GIFT).exists()
    assert not Customer.select().where(Customer.name == "Lê Thị Hoa").exists()
    assert cards.resolve_scan(GIFT).kind == "gift"


@pytest.mark.parametrize(
    "currency, typed, minor, shown", [("VND", "250000", 250_000, "250,000"), ("EUR", "12.34", 1_234, "12.34")]
)
def test_the_palette_sells_a_new_gift_card_scanned_into_the_form(database, currency, typed, minor, shown):
    settings.set_value("currency", currency)

    @pilot_test
    async def scenario():
        app = app_for(database)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
            await palette(pilot, "Gift card")
            await form_open(pilot)
            assert app.focused is app.screen.query_one("#gift-barcode", Input)
            await scan(pilot, "2900000000025")  # a burst: the card, not a search or a registration
            await until(pilot, lambda: app.screen.query_one("#gift-barcode", Input).value == "2900000000025")
            await until(pilot, lambda: "A new gift card." in str(app.screen.query_one("#gift-known", Static).render()))
            await type_amount(pilot, typed)
            app.screen.query_one("#gift-method", Select).value = "card"
            await pilot.press("ctrl+s")
            done = await done_shown(pilot)
            assert "Gift card sold" in str(done.query_one(".dialog-title", Static).render())
            assert shown in done_text(done) and "bank card" in done_text(done)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))

    scenario()
    entry = GiftCardEntry.get()
    assert (entry.card.barcode, entry.card.kind, entry.kind, entry.amount, entry.reason) == (
        "2900000000025",
        "gift",
        "issue",
        minor,
        "card",
    )
    assert AuditLog.get(AuditLog.action == "giftcard.issue").after == {"amount": minor, "method": "card"}


@pilot_test
async def test_a_cashier_sells_gift_cards_but_a_loyalty_card_holds_no_money(shop, database):
    users.add_user("Hoa", "owner", "9999", SYSTEM)
    users.add_user("Minh", "cashier", "1111", SYSTEM)
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "Minh", "1111")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await palette(pilot, "Gift card")
        await form_open(pilot)
        modal = app.screen
        modal.query_one("#gift-barcode", Input).value = "2000000000015"
        modal.query_one("#gift-amount", Input).value = "50000"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "This is Nguyễn Văn An's card" in modal.field("barcode").error, what="the refusal")
        modal.query_one("#gift-barcode", Input).value = GIFT
        modal.query_one("#gift-amount", Input).value = "-5"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("amount").error != "", what="the amount refused")
        modal.query_one("#gift-amount", Input).value = "50000"
        await pilot.press("ctrl+s")
        done = await done_shown(pilot)
        assert "Minh" in done_text(done)
        assert not notes.texts("error")
    entry = GiftCardEntry.select().order_by(GiftCardEntry.id.desc()).get()
    assert (entry.kind, entry.amount, entry.user.name) == ("topup", 50_000, "Minh")


@pilot_test
async def test_hostile_barcodes_show_literally(database):
    hostile = "[b]GIFT[/b]\\[link=x]"
    vouchers.top_up_gift_card(hostile, 1_000, "cash", at=T0)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        from screens.till.gift_balance_modal import open_gift_card

        open_gift_card(app, hostile)
        await balance_shown(pilot, hostile)
        assert hostile in screen_text(app) and app.is_running


@pilot_test
async def test_the_gift_card_form_says_at_once_what_a_code_already_is(shop, database):
    """One code, one meaning (issue 12): a product's barcode or a customer's card typed into
    the gift card form is named at once, on its field, and nothing is sold on it."""
    from shoptui.models import Product

    Product.create(sku="RICE", barcode="8930000000019", name="Rice", price=20_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await palette(pilot, "Gift card")
        modal = await form_open(pilot)
        known = modal.query_one("#gift-known", Static)
        await type_amount(pilot, "8930000000019")
        await pilot.press("tab")
        await until(pilot, lambda: "This is a product: Rice" in str(known.render()), what="the product named")
        assert "This is a product: Rice" in modal.field("barcode").error
        await type_amount(pilot, "50000")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not modal.busy and "This is a product: Rice" in modal.field("barcode").error)
        modal.query_one("#gift-barcode", Input).value = "2000000000015"
        modal.query_one("#gift-barcode", Input).focus()
        await pilot.press("enter")
        await until(
            pilot, lambda: "This is Nguyễn Văn An's card" in str(known.render()), what="the card's holder named"
        )
        assert isinstance(app.screen, GiftCardModal)
    assert GiftCardEntry.select().count() == 2  # the fixture's sale and use of GIFT only
