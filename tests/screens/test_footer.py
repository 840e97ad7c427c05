"""The footer, F1 and the palette name keys in the language of the moment, and every main
screen's footer fits 80 columns in each language with Help and Quit in view.

The screens are imported (their BINDINGS built) before any test here chooses a language:
what these tests see is translated when drawn, not when a module was first imported.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from screens.admin.properties_screen import PropertiesScreen
from screens.admin.surveys_screen import SurveysScreen
from screens.commands import key_commands, open_properties, open_surveys
from screens.customer.customer_card_screen import CustomerCardScreen
from screens.devices.devices_screen import DevicesScreen
from screens.dialogs.help_screen import HelpScreen, keys_of
from screens.directory.directory_screen import DirectoryScreen
from screens.till.day_close_screen import DayCloseScreen
from screens.widgets.footer import ShopFooter
from shoptui.i18n import LANGUAGES, _, set_language
from shoptui.services import checkout, customers, users
from shoptui.services.context import Actor
from shoptui.services.sale_quote import SaleInput

from ..actors import SYSTEM
from .helpers import SIZE, app_for, footer_names, pilot_test, settled, until

T0 = dt.datetime(2024, 3, 1, 9, 0)


@pytest.fixture
def an(database):
    customer = customers.register({"name": "Nguyễn Văn An", "phone": "0912 345 678"}).customer
    checkout.record_sale(SaleInput(customer=customer, amount=100_000, credit=20_000, at=T0))
    return customer


def in_vietnamese(*messages: str) -> list[str]:
    set_language("vi")
    try:
        names = [_(message) for message in messages]
    finally:
        set_language("en")
    assert all(name != message for name, message in zip(names, messages)), "the Vietnamese catalog lacks a key name"
    return names


@pilot_test
async def test_a_language_switch_at_run_time_renames_the_footer_help_and_palette_keys(an, database):
    quit_vi, help_vi, new_vi, sale_vi = in_vietnamese("Quit", "Help", "New customer", "Sale")
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen) and "Quit" in footer_names(app))
        assert {"Quit", "Help", "New customer"} <= set(footer_names(app))
        set_language("vi")
        app.screen.refresh_bindings()  # what a language switch in the app does to the screen shown
        await until(pilot, lambda: quit_vi in footer_names(app), what="Vietnamese footer")
        assert {quit_vi, help_vi, new_vi} <= set(footer_names(app))
        assert "Quit" not in footer_names(app)

        titles = [str(command.title) for command in key_commands(app, app.screen)]
        assert any(title.startswith(new_vi + " (") for title in titles), titles

        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("#help-keys", DataTable)
        described = {table.get_row_at(i)[1].plain for i in range(table.row_count)}
        assert {help_vi, new_vi, sale_vi} <= described
        await pilot.press("escape")

        app.open_customer(an.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await until(pilot, lambda: sale_vi in footer_names(app), what="card footer in Vietnamese")


@pilot_test
async def test_an_app_started_in_vietnamese_after_the_screens_were_imported_in_english(an, database):
    (back_vi,) = in_vietnamese("Back")
    set_language("vi")
    app = app_for(database)
    async with app.run_test(size=SIZE) as pilot:
        app.open_customer(an.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await until(pilot, lambda: back_vi in footer_names(app))


# Points rules is a dialog over the screen (no footer of its own); F1 lists its keys.
MAIN_SCREENS = {
    "directory": (DirectoryScreen, lambda app, an: None),
    "card": (CustomerCardScreen, lambda app, an: app.open_customer(an.id)),
    "day close": (DayCloseScreen, lambda app, an: app.action_day_close()),
    "surveys": (SurveysScreen, lambda app, an: open_surveys(app)),
    "properties": (PropertiesScreen, lambda app, an: open_properties(app)),
    "devices": (DevicesScreen, lambda app, an: app.action_show_devices()),
}


def overflow(app) -> list[str]:
    """The footer keys not (wholly) inside the footer, and the footer's own sideways scroll."""
    footer = app.screen.query_one(ShopFooter)
    problems = [
        f"{key.key_display} {key.description}: columns {key.region.x}-{key.region.right}"
        for key in footer.query(FooterKey)
        if key.region.x < footer.region.x or key.region.right > footer.region.right or not key.region.width
    ]
    if footer.max_scroll_x:
        problems.append(f"the footer scrolls sideways by {footer.max_scroll_x}")
    return problems


