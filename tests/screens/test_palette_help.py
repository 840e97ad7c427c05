"""The command palette reaches every screen and action; F1 lists the keys; and every key in
the footer of each main screen does something."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, TabbedContent

from screens.admin.properties_screen import PropertiesScreen
from screens.admin.surveys_screen import SurveysScreen
from screens.commands import open_properties, open_surveys
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.dialogs.help_screen import HelpScreen
from screens.directory.directory_screen import DirectoryScreen
from shoptui.services import cards, checkout, customers, surveys
from shoptui.services.sale_quote import SaleInput
from shoptui.services.surveys import QuestionInput

from .helpers import SIZE, Notes, app_for, palette, pilot_test, screen_text, search_answered, settled, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def shop(database):
    an = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    customers.register({"name": "Trần Bình", "phone": "0987 111 222"})
    cards.issue_card(an, "2000000000015", at=T0)
    checkout.record_sale(SaleInput(customer=an, amount=100_000, credit=20_000, at=T0))
    customers.define_property("eyesight", "Eyesight", "number")
    surveys.define_question(QuestionInput(text="How did you hear of us?", kind="choice", choices=("Friends", "Zalo")))
    surveys.define_question(QuestionInput(text="What should we stock?", kind="text", ask_at_card_read=True))
    surveys.define_question(QuestionInput(text="Favourite brand?", kind="text"))
    return an


async def ready(pilot, screen_type) -> None:
    await until(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, screen_type)
            and pilot.app.screen.is_mounted
            and bool(pilot.app.screen.query(DataTable))
        ),
    )
    await settled(pilot)


@pilot_test
async def test_the_palette_opens_screens_by_name(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, DirectoryScreen)
        for name, screen_type in (
            ("Surveys", SurveysScreen),
            ("Custom properties", PropertiesScreen),
            ("Help: keys", HelpScreen),
        ):
            await palette(pilot, name)
            await until(pilot, lambda: isinstance(app.screen, screen_type), what=name)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))


@pilot_test
async def test_the_palette_lists_the_keys_of_the_card(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, DirectoryScreen)
        app.open_customer(shop.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Edit (F4)" in titles and "Merge duplicate (F12)" in titles
        assert {
            "Customer directory",
            "New customer",
            "Surveys",
            "Custom properties and card kinds",
            "Help: keys",
        } <= set(titles)
        await palette(pilot, "Edit (F4")
        await until(pilot, lambda: type(app.screen).__name__ == "EditCustomerModal")


@pilot_test
async def test_f1_lists_the_keys_of_the_screen_and_the_global_ones(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, DirectoryScreen)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.query("#help-keys"))
        table = app.screen.query_one("#help-keys", DataTable)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["F2", "New customer", "this screen"] in rows
        assert ["^q", "Quit", "everywhere"] in rows or ["ctrl+q", "Quit", "everywhere"] in rows
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        app.open_customer(shop.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen.query("#help-keys"))
        table = app.screen.query_one("#help-keys", DataTable)
        whats = [table.get_row_at(i)[1].plain for i in range(table.row_count)]
        assert "Edit" in whats and "Add card" in whats and "Help" in whats
        assert whats.index("Edit") < whats.index("Help")  # the screen's keys first


def state(app, notes: Notes) -> tuple:
    """What a key may change: the screens, the focus, the tab, the search, the notices."""
    screen = app.screen
    tab = screen.query_one("#card-tabs", TabbedContent).active if screen.query("#card-tabs") else None
    search = app.screen_stack[0].query_one("#search", Input).value if app.screen_stack else None
    focused = app.focused.id if app.focused is not None else None
    return tuple(type(s).__name__ for s in app.screen_stack), focused, tab, search, len(notes.items)


async def fresh_directory(pilot) -> None:
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
    await ready(pilot, DirectoryScreen)
    app.screen.query_one("#search", Input).value = "Ng"  # so that Escape has something to clear
    await until(pilot, lambda: app.screen.query_one("#customers", DataTable).row_count >= 1)
    search = app.screen.query_one("#search", Input)
    search.focus()
    await until(pilot, lambda: app.focused is search and search_answered(app), what="the search for Ng")
    await settled(pilot)


async def press_and_see(pilot, notes: Notes, key: str, what: str) -> None:
    before, shown = state(pilot.app, notes), screen_text(pilot.app)
    await pilot.press(key)
    # Anything else a key changes counts as long as it shows on the screen.
    await until(pilot, lambda: state(pilot.app, notes) != before or screen_text(pilot.app) != shown, what=what)
    await settled(pilot)


def footer_keys(app, own_only: bool = False) -> list[tuple[str, str]]:
    """The keys the footer shows; ``own_only``: the screen's own and Help (the till's global
    keys are tested on the directory and the card, where they belong)."""
    keys = [
        (key, binding.id)
        for key, (node, binding, enabled, _t) in app.screen.active_bindings.items()
        if binding.show and enabled and (not own_only or node is app.screen or binding.id in ("help", "quit"))
    ]
    for key, binding_id in keys:
        assert binding_id, f"{key} has no id (the footer's keys are remappable by id)"
    return keys


@pilot_test
async def test_every_key_in_the_footer_of_the_directory_does_something(shop, database):
    # A fresh app per key: a filter or sort one key sets must not hide what the next one needs.
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await fresh_directory(pilot)
        keys = footer_keys(app)
    assert {"new-customer", "open-customer", "help", "quit"} <= {binding_id for _key, binding_id in keys}
    for key, binding_id in keys:
        app = app_for(database)
        async with app.run_test(size=SIZE) as pilot:
            notes = Notes(app)
            await fresh_directory(pilot)
            if binding_id == "quit":
                await pilot.press(key)
                await until(pilot, lambda: not app.is_running)
                continue
            await press_and_see(pilot, notes, key, f"directory: {key} ({binding_id})")


@pilot_test
async def test_every_key_in_the_footer_of_the_card_and_admin_screens_does_something(shop, database):
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        notes = Notes(app)

        async def card() -> None:
            app.open_customer(shop.id)  # a new card on top of the directory, whatever was open
            await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
            await settled(pilot)

        async def home() -> None:
            while len(app.screen_stack) > 1:
                app.pop_screen()
            await settled(pilot)

        async def surveys_screen() -> None:
            await home()
            open_surveys(app)
            await ready(pilot, SurveysScreen)
            table = app.screen.query_one("#questions", DataTable)
            await until(pilot, lambda: table.row_count == 3)
            table.move_cursor(row=1)  # so that "move up" and "move down" have somewhere to go

        async def properties_screen() -> None:
            await home()
            open_properties(app)
            await ready(pilot, PropertiesScreen)

        tried: dict[str, list[str]] = {}
        for name, setup in (("card", card), ("surveys", surveys_screen), ("properties", properties_screen)):
            await setup()
            for key, binding_id in footer_keys(app, own_only=name != "card"):
                if binding_id == "quit":
                    continue
                await setup()
                await press_and_see(pilot, notes, key, f"{name}: {key} ({binding_id})")
                tried.setdefault(name, []).append(binding_id)
        assert {"card-edit", "card-sale", "help"} <= set(tried["card"])
        assert "surveys-add" in tried["surveys"] and "properties-add" in tried["properties"]
        await card()
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running)


@pilot_test
async def test_textuals_own_palette_entries_speak_the_shops_language(shop, database):
    from textual.widgets import Input as TextInput

    from shoptui.i18n import set_language

    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, DirectoryScreen)
        set_language("vi")
        try:
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert "Giao diện" in titles and "Thoát" in titles and "Quit" not in titles and "Theme" not in titles
            assert "Keys" not in titles  # Textual's untranslated keys panel: F1 is ours
            await pilot.press("ctrl+p")
            await until(pilot, lambda: isinstance(app.screen, CommandPalette))
            assert app.screen.query_one(TextInput).placeholder == "Tìm lệnh…"
        finally:
            set_language("en")
