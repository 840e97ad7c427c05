"""Scan anywhere: a burst ending in Enter is a scan from any screen, whatever has the focus;
typing by hand and pasting a phone stay typing."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input

from screens.customer.customer_card_screen import CustomerCardScreen
from screens.customer.edit_customer_modal import EditCustomerModal
from screens.dialogs.choice_modal import ChoiceModal
from screens.directory.directory_screen import DirectoryScreen
from screens.directory.register_modal import RegisterModal
from shoptui.models import Customer
from shoptui.services import cards, customers

from .helpers import SIZE, Notes, app_for, keys_delivered, pilot_test, scan, settled, type_by_hand, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def shop(database):
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    binh = customers.register({"name": "Trần Bình", "phone": "0987 111 222"}).customer
    cards.issue_card(an, "2000000000015", at=T0)
    cards.issue_card(binh, "2000000000039", at=T0)
    # Cards of another program, kept as they are (as an import keeps them):
    cards.issue_card(binh, "QR-ABC123", at=T0, follow_rule=False)  # letters: what a keyboard layout changes
    cards.issue_card(binh, "Y778899", at=T0, follow_rule=False)
    cards.issue_card(an, "12345", at=T0, follow_rule=False)  # shorter than a scan by timing
    cards.issue_card(an, "2000000000022", at=T0)
    cards.withdraw_card("2000000000022", at=T0 + dt.timedelta(days=3))
    return {"an": an, "binh": binh}


def scans_of(app) -> list[str]:
    """Record each scan the detector reports."""
    seen: list[str] = []
    original = app.scan_received

    def record(barcode, scan=None):
        seen.append(barcode)
        original(barcode, scan)

    app.scans.on_scan = record
    return seen


async def ready(pilot) -> None:
    await until(pilot, lambda: pilot.app.screen.query_one("#customers", DataTable).row_count == 2)


def card_is_open(app, customer) -> bool:
    return (
        isinstance(app.screen, CustomerCardScreen)
        and app.screen.customer_id == customer.id
        and app.screen.data is not None
    )


def search_box(app) -> Input:
    return app.screen.query_one("#search", Input)


async def registration_with_phone(pilot, name: str, phone: str) -> RegisterModal:
    """F2 from the directory, the name and phone filled in, the focus on the phone."""
    app = pilot.app
    await ready(pilot)
    await pilot.press("f2")
    await until(pilot, lambda: isinstance(app.screen, RegisterModal))
    modal = app.screen
    modal.query_one("#name", Input).value = name
    modal.query_one("#phone", Input).value = phone
    modal.query_one("#phone", Input).focus()
    await until(pilot, lambda: app.focused.id == "phone", what="the phone")
    return modal


@pilot_test
async def test_a_known_card_opens_its_customer_and_nothing_reaches_the_search(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: card_is_open(app, shop["an"]))
        assert "Nguyễn Văn An" in str(app.screen.query_one("#card-header").render())
        assert app.screen_stack[0].query_one("#search", Input).value == ""


@pilot_test
async def test_a_scan_replaces_the_open_card_and_works_inside_a_dialog(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000015")
        await until(pilot, lambda: card_is_open(app, shop["an"]))
        await pilot.press("f4")  # a form with a focused Input: it must not swallow the scan
        await until(pilot, lambda: isinstance(app.screen, EditCustomerModal))
        await scan(pilot, "2000000000039")
        await until(pilot, lambda: card_is_open(app, shop["binh"]))
        assert [type(s) for s in app.screen_stack] == [DirectoryScreen, CustomerCardScreen]
        assert Customer.get_by_id(shop["an"].id).name == "Nguyễn Văn An"  # nothing typed into the form


@pilot_test
async def test_a_customer_code_opens_it_and_a_short_known_card_too(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, shop["binh"].code)
        await until(pilot, lambda: card_is_open(app, shop["binh"]))
        await scan(pilot, "12345")  # too short for a scan by timing, but a known card
        await until(pilot, lambda: card_is_open(app, shop["an"]))


@pilot_test
async def test_a_withdrawn_card_says_whose_it_was_and_that_it_is_no_longer_valid(shop, database):
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000022")
        await until(pilot, lambda: notes.texts("warning"))
        message = notes.texts("warning")[0]
        assert "Nguyễn Văn An" in message and shop["an"].code in message and "no longer valid" in message
        assert isinstance(app.screen, DirectoryScreen) and search_box(app).value == ""


@pilot_test
async def test_an_unknown_card_offers_registration_and_the_new_customer_gets_it(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000046")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("enter")  # "Register a new customer with this card"
        # The form is on the stack before it is composed and has put the focus on the name.
        await until(
            pilot,
            lambda: isinstance(app.screen, RegisterModal) and app.focused is not None and app.focused.id == "name",
            what="the registration form, on the name",
        )
        assert app.screen.query_one("#card", Input).value == "2000000000046"
        await pilot.press(*"Lê Thị Cúc")
        await keys_delivered(pilot)
        await pilot.press("enter")  # Enter goes on to the phone
        await until(pilot, lambda: app.focused.id == "phone")
        await pilot.press(*"0903123456")
        await keys_delivered(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        header = str(app.screen.query_one("#card-header").render())
        assert "Lê Thị Cúc" in header and "0903 123 456" in header
    found = cards.resolve_scan("2000000000046")
    assert found.kind == "known" and found.customer.name == "Lê Thị Cúc" and found.customer.status == "active"


@pilot_test
async def test_registration_without_a_phone_offers_incomplete_and_a_scan_fills_the_card(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        await pilot.press(*"Phạm Dũng")
        await keys_delivered(pilot)
        await scan(pilot, "2000000000053")  # the focus is on the name: the scan still lands in the card field
        await until(pilot, lambda: app.screen.query_one("#card", Input).value == "2000000000053")
        assert app.screen.query_one("#name", Input).value == "Phạm Dũng"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("enter")  # "Save as incomplete"
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        assert "incomplete data" in str(app.screen.query_one("#card-header").render())
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count == 3)  # listed at once
    found = cards.resolve_scan("2000000000053")
    assert found.customer.name == "Phạm Dũng" and found.customer.status == "incomplete"


@pilot_test
async def test_registration_refuses_a_card_someone_holds_on_the_card_field_and_saves_nothing(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        modal = app.screen
        modal.query_one("#name", Input).value = "Võ Hải"
        modal.query_one("#phone", Input).value = "0903 999 888"
        modal.query_one("#card", Input).value = "2000000000015"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("card").error)
        assert "already belongs to Nguyễn Văn An" in modal.field("card").error
        modal.query_one("#phone", Input).value = "0912 345 678"
        modal.query_one("#card", Input).value = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("phone").error)
        assert "already belongs to Nguyễn Văn An" in modal.field("phone").error
    assert Customer.select().where(Customer.name == "Võ Hải").count() == 0


@pilot_test
async def test_registration_refuses_a_gift_card_on_the_card_field_and_saves_nothing(shop, database):
    """A gift card typed as the new customer's card is refused before the customer is
    saved, not saved with a warning that the card could not be bound."""
    from shoptui.services import vouchers

    vouchers.top_up_gift_card("8930000000017", 100_000)
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        modal = app.screen
        modal.query_one("#name", Input).value = "Võ Hải"
        modal.query_one("#phone", Input).value = "0903 999 888"
        modal.query_one("#card", Input).value = "8930000000017"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("card").error)
        assert "is a gift card" in modal.field("card").error
        assert isinstance(app.screen, RegisterModal)
    assert Customer.select().where(Customer.name == "Võ Hải").count() == 0


@pilot_test
async def test_a_scan_in_the_cards_tab_gives_the_card_to_this_customer(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000039")
        await until(pilot, lambda: card_is_open(app, shop["binh"]))
        await pilot.press("f7")
        await scan(pilot, "2000000000060")
        await until(pilot, lambda: cards.resolve_scan("2000000000060").kind == "known")
        assert cards.resolve_scan("2000000000060").customer.id == shop["binh"].id
        assert card_is_open(app, shop["binh"])


@pilot_test
async def test_an_unknown_card_on_a_customer_card_can_be_given_to_that_customer(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000039")
        await until(pilot, lambda: card_is_open(app, shop["binh"]))
        await scan(pilot, "2000000000077")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("down", "enter")  # "Give it to Trần Bình"
        await until(pilot, lambda: cards.resolve_scan("2000000000077").kind == "known")
        assert cards.resolve_scan("2000000000077").customer.id == shop["binh"].id


@pilot_test
async def test_hand_typing_a_card_number_in_the_search_is_a_search_not_a_scan(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        seen = scans_of(app)
        await ready(pilot)
        await type_by_hand(pilot, "200000", gap_ms=110)
        await until(pilot, lambda: search_box(app).value == "200000")
        await pilot.press("enter")  # Enter opens the highlighted row, as always
        await settled(pilot)
        assert seen == []


@pilot_test
async def test_a_phone_pasted_in_one_batch_is_a_search(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        seen = scans_of(app)
        await ready(pilot)
        await scan(pilot, "0987111222", enter=False)  # a paste without a line break
        await until(pilot, lambda: search_box(app).value == "0987111222")
        await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count == 1)
        await pilot.press("escape")
        await until(pilot, lambda: search_box(app).value == "")
        await scan(pilot, "0987111222")  # with its line break: still no card, so a search
        await until(pilot, lambda: search_box(app).value == "0987111222")
        await settled(pilot)
        assert seen == [] and isinstance(app.screen, DirectoryScreen)


@pilot_test
async def test_a_short_burst_that_is_no_card_is_typing_enter_included(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        seen = scans_of(app)
        await ready(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        await scan(pilot, "Lan")  # e.g. a fast typist: three letters and Enter in a few ms
        await until(pilot, lambda: app.focused.id == "phone")  # the Enter went on to the next field
        assert app.screen.query_one("#name", Input).value == "Lan" and seen == []


@pytest.mark.parametrize(
    "typed, card",
    [
        ("ЙК-ФИС123", "QR-ABC123"),  # a Russian (ЙЦУКЕН) layout: Cyrillic letters for the same keys
        ("Z778899", "Y778899"),  # a German layout: y and z swapped
    ],
)
@pilot_test
async def test_a_scan_through_another_keyboard_layout_is_mapped_back(shop, database, typed, card):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        seen = scans_of(app)
        await ready(pilot)
        await scan(pilot, typed)
        await until(pilot, lambda: card_is_open(app, shop["binh"]))
        assert seen == [card]


@pilot_test
async def test_a_customer_code_through_a_russian_layout(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        code = shop["an"].code  # KH000001
        await scan(pilot, code.replace("K", "Л").replace("H", "Р"))
        await until(pilot, lambda: card_is_open(app, shop["an"]))


@pilot_test
async def test_scan_timing_comes_from_the_settings(shop, database):
    from shoptui.services import settings

    settings.set_value("scan_min_length", "20")  # longer than any card here
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        seen = scans_of(app)
        await ready(pilot)
        await scan(pilot, "2000000000046")  # unknown and too short now: typing, Enter included
        await until(pilot, lambda: search_box(app).value == "2000000000046")
        await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count == 0)
        await settled(pilot)
        assert seen == [] and isinstance(app.screen, DirectoryScreen)  # Enter found nobody to open
        await pilot.press("escape")
        await scan(pilot, "2000000000015")  # a known card is a scan whatever its length
        await until(pilot, lambda: card_is_open(app, shop["an"]))


async def stamped_burst(pilot, text: str, step: float) -> None:
    """A burst whose keys carry times ``step`` seconds apart (a slow scanner), sent at once."""
    from screens.devices.keyboard_scans import get_time

    from .helpers import key_event

    start = get_time()
    for index, char in enumerate(text + "\n"):
        event = key_event(char)
        event.time = start + index * step
        event.set_sender(pilot.app)
        pilot.app._driver.send_message(event)
    await pilot.pause()


@pilot_test
async def test_a_slow_scanner_is_a_scan_only_for_a_known_card(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        seen = scans_of(app)
        await ready(pilot)
        await stamped_burst(pilot, "2000000000088", step=0.012)  # 156 ms: too slow by timing, unknown
        await until(pilot, lambda: search_box(app).value == "2000000000088")
        assert seen == []
        await pilot.press("escape")
        await until(pilot, lambda: search_box(app).value == "")
        await stamped_burst(pilot, "2000000000039", step=0.012)  # as slow, but a known card
        await until(pilot, lambda: card_is_open(app, shop["binh"]))
        assert seen == ["2000000000039"]


@pilot_test
async def test_a_scan_into_the_card_field_moves_on_so_the_birthday_is_not_appended(shop, database):
    # Issue 12, defect 2a: the scanner's Enter did not leave the card field, and the
    # birthday typed next became part of the card ("210000000999115/03/1995").
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await registration_with_phone(pilot, "Phạm Dũng", "0903123456")
        await pilot.press("enter")
        await until(pilot, lambda: app.focused.id == "card", what="the card field")
        await scan(pilot, "2100000009992")
        await until(
            pilot, lambda: modal.query_one("#card", Input).value == "2100000009992" and app.focused.id == "birthday"
        )
        await type_by_hand(pilot, "1995-03-15", gap_ms=5)
        await until(pilot, lambda: modal.query_one("#birthday", Input).value == "1995-03-15")
        assert modal.query_one("#card", Input).value == "2100000009992"


@pilot_test
async def test_a_prefilled_card_is_not_overwritten_by_what_is_typed_next(shop, database):
    # Issue 12, defect 2b: Enter from the phone landed in the prefilled card field with its
    # text selected, so the birthday typed next replaced the card.
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await scan(pilot, "2000000000046")
        await until(pilot, lambda: isinstance(app.screen, ChoiceModal))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal))
        modal = app.screen
        modal.query_one("#name", Input).value = "Lê Thị Cúc"
        modal.query_one("#phone", Input).value = "0903123456"
        modal.query_one("#phone", Input).focus()
        await until(pilot, lambda: app.focused.id == "phone", what="the phone")
        await pilot.press("enter")
        await until(pilot, lambda: app.focused.id == "birthday", what="Enter past the prefilled card")
        await pilot.press(*"1990-01-02")
        await until(pilot, lambda: modal.query_one("#birthday", Input).value == "1990-01-02", what="the birthday")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
    found = cards.resolve_scan("2000000000046").customer
    assert (found.name, str(found.birthday)) == ("Lê Thị Cúc", "1990-01-02")


@pilot_test
async def test_a_card_breaking_the_shop_rule_is_refused_on_its_field_and_nothing_is_saved(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await registration_with_phone(pilot, "Đỗ Hùng", "0903 555 666")
        modal.query_one("#card", Input).value = "x/1"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: modal.field("card").error, what="the refusal on the card field")
        assert "13 digits" in modal.field("card").error
    assert Customer.select().where(Customer.name == "Đỗ Hùng").count() == 0


@pilot_test
async def test_a_product_barcode_scanned_in_the_directory_is_named_never_offered_as_a_card(shop, database):
    # Issue 12, defect 3: a product's barcode opened "Unknown card… register", and a
    # customer was registered with it as loyalty card.
    from shoptui.models import Product

    Product.create(sku="TEA", barcode="8930000000019", name="Green tea", price=30_000)
    app = app_for(database)
    notes = Notes(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await scan(pilot, "8930000000019")
        await until(pilot, lambda: notes.texts("warning"), what="the product named")
        assert "This is a product: Green tea (TEA)" in notes.texts("warning")[0]
        assert isinstance(app.screen, DirectoryScreen) and search_box(app).value == ""
        await scan(pilot, "4006381333931")  # some other shop's product: not a card of ours either
        await until(pilot, lambda: len(notes.texts("warning")) == 2, what="the refusal")
        assert "not a card of this shop" in notes.texts("warning")[1]
        assert isinstance(app.screen, DirectoryScreen)


@pilot_test
async def test_a_card_scanned_while_the_phone_has_the_focus_sends_the_next_keys_to_the_birthday(shop, database):
    # Found by a new user: phone typed without Enter, then the card scanned: the birthday
    # typed next went into the phone.
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        modal = await registration_with_phone(pilot, "Bob Tran", "0912345672")
        await scan(pilot, "2100000777792")
        await until(
            pilot,
            lambda: modal.query_one("#card", Input).value == "2100000777792" and app.focused.id == "birthday",
            what="the birthday next",
        )
        await pilot.press(*"1985-12-02")
        await until(pilot, lambda: modal.query_one("#birthday", Input).value == "1985-12-02", what="the birthday")
        assert modal.query_one("#phone", Input).value == "0912345672"


@pilot_test
async def test_a_name_typed_fast_with_its_enter_stays_a_name(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, RegisterModal) and app.focused.id == "name")
        modal = app.screen
        await scan(pilot, "Lê Thị Cúc")  # as fast as a scanner, Enter included
        await until(pilot, lambda: modal.query_one("#name", Input).value == "Lê Thị Cúc", what="the name typed")
        assert modal.query_one("#card", Input).value == ""