@pytest.mark.parametrize("signed_in", [False, True], ids=["no users", "signed in"])
@pytest.mark.parametrize("language", LANGUAGES)
@pilot_test
async def test_every_main_screen_footer_fits_80_columns_with_help_and_quit(an, database, language, signed_in):
    set_language(language)
    app = app_for(database)
    if signed_in:  # the owner sees every key the shop has, and Lock (only with users)
        app.actor = Actor(user=users.add_user("Chị Lan", "owner", "1111", SYSTEM))
    problems: dict[str, list[str]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen))
        for name, (screen_type, open_screen) in MAIN_SCREENS.items():
            while len(app.screen_stack) > 1:
                app.pop_screen()
            await settled(pilot)
            open_screen(app, an)
            await until(
                pilot, lambda: isinstance(app.screen, screen_type) and bool(app.screen.query(FooterKey)), what=name
            )
            # The footer recomposes after the screen's bindings settle: wait until it has Help and
            # every key is laid out (a key not yet laid out has no width; it flaked on a busy box).
            await until(
                pilot,
                lambda: (
                    _("Help") in footer_names(app)
                    and all(key.region.width for key in app.screen.query_one(ShopFooter).query(FooterKey))
                ),
                what=f"{name}'s footer",
            )
            names = footer_names(app)
            assert _("Help") in names and _("Quit") in names, (name, names)
            # Lock (Ctrl+L) works everywhere; the footer shows it where the cashier leaves the till.
            assert (_("Lock") in names) == (signed_in and name == "directory"), (name, names)
            if overflow(app):
                problems[name] = overflow(app)
    assert not problems, problems


@pilot_test
async def test_the_palette_key_shows_in_the_footer_when_there_is_room(an, database):
    app = app_for(database)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DirectoryScreen) and bool(footer_names(app)))
        assert not app.screen.query(".-command-palette")
        await pilot.resize_terminal(120, 30)
        await until(pilot, lambda: bool(app.screen.query(".-command-palette")), what="palette key at 120 columns")
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")


@pilot_test
@pytest.mark.parametrize("role, offered_keys", [("cashier", False), ("manager", True)])
async def test_keys_a_role_may_not_use_are_not_offered_on_the_card(an, database, role, offered_keys):
    # Issue 12, defect 10: a cashier was offered F6 (status) and then told a cashier may not.
    user = users.add_user("Lan", role, "2222")
    app = app_for(database)
    app.actor = Actor(user=user)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open_customer(an.id)
        await until(pilot, lambda: isinstance(app.screen, CustomerCardScreen) and app.screen.data is not None)
        await until(pilot, lambda: app.screen.query(ShopFooter) and "Sale" in footer_names(app), what="the footer")
        assert ("Edit" in footer_names(app)) is offered_keys
        help_text = " ".join(row.what for row in keys_of(app))  # what F1 lists
        for key in ("Edit", "Status", "Adjust", "Merge duplicate"):
            assert (key in help_text) is offered_keys, key
        assert "Sale" in help_text and "Pay debt" in help_text


@pilot_test
@pytest.mark.parametrize("role, offered_keys", [("cashier", False), ("owner", True)])
async def test_a_cashier_is_not_offered_the_report_exports(database, role, offered_keys):
    from screens.reports.report_screen import ReportScreen

    user = users.add_user("Lan", role, "2222")
    app = app_for(database)
    app.actor = Actor(user=user)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ReportScreen("portrait", app.formats, app.actor))
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, ReportScreen) and app.screen.query(ShopFooter) and "Run" in footer_names(app)
            ),
            what="the form",
        )
        assert ("CSV" in footer_names(app) and "Excel" in footer_names(app)) is offered_keys
